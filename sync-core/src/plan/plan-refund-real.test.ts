/**
 * Credit notes on orders from a real WooCommerce (../shared/fixtures/real-woocommerce): the credit's
 * VAT per rate must equal the refund's own tax lines (what WooCommerce's tax report shows), and a
 * refund that completes the order credits exactly what was booked.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mapWooOrder } from '../sources/woocommerce/map-order';
import { dec, fixed, sum } from '../model/money';
import type { Order, Refund } from '../model/order';
import { planCancellation, planOrder, planRefund } from './index';
import type { BookingPlan } from './types';

const dir = join(__dirname, '../../../../shared/fixtures/real-woocommerce');
const read = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8'));
const examples = read('examples-by-mode.json') as Record<string, Record<string, { order: { id: number }; refunds: unknown[] | null }>>;
const taxRates = read('taxes.json').body as unknown[];
const settings = { referencePrefix: '' };

function realOrder(mode: string, name: string, refunds?: unknown[]): Order {
  const ex = examples[mode][name];
  const mapped = mapWooOrder(ex.order, { shopId: 'real', taxRates, refunds: refunds ?? ex.refunds ?? [], roundTaxAtSubtotal: mode.endsWith('round-at-subtotal') });
  if (!mapped.ok) throw new Error(mapped.error.message);
  return mapped.order;
}

const vatPerPercent = (p: BookingPlan) => Object.fromEntries(p.vatByRate.filter((v) => !dec(v.vat).isZero()).map((v) => [v.vatInfo.percent, v.vat]));
const shopRefundVat = (r: Refund) => {
  const m = new Map<string, string>();
  for (const l of r.lines) for (const t of l.taxes) m.set(t.rateId, fixed(dec(m.get(t.rateId) ?? '0').minus(t.amount)));
  return m;
};

describe('a refund larger than its itemised lines (a fee or a manual amount on top)', () => {
  it.each([
    ['excl-round-at-subtotal', 'm2-18 refund-line-shipping via checkout'],
    ['incl-per-line', 'm3-18 refund-line-shipping via checkout'],
  ])('%s %s: VAT per rate equals the refund tax lines; the amount on top is credited without VAT', (mode, name) => {
    const base = realOrder(mode, name);
    expect(base.refunds).toHaveLength(1);
    const itemised = base.refunds[0];
    // the same refund with 5.00 more refunded than its lines, as wp-admin allows (the amount field is free)
    const rawRefund = JSON.parse(JSON.stringify((examples[mode][name].refunds as Array<{ amount: string }>)[0]));
    rawRefund.amount = fixed(dec(rawRefund.amount).plus('5.00'));
    const order = realOrder(mode, name, [rawRefund]);
    const refund = order.refunds[0];
    expect(refund.amount).toBe(fixed(dec(itemised.amount).plus(5)));
    const r = planRefund(order, refund, settings);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.plan.totals.gross).toBe(fixed(dec(refund.amount).negated()));
    // the shop's tax report: tax per rate of the refund's own lines (21 %: shipping tax, 9 %: the item's)
    const shop = shopRefundVat(refund);
    const byPercent: Record<string, string> = {};
    for (const [rateId, amount] of shop) {
      const rate = order.taxRates.find((x) => x.id === rateId)!;
      if (!dec(amount).isZero()) byPercent[String(Number(rate.percent))] = amount;
    }
    expect(vatPerPercent(r.plan)).toEqual(byPercent);
    const noVat = r.plan.lines.filter((l) => l.vatInfo.key === 'exempt:0' && l.role !== 'rounding');
    expect(fixed(sum(noVat.map((l) => dec(l.net).plus(l.vat))))).toBe('-5.00');
    expect(noVat.every((l) => dec(l.vat).isZero())).toBe(true);
  });
});

describe('a full refund by amount after WooCommerce rounded tax at subtotal', () => {
  // real order 112: total_tax 3.88 but tax lines 2.07 + 1.04 (21 %) and 0.78 (9 %) = 3.89
  const name = 'm4-03 nl-coupon-percent via checkout';
  const amountOnly = (id: string, amount: string, at: string) => ({ id: Number(id), date_created: at, date_created_gmt: at, amount, reason: 'Order fully refunded.', refunded_by: 1, refunded_payment: false, meta_data: [], line_items: [], shipping_lines: [], fee_lines: [], tax_lines: [] });

  it('the order really shows the cent: total_tax is below its tax lines', () => {
    const raw = examples['incl-round-at-subtotal'][name].order as unknown as { total_tax: string; tax_lines: Array<{ tax_total: string; shipping_tax_total: string }> };
    expect(raw.total_tax).toBe('3.88');
    expect(fixed(sum(raw.tax_lines.map((t) => dec(t.tax_total).plus(t.shipping_tax_total))))).toBe('3.89');
  });

  it('one amount-only refund of the whole total credits the booked lines (VAT per rate nets to zero)', () => {
    const order = realOrder('incl-round-at-subtotal', name, [amountOnly('900', '27.30', '2026-12-05T10:00:00')]);
    const booked = planOrder(order, settings);
    if (!booked.ok) throw new Error(booked.error.message);
    const r = planRefund(order, order.refunds[0], settings);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.plan.totals.gross).toBe('-27.30');
    expect(r.plan.totals.vat).toBe(fixed(dec(booked.plan.totals.vat).negated()));
    expect(vatPerPercent(r.plan)).toEqual(Object.fromEntries(Object.entries(vatPerPercent(booked.plan)).map(([p, v]) => [p, fixed(dec(v).negated())])));
  });

  it('a partial refund, then the rest by amount: together they credit exactly what was booked', () => {
    const order = realOrder('incl-round-at-subtotal', name, [amountOnly('901', '10.00', '2026-12-05T10:00:00'), amountOnly('902', '17.30', '2026-12-06T10:00:00')]);
    const booked = planOrder(order, settings);
    if (!booked.ok) throw new Error(booked.error.message);
    const plans = order.refunds.map((rf) => {
      const r = planRefund(order, rf, settings);
      if (!r.ok) throw new Error(r.error.message);
      return r.plan;
    });
    expect(plans.map((p) => p.totals.gross)).toEqual(['-10.00', '-17.30']);
    for (const pct of Object.keys(vatPerPercent(booked.plan))) {
      const net = sum([booked.plan, ...plans].map((p) => sum(p.vatByRate.filter((v) => v.vatInfo.percent === pct).map((v) => dec(v.vat)))));
      expect([pct, fixed(net)]).toEqual([pct, '0.00']);
    }
    // nothing is left for a cancellation to credit
    const c = planCancellation(order, plans, settings);
    expect(c.ok).toBe(false);
  });
});
