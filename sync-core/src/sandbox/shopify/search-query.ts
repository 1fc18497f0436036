/**
 * Shopify's order search syntax (the `query` argument), the part the simulator understands:
 * `updated_at:>'2025-01-01T00:00:00Z' created_at:<=2025-02-01 status:any financial_status:paid
 * source_name:pos id:>1000 test:false`. Terms are ANDed. Unknown fields and unparsable values are
 * ignored with a warning in `extensions.search`, as Shopify does.
 */
import type { SimOrder } from './types';

export interface SearchWarning {
  path: string;
  query: string;
  warnings: Array<{ field: string; message: string; code: string }>;
}

type Cmp = '>' | '>=' | '<' | '<=' | '=';
type Predicate = (o: SimOrder) => boolean;

function tokenize(q: string): string[] {
  const out: string[] = [];
  const re = /\s*([^\s'"]+(?:'[^']*'|"[^"]*")?[^\s]*)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(q)) !== null) if (m[1]) out.push(m[1]);
  return out;
}

function cmp(a: number, c: Cmp, b: number): boolean {
  switch (c) {
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    default:
      return a === b;
  }
}

export function parseOrderSearch(query: string | null | undefined): {
  predicate: Predicate;
  warnings: SearchWarning['warnings'];
} {
  const preds: Predicate[] = [];
  const warnings: SearchWarning['warnings'] = [];
  for (const tok of tokenize(query ?? '')) {
    if (tok === 'AND') continue;
    const m = /^([a-z_]+):(>=|<=|>|<)?(.*)$/.exec(tok);
    if (!m) {
      warnings.push({
        field: tok,
        message: 'Free-text search is not supported by the simulator',
        code: 'invalid_field',
      });
      continue;
    }
    const [, field, c, rawValue] = m;
    const comparator = (c || '=') as Cmp;
    const value = rawValue.replace(/^'(.*)'$/, '$1').replace(/^"(.*)"$/, '$1');
    switch (field) {
      case 'updated_at':
      case 'created_at':
      case 'processed_at': {
        const t = Date.parse(value);
        if (Number.isNaN(t)) {
          warnings.push({ field, message: `Invalid date value '${value}'`, code: 'invalid_value' });
          break;
        }
        const key =
          field === 'updated_at' ? 'updatedAt' : field === 'created_at' ? 'createdAt' : 'processedAt';
        // Shopify compares at second precision.
        preds.push((o) => cmp(Math.floor(Date.parse(o[key]) / 1000), comparator, Math.floor(t / 1000)));
        break;
      }
      case 'status': {
        const v = value.toLowerCase();
        if (v === 'any') break;
        if (v === 'open') preds.push((o) => !o.closedAt && !o.cancelledAt);
        else if (v === 'closed') preds.push((o) => !!o.closedAt);
        else if (v === 'cancelled') preds.push((o) => !!o.cancelledAt);
        else warnings.push({ field, message: `Invalid value '${value}'`, code: 'invalid_value' });
        break;
      }
      case 'financial_status': {
        const v = value.toUpperCase();
        preds.push((o) => (o.displayFinancialStatus ?? '') === v);
        break;
      }
      case 'source_name':
        preds.push((o) => (o.sourceName ?? '') === value);
        break;
      case 'test':
        preds.push((o) => o.test === (value === 'true'));
        break;
      case 'id': {
        if (!/^\d+$/.test(value)) {
          warnings.push({ field, message: `Invalid value '${value}'`, code: 'invalid_value' });
          break;
        }
        const n = Number(value);
        preds.push((o) => cmp(Number(o.legacyResourceId), comparator, n));
        break;
      }
      default:
        warnings.push({ field, message: 'Invalid search field for this query.', code: 'invalid_field' });
    }
  }
  return { predicate: (o) => preds.every((p) => p(o)), warnings };
}
