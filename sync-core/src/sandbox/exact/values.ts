/**
 * Edm value conversion: request payload -> stored value (400 binding errors, as WCF Data Services
 * words them), stored value -> verbose JSON output (`/Date(ms)/`, lowercase GUIDs, numbers).
 *
 * Stored representation: Guid lowercase string; DateTime epoch ms (number); Double a decimal
 * string (never a float, see model/money.ts); integers numbers; strings; booleans; null.
 */
import { D, DECIMAL_RE } from '../../model/money';
import type { EdmType } from './entity-table';
import { badRequest } from './errors';

export const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?(Z|[+-]\d{2}:\d{2})?$/;
const MSDATE_RE = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/;

const CLR: Record<string, string> = {
  Guid: 'System.Guid',
  UTF8String: 'System.String',
  UTF8CodeString: 'System.String',
  Int16: 'System.Int16',
  Int32: 'System.Int32',
  Int64: 'System.Int64',
  Byte: 'System.Byte',
  Double: 'System.Double',
  Boolean: 'System.Boolean',
  DateTime: 'System.DateTime',
  Binary: 'System.Byte[]',
};

const INT_RANGE: Record<string, [number, number]> = {
  Byte: [0, 255],
  Int16: [-32768, 32767],
  Int32: [-2147483648, 2147483647],
  Int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

function conversionError(field: string, type: EdmType): Error {
  return badRequest(
    `Error processing request stream. Error encountered in converting the value from request payload for property '${field}' to type '${CLR[type ?? 'UTF8String'] ?? 'System.String'}', which is the property's expected type. See inner exception for more detail.`,
  );
}

/** Parse an ISO 8601 date(-time) or `/Date(ms)/`. A time without zone is read as UTC (spec 4.6). */
export function parseDate(value: string): number | null {
  const ms = MSDATE_RE.exec(value);
  if (ms) return Number(ms[1]);
  const m = ISO_RE.exec(value);
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0', zone] = m;
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(frac.padEnd(3, '0').slice(0, 3)));
  const check = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d)) return null;
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    t -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60000;
  }
  return t;
}

/** Convert one payload value to its stored form, or throw the 400 binding error. */
export function bindValue(field: string, type: EdmType, value: unknown): unknown {
  if (value === null) return null;
  switch (type) {
    case 'Guid':
      if (typeof value === 'string' && GUID_RE.test(value)) return value.toLowerCase();
      throw conversionError(field, type);
    case 'UTF8String':
    case 'UTF8CodeString':
    case null:
      if (typeof value === 'string') return value;
      throw conversionError(field, type);
    case 'Int16':
    case 'Int32':
    case 'Int64':
    case 'Byte': {
      const [lo, hi] = INT_RANGE[type];
      let n: number | undefined;
      if (typeof value === 'number') n = value;
      else if (type === 'Int64' && typeof value === 'string' && /^-?\d+$/.test(value)) n = Number(value);
      if (n === undefined || !Number.isInteger(n) || n < lo || n > hi) throw conversionError(field, type);
      return n;
    }
    case 'Double': {
      // Exact accepts JSON numbers and numeric strings (ossobv sends strings to avoid float artefacts).
      if (typeof value === 'number' && Number.isFinite(value)) return new D(String(value)).toFixed();
      if (typeof value === 'string' && DECIMAL_RE.test(value.trim())) return new D(value.trim()).toFixed();
      throw conversionError(field, type);
    }
    case 'Boolean':
      if (typeof value === 'boolean') return value;
      throw conversionError(field, type);
    case 'DateTime': {
      if (typeof value === 'string') {
        const t = parseDate(value);
        if (t !== null) return t;
      }
      throw conversionError(field, type);
    }
    case 'Binary':
      if (typeof value === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(value)) return value;
      throw conversionError(field, type);
    case 'Collection':
      throw conversionError(field, type);
  }
}

/** Stored value -> verbose JSON output. */
export function renderValue(type: EdmType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'DateTime':
      return `/Date(${value as number})/`;
    case 'Double':
      // Exact's Edm.Double goes out as a JSON number; the stored decimal string is exact.
      return Number(value as string);
    case 'Guid':
      return (value as string).toLowerCase();
    default:
      return value;
  }
}

/** Midnight UTC of the day containing `ms`. */
export function dayStart(ms: number): number {
  return Math.floor(ms / 86400000) * 86400000;
}
