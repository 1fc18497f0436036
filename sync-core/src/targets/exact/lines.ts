/**
 * Pure mapping of a BookingPlan's lines to what Exact receives, and the to-the-cent checks made
 * before anything is sent.
 */
import { ShopbooksError } from '../../model/errors';
import { D, dec, fixed, sum } from '../../model/money';
import type { BookingPlan, GlRole, PlanLine } from '../../plan/types';
import { FIELD_LIMITS, requireLength } from './schemas';

export interface ExactLine {
  role: GlRole;
  description: string;
  sku: string | null;
  quantity: string;
  /** Net, 2 decimals (negative on credit notes and discounts). */
  net: string;
  /** VAT as the shop charged it, 2 decimals. */
  vat: string;
  vatKey: string;
  vatCode: string;
}

/** Lines that carry an amount (a line with zero net and zero VAT books nothing). */
export function bookableLines(plan: BookingPlan): PlanLine[] {
  return plan.lines.filter((l) => !(dec(l.net).isZero() && dec(l.vat).isZero()));
}

export function toExactLines(plan: BookingPlan, vatCodeFor: (key: string) => string): ExactLine[] {
  return bookableLines(plan).map((l) => ({
    role: l.role,
    description: l.description,
    sku: l.sku,
    quantity: l.quantity,
    net: fixed(l.net),
    vat: fixed(l.vat),
    vatKey: l.vatInfo.key,
    vatCode: vatCodeFor(l.vatInfo.key),
  }));
}

/**
 * Σ(net + VAT) must equal plan.totals.gross, Σ VAT must equal plan.totals.vat, and the VAT per
 * key must equal plan.vatByRate — all to the cent — before anything is sent.
 */
export function checkTotals(plan: BookingPlan, lines: Array<Pick<ExactLine, 'net' | 'vat' | 'vatKey'>>): void {
  const gross = sum(lines.map((l) => dec(l.net).plus(l.vat)));
  const vat = sum(lines.map((l) => l.vat));
  const problems: string[] = [];
  if (!gross.equals(dec(plan.totals.gross))) problems.push(`lines add up to ${fixed(gross)} but the order total is ${fixed(plan.totals.gross)}`);
  if (!vat.equals(dec(plan.totals.vat))) problems.push(`line VAT adds up to ${fixed(vat)} but the order VAT is ${fixed(plan.totals.vat)}`);
  const byKey = new Map<string, InstanceType<typeof D>>();
  for (const l of lines) byKey.set(l.vatKey, (byKey.get(l.vatKey) ?? new D(0)).plus(l.vat));
  for (const r of plan.vatByRate) {
    const got = byKey.get(r.key) ?? new D(0);
    if (!got.equals(dec(r.vat))) problems.push(`VAT for ${r.key} adds up to ${fixed(got)} but the plan says ${fixed(r.vat)}`);
    byKey.delete(r.key);
  }
  for (const [key, v] of byKey) if (!v.isZero()) problems.push(`VAT for ${key} (${fixed(v)}) is not in the plan's VAT per rate`);
  if (problems.length) {
    throw new ShopbooksError('TotalsDoNotReconcile', `The document for ${plan.reference} would not match the shop to the cent: ${problems.join('; ')}.`, {
      retryable: false,
      details: { reference: plan.reference, problems },
    });
  }
}

/**
 * Quantity and unit price for an invoice/order line such that quantity × unit price is exactly
 * the line's net. When the net does not divide into a 2-decimal unit price, the line is sent as
 * one unit of the whole amount (the description keeps the real quantity).
 */
export function quantityAndPrice(quantity: string, net: string, description: string): { quantity: string; unitPrice: string; description: string } {
  const q = dec(quantity);
  const n = dec(net);
  if (!q.isZero()) {
    const unit = n.div(q);
    if (unit.decimalPlaces() <= 2 && unit.times(q).equals(n)) {
      return { quantity: q.toFixed(), unitPrice: unit.toFixed(2), description };
    }
  }
  const sign = q.isNegative() && !n.isZero() ? -1 : 1;
  const qtyText = q.abs().toFixed();
  return {
    quantity: String(sign),
    unitPrice: n.times(sign).toFixed(2),
    description: q.isZero() || q.abs().equals(1) ? description : `${qtyText} × ${description}`,
  };
}

/**
 * The checks every Exact document of a plan passes before it is sent (API) or written (XML
 * export), and the lines it carries: reference length, at least one amount, totals to the cent,
 * credit notes negative. Pure: `vatCodeFor` maps a plan VAT key to the Exact VAT code.
 */
export function exactLinesFor(plan: BookingPlan, vatCodeFor: (key: string) => string): ExactLine[] {
  requireLength(plan.reference, FIELD_LIMITS.yourRef, 'booking reference');
  const lines = toExactLines(plan, vatCodeFor);
  if (!lines.length) throw new ShopbooksError('ZeroTotalOrder', `${plan.reference} has no amounts to book.`, { retryable: false });
  checkTotals(plan, lines);
  if (plan.kind !== 'order' && dec(plan.totals.gross).isPositive() && !dec(plan.totals.gross).isZero()) {
    throw new ShopbooksError('MalformedOrder', `${plan.reference} is a ${plan.kind} with a positive total (${fixed(plan.totals.gross)}); credit notes carry negative amounts.`, { retryable: false });
  }
  return lines;
}
