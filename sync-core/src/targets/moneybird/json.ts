/**
 * JSON parsing that never turns a Moneybird id into a JavaScript number.
 *
 * Moneybird ids are 18 digits (above 2^53). Responses send them as strings, but some fields
 * (and some examples in Moneybird's own spec, e.g. `administration_id: 123`) are JSON numbers.
 * `JSON.parse` would silently round an 18-digit number; here every integer literal longer than
 * 15 digits is quoted before parsing, so it arrives as the exact decimal string. Other numbers
 * (versions, counts) parse normally. Money is sent and received as strings anyway.
 */
export function parseJsonKeepingIds(text: string): unknown {
  let out = '';
  let last = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) {
          i += 2;
          continue;
        }
        i++;
        if (d === 34) break;
      }
      continue;
    }
    if (c === 45 /* - */ || (c >= 48 && c <= 57)) {
      const start = i;
      if (c === 45) i++;
      const digitsStart = i;
      while (i < n && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
      const digits = i - digitsStart;
      let integer = true;
      while (i < n && /[.eE+\-0-9]/.test(text[i])) {
        integer = false;
        i++;
      }
      if (integer && digits > 15) {
        out += text.slice(last, start) + '"' + text.slice(start, i) + '"';
        last = i;
      }
      continue;
    }
    i++;
  }
  return JSON.parse(last === 0 ? text : out + text.slice(last));
}
