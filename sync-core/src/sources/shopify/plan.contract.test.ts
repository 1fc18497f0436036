/**
 * Every simulated Shopify order (and refund), read through the source, plans to the cent with the
 * lead's plan/: the plan's gross and VAT per rate equal the shop's figures.
 */
import { startShopifySimulator, type ShopifySimulator } from '../../sandbox/shopify';
import { createShopifySource } from './index';
import { planOrder, planRefund } from '../../plan';
import { checkPlanAgainstShop } from '../../plan/check';
import type { Order } from '../../model/order';
import { dec, fixed, sum } from '../../model/money';

describe('Shopify orders plan to the cent', () => {
  let sim: ShopifySimulator;
  const orders: Order[] = [];
  beforeAll(async () => {
    sim = await startShopifySimulator({ restoreRate: 1000 });
    const src = createShopifySource({
      shopDomain: sim.shopDomain,
      baseUrl: sim.url,
      accessToken: sim.accessToken,
    });
    for await (const page of src.listOrders({})) for (const o of page.orders) if (o.ok) orders.push(o.order);
    expect(orders).toHaveLength(sim.shop.orders.size);
  });
  afterAll(async () => {
    await sim.close();
  });

  test('every order: plan gross = shop total, plan VAT per rate = shop tax per rate', () => {
    for (const o of orders) {
      const walkIn = o.customer.email === '';
      const out = planOrder(o, { requireCustomerEmail: !walkIn });
      if (!out.ok) throw new Error(`#${o.number}: ${out.error.message}`);
      expect({ n: o.number, gross: out.plan.totals.gross, vat: out.plan.totals.vat }).toEqual({
        n: o.number,
        gross: o.totals.total,
        vat: o.totals.totalTax,
      });
      const check = checkPlanAgainstShop(o, out.plan);
      expect({ n: o.number, ok: check.ok, check }).toEqual(
        expect.objectContaining({ n: o.number, ok: true }),
      );
      // The shop's own per-line figures needed no rounding line.
      expect({ n: o.number, rounding: out.plan.roundingTotal }).toEqual({ n: o.number, rounding: '0.00' });
    }
  });

  test('a POS walk-in sale without e-mail is refused with a reason unless a collective debtor is used', () => {
    const o = orders.find((x) => x.number === '1003')!;
    const out = planOrder(o);
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.error.code).toBe('CustomerEmailMissing');
    expect(planOrder(o, { requireCustomerEmail: false }).ok).toBe(true);
  });

  test('every refund plans to a credit note of exactly the refunded amount', () => {
    const refunded = orders.filter((o) => o.refunds.length);
    expect(refunded.length).toBeGreaterThanOrEqual(2);
    for (const o of refunded) {
      for (const r of o.refunds) {
        const out = planRefund(o, r);
        if (!out.ok) throw new Error(`refund ${r.id} of #${o.number}: ${out.error.message}`);
        expect(out.plan.totals.gross).toBe(fixed(dec(r.amount).negated()));
        expect(fixed(sum(out.plan.lines.map((l) => dec(l.net).plus(l.vat))))).toBe(
          fixed(dec(r.amount).negated()),
        );
        expect(out.plan.lines.filter((l) => l.vatSource === 'shop').length).toBe(r.lines.length);
      }
    }
  });
});
