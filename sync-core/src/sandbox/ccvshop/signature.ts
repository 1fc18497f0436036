/**
 * The simulator's own reading of CCV Shop's signing rules (../shared/specs/shops.md 4.2), written
 * from the spec and not shared with the client (sources/ccvshop/signing.ts): a judge that reused
 * the client's signer would accept whatever the client gets wrong.
 *
 *   x-hash = lower-case hex( HMAC-SHA512( key = api secret,
 *                                         msg = public|METHOD|uri|body|x-date ) )
 *
 * `uri` starts at `/api/rest/v1/` and includes the query string as requested; `body` is the exact
 * text sent ('' for GET/DELETE); responses are signed the same way over the response body.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface SignedParts {
  publicKey: string;
  method: string;
  uri: string;
  body: string;
  date: string;
}

export function expectedHash(secret: string, p: SignedParts): string {
  const mac = createHmac('sha512', Buffer.from(secret, 'utf8'));
  for (const [i, part] of [p.publicKey, p.method.toUpperCase(), p.uri, p.body, p.date].entries()) {
    if (i > 0) mac.update('|');
    mac.update(part, 'utf8');
  }
  return mac.digest('hex');
}

/** CCV compares lower-case hex digests; an upper-case or truncated digest does not match. */
export function hashMatches(secret: string, p: SignedParts, given: string): boolean {
  const want = Buffer.from(expectedHash(secret, p), 'latin1');
  const got = Buffer.from(given, 'latin1');
  return want.length === got.length && timingSafeEqual(want, got);
}

/** The server's `x-date`: UTC seconds with `+00:00`, as PHP's date('c') writes it. */
export function serverDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}T${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}+00:00`;
}

/** The `x-date` spellings working clients send (shops.md 4.2): `+00:00`, `+0000`, `Z`; null otherwise. */
export function readClientDate(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|([+-])(\d{2}):?(\d{2}))$/.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, , zone, sign, zh, zm] = m;
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(utc)) return null;
  const offsetMin = zone === 'Z' ? 0 : (sign === '-' ? -1 : 1) * (Number(zh) * 60 + Number(zm));
  return utc - offsetMin * 60_000;
}
