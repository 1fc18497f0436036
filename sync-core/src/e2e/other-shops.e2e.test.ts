/**
 * Shopify (incl. POS) and CCV Shop through the same plan, engine and targets as WooCommerce:
 * the same exactly-once and to-the-cent proofs, for both accounting systems.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox } from '../sandbox';
import { MemoryStore } from '../store/memory-store';
import { planOrder } from '../plan/plan-order';
import { FileStore } from '../store/file-store';
import { expectExactlyOnceToTheCent, fileConfig, killAtRandomPoints, reconcile, shopOrders, spawnCli, syncOnce, syncUntilSettled } from './harness';

jest.setTimeout(180_000);


const combos: Array<['shopify' | 'ccvshop', 'exact' | 'moneybird']> = [
  ['shopify', 'exact'],
  ['shopify', 'moneybird'],
  ['ccvshop', 'moneybird'],
  ['ccvshop', 'exact'],
];

describe.each(combos)('%s -> %s', (platform, target) => {
  it('books every order (and refund) exactly once, to the cent, also after timeouts after commit', async () => {
    const sb = await startSandbox({ target, platform, orders: 24, seed: 21, fastLimits: true });
    try {
      const store = new MemoryStore();
      if (target === 'exact') sb.exact!.faults.inject('timeoutAfterCommit', { count: 2, path: 'SalesEntries', mode: 'drop' });
      else {
        sb.moneybird!.faults.delayMs = 100;
        sb.moneybird!.faults.inject('timeoutAfterCommit', { count: 2, path: 'sales_invoices', method: 'POST' });
      }
      const rules = { startDate: '2000-01-01', retryBaseSeconds: 1 };
      const first = await syncOnce(sb, store, { rules });
      expect(first.booked.order).toBeGreaterThan(10);
      await syncUntilSettled(sb, store);
      expectExactlyOnceToTheCent(await reconcile(sb, store));
      expect(sb.booksStats().tooManyRequests).toBe(0);
      if (platform === 'shopify') {
        // POS orders (walk-in sales without e-mail included) are booked like web orders
        const pos = (await shopOrders(sb)).filter((o) => o.channel === 'pos').map((o) => o.id);
        expect(pos.length).toBeGreaterThan(0);
        const booked = new Set((await store.listEntries({ status: 'booked' })).map((e) => e.orderId));
        expect(pos.every((id) => booked.has(id))).toBe(true);
        const refunds = (await store.listEntries({ status: 'booked' })).filter((e) => e.kind === 'refund');
        expect(refunds.length).toBeGreaterThan(0);
        // intra-EU B2B orders (EU reverse-charge exemption, VAT number in a metafield, attribute or
        // the billing company) are booked, as reverse charge
        const b2b = (await shopOrders(sb)).filter((o) => o.customer.taxExempt);
        expect(b2b.length).toBeGreaterThan(0);
        expect(b2b.every((o) => booked.has(o.id) && /^(DE|BE|FR)/.test(o.customer.vatNumber))).toBe(true);
        for (const o of b2b) {
          const p = planOrder(o, sb.config.plan);
          expect(p.ok && p.plan.vatByRate.map((v) => v.key)).toEqual(['reverse_charge:0']);
        }
      }
      const writes = sb.booksStats().writes;
      await syncOnce(sb, store, { rules });
      expect(sb.booksStats().writes).toBe(writes);
    } finally {
      await sb.close();
    }
  });
});

describe.each([['shopify', 'exact'] as const, ['ccvshop', 'moneybird'] as const])('%s -> %s, killed at random points', (platform, target) => {
  it('a sync process killed with SIGKILL and restarted books everything exactly once', async () => {
    const sb = await startSandbox({ target, platform, orders: 24, seed: 22, fastLimits: true });
    const { path, dir } = fileConfig(sb);
    try {
      if (target === 'exact') {
        sb.exact!.faults.delayMs = 400;
        sb.exact!.faults.inject('timeoutAfterCommit', { count: 1000, path: 'SalesEntries', mode: 'hold' });
      } else {
        sb.moneybird!.faults.delayMs = 400;
        sb.moneybird!.faults.inject('timeoutAfterCommit', { count: 1000, path: 'invoices', method: 'POST' });
      }
      const kills = await killAtRandomPoints({ path, dir }, 4);
      expect(kills).toBeGreaterThanOrEqual(2);
      if (target === 'exact') sb.exact!.faults.clear();
      else sb.moneybird!.faults.clear();
      const last = await spawnCli(['--config', path, 'sync', '--json'], dir).done;
      expect([last.code, last.stderr]).toEqual([0, '']);
      expectExactlyOnceToTheCent(await reconcile(sb, new FileStore(join(dir, 'state'))));
    } finally {
      await sb.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
