/**
 * Refunds and cancellations -> credit-note plans (negative amounts), linked to the order's reference.
 *
 * - A refund with lines credits those lines at the VAT of the original lines; the refund's `amount`
 *   is the truth for the gross. A difference up to the tolerance becomes a rounding line; a larger
 *   one (an extra amount refunded beyond the lines) is credited without VAT, as the shop's own
 *   refund tax lines record it.
 * - An amount-only refund is allocated over the order's VAT rates in proportion to their gross;
 *   one that completes the order credits the booked lines minus the earlier refunds.
 * - A cancellation after booking credits what is still booked: the order minus booked refunds.
 */
import type { Dec } from '../model/money';
import { D, allocateProportionally, currencyDecimals, dec, fixed, sum } from '../model/money';
import { ShopbooksError } from '../model/errors';
import type { Order, Refund } from '../model/order';
import type { BookingPlan, GlRole, PlanLine, PlanVat } from './types';
import { PlanSettings, planSettings, type PlanSettingsInput } from './settings';
import { cancellationReference, localDate, orderReference, refundReference } from './reference';
import { contentHash, customerKey, fail, planOrder, reconcile, totalsOf, vatByRate, vatFor, type PlanOutcome } from './plan-order';
import { noVat } from './vat';

function negLine(l: PlanLine, dp: number): PlanLine {
  return { ...l, quantity: fixed(dec(l.quantity).negated(), 6).replace(/\.?0+$/, '') || '0', net: fixed(dec(l.net).negated(), dp), vat: fixed(dec(l.vat).negated(), dp) };
}

/**
 * Allocate a gross amount (negative for credits) over VAT rates in proportion to `weights`
 * (gross per rate). The last rate takes the remainder so the parts add up exactly.
 */
export function allocateGross(amount: Dec, weights: Array<{ vatInfo: PlanVat; gross: Dec }>, dp: number, description: string, role: GlRole = 'revenue'): PlanLine[] {
  const positive = weights.filter((w) => w.gross.gt(0));
  const totalWeight = sum(positive.map((w) => w.gross));
  if (positive.length === 0 || totalWeight.isZero()) return [];
  const out: PlanLine[] = [];
  const shares = allocateProportionally(amount, positive.map((w) => w.gross), dp);
  positive.forEach((w, i) => {
    const gross = shares[i];
    const p = dec(w.vatInfo.percent);
    const vat = gross.times(p).div(p.plus(100)).toDecimalPlaces(dp, D.ROUND_HALF_UP);
    out.push({
      role,
      description: positive.length > 1 ? `${description} (${w.vatInfo.percent}% VAT)` : description,
      sku: null,
      quantity: '1',
      net: fixed(gross.minus(vat), dp),
      vat: fixed(vat, dp),
      vatSource: 'allocated',
      vatInfo: w.vatInfo,
      shopLineId: null,
    });
  });
  return out;
}

/** Gross per VAT rate of the order's own lines (no rounding lines): the weights for allocation. */
function orderWeights(orderPlan: BookingPlan): Array<{ vatInfo: PlanVat; gross: Dec }> {
  const map = new Map<string, { vatInfo: PlanVat; gross: Dec }>();
  for (const l of orderPlan.lines) {
    if (l.role === 'rounding') continue;
    const cur = map.get(l.vatInfo.key) ?? { vatInfo: l.vatInfo, gross: new D(0) };
    cur.gross = cur.gross.plus(l.net).plus(l.vat);
    map.set(l.vatInfo.key, cur);
  }
  return [...map.values()].sort((a, b) => a.vatInfo.key.localeCompare(b.vatInfo.key));
}

export function planRefund(order: Order, refund: Refund, settingsInput: PlanSettingsInput | PlanSettings = {}): PlanOutcome {
  const s = planSettings(settingsInput);
  const dp = currencyDecimals(order.currency);
  const base = planOrder(order, s);
  if (!base.ok) return base;
  const orderPlan = base.plan;
  const amount = dec(refund.amount);
  if (amount.isNegative() || amount.isZero()) {
    return { ok: false, disposition: 'skip', error: new ShopbooksError('ZeroTotalOrder', `Refund ${refund.id} of order ${order.number} has no positive amount (${refund.amount}); nothing to credit.`) };
  }
  // All refunds up to and including this one (by date, then id) must fit within the order total.
  const earlier = order.refunds.filter((r) => r.id !== refund.id && (r.createdAt < refund.createdAt || (r.createdAt === refund.createdAt && r.id.localeCompare(refund.id, 'en', { numeric: true }) < 0)));
  const refundedSoFar = sum([...earlier.map((r) => r.amount), refund.amount]);
  if (refundedSoFar.gt(order.totals.total)) {
    return fail(new ShopbooksError('RefundExceedsOrder', `Refund ${refund.id} of order ${order.number} brings the refunded total to ${fixed(refundedSoFar, dp)}, more than the order total of ${order.totals.total}. Check the refunds in the shop.`, { details: { refunded: fixed(refundedSoFar, dp), orderTotal: order.totals.total } }));
  }

  // An amount-only refund that brings the refunded total to the order total credits what was
  // booked minus the earlier credits, as a cancellation does: VAT recomputed from the amount would
  // differ by a cent where the shop rounded tax at subtotal (total_tax below its tax lines).
  if (refund.lines.length === 0 && refundedSoFar.eq(order.totals.total)) {
    const earlierPlans: BookingPlan[] = [];
    for (const r of earlier) {
      const p = planRefund(order, r, s);
      if (!p.ok) {
        if (p.disposition === 'skip') continue;
        return fail(new ShopbooksError(p.error.code, `Refund ${refund.id} of order ${order.number} refunds the rest of the order, but an earlier refund (${r.id}) cannot be credited: ${p.error.message}`, { retryable: p.error.retryable }));
      }
      earlierPlans.push(p.plan);
    }
    const lines = remainingCredit(orderPlan, earlierPlans, dp);
    return { ok: true, plan: creditPlan(orderPlan, lines, dp, s, refundMeta(order, refund, s)) };
  }

  const lines: PlanLine[] = [];
  const planLineByShopId = new Map(orderPlan.lines.filter((l) => l.shopLineId).map((l) => [l.shopLineId!, l]));
  for (const rl of refund.lines) {
    if (dec(rl.quantity).isNegative() || dec(rl.net).isNegative()) {
      return fail(new ShopbooksError('MalformedOrder', `Refund ${refund.id} of order ${order.number} has a line "${rl.name}" with a negative refunded amount; cannot credit it.`));
    }
    const original = rl.originalLineId ? planLineByShopId.get(rl.originalLineId) : undefined;
    let vatInfo: PlanVat;
    if (original) vatInfo = original.vatInfo;
    else {
      const rates = new Map(order.taxRates.map((r) => [r.id, r]));
      const t = rl.taxes.find((x) => !dec(x.amount).isZero()) ?? rl.taxes[0];
      vatInfo = vatFor(order, t ? rates.get(t.rateId) ?? null : null, s.shopCountry);
    }
    const role: GlRole = rl.kind === 'shipping' ? 'shipping' : rl.kind === 'fee' ? 'fees' : 'revenue';
    lines.push({
      role,
      description: `Refund: ${rl.name}`,
      sku: rl.sku,
      quantity: fixed(dec(rl.quantity).negated(), 6).replace(/\.?0+$/, ''),
      net: fixed(dec(rl.net).negated(), dp),
      vat: fixed(dec(rl.tax).negated(), dp),
      vatSource: 'shop',
      vatInfo,
      shopLineId: rl.id,
    });
  }
  const target = amount.negated();
  const linesGross = sum(lines.map((l) => dec(l.net).plus(l.vat)));
  const remainder = target.minus(linesGross);
  const tol = new D(s.toleranceCents).div(100);
  if (lines.length === 0) {
    lines.push(...allocateGross(remainder, orderWeights(orderPlan), dp, (refund.reason ? `Refund: ${refund.reason}` : 'Refund').slice(0, 200)));
  } else if (remainder.abs().gt(tol.times(Math.max(1, new Set(lines.map((l) => l.vatInfo.key)).size)))) {
    // More refunded than the itemised lines (a fee or a manual amount on top): WooCommerce records
    // tax only for the itemised lines, so the refund's tax lines carry none for the rest. The books
    // follow the shop's tax report per rate: the rest is credited without VAT.
    lines.push({
      role: 'revenue',
      description: (refund.reason ? `Refund: ${refund.reason} (amount beyond the refunded lines, no VAT in the shop)` : 'Refund: amount beyond the refunded lines (no VAT in the shop)').slice(0, 200),
      sku: null,
      quantity: '1',
      net: fixed(remainder, dp),
      vat: fixed(0, dp),
      vatSource: 'shop',
      vatInfo: noVat(s.shopCountry),
      shopLineId: null,
    });
  }
  const reconciled = reconcile(lines, null, target, `Refund ${refund.id} of order ${order.number}`, s, dp);
  if (!reconciled.ok) return fail(reconciled.error);
  return { ok: true, plan: creditPlan(orderPlan, reconciled.lines, dp, s, refundMeta(order, refund, s)) };
}

function refundMeta(order: Order, refund: Refund, s: PlanSettings) {
  return { kind: 'refund' as const, refundId: refund.id, reference: refundReference(s.referencePrefix, order.number, refund.id), date: localDate(refund.createdAt, s.timeZone), description: `Refund ${refund.id} of order ${order.number}${refund.reason ? `: ${refund.reason}` : ''}`, order };
}

/** What is still booked: the order's lines negated, plus the lines of the credits already made. */
function remainingCredit(orderPlan: BookingPlan, credits: BookingPlan[], dp: number): PlanLine[] {
  const lines = orderPlan.lines.map((l) => negLine(l, dp));
  for (const r of credits) lines.push(...r.lines.map((l) => negLine({ ...l, description: `Already refunded: ${l.description}` }, dp)));
  return lines;
}

/**
 * A cancellation after the order was booked: credit the order minus the refunds already credited
 * (pass their plans), so the books net to zero.
 */
export function planCancellation(order: Order, bookedRefunds: BookingPlan[], settingsInput: PlanSettingsInput | PlanSettings = {}, cancelledAt?: string, bookedOrder?: BookingPlan): PlanOutcome {
  const s = planSettings(settingsInput);
  const dp = currencyDecimals(order.currency);
  // what the books hold (the ledger's booked plan) when known; the order as it is now otherwise
  const base: PlanOutcome = bookedOrder ? { ok: true, plan: bookedOrder } : planOrder(order, s);
  if (!base.ok) return base;
  const lines = remainingCredit(base.plan, bookedRefunds, dp);
  const remaining = sum(lines.map((l) => dec(l.net).plus(l.vat)));
  if (remaining.isZero()) {
    return { ok: false, disposition: 'skip', error: new ShopbooksError('ZeroTotalOrder', `Order ${order.number} was cancelled after it had been fully refunded; nothing left to credit.`) };
  }
  return {
    ok: true,
    plan: creditPlan(base.plan, lines, dp, s, { kind: 'cancellation', refundId: null, reference: cancellationReference(s.referencePrefix, order.number), date: localDate(cancelledAt ?? order.modifiedAt, s.timeZone), description: `Cancellation of order ${order.number}`, order }),
  };
}

function creditPlan(orderPlan: BookingPlan, lines: PlanLine[], dp: number, s: PlanSettings, o: { kind: 'refund' | 'cancellation'; refundId: string | null; reference: string; date: string; description: string; order: Order }): BookingPlan {
  const totals = totalsOf(lines, dp);
  const rounding = sum(lines.filter((l) => l.vatSource === 'rounding').map((l) => dec(l.net).plus(l.vat)));
  return {
    ...orderPlan,
    kind: o.kind,
    refundId: o.refundId,
    reference: o.reference,
    originalReference: orderReference(s.referencePrefix, o.order.number),
    date: o.date,
    customerKey: customerKey(o.order),
    description: o.description,
    lines,
    vatByRate: vatByRate(lines, dp),
    totals,
    shop: { gross: totals.gross, vat: totals.vat },
    roundingTotal: fixed(rounding, dp),
    paid: true,
    contentHash: contentHash(lines, totals),
  };
}

export { noVat };
