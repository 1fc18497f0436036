/**
 * The fleet end to end on a real PostgreSQL: three WooCommerce shops booking into ONE Exact
 * division and two into one Moneybird administration, two worker processes' worth of workers
 * (two pg-boss workers with their own pools and store sessions), a small batch per job. Then
 * an independent check in the simulated books: every booked ledger entry's reference exactly
 * once, nothing missing, no 429 caused; a connection with a revoked key ends paused with its reason.
 */
import { randomBytes } from 'node:crypto';
import { startSandbox, type Sandbox } from '../sandbox';
import { startShopSource, type SandboxShop } from '../sandbox/shops';
import { startTestPostgres, type TestPostgres } from './test-postgres';
import { startFleetWorker, type FleetWorker } from './worker';
import { Connections } from './connections';
import { openPostgresStore } from '../store/postgres-store';
import { isDocumentEntry } from '../store/port';

jest.setTimeout(240_000);

const key = randomBytes(32);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('fleet on pg-boss and PostgreSQL', () => {
  let pg: TestPostgres;
  const sandboxes: Sandbox[] = [];
  const shops: SandboxShop[] = [];
  const workers: FleetWorker[] = [];
  const pools: { close(): Promise<void> }[] = [];
  beforeAll(async () => {
    pg = await startTestPostgres();
  });
  afterAll(async () => {
    for (const w of workers) await w.stop();
    for (const s of shops) await s.close();
    for (const s of sandboxes) await s.close();
    // a failed assertion must not leave a pool open: jest would never exit (CI hung 90 minutes on it)
    for (const p of pools) await p.close();
    await pg?.stop();
  });

  it('books every order of every shop exactly once, shared administrations stay within their budget, a broken one is paused', async () => {
    const exact = await startSandbox({ target: 'exact', platform: 'woocommerce', orders: 25, seed: 11, exactSim: { rateLimit: { minutely: 60, windowMs: 1000 } as never } });
    const mb = await startSandbox({ target: 'moneybird', platform: 'woocommerce', orders: 20, seed: 12, moneybirdSim: { rateLimit: { limit: 150, windowSec: 5 } } });
    sandboxes.push(exact, mb);
    const extra = [await startShopSource('woocommerce', { seed: 13, orders: 25, port: 0 }), await startShopSource('woocommerce', { seed: 14, orders: 25, port: 0 }), await startShopSource('woocommerce', { seed: 15, orders: 20, port: 0 })];
    shops.push(...extra);
    const schema = 'fleet_e2e';
    const admin = await openPostgresStore({ url: pg.url, schema });
    pools.push(admin);
    const conns = new Connections(admin.pool, schema, key);
    const base = (sb: Sandbox, prefix: string, source: Record<string, unknown>) => ({ ...sb.config, source: { ...source, shopId: `shop-${prefix}` }, plan: { ...(sb.config.plan as object), referencePrefix: `${prefix}-` }, store: { kind: 'memory' } });
    await conns.add('ex-a', base(exact, 'A', exact.config.source as never), { intervalSeconds: 2 });
    await conns.add('ex-b', base(exact, 'B', extra[0].sourceConfig), { intervalSeconds: 2 });
    await conns.add('ex-c', base(exact, 'C', extra[1].sourceConfig), { intervalSeconds: 2 });
    await conns.add('mb-a', base(mb, 'D', mb.config.source as never), { intervalSeconds: 2 });
    await conns.add('mb-b', base(mb, 'E', extra[2].sourceConfig), { intervalSeconds: 2 });
    await conns.add('revoked', base(exact, 'F', { ...(extra[0].sourceConfig as object), consumerSecret: 'cs_revoked' }), { intervalSeconds: 1 });

    const opts = { url: pg.url, schema, key, concurrency: 3, stopTimeoutMs: 3000, maxOrdersPerJob: 10, retryLimit: 1, retryDelaySeconds: 1, pauseAfterFailures: 2, schedulerIntervalMs: 500, pollingIntervalSeconds: 0.5, limits: { exact: { limit: 50, windowMs: 1000, padMs: 200 }, moneybird: { limit: 140, windowMs: 5000, padMs: 500 } } };
    workers.push(await startFleetWorker(opts), await startFleetWorker(opts));

    const ids = ['ex-a', 'ex-b', 'ex-c', 'mb-a', 'mb-b'];
    const deadline = Date.now() + 200_000;
    let settled = false;
    while (Date.now() < deadline && !settled) {
      await sleep(1000);
      const rows = await conns.list();
      const revoked = rows.find((r) => r.id === 'revoked')!;
      let quiet = revoked.paused;
      for (const id of ids) {
        const st = admin.forScope(id);
        const open = (await st.listEntries({ status: 'claimed' })).length;
        const row = rows.find((r) => r.id === id)!;
        if (open || !row.lastRun || (row.lastRun as { truncated?: boolean }).truncated || (row.lastRun as { booked?: number }).booked) quiet = false;
      }
      settled = quiet;
    }
    expect(settled).toBe(true);

    for (const [sb, conn] of [
      [exact, ['ex-a', 'ex-b', 'ex-c']],
      [mb, ['mb-a', 'mb-b']],
    ] as const) {
      const books = sb.books();
      let bookedEntries = 0;
      for (const id of conn) {
        const entries = await admin.forScope(id).listEntries({});
        expect(entries.filter((e) => e.status === 'claimed')).toEqual([]);
        // payment and attachment follow-ups share their document's reference: count documents only
        for (const e of entries.filter((x) => x.status === 'booked' && isDocumentEntry(x))) {
          bookedEntries++;
          expect(books.has(e.reference)).toBe(true);
        }
      }
      // every document in the books belongs to exactly one booked entry: no duplicates, no orphans
      expect(books.size).toBe(bookedEntries);
      expect(Math.max(...[...books.values()].map((d) => d.count))).toBe(1);
      expect(bookedEntries).toBeGreaterThan(20);
      expect(sb.booksStats().tooManyRequests).toBe(0);
    }
    const revoked = (await conns.list()).find((r) => r.id === 'revoked')!;
    expect(revoked.paused).toBe(true);
    expect(revoked.pauseReason).toMatch(/Paused/);
  });
});
