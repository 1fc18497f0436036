/**
 * PHP's view of request parameters: `parse_str` semantics ("+" is a space, `a[]=1&a[]=2` and
 * `a[x]=1` build arrays, insertion order kept), as WordPress/WooCommerce see `$_GET`/`$_POST`.
 */
export type PhpValue = string | PhpArray;
export type PhpArray = Map<string, PhpValue>;

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s.replace(/\+/g, ' ');
  }
}

function nextIndex(m: PhpArray): string {
  let max = -1;
  for (const k of m.keys()) if (/^\d+$/.test(k)) max = Math.max(max, Number(k));
  return String(max + 1);
}

/** parse_str. */
export function parseStr(qs: string): PhpArray {
  const out: PhpArray = new Map();
  if (!qs) return out;
  for (const part of qs.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const rawKey = decode(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : decode(part.slice(eq + 1));
    const b = rawKey.indexOf('[');
    if (b <= 0 || !rawKey.endsWith(']')) {
      out.set(rawKey.replace(/[. ]/g, '_'), value);
      continue;
    }
    const base = rawKey.slice(0, b).replace(/[. ]/g, '_');
    const subs = rawKey
      .slice(b + 1, -1)
      .split('][')
      .map((x) => x);
    let cur = out;
    let key = base;
    for (const sub of subs) {
      let next = cur.get(key);
      if (!(next instanceof Map)) {
        next = new Map();
        cur.set(key, next);
      }
      cur = next;
      key = sub === '' ? nextIndex(cur) : sub;
    }
    cur.set(key, value);
  }
  return out;
}

/** A parameter as a list of strings: arrays give their values, "a,b" CSV lists are split (wp_parse_list). */
export function paramList(v: PhpValue | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  if (v instanceof Map) return [...v.values()].flatMap((x) => (x instanceof Map ? [] : [x]));
  return v
    .split(/[\s,]+/)
    .map((x) => x.trim())
    .filter((x) => x !== '');
}

export function paramString(v: PhpValue | undefined): string | undefined {
  if (v === undefined) return undefined;
  return v instanceof Map ? undefined : v;
}

/** PHP rawurlencode (RFC 3986). */
export function rawurlencode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** WordPress add_query_arg(urlencode_deep(params)) for Link headers. */
export function buildQuery(params: PhpArray, prefix = ''): string {
  const parts: string[] = [];
  for (const [k, v] of params) {
    const key = prefix ? `${prefix}[${k}]` : k;
    if (v instanceof Map) parts.push(buildQuery(v, key));
    else parts.push(`${encodeURIComponent(key).replace(/%5B/g, '%5B').replace(/%5D/g, '%5D')}=${encodeURIComponent(v).replace(/%20/g, '+')}`);
  }
  return parts.filter((p) => p !== '').join('&');
}
