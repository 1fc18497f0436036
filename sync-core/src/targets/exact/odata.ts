/**
 * OData v2 conventions of Exact Online (spec exact-online.md §4): `/Date(ms)/` dates, padded
 * codes, quoted filter literals and the `{"d":...}` envelope.
 */
import { ShopbooksError } from '../../model/errors';

const DATE_RE = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/;

/** "/Date(1455753600000)/" → epoch ms (null for null/empty). An offset suffix is ignored: Exact sends UTC. */
export function parseExactDate(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value !== 'string') throw new ShopbooksError('RemoteBadResponse', `Exact sent a date in an unexpected form (${typeof value}).`);
  const m = DATE_RE.exec(value);
  if (m) return Number(m[1]);
  // Some endpoints echo ISO strings; accept them.
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new ShopbooksError('RemoteBadResponse', `Exact sent an unreadable date: "${value.slice(0, 40)}".`);
  return t;
}

/** "/Date(ms)/" → "YYYY-MM-DD" (UTC), null when absent. */
export function exactDateToIsoDay(value: unknown): string | null {
  const ms = parseExactDate(value);
  return ms === null ? null : new Date(ms).toISOString().slice(0, 10);
}

/** A plan date "YYYY-MM-DD" as Exact wants it on input: ISO 8601 with the time part. */
export function toExactDateTime(day: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new ShopbooksError('MalformedOrder', `The booking date "${day}" is not a YYYY-MM-DD date.`);
  return `${day}T00:00:00`;
}

/** An OData string literal: `'O''Brien'` (single quotes doubled). */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Account codes are 18 characters, right-aligned with leading spaces; filters must use the padded form. */
export function padAccountCode(code: string): string {
  const t = code.trim();
  if (t.length > 18) throw new ShopbooksError('ConfigInvalid', `The Exact account code "${t}" is longer than 18 characters.`);
  return t.padStart(18, ' ');
}

/** Exact pads some codes (VAT codes to 3 characters); compare codes trimmed. */
export function sameCode(a: string | null | undefined, b: string | null | undefined): boolean {
  return (a ?? '').trim() === (b ?? '').trim();
}

export interface ODataPage<T> {
  results: T[];
  next: string | null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Unwrap a collection response. Tolerates `d.results`, `d` as a bare array, and `d` keyed
 * "0","1",... (spec §4.5 reports the latter on some endpoints).
 */
export function unwrapCollection(body: unknown): ODataPage<Record<string, unknown>> {
  if (!isObject(body) || !('d' in body)) throw new ShopbooksError('RemoteBadResponse', 'Exact sent a response without the OData "d" envelope.');
  const d = body.d;
  if (Array.isArray(d)) return { results: d.filter(isObject), next: null };
  if (!isObject(d)) throw new ShopbooksError('RemoteBadResponse', 'Exact sent an OData envelope of an unexpected shape.');
  const next = typeof d.__next === 'string' && d.__next ? d.__next : null;
  if (Array.isArray(d.results)) return { results: d.results.filter(isObject), next };
  const numeric = Object.keys(d).filter((k) => /^\d+$/.test(k));
  if (numeric.length) return { results: numeric.map((k) => d[k]).filter(isObject), next };
  // A single entity where a collection was expected.
  return { results: [d], next: null };
}

/** Unwrap a single-entity response (`{"d":{...}}`, or a one-element collection). */
export function unwrapEntity(body: unknown): Record<string, unknown> {
  if (!isObject(body) || !('d' in body)) throw new ShopbooksError('RemoteBadResponse', 'Exact sent a response without the OData "d" envelope.');
  const d = body.d;
  if (isObject(d) && Array.isArray(d.results)) {
    const first = d.results[0];
    if (!isObject(first)) throw new ShopbooksError('RemoteBadResponse', 'Exact sent an empty result where one record was expected.');
    return first;
  }
  if (!isObject(d)) throw new ShopbooksError('RemoteBadResponse', 'Exact sent an OData entity of an unexpected shape.');
  return d;
}

/** Lines of an expanded collection (`{"results":[...]}`), or [] when deferred/absent. */
export function expandedLines(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.filter(isObject);
  if (isObject(value) && Array.isArray(value.results)) return value.results.filter(isObject);
  return [];
}

/** Build `path?$a=..&$b=..` with OData-friendly encoding (keeps `$`, `,`, `'`, `(`, `)` readable). */
export function withQuery(path: string, query: Record<string, string | number | undefined>): string {
  const parts = Object.entries(query)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v)).replace(/%24/g, '$').replace(/%2C/g, ',').replace(/%27/g, "'")}`);
  return parts.length ? `${path}?${parts.join('&')}` : path;
}
