/**
 * Moneybird wire formats: 18-digit string ids, money in and out, dates in the administration's
 * time zone, `version`, and a JSON parser that keeps large integer ids exact.
 */
import { D, type Dec } from '../../model/money';

/** Moneybird ids are 18-digit numbers, far above 2^53: always handled as strings here. */
export class IdGenerator {
  private next: bigint;
  constructor(start = 510000000000000001n) {
    this.next = start;
  }
  id(): string {
    // A large odd step makes ids look like Moneybird's (non-consecutive) and keeps them 18 digits.
    const v = this.next;
    this.next += 2097153n;
    return v.toString();
  }
}

export const ID_RE = /^\d+$/;

/** An id as a client may send it: a string of digits or a (safe) integer. Returns null when invalid. */
export function parseId(value: unknown): string | null {
  if (typeof value === 'string' && ID_RE.test(value)) return value.replace(/^0+(?=\d)/, '');
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  return null;
}

const MONEY_STRING_RE = /^-?[0-9]+[,.]?[0-9]*$/;
export const MONEY_LIMIT = new D(1_000_000_000);

/**
 * A money input as Moneybird accepts it (`components.schemas.money`): a JSON number, or a string
 * with `.` or `,` as decimal separator ("10,95"), within ±1,000,000,000. Returns null if invalid.
 */
export function parseMoney(value: unknown): Dec | null {
  let d: Dec;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    d = new D(String(value));
  } else if (typeof value === 'string') {
    const t = value.trim();
    if (!MONEY_STRING_RE.test(t)) return null;
    d = new D(t.replace(',', '.').replace(/\.$/, ''));
  } else {
    return null;
  }
  if (d.abs().greaterThan(MONEY_LIMIT)) return null;
  return d;
}

/**
 * Moneybird prints decimals the way Ruby's BigDecimal does: no trailing zeros, but always at
 * least one decimal ("157.24", "300.0", "0.0", "-363.0", "27.2").
 */
export function formatDecimal(value: Dec | string): string {
  let d = typeof value === 'string' ? new D(value) : value;
  if (d.isZero()) d = new D(0); // no "-0.0"
  const s = d.toFixed();
  if (!s.includes('.')) return `${s}.0`;
  const trimmed = s.replace(/0+$/, '');
  return trimmed.endsWith('.') ? `${trimmed}0` : trimmed;
}

/** YYYY-MM-DD of an instant in a time zone (the administration's "today"). */
export function dateInZone(epochMs: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(
    new Date(epochMs),
  );
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

const DATE_RE = /^(\d{4})-(\d{1,2})-(\d{1,2})/;

/** Parse a date or an ISO timestamp into YYYY-MM-DD (the date part as written), or null. */
export function parseDate(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = DATE_RE.exec(value.trim());
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return null;
  return `${m[1]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const dt = new Date(Date.UTC(y, m - 1, d + days));
  return dt.toISOString().slice(0, 10);
}

export function isoTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** Booleans are accepted as booleans or as strings ("true"/"false"/"1"/"0"). */
export function parseBool(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === '1' || value === 1) return true;
  if (value === 'false' || value === '0' || value === 0) return false;
  return null;
}

/**
 * JSON.parse, except that integer literals too large for a double (ids like 496081523137578258)
 * become strings instead of silently losing precision — the Rails API reads them exactly.
 */
export function parseJsonKeepingBigInts(text: string): unknown {
  let out = '';
  let i = 0;
  let inString = false;
  while (i < text.length) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') {
        out += text[i + 1] ?? '';
        i += 2;
        continue;
      }
      if (c === '"') inString = false;
      i += 1;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
      i += 1;
      continue;
    }
    if (c === '-' || (c >= '0' && c <= '9')) {
      let j = i + 1;
      while (j < text.length && /[0-9.eE+-]/.test(text[j])) j += 1;
      const lit = text.slice(i, j);
      if (/^-?\d{16,}$/.test(lit) && !Number.isSafeInteger(Number(lit))) out += `"${lit}"`;
      else out += lit;
      i = j;
      continue;
    }
    out += c;
    i += 1;
  }
  return JSON.parse(out);
}
