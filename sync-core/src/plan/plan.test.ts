import fc from 'fast-check';
import { dec, fixed, sum } from '../model/money';
import type { Order } from '../model/order';
import { planCancellation, planOrder, planRefund } from './index';
import type { BookingPlan } from './types';
import { NL_RATES, wcOrder, withRefunds, type WcLineSpec } from './test-orders';

function expectReconciled(order: Order, plan: BookingPlan) {
  expect(plan.totals.gross).toBe(fixed(order.totals.total));
  // VAT per rate equals the shop's tax lines, rate by rate
  const shop = new Map<string, string>();
  for (const t of order.taxes) {
    const pct = dec(order.taxRates.find((r) => r.id === t.rateId)!.percent).toString();
    shop.set(pct, fixed(dec(shop.get(pct) ?? '0').plus(t.itemsTax).plus(t.shippingTax)));
  }
  for (const [pct, vat] of shop) {
    const mine = sum(plan.vatByRate.filter((v) => v.vatInfo.percent === pct).map((v) => v.vat));
    expect(fixed(mine)).toBe(vat);
  }
  // the plan is internally consistent
  expect(fixed(sum(plan.lines.map((l) => dec(l.net).plus(l.vat))))).toBe(plan.totals.gross);
  for (const l of plan.lines) {
    expect(l.net).toMatch(/^-?\d+\.\d{2}$/);
    expect(l.vat).toMatch(/^-?\d+\.\d{2}$/);
  }
}

describe('planOrder', () => {
  it('books the shop figures and adds a VAT rounding line when tax is rounded at subtotal (shops.md 2.10)', () => {
    // two lines of 1 x 4.13 excl. 21 %: raw tax 0.8673 each; lines show 0.87 + 0.87, the order 1.73, total 9.99
    const order = wcOrder({ lines: [{ name: 'A', price: '4.13', qty: 1, rateId: '1' }, { name: 'B', price: '4.13', qty: 1, rateId: '1' }], roundAtSubtotal: true });
    expect(order.totals.total).toBe('9.99');
    expect(order.taxes[0].itemsTax).toBe('1.73');
    const r = planOrder(order);
    if (!r.ok) throw r.error;
    expectReconciled(order, r.plan);
    const rounding = r.plan.lines.filter((l) => l.role === 'rounding');
    expect(rounding).toEqual([expect.objectContaining({ net: '0.00', vat: '-0.01', vatSource: 'rounding' })]);
    expect(rounding[0].vatInfo.key).toBe('domestic:21');
    expect(r.plan.roundingTotal).toBe('-0.01');
  });

  it('books per-line rounded tax as is (the default mode) with no rounding line', () => {
    const order = wcOrder({ lines: [{ name: 'A', price: '4.13', qty: 1, rateId: '1' }, { name: 'B', price: '4.13', qty: 1, rateId: '1' }] });
    expect(order.totals.total).toBe('10.00');
    const r = planOrder(order);
    if (!r.ok) throw r.error;
    expectReconciled(order, r.plan);
    expect(r.plan.lines.some((l) => l.role === 'rounding')).toBe(false);
  });

  it('handles prices entered incl. VAT (unrounded back-calculated net) to the cent', () => {
    const order = wcOrder({ pricesIncludeTax: true, lines: [{ name: 'Mok', price: '4.99', qty: 3, rateId: '1' }, { name: 'Thee', price: '3.95', qty: 7, rateId: '2' }], shipping: { price: '4.95', rateId: '1' } });
    const r = planOrder(order);
    if (!r.ok) throw r.error;
    expectReconciled(order, r.plan);
    expect(r.plan.pricesIncludeTax).toBe(true);
    expect(r.plan.vatByRate.map((v) => v.key)).toEqual(['domestic:21', 'domestic:9']);
  });

  it('splits discounts into one line per VAT rate when asked', () => {
    const order = wcOrder({ couponPercent: 10, lines: [{ name: 'A', price: '19.99', qty: 2, rateId: '1' }, { name: 'B', price: '7.45', qty: 1, rateId: '2' }] });
    const netted = planOrder(order);
    const separate = planOrder(order, { discountMode: 'separate' });
    if (!netted.ok || !separate.ok) throw new Error('planning failed');
    expectReconciled(order, separate.plan);
    const discounts = separate.plan.lines.filter((l) => l.role === 'discount');
    expect(discounts.map((d) => d.vatInfo.key)).toEqual(['domestic:21', 'domestic:9']);
    expect(discounts.every((d) => dec(d.net).isNegative())).toBe(true);
    expect(netted.plan.lines.some((l) => l.role === 'discount')).toBe(false);
    expect(separate.plan.totals).toEqual(netted.plan.totals);
    expect(separate.plan.vatByRate).toEqual(netted.plan.vatByRate);
  });

  it('classifies OSS, reverse charge and export', () => {
    const oss = planOrder(wcOrder({ country: 'DE', lines: [{ name: 'A', price: '10.00', qty: 1, rateId: '10' }] }));
    const rc = planOrder(wcOrder({ country: 'BE', vatNumber: 'BE0123456789', lines: [{ name: 'A', price: '10.00', qty: 1, rateId: null }] }));
    const exp = planOrder(wcOrder({ country: 'US', lines: [{ name: 'A', price: '10.00', qty: 1, rateId: null }] }));
    const zero = planOrder(wcOrder({ lines: [{ name: 'Boek', price: '10.00', qty: 1, rateId: '3' }] }));
    if (!oss.ok || !rc.ok || !exp.ok || !zero.ok) throw new Error('planning failed');
    expect(oss.plan.lines[0].vatInfo).toMatchObject({ key: 'oss:DE:19', treatment: 'oss', country: 'DE' });
    expect(rc.plan.lines[0].vatInfo.key).toBe('reverse_charge:0');
    expect(exp.plan.lines[0].vatInfo.key).toBe('export:0');
    expect(zero.plan.lines[0].vatInfo.key).toBe('domestic:0');
  });

  it('uses the shop-local date and a deterministic reference with the prefix', () => {
    const order = { ...wcOrder({ number: '2041', lines: [{ name: 'A', price: '1.00', qty: 1, rateId: '1' }] }), createdAt: '2026-12-31T23:30:00Z' };
    const r = planOrder(order, { referencePrefix: 'WEB-' });
    if (!r.ok) throw r.error;
    expect(r.plan.date).toBe('2027-01-01');
    expect(r.plan.reference).toBe('WEB-2041');
    expect(planOrder(order, { referencePrefix: 'WEB-' })).toEqual(r);
  });

  describe('bad input gets a reason a shop owner understands', () => {
    const base = () => wcOrder({ lines: [{ name: 'A', price: '10.00', qty: 1, rateId: '1' }] });
    const cases: Array<[string, (o: Order) => Order, string, 'fail' | 'skip']> = [
      ['missing e-mail', (o) => ({ ...o, customer: { ...o.customer, email: ' ' } }), 'CustomerEmailMissing', 'fail'],
      ['invalid e-mail', (o) => ({ ...o, customer: { ...o.customer, email: 'jan at example' } }), 'CustomerEmailInvalid', 'fail'],
      ['unknown tax rate', (o) => ({ ...o, lines: o.lines.map((l) => ({ ...l, taxes: [{ rateId: '77', amount: '2.1' }] })) }), 'UnknownVatRate', 'fail'],
      ['negative quantity', (o) => ({ ...o, lines: o.lines.map((l) => ({ ...l, quantity: '-1' })) }), 'NegativeQuantity', 'fail'],
      ['currency mismatch', (o) => ({ ...o, currency: 'USD' }), 'CurrencyMismatch', 'fail'],
      ['zero total', (o) => ({ ...o, lines: o.lines.map((l) => ({ ...l, subtotalNet: '0', subtotalTax: '0', net: '0', tax: '0', taxes: [] })), taxes: [], totals: { ...o.totals, total: '0.00', totalTax: '0.00' } }), 'ZeroTotalOrder', 'skip'],
      ['100 % discount', (o) => ({ ...o, lines: o.lines.map((l) => ({ ...l, net: '0', tax: '0', taxes: [] })), taxes: [], totals: { ...o.totals, total: '0.00', totalTax: '0.00' } }), 'FullyDiscountedOrder', 'skip'],
      ['totals edited without recalculation', (o) => ({ ...o, totals: { ...o.totals, total: '15.00' } }), 'TotalsDoNotReconcile', 'fail'],
      ['VAT per rate off by more than the tolerance', (o) => ({ ...o, taxes: [{ rateId: '1', itemsTax: '2.50', shippingTax: '0.00' }] }), 'TotalsDoNotReconcile', 'fail'],
      ['absurd amount', (o) => ({ ...o, totals: { ...o.totals, total: '99999999.00' } }), 'AbsurdAmount', 'fail'],
    ];
    it.each(cases)('%s', (_name, mutate, code, disposition) => {
      const r = planOrder(mutate(base()));
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.code).toBe(code);
      expect(r.disposition).toBe(disposition);
      expect(r.error.message.length).toBeGreaterThan(30);
      expect(r.error.message).not.toMatch(/undefined|NaN|\[object/);
    });
    it('books a foreign currency the administration accepts', () => {
      const r = planOrder({ ...base(), currency: 'USD' }, { acceptedCurrencies: ['USD'] });
      expect(r.ok).toBe(true);
    });
    it('does not require an e-mail with a collective debtor', () => {
      const r = planOrder({ ...base(), customer: { ...base().customer, email: '' } }, { requireCustomerEmail: false });
      expect(r.ok).toBe(true);
    });
  });
});

describe('planRefund and planCancellation', () => {
  const order = wcOrder({ lines: [{ name: 'A', price: '20.00', qty: 2, rateId: '1' }, { name: 'B', price: '5.00', qty: 1, rateId: '2' }], shipping: { price: '4.95', rateId: '1' } });

  it('credits refunded lines at the original VAT, negative, linked to the order', () => {
    const o = withRefunds(order, [{ id: '55', amount: '24.20', lines: [{ id: 'r1', kind: 'item', originalLineId: '100', name: 'A', sku: null, quantity: '1', net: '20.00', tax: '4.20', taxes: [] }] }]);
    const r = planRefund(o, o.refunds[0]);
    if (!r.ok) throw r.error;
    expect(r.plan).toMatchObject({ kind: 'refund', reference: '1001-R55', originalReference: '1001', totals: { gross: '-24.20', vat: '-4.20' } });
    expect(r.plan.lines[0]).toMatchObject({ quantity: '-1', net: '-20.00', vat: '-4.20', role: 'revenue' });
    expect(r.plan.lines[0].vatInfo.key).toBe('domestic:21');
  });

  it('allocates an amount-only refund over the order VAT rates so that it nets exactly', () => {
    const o = withRefunds(order, [{ id: '56', amount: '10.00' }]);
    const r = planRefund(o, o.refunds[0]);
    if (!r.ok) throw r.error;
    expect(r.plan.totals.gross).toBe('-10.00');
    expect(r.plan.vatByRate.map((v) => v.key)).toEqual(['domestic:21', 'domestic:9']);
    for (const v of r.plan.vatByRate) {
      const gross = dec(v.base).plus(v.vat);
      const expectedVat = gross.times(v.vatInfo.percent).div(dec(v.vatInfo.percent).plus(100));
      expect(dec(v.vat).minus(expectedVat).abs().lte('0.005')).toBe(true);
    }
  });

  it('refuses a refund larger than the order', () => {
    const o = withRefunds(order, [{ id: '57', amount: '30.00' }, { id: '58', amount: '40.00' }]);
    expect(planRefund(o, o.refunds[0]).ok).toBe(true);
    const r = planRefund(o, o.refunds[1]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('RefundExceedsOrder');
  });

  it('a cancellation credits the order minus booked refunds, netting the books to zero', () => {
    const o = withRefunds(order, [{ id: '59', amount: '10.00' }]);
    const orderPlan = planOrder(o);
    const refundPlan = planRefund(o, o.refunds[0]);
    if (!orderPlan.ok || !refundPlan.ok) throw new Error('planning failed');
    const c = planCancellation(o, [refundPlan.plan]);
    if (!c.ok) throw c.error;
    expect(c.plan.reference).toBe('1001-C');
    const net = sum([orderPlan.plan.totals.gross, refundPlan.plan.totals.gross, c.plan.totals.gross]);
    expect(fixed(net)).toBe('0.00');
    for (const key of orderPlan.plan.vatByRate.map((v) => v.key)) {
      const vat = sum([orderPlan.plan, refundPlan.plan, c.plan].flatMap((p) => p.vatByRate.filter((v) => v.key === key).map((v) => v.vat)));
      expect(fixed(vat)).toBe('0.00');
    }
  });
});

describe('property: every WooCommerce-computed order plans to the cent', () => {
  const lineArb: fc.Arbitrary<WcLineSpec> = fc.record({
    name: fc.constantFrom('Mok', 'Thee', 'Boek', 'Kaars', 'Fiets'),
    price: fc.integer({ min: 1, max: 25000 }).map((c) => fixed(dec(c).div(100))),
    qty: fc.integer({ min: 1, max: 12 }),
    rateId: fc.constantFrom('1', '2', '3', null),
  });
  const orderArb = fc.record({
    lines: fc.array(lineArb, { minLength: 1, maxLength: 8 }),
    pricesIncludeTax: fc.boolean(),
    roundAtSubtotal: fc.boolean(),
    couponPercent: fc.constantFrom(0, 0, 5, 10, 15, 33),
    shipping: fc.option(fc.record({ price: fc.constantFrom('0.00', '4.95', '6.95', '3.31'), rateId: fc.constantFrom('1', '2', null) }), { nil: null }),
    fee: fc.option(fc.record({ amount: fc.constantFrom('0.35', '1.00', '-2.50'), rateId: fc.constantFrom('1', null) }), { nil: null }),
    discountMode: fc.constantFrom('netted' as const, 'separate' as const),
  });

  it('plan total and VAT per rate equal the shop (300 generated orders)', () => {
    fc.assert(
      fc.property(orderArb, (spec) => {
        const order = wcOrder({ ...spec, rates: NL_RATES });
        const r = planOrder(order, { discountMode: spec.discountMode });
        if (!r.ok) {
          // the only acceptable refusal of a well-formed order is "nothing to book"
          expect(r.disposition).toBe('skip');
          return;
        }
        expectReconciled(order, r.plan);
      }),
      { numRuns: 300, seed: 20261122 },
    );
  });

  it('refunds net correctly: order + refunds + cancellation = 0 per rate (200 generated orders)', () => {
    fc.assert(
      fc.property(orderArb, fc.integer({ min: 1, max: 99 }), (spec, pct) => {
        const base = wcOrder({ ...spec, rates: NL_RATES });
        if (dec(base.totals.total).lte(0)) return;
        const amount = fixed(dec(base.totals.total).times(pct).div(100));
        if (dec(amount).isZero()) return;
        const o = withRefunds(base, [{ id: '1', amount }]);
        const op = planOrder(o);
        const rp = planRefund(o, o.refunds[0]);
        if (!op.ok || !rp.ok) throw new Error(`planning failed: ${!op.ok ? op.error.message : !rp.ok ? rp.error.message : ''}`);
        expect(rp.plan.totals.gross).toBe(fixed(dec(amount).negated()));
        const c = planCancellation(o, [rp.plan]);
        if (!c.ok) throw c.error;
        expect(fixed(sum([op.plan.totals.gross, rp.plan.totals.gross, c.plan.totals.gross]))).toBe('0.00');
        expect(fixed(sum([op.plan.totals.vat, rp.plan.totals.vat, c.plan.totals.vat]))).toBe('0.00');
      }),
      { numRuns: 200, seed: 7 },
    );
  });
});
