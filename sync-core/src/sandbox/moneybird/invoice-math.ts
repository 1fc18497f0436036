/**
 * Invoice totals as the simulator computes them. Moneybird does not document its algorithm; the
 * response carries `tax_totals` per tax rate, and the official example (129.95 at 21 % → 27.29,
 * total 157.24) fits VAT computed once per rate on the summed lines. So the default strategy is:
 *
 * - every line total = unit price × quantity × (1 − invoice discount %), rounded to cents;
 * - prices excl. tax: per rate, tax = rate % × Σ line totals of that rate, rounded once;
 * - prices incl. tax: per rate, gross = Σ line totals; tax = gross × r / (100 + r), rounded once;
 *   taxable (excl.) = gross − tax;
 * - rounding half-up (half away from zero).
 *
 * Both choices are options (`VatRoundingOptions`) so tests can pin them once verified against a real
 * sandbox administration: `perLine` computes tax per line and sums, `halfEven` rounds banker's style.
 */
import { D, type Dec } from '../../model/money';

export interface VatRoundingOptions {
  /** 'perRate' (default): one rounding per tax rate on the invoice total. 'perLine': round per line, then sum. */
  strategy?: 'perRate' | 'perLine';
  /** 'halfUp' (default, half away from zero) or 'halfEven'. */
  mode?: 'halfUp' | 'halfEven';
}

export interface MathLine {
  price: Dec;
  quantity: Dec;
  taxRateId: string;
  percentage: Dec;
}

export interface LineTotals {
  /** Line total in the entered price terms (gross when prices include tax), after discount. */
  totalWithDiscount: Dec;
  /** Line total excl. tax after discount (what `total_price_excl_tax_with_discount` shows). */
  totalExclWithDiscount: Dec;
}

export interface RateTotals {
  taxRateId: string;
  percentage: Dec;
  taxable: Dec;
  tax: Dec;
}

export interface InvoiceTotals {
  lines: LineTotals[];
  perRate: RateTotals[];
  totalExcl: Dec;
  totalIncl: Dec;
  totalDiscount: Dec;
}

export function roundCents(value: Dec, mode: VatRoundingOptions['mode'] = 'halfUp'): Dec {
  return value.toDecimalPlaces(2, mode === 'halfEven' ? D.ROUND_HALF_EVEN : D.ROUND_HALF_UP);
}

export function computeTotals(lines: MathLine[], pricesInclTax: boolean, discountPct: Dec, opts: VatRoundingOptions = {}): InvoiceTotals {
  const mode = opts.mode ?? 'halfUp';
  const strategy = opts.strategy ?? 'perRate';
  const factor = new D(1).minus(discountPct.dividedBy(100));
  let totalDiscount = new D(0);
  const lineTotals: LineTotals[] = [];
  const byRate = new Map<string, { percentage: Dec; sum: Dec; taxPerLine: Dec }>();
  for (const l of lines) {
    const undiscounted = roundCents(l.price.times(l.quantity), mode);
    const total = roundCents(l.price.times(l.quantity).times(factor), mode);
    totalDiscount = totalDiscount.plus(undiscounted.minus(total));
    const r = l.percentage;
    const lineTax = pricesInclTax ? roundCents(total.times(r).dividedBy(r.plus(100)), mode) : roundCents(total.times(r).dividedBy(100), mode);
    lineTotals.push({ totalWithDiscount: total, totalExclWithDiscount: pricesInclTax ? total.minus(lineTax) : total });
    const acc = byRate.get(l.taxRateId) ?? { percentage: r, sum: new D(0), taxPerLine: new D(0) };
    acc.sum = acc.sum.plus(total);
    acc.taxPerLine = acc.taxPerLine.plus(lineTax);
    byRate.set(l.taxRateId, acc);
  }
  const perRate: RateTotals[] = [];
  let totalExcl = new D(0);
  let totalIncl = new D(0);
  for (const [taxRateId, acc] of byRate) {
    const r = acc.percentage;
    let tax: Dec;
    if (strategy === 'perLine') tax = acc.taxPerLine;
    else tax = pricesInclTax ? roundCents(acc.sum.times(r).dividedBy(r.plus(100)), mode) : roundCents(acc.sum.times(r).dividedBy(100), mode);
    const taxable = pricesInclTax ? acc.sum.minus(tax) : acc.sum;
    perRate.push({ taxRateId, percentage: r, taxable, tax });
    totalExcl = totalExcl.plus(taxable);
    totalIncl = totalIncl.plus(taxable).plus(tax);
  }
  return { lines: lineTotals, perRate, totalExcl, totalIncl, totalDiscount };
}
