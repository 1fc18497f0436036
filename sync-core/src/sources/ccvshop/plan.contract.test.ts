/** Every simulated CCV Shop order, read through the source, plans to the cent with plan/. */
import { startCcvShopSimulator, type CcvShopSimulator } from '../../sandbox/ccvshop';
import { createCcvShopSource } from './index';
import { planOrder } from '../../plan';
import { checkPlanAgainstShop } from '../../plan/check';
import type { Order } from '../../model/order';

describe('CCV Shop orders plan to the cent', () => {
  let sim: CcvShopSimulator;
  const orders: Order[] = [];
  beforeAll(async () => {
    sim = await startCcvShopSimulator();
    const src = createCcvShopSource({ baseUrl: sim.url, publicKey: sim.publicKey, secretKey: sim.secretKey });
    for await (const page of src.listOrders({})) for (const o of page.orders) if (o.ok) orders.push(o.order);
    expect(orders).toHaveLength(sim.shop.orders.size);
  });
  afterAll(async () => {
    await sim.close();
  });

  test('every order: plan gross = total_price, plan VAT = total_tax, no rounding line needed', () => {
    for (const o of orders) {
      const out = planOrder(o);
      if (!out.ok) throw new Error(`#${o.number}: ${out.error.message}`);
      expect({
        n: o.number,
        gross: out.plan.totals.gross,
        vat: out.plan.totals.vat,
        rounding: out.plan.roundingTotal,
      }).toEqual({ n: o.number, gross: o.totals.total, vat: o.totals.totalTax, rounding: '0.00' });
      expect({ n: o.number, ok: checkPlanAgainstShop(o, out.plan).ok }).toEqual({ n: o.number, ok: true });
    }
  });

  test('the intra-community order is planned as reverse charge; the deposit row as domestic 0 %', () => {
    const icp = planOrder(orders.find((o) => o.number === '105')!);
    if (!icp.ok) throw new Error(icp.error.message);
    expect(new Set(icp.plan.lines.map((l) => l.vatInfo.key))).toEqual(new Set(['reverse_charge:0']));
    const dep = planOrder(orders.find((o) => o.number === '103')!);
    if (!dep.ok) throw new Error(dep.error.message);
    expect(dep.plan.lines.find((l) => l.description.startsWith('Statiegeld'))?.vatInfo.key).toBe(
      'domestic:0',
    );
  });
});
