/** The sandbox shops (generated orders) read through the source factories, and plan to the cent. */
import { shopifySandboxStarter } from '../../sandbox/shopify';
import { ccvShopSandboxStarter } from '../../sandbox/ccvshop';
import { shopifySourceFactory } from './index';
import { ccvShopSourceFactory } from '../ccvshop';
import { canonicalProblems } from './canonical-check';
import { planOrder, planRefund } from '../../plan';
import { MemoryStore } from '../../store/memory-store';
import type { Order } from '../../model/order';
import type { Source } from '../port';

async function readAll(source: Source): Promise<Order[]> {
  const out: Order[] = [];
  for await (const page of source.listOrders({})) {
    for (const o of page.orders) {
      if (!o.ok) throw new Error(`${o.id}: ${o.error.message}`);
      out.push(o.order);
    }
  }
  return out;
}

function expectBookable(orders: Order[]): void {
  for (const o of orders) {
    expect({ n: o.number, problems: canonicalProblems(o) }).toEqual({ n: o.number, problems: [] });
    const plan = planOrder(o, { requireCustomerEmail: o.customer.email !== '' });
    if (!plan.ok) throw new Error(`#${o.number}: ${plan.error.message}`);
    expect({ n: o.number, gross: plan.plan.totals.gross, vat: plan.plan.totals.vat }).toEqual({
      n: o.number,
      gross: o.totals.total,
      vat: o.totals.totalTax,
    });
    for (const r of o.refunds) {
      const rp = planRefund(o, r, { requireCustomerEmail: o.customer.email !== '' });
      if (!rp.ok) throw new Error(`refund ${r.id}: ${rp.error.message}`);
    }
  }
}

describe('sandbox shops', () => {
  test('Shopify: 40 generated orders (seed 7) are read, add up and plan to the cent; the same seed gives the same shop', async () => {
    const totals: string[][] = [];
    for (let run = 0; run < 2; run++) {
      const shop = await shopifySandboxStarter({ seed: 7, orders: 40, port: 0 });
      try {
        const { platform, ...config } = shop.sourceConfig;
        expect(platform).toBe('shopify');
        const orders = await readAll(shopifySourceFactory(config));
        expect(orders).toHaveLength(40);
        expect(orders.some((o) => o.channel === 'pos')).toBe(true);
        expect(orders.some((o) => o.refunds.length)).toBe(true);
        expectBookable(orders);
        totals.push(orders.map((o) => `${o.number}:${o.totals.total}`).sort());
      } finally {
        await shop.close();
      }
    }
    expect(totals[0]).toEqual(totals[1]);
  });

  test('CCV Shop: 30 generated orders are read, add up and plan to the cent', async () => {
    const shop = await ccvShopSandboxStarter({ seed: 3, orders: 30, port: 0 });
    try {
      const { platform, ...config } = shop.sourceConfig;
      expect(platform).toBe('ccvshop');
      const orders = await readAll(ccvShopSourceFactory(config, new MemoryStore()));
      expect(orders).toHaveLength(30);
      expectBookable(orders);
    } finally {
      await shop.close();
    }
  });
});
