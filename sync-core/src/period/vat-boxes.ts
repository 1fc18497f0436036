/**
 * Boxes of the Dutch VAT return (aangifte omzetbelasting) from the plan's VAT keys (plan/vat.ts):
 *
 *   domestic:21              -> 1a  (high rate)
 *   domestic:9               -> 1b  (low rate)
 *   domestic:<other, not 0>  -> 1c  (other rates)
 *   domestic:0, exempt:0     -> 1e  (zero rate / not taxed here; also the plan's rounding lines)
 *   reverse_charge:0         -> 3b  (intra-EU supplies, VAT reverse-charged)
 *   export:0                 -> 3a  (export outside the EU)
 *   oss:DE:19                -> OSS DE 19%  (one-stop shop, per country and rate)
 *
 * A books line whose VAT code no setting maps to a key goes to "unmapped <code>".
 */

export function vatBox(key: string): string {
  const [treatment, ...rest] = key.split(':');
  const percent = rest[rest.length - 1] ?? '';
  switch (treatment) {
    case 'domestic':
      if (percent === '21') return '1a';
      if (percent === '9') return '1b';
      if (percent === '0') return '1e';
      return '1c';
    case 'exempt':
      return '1e';
    case 'reverse_charge':
      return '3b';
    case 'export':
      return '3a';
    case 'oss':
      return `OSS ${rest[0]} ${percent}%`;
    default:
      return `unmapped ${key}`;
  }
}

export function unmappedBox(vatCode: string): string {
  return `unmapped VAT code ${vatCode}`;
}

const ORDER = ['1a', '1b', '1c', '1e', '3a', '3b'];

/** Boxes in the order of the return: 1a..1e, 3a, 3b, then OSS by country and rate, then unmapped. */
export function compareBoxes(a: string, b: string): number {
  const ia = ORDER.indexOf(a);
  const ib = ORDER.indexOf(b);
  if (ia >= 0 || ib >= 0) return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
  return a.localeCompare(b);
}
