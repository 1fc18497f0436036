/**
 * CCV Shop request signing (shops.md 4.2), shared by the source and the simulator:
 *   x-hash = hex(HMAC-SHA512(secret, public|METHOD|uri|body|x-date))
 * `uri` is the path from `/api/rest/v1/` including the query string, exactly as requested;
 * `body` is the exact JSON text sent ('' for GET/DELETE). Responses are signed the same way with
 * the response body in place of the request body.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function ccvHash(
  secret: string,
  publicKey: string,
  method: string,
  uri: string,
  body: string,
  date: string,
): string {
  return createHmac('sha512', secret)
    .update(`${publicKey}|${method.toUpperCase()}|${uri}|${body}|${date}`, 'utf8')
    .digest('hex');
}

/** ISO-8601 UTC with `+00:00`, as PHP's date('c') writes it. */
export function ccvDate(ms: number = Date.now()): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', '+00:00');
}

export function signRequest(
  publicKey: string,
  secret: string,
  method: string,
  uri: string,
  body: string,
  date: string = ccvDate(),
): Record<string, string> {
  return {
    'x-public': publicKey,
    'x-date': date,
    'x-hash': ccvHash(secret, publicKey, method, uri, body, date),
  };
}

/** Constant-time comparison of two hex digests. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The `uri` to sign for a URL: path + query string, exactly as it will be sent. */
export function signedUri(url: string): string {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
}

/** Parses the date spellings working clients send: `+00:00`, `+0000`, `Z`. */
export function parseCcvDate(value: string): number | null {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:?\d{2})$/.exec(value.trim());
  if (!m) return null;
  const tz = m[2] === 'Z' ? 'Z' : m[2].length === 5 ? `${m[2].slice(0, 3)}:${m[2].slice(3)}` : m[2];
  const t = Date.parse(`${m[1]}${tz}`);
  return Number.isNaN(t) ? null : t;
}
