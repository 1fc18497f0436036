/**
 * plan/ on WooCommerce orders end to end: the sandbox generator computes orders exactly as
 * WooCommerce does (every shop setting), the REST serialiser renders them as the API does, the
 * source maps them, and every plan must reconcile with the shop's own total and tax lines.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateShop } from '../sandbox/woocommerce/generate';
import { restOrder, restRefund } from '../sandbox/woocommerce/rest';
import { mapWooOrder } from '../sources/woocommerce/map-order';
import { dec, fixed, sum } from '../model/money';
import { planCancellation, planOrder, planRefund } from './index';
import { checkPlanAgainstShop } from './check';

const modes = [
  { pricesIncludeTax: true, roundAtSubtotal: false },
  { pricesIncludeTax: true, roundAtSubtotal: true },
  { pricesIncludeTax: false, roundAtSubtotal: false },
  { pricesIncludeTax: false, roundAtSubtotal: true },
];

describe.each(modes)('generated WooCommerce orders (prices incl. VAT %p)', (settings) => {
  const shop = generateShop({ seed: 4242 + Number(settings.pricesIncludeTax) * 2 + Number(settings.roundAtSubtotal), count: 150, settings });
  const ctx = { homeUrl: 'http://127.0.0.1:1', settings: shop.settings };
  const plan = { acceptedCurrencies: ['USD', 'GBP'] };

  it('every order plans to the cent, every refund nets exactly, in both discount modes', () => {
    let planned = 0;
    let refunds = 0;
    for (const rec of shop.orders) {
      const mapped = mapWooOrder(JSON.parse(JSON.stringify(restOrder(rec, ctx))), { shopId: 'sandbox', taxRates: shop.taxRates, refunds: rec.refunds.map((r) => restRefund(r, ctx)), roundTaxAtSubtotal: settings.roundAtSubtotal });
      if (!mapped.ok) throw new Error(`order ${rec.id} did not map: ${mapped.error.message}`);
      const order = mapped.order;
      for (const discountMode of ['netted', 'separate'] as const) {
        const r = planOrder(order, { ...plan, discountMode });
        if (!r.ok) {
          if (r.disposition !== "skip") throw new Error(`order ${order.number} (${discountMode}) refused: ${r.error.message}`);
          continue;
        }
        const check = checkPlanAgainstShop(order, r.plan);
        if (!check.ok) throw new Error(`order ${order.number} (${discountMode}) does not reconcile: ${JSON.stringify(check)}`);
        planned++;
        if (discountMode === 'separate') continue;
        const refundPlans = [];
        for (const rf of order.refunds) {
          const rp = planRefund(order, rf, plan);
          if (!rp.ok) throw new Error(`refund ${rf.id} of ${order.number}: ${rp.error.message}`);
          expect(rp.plan.totals.gross).toBe(fixed(dec(rf.amount).negated()));
          refundPlans.push(rp.plan);
          refunds++;
        }
        const c = planCancellation(order, refundPlans, plan);
        const credited = c.ok ? c.plan.totals.gross : '0';
        expect(fixed(sum([r.plan.totals.gross, ...refundPlans.map((p) => p.totals.gross), credited]))).toBe('0.00');
      }
    }
    expect(planned).toBeGreaterThan(250);
    expect(refunds).toBeGreaterThan(5);
  });
});

describe('the public WooCommerce fixtures', () => {
  const dir = join(__dirname, '../../../../shared/fixtures/public');
  const read = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8'));
  const taxRates = read('woocommerce-tax-rates-list-example.json');
  const orders = [read('woocommerce-order-example.json'), ...read('woocommerce-orders-list-example.json'), read('woocommerce-order-webhook-wc8-example.json')];

  it.each(orders.map((o) => [String(o.id), o]))('order %s maps and plans to the cent (or is refused with a reason)', (_id, raw) => {
    const refunds = raw.refunds?.length ? read('woocommerce-refunds-list-example.json').filter((r: { id: number }) => raw.refunds.some((x: { id: number }) => x.id === r.id)) : [];
    const mapped = mapWooOrder(raw, { shopId: 'docs', taxRates, refunds });
    if (!mapped.ok) {
      expect(mapped.error.message).toMatch(/WooCommerce order/);
      return;
    }
    // the docs' examples are US shops in USD
    const r = planOrder(mapped.order, { shopCountry: 'US', baseCurrency: mapped.order.currency, requireCustomerEmail: false, bookZeroTotalOrders: true });
    if (!r.ok) throw new Error(r.error.message);
    expect(checkPlanAgainstShop(mapped.order, r.plan).ok).toBe(true);
  });
});
