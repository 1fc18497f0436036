/**
 * End to end with plan/: WooCommerce-computed orders -> planOrder / planRefund / planCancellation
 * -> Moneybird simulator. Every document's gross total and VAT per rate must equal the plan.
 */
import { dec, fixed } from '../../model/money';
import { planCancellation, planOrder, planRefund } from '../../plan';
import type { BookingPlan } from '../../plan/types';
import { wcOrder, withRefunds, type WcOrderSpec } from '../../plan/test-orders';
import { startHarness, taxByRate, type Harness } from './test/harness';

type Json = Record<string, unknown>;

function mustPlan(r: ReturnType<typeof planOrder>): BookingPlan {
  if (!r.ok) throw r.error;
  return r.plan;
}

function expectBooked(h: Harness, doc: Json, plan: BookingPlan) {
  expect(fixed(String(doc.total_price_incl_tax))).toBe(plan.totals.gross);
  const want: Record<string, string> = {};
  for (const r of plan.vatByRate) {
    const id = h.target.config.taxRateMap[r.key];
    want[id] = fixed(dec(want[id] ?? '0').plus(r.vat));
  }
  const got = taxByRate(doc);
  for (const [id, vat] of Object.entries(want)) expect(fixed(got[id] ?? '0')).toBe(vat);
}

describe.each(['salesInvoice', 'externalSalesInvoice'] as const)('plan/ -> Moneybird %s', (documentKind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({}, { documentKind });
  });
  afterAll(async () => {
    await h.sim.close();
  });
  const docs = () =>
    (documentKind === 'salesInvoice'
      ? h.sim.state.salesInvoices
      : h.sim.state.externalSalesInvoices) as Json[];

  it('books WooCommerce orders of every rounding shape to the cent', async () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const specs: WcOrderSpec[] = [
      // round at subtotal -> plan carries a VAT-only rounding line
      {
        lines: [
          { name: 'A', price: '4.13', qty: 1, rateId: '1' },
          { name: 'B', price: '4.13', qty: 1, rateId: '1' },
        ],
        roundAtSubtotal: true,
      },
      {
        pricesIncludeTax: true,
        lines: [
          { name: 'Mok', price: '4.99', qty: 3, rateId: '1' },
          { name: 'Thee', price: '3.95', qty: 7, rateId: '2' },
        ],
        shipping: { price: '4.95', rateId: '1' },
      },
    ];
    for (let i = 0; i < 10; i++) {
      specs.push({
        pricesIncludeTax: rnd() < 0.5,
        roundAtSubtotal: rnd() < 0.3,
        couponPercent: rnd() < 0.3 ? 10 : undefined,
        lines: Array.from({ length: 1 + Math.floor(rnd() * 5) }, (_, j) => ({
          name: `P${j}`,
          price: fixed(dec(Math.floor(rnd() * 3000) + 99).div(100)),
          qty: 1 + Math.floor(rnd() * 4),
          rateId: rnd() < 0.7 ? '1' : '2',
        })),
        shipping: rnd() < 0.7 ? { price: '4.95', rateId: '1' } : null,
      });
    }
    for (const [i, spec] of specs.entries()) {
      const plan = mustPlan(
        planOrder(wcOrder({ ...spec, number: `${3000 + i}`, email: `k${i % 3}@example.nl` })),
      );
      const ref = await h.target.bookDocument(plan, { mayExist: false, original: null }, h.ctx);
      const doc = docs().find((d) => d.id === ref.id)!;
      expect(doc.reference).toBe(plan.reference);
      expect(doc.state).toBe('paid');
      expectBooked(h, doc, plan);
    }
    expect(docs()).toHaveLength(specs.length);
    expect(h.sim.state.contacts).toHaveLength(3);
  }, 60_000);

  it('books refunds (lines and amount-only) and the cancellation so the order nets to zero', async () => {
    const order = wcOrder({
      number: '4001',
      lines: [
        { name: 'A', price: '20.00', qty: 2, rateId: '1' },
        { name: 'B', price: '5.00', qty: 1, rateId: '2' },
      ],
      shipping: { price: '4.95', rateId: '1' },
    });
    const o = withRefunds(order, [
      {
        id: '55',
        amount: '24.20',
        lines: [
          {
            id: 'r1',
            kind: 'item',
            originalLineId: '100',
            name: 'A',
            sku: null,
            quantity: '1',
            net: '20.00',
            tax: '4.20',
            taxes: [],
          },
        ],
      },
      { id: '56', amount: '10.00' },
    ]);
    const orderPlan = mustPlan(planOrder(o));
    const orderRef = await h.target.bookDocument(orderPlan, { mayExist: false, original: null }, h.ctx);
    const refunds = [mustPlan(planRefund(o, o.refunds[0])), mustPlan(planRefund(o, o.refunds[1]))];
    for (const r of refunds) {
      const ref = await h.target.bookDocument(r, { mayExist: false, original: orderRef }, h.ctx);
      const doc = docs().find((d) => d.id === ref.id)!;
      expectBooked(h, doc, r);
      if (documentKind === 'salesInvoice') expect(doc.original_sales_invoice_id).toBe(orderRef.id);
    }
    const cancel = mustPlan(planCancellation(o, refunds));
    const cref = await h.target.bookDocument(cancel, { mayExist: false, original: orderRef }, h.ctx);
    expectBooked(
      h,
      docs().find((d) => d.id === cref.id)!,
      cancel,
    );
    const mine = docs().filter((d) => String(d.reference).startsWith('4001'));
    expect(mine).toHaveLength(4);
    expect(fixed(mine.reduce((acc, d) => acc.plus(dec(String(d.total_price_incl_tax))), dec(0)))).toBe(
      '0.00',
    );
  }, 60_000);
});
