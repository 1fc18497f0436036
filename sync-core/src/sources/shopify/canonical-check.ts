/**
 * The canonical order's own arithmetic, as every source must deliver it so that plan/ can book it
 * to the cent: Σ(line net + tax) + Σ(shipping net + tax) + Σ(fee net + tax) = totals.total, and
 * Σ per-rate taxes (items + shipping) = totals.totalTax, and per rate the lines' taxes add up to
 * the shop's tax for that rate. Returns the problems in plain words (empty when consistent).
 * Sources use it in their tests; the engine may use it as a guard.
 */
import { type Dec, D, dec, fixed, sum } from '../../model/money';
import type { Order } from '../../model/order';

export function canonicalProblems(order: Order): string[] {
  const problems: string[] = [];
  const parts = [...order.lines, ...order.shipping, ...order.fees];
  const gross = sum(parts.map((p) => dec(p.net).plus(p.tax)));
  if (!dec(fixed(gross)).equals(dec(order.totals.total))) {
    problems.push(`lines + shipping + fees = ${fixed(gross)} but the order total is ${order.totals.total}`);
  }
  const taxTotal = sum(order.taxes.map((t) => dec(t.itemsTax).plus(t.shippingTax)));
  if (!taxTotal.equals(dec(order.totals.totalTax))) {
    problems.push(
      `taxes per rate add up to ${fixed(taxTotal)} but the order's tax is ${order.totals.totalTax}`,
    );
  }
  const lineTax = sum(parts.map((p) => p.tax));
  if (!dec(fixed(lineTax)).equals(dec(order.totals.totalTax))) {
    problems.push(`line taxes add up to ${fixed(lineTax)} but the order's tax is ${order.totals.totalTax}`);
  }
  const byRate = new Map<string, Dec>();
  for (const p of parts)
    for (const t of p.taxes) byRate.set(t.rateId, (byRate.get(t.rateId) ?? new D(0)).plus(t.amount));
  for (const t of order.taxes) {
    const fromLines = byRate.get(t.rateId) ?? new D(0);
    const shop = dec(t.itemsTax).plus(t.shippingTax);
    if (!fromLines.equals(shop))
      problems.push(`rate ${t.rateId}: lines carry ${fixed(fromLines)} tax, the shop states ${fixed(shop)}`);
    if (!order.taxRates.some((r) => r.id === t.rateId)) problems.push(`rate ${t.rateId} is not in taxRates`);
  }
  for (const [rateId, amount] of byRate) {
    if (!order.taxes.some((t) => t.rateId === rateId) && !amount.isZero())
      problems.push(`rate ${rateId} is on lines but not in the order's taxes`);
  }
  for (const p of parts) {
    const s = sum(p.taxes.map((t) => t.amount));
    if (p.taxes.length && !s.equals(dec(p.tax)))
      problems.push(`line ${p.id}: per-rate taxes ${fixed(s)} differ from its tax ${p.tax}`);
  }
  for (const r of order.refunds) {
    if (!r.lines.length) continue;
    const rg = sum(r.lines.map((l) => dec(l.net).plus(l.tax)));
    if (!rg.equals(dec(r.amount)))
      problems.push(`refund ${r.id}: lines add up to ${fixed(rg)} but its amount is ${r.amount}`);
  }
  return problems;
}
