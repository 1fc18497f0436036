/**
 * Route table types shared by the resource modules, the scopes each endpoint needs (SPEC
 * "Required scope(s)", research notes §1.3), and list helpers (paging with RFC 8288 Link headers,
 * `filter=` parsing, periods).
 */
import type { AdministrationState } from './model';
import { badRequest } from './errors';
import type { Json } from './seed';

export const ALL_SCOPES = ['sales_invoices', 'documents', 'estimates', 'bank', 'time_entries', 'settings'] as const;
export type Scope = (typeof ALL_SCOPES)[number];

export const SCOPES = {
  salesInvoices: ['sales_invoices'] as Scope[],
  contacts: ['estimates', 'sales_invoices', 'documents', 'bank', 'settings'] as Scope[],
  taxRates: ['settings', 'sales_invoices', 'documents', 'estimates'] as Scope[],
  ledgerAccounts: ['settings', 'sales_invoices', 'documents', 'estimates'] as Scope[],
  workflows: ['settings', 'sales_invoices', 'documents', 'estimates', 'bank'] as Scope[],
  documentStyles: ['settings', 'sales_invoices', 'estimates'] as Scope[],
  customFields: ['settings', 'sales_invoices', 'documents', 'estimates', 'bank'] as Scope[],
  settings: ['settings'] as Scope[],
};

export interface UploadedFile {
  field: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

export interface RouteContext {
  adm: AdministrationState;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The parsed JSON body ({} when there was none). */
  body: Json;
  /** Whether the request carried a body at all. */
  hasBody: boolean;
  files: UploadedFile[];
  /** The request URL as the client addressed it (for Link headers). */
  requestUrl: URL;
  /** Lazily applies clock-driven transitions (scheduled → open, open → late) before reads. */
  refreshAll(): void;
}

export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** For 302 download redirects. */
  location?: string;
}

export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path below /api/v2/{administration_id}/, without format, with :params. */
  path: string;
  scopes: Scope[];
  multipart?: boolean;
  handler(ctx: RouteContext): RouteResult | Promise<RouteResult>;
}

export function ok(body: unknown, status = 200, headers?: Record<string, string>): RouteResult {
  return { status, body, headers };
}
export const noContent = (): RouteResult => ({ status: 204 });

/** `page` / `per_page`: default 50, 1…100; anything else is a 400 as in the SPEC examples. */
export function paginate<T>(ctx: RouteContext, items: T[]): { items: T[]; headers: Record<string, string> } {
  const perPageRaw = ctx.query.get('per_page');
  const pageRaw = ctx.query.get('page');
  const perPage = perPageRaw === null ? 50 : Number(perPageRaw);
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) throw badRequest('per_page does not have a valid value');
  const page = pageRaw === null ? 1 : Number(pageRaw);
  if (!Number.isInteger(page) || page < 1 || page > 1_000_000) throw badRequest('page does not have a valid value');
  const start = (page - 1) * perPage;
  const slice = items.slice(start, start + perPage);
  const links: string[] = [];
  const link = (p: number, rel: string) => {
    const u = new URL(ctx.requestUrl.toString());
    u.searchParams.set('page', String(p));
    u.searchParams.set('per_page', String(perPage));
    links.push(`<${u.toString()}>; rel="${rel}"`);
  };
  if (page > 1) link(page - 1, 'prev');
  if (start + perPage < items.length) link(page + 1, 'next');
  return { items: slice, headers: links.length ? { Link: links.join(', ') } : {} };
}

/** `filter=key:value,key:value`, multiple values with `|`. Returns null when no filter was given. */
export function parseFilter(raw: string | null): Map<string, string[]> | null {
  if (raw === null || raw.trim() === '') return null;
  const out = new Map<string, string[]>();
  for (const part of raw.split(',')) {
    const i = part.indexOf(':');
    if (i < 0) continue;
    const key = part.slice(0, i).trim();
    const value = part.slice(i + 1).trim();
    out.set(key, value.split('|'));
  }
  return out;
}

function ymd(y: number, m: number, d: number): string {
  return new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10);
}

/**
 * A `period` filter value → [from, to] inclusive dates. Presets this_/prev_/next_ week|month|quarter|year,
 * `YYYYMM..YYYYMM`, `YYYYMMDD..YYYYMMDD`. Open-ended ranges are a 400 (SPEC example).
 */
export function parsePeriod(value: string, today: string): [string, string] {
  const [ty, tm, td] = today.split('-').map(Number);
  const preset = /^(this|prev|next)_(week|month|quarter|year)$/.exec(value);
  if (preset) {
    const shift = preset[1] === 'this' ? 0 : preset[1] === 'prev' ? -1 : 1;
    switch (preset[2]) {
      case 'year':
        return [ymd(ty + shift, 1, 1), ymd(ty + shift, 12, 31)];
      case 'quarter': {
        const q = Math.floor((tm - 1) / 3) + shift;
        const startMonth = q * 3 + 1;
        return [ymd(ty, startMonth, 1), ymd(ty, startMonth + 3, 0)];
      }
      case 'month':
        return [ymd(ty, tm + shift, 1), ymd(ty, tm + shift + 1, 0)];
      case 'week': {
        const dow = (new Date(Date.UTC(ty, tm - 1, td)).getUTCDay() + 6) % 7; // Monday = 0
        return [ymd(ty, tm, td - dow + 7 * shift), ymd(ty, tm, td - dow + 6 + 7 * shift)];
      }
    }
  }
  const range = /^(\d*)\.\.(\d*)$/.exec(value);
  if (range) {
    const [, a, b] = range;
    if (!a || !b) throw badRequest('Period must have both a start and end date');
    const parse = (s: string, end: boolean): string | null => {
      if (/^\d{8}$/.test(s)) return ymd(Number(s.slice(0, 4)), Number(s.slice(4, 6)), Number(s.slice(6, 8)));
      if (/^\d{6}$/.test(s)) return end ? ymd(Number(s.slice(0, 4)), Number(s.slice(4, 6)) + 1, 0) : ymd(Number(s.slice(0, 4)), Number(s.slice(4, 6)), 1);
      return null;
    };
    const from = parse(a, false);
    const to = parse(b, true);
    if (from && to) return [from, to];
  }
  throw badRequest('Period is not valid', { filter: 'invalid' });
}
