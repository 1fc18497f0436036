/**
 * BookingPlan -> Moneybird invoice details, with the cent correction.
 *
 * Moneybird computes VAT itself: per tax rate, over the sum of the lines of that rate, rounded
 * once (half away from zero). The shop usually rounded per line, so Moneybird's VAT for a rate
 * can differ from the plan's by a cent or two. Moneybird has no field for an explicit VAT amount,
 * so we correct through the lines:
 *
 *   for a rate r whose predicted VAT differs from the plan's VAT T_r, we look for the smallest
 *   amount d (in cents) such that Moneybird's VAT on (S_r + d) is exactly T_r, where S_r is the
 *   sum of the rate's lines (net when prices are excl. VAT, gross when incl.). We then add
 *     - a line "VAT rounding adjustment" of d at rate r, and
 *     - a line of -d at a 0 % rate,
 *   both on the rounding ledger account. The two lines cancel in the total, the rate's VAT
 *   becomes T_r, and the rounding account nets to zero. Excl. VAT the total is
 *   sum(S) + sum(T) = plan net + plan VAT; incl. VAT it is sum(gross) = plan gross. Only the
 *   taxable base reported for rate r moves by d (the shop's own per-line rounding difference).
 *
 * The result also carries the prediction so the caller can compare it with what Moneybird
 * answers (`tax_totals`, `total_price_incl_tax`) and refuse to continue on any difference.
 */
import type { BookingPlan, GlRole, PlanLine } from '../../plan/types';
import { D, Dec, dec, fixed, sum } from '../../model/money';
import { ShopbooksError } from '../../model/errors';

export interface ResolvedTaxRate {
  id: string;
  /** Moneybird's percentage as a decimal string ("21.0"). */
  percentage: string;
}

export interface DetailInput {
  description: string;
  amount: string;
  price: string;
  tax_rate_id: string;
  ledger_account_id: string;
  row_order?: number;
}

export interface LineContext {
  rounding?: VatRounding;
  /** VAT key -> Moneybird tax rate (already validated). */
  taxRate: (key: string) => ResolvedTaxRate;
  ledgerAccount: (role: GlRole) => string;
  /** A 0 % sales tax rate for the correction's counter line. */
  zeroRate: ResolvedTaxRate;
}

export interface PredictedTotals {
  /** Gross total Moneybird will show (`total_price_incl_tax`). */
  totalInclTax: string;
  /** Tax per Moneybird tax rate id (only rates with lines). */
  taxByRateId: Record<string, string>;
}

export interface BuiltDetails {
  details: DetailInput[];
  predicted: PredictedTotals;
  corrections: Array<{ taxRateId: string; amount: string }>;
}

const MAX_DESCRIPTION = 4096;

/**
 * How Moneybird rounds VAT. Not documented; `perRate` + `halfUp` fits Moneybird's own example
 * (129.95 at 21 % -> 27.29) and the per-rate `tax_totals`. Configurable so it can be pinned once
 * verified on a real sandbox administration.
 */
export interface VatRounding {
  strategy: 'perRate' | 'perLine';
  mode: 'halfUp' | 'halfEven';
}
export const DEFAULT_VAT_ROUNDING: VatRounding = { strategy: 'perRate', mode: 'halfUp' };

function roundCents(v: Dec, mode: VatRounding['mode']): Dec {
  return v.toDecimalPlaces(2, mode === 'halfEven' ? D.ROUND_HALF_EVEN : D.ROUND_HALF_UP);
}

function rawTax(value: Dec, percentage: string, pricesInclTax: boolean): Dec {
  const p = dec(percentage);
  return pricesInclTax ? value.times(p).div(p.plus(100)) : value.times(p).div(100);
}

/** Moneybird's VAT for one rate over the values (line totals) of that rate. */
export function rateTax(
  values: Dec[],
  percentage: string,
  pricesInclTax: boolean,
  rounding: VatRounding = DEFAULT_VAT_ROUNDING,
): Dec {
  if (rounding.strategy === 'perLine') {
    return values.reduce<Dec>(
      (acc, v) => acc.plus(roundCents(rawTax(v, percentage, pricesInclTax), rounding.mode)),
      new D(0),
    );
  }
  return roundCents(rawTax(sum(values), percentage, pricesInclTax), rounding.mode);
}

/** Per-rate VAT over one sum (the default strategy). */
export function moneybirdTax(lineSum: Dec | string, percentage: string, pricesInclTax: boolean): Dec {
  return rateTax([dec(lineSum)], percentage, pricesInclTax, DEFAULT_VAT_ROUNDING);
}

/** The value Moneybird will see for a plan line: net excl. VAT, or net + VAT incl. VAT. */
function lineValue(line: PlanLine, pricesInclTax: boolean): Dec {
  return pricesInclTax ? dec(line.net).plus(dec(line.vat)) : dec(line.net);
}

/**
 * Quantity and unit price so that amount x price is exactly the line value. When the value does
 * not divide into a 2-decimal unit price, the line is sent as 1 x value with the quantity in the
 * description (no cent may get lost in a unit price).
 */
export function quantityAndPrice(
  quantity: string,
  value: Dec,
): { amount: string; price: string; inDescription: boolean } {
  const q = dec(quantity);
  if (!q.isZero()) {
    const unit = value.div(q);
    if (unit.decimalPlaces() <= 2 && unit.times(q).equals(value)) {
      return { amount: q.toFixed(), price: fixed(unit), inDescription: false };
    }
  }
  return { amount: '1', price: fixed(value), inDescription: !q.equals(1) && !q.isZero() };
}

/**
 * The smallest extra line d (whole cents) at this rate such that Moneybird's VAT over
 * values + [d] equals `target`; 0 when it already does; null when no such line is near.
 * The VAT is monotonic in d, so the valid d form an interval about 1/rate cents wide; we scan
 * a window around the estimate (target - current) / rate and keep the d closest to zero.
 */
export function findCorrection(
  values: Dec[],
  target: Dec,
  percentage: string,
  pricesInclTax: boolean,
  rounding: VatRounding = DEFAULT_VAT_ROUNDING,
): Dec | null {
  const current = rateTax(values, percentage, pricesInclTax, rounding);
  if (current.equals(target)) return new D(0);
  const p = dec(percentage);
  if (p.isZero()) return null;
  const factor = pricesInclTax ? p.div(p.plus(100)) : p.div(100);
  const estimateCents = target.minus(current).div(factor).times(100).toDecimalPlaces(0).toNumber();
  const radius = Math.ceil(2 / factor.toNumber()) + 3;
  let best: Dec | null = null;
  for (let c = estimateCents - radius; c <= estimateCents + radius; c++) {
    if (c === 0) continue;
    const d = new D(c).div(100);
    if (!rateTax([...values, d], percentage, pricesInclTax, rounding).equals(target)) continue;
    if (!best || d.abs().lessThan(best.abs())) best = d;
  }
  return best;
}

/** Check that the plan adds up before anything is sent. */
export function assertPlanConsistent(plan: BookingPlan): void {
  const net = sum(plan.lines.map((l) => l.net));
  const vat = sum(plan.lines.map((l) => l.vat));
  const vatByRate = sum(plan.vatByRate.map((r) => r.vat));
  const problems: string[] = [];
  if (!net.equals(dec(plan.totals.net)))
    problems.push(`lines net ${fixed(net)} ≠ total net ${plan.totals.net}`);
  if (!vat.equals(dec(plan.totals.vat)))
    problems.push(`lines VAT ${fixed(vat)} ≠ total VAT ${plan.totals.vat}`);
  if (!vatByRate.equals(dec(plan.totals.vat)))
    problems.push(`VAT per rate ${fixed(vatByRate)} ≠ total VAT ${plan.totals.vat}`);
  if (!dec(plan.totals.net).plus(dec(plan.totals.vat)).equals(dec(plan.totals.gross)))
    problems.push(`net + VAT ≠ gross ${plan.totals.gross}`);
  for (const r of plan.vatByRate) {
    const lines = plan.lines.filter((l) => l.vatInfo.key === r.key);
    if (!sum(lines.map((l) => l.net)).equals(dec(r.base)))
      problems.push(`base of ${r.key} does not match its lines`);
  }
  if (problems.length) {
    throw new ShopbooksError(
      'TotalsDoNotReconcile',
      `Order ${plan.orderNumber}: the booking does not add up (${problems.join('; ')}).`,
      {
        retryable: false,
        details: { reference: plan.reference, problems },
      },
    );
  }
}

export function buildDetails(plan: BookingPlan, ctx: LineContext): BuiltDetails {
  assertPlanConsistent(plan);
  const incl = plan.pricesIncludeTax;
  const details: DetailInput[] = [];
  const rounding = ctx.rounding ?? DEFAULT_VAT_ROUNDING;
  const sumByRate = new Map<string, { rate: ResolvedTaxRate; values: Dec[] }>();
  const add = (rate: ResolvedTaxRate, value: Dec) => {
    const cur = sumByRate.get(rate.id) ?? { rate, values: [] };
    cur.values.push(value);
    sumByRate.set(rate.id, cur);
  };

  for (const line of plan.lines) {
    const rate = ctx.taxRate(line.vatInfo.key);
    const value = lineValue(line, incl);
    // A rounding line worth nothing here (e.g. a VAT-only line when prices are excl. VAT) is left
    // off the invoice: its VAT is in the plan's VAT per rate, which the correction below meets.
    if (line.role === 'rounding' && value.isZero()) continue;
    const qp = quantityAndPrice(line.quantity, value);
    let description = qp.inDescription
      ? `${dec(line.quantity).toFixed()} × ${line.description}`
      : line.description;
    if (line.sku && !description.includes(line.sku)) description = `${description} (${line.sku})`;
    details.push({
      description: description.slice(0, MAX_DESCRIPTION),
      amount: qp.amount,
      price: qp.price,
      tax_rate_id: rate.id,
      ledger_account_id: ctx.ledgerAccount(line.role),
    });
    add(rate, value);
  }

  // The plan's VAT per Moneybird rate (several plan keys may map to one Moneybird rate).
  const targetTax = new Map<string, Dec>();
  for (const r of plan.vatByRate) {
    const rate = ctx.taxRate(r.key);
    targetTax.set(rate.id, (targetTax.get(rate.id) ?? new D(0)).plus(dec(r.vat)));
  }

  const corrections: BuiltDetails['corrections'] = [];
  for (const { rate, values } of [...sumByRate.values()]) {
    const target = targetTax.get(rate.id) ?? new D(0);
    const s = sum(values);
    const d = findCorrection([...values], target, rate.percentage, incl, rounding);
    if (d === null) {
      throw new ShopbooksError(
        'TotalsDoNotReconcile',
        `Order ${plan.orderNumber}: the VAT of ${fixed(target)} at ${dec(rate.percentage).toFixed()} % cannot be reproduced in Moneybird (lines add up to ${fixed(s)}).`,
        { retryable: false, details: { reference: plan.reference, taxRateId: rate.id } },
      );
    }
    if (d.isZero()) continue;
    const ledger = ctx.ledgerAccount('rounding');
    const pct = dec(rate.percentage).toFixed();
    details.push(
      {
        description: `BTW-afronding ${pct}% / VAT rounding adjustment`,
        amount: '1',
        price: fixed(d),
        tax_rate_id: rate.id,
        ledger_account_id: ledger,
      },
      {
        description: `BTW-afronding ${pct}% (tegenboeking) / VAT rounding counter entry`,
        amount: '1',
        price: fixed(d.negated()),
        tax_rate_id: ctx.zeroRate.id,
        ledger_account_id: ledger,
      },
    );
    add(rate, d);
    add(ctx.zeroRate, d.negated());
    corrections.push({ taxRateId: rate.id, amount: fixed(d) });
  }
  details.forEach((d, i) => (d.row_order = i + 1));

  const taxByRateId: Record<string, string> = {};
  let totalTax = new D(0);
  let totalLines = new D(0);
  for (const { rate, values } of sumByRate.values()) {
    const s = sum(values);
    const t = rateTax(values, rate.percentage, incl, rounding);
    taxByRateId[rate.id] = fixed(t);
    if (!t.equals(targetTax.get(rate.id) ?? new D(0))) {
      throw new ShopbooksError(
        'TotalsDoNotReconcile',
        `Order ${plan.orderNumber}: the VAT at ${dec(rate.percentage).toFixed()} % would be ${fixed(t)} instead of ${fixed(targetTax.get(rate.id) ?? '0')}.`,
        {
          retryable: false,
          details: { reference: plan.reference, taxRateId: rate.id },
        },
      );
    }
    totalTax = totalTax.plus(t);
    totalLines = totalLines.plus(s);
  }
  const totalInclTax = incl ? totalLines : totalLines.plus(totalTax);
  if (!totalInclTax.equals(dec(plan.totals.gross))) {
    throw new ShopbooksError(
      'TotalsDoNotReconcile',
      `Order ${plan.orderNumber}: Moneybird would total ${fixed(totalInclTax)} instead of ${plan.totals.gross}.`,
      {
        retryable: false,
        details: { reference: plan.reference },
      },
    );
  }
  return { details, predicted: { totalInclTax: fixed(totalInclTax), taxByRateId }, corrections };
}

/**
 * Compare what Moneybird answered with the prediction (and so with the plan). Returns the
 * differences in words; empty when everything matches to the cent.
 */
export function compareWithMoneybird(
  predicted: PredictedTotals,
  doc: { total_price_incl_tax: string; tax_totals: Array<{ tax_rate_id: string; tax_amount: string }> },
): string[] {
  const problems: string[] = [];
  if (!dec(doc.total_price_incl_tax).equals(dec(predicted.totalInclTax))) {
    problems.push(`total ${doc.total_price_incl_tax} instead of ${predicted.totalInclTax}`);
  }
  const actual = new Map<string, Dec>();
  for (const t of doc.tax_totals)
    actual.set(t.tax_rate_id, (actual.get(t.tax_rate_id) ?? new D(0)).plus(dec(t.tax_amount)));
  const ids = new Set([...Object.keys(predicted.taxByRateId), ...actual.keys()]);
  for (const id of ids) {
    const want = dec(predicted.taxByRateId[id] ?? '0');
    const got = actual.get(id) ?? new D(0);
    if (!want.equals(got)) problems.push(`VAT on rate ${id} ${fixed(got)} instead of ${fixed(want)}`);
  }
  return problems;
}
