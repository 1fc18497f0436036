/**
 * A fleet worker's stop() while a job is booking: the job ends at the next page boundary (the
 * engine has moved the cursor past every page it finished), its run is recorded, and when stop()
 * resolves nothing of the worker keeps running. CI failed on exactly that: stop() gave up after
 * its timeout while a job was still booking, pg-boss's worker loop then kept polling after the
 * caller had torn everything down (in jest: "Cannot destructure property 'setTimeout'" in the next
 * test file of the same process).
 */
import { randomBytes } from 'node:crypto';
import timersPromises from 'node:timers/promises';
import { startSandbox, type Sandbox } from '../sandbox';
import { startTestPostgres, type TestPostgres } from './test-postgres';
import { startFleetWorker, type FleetWorker } from './worker';
import { Connections } from './connections';
import { openPostgresStore, type PostgresStore } from '../store/postgres-store';

jest.setTimeout(120_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('fleet worker stop()', () => {
  let pg: TestPostgres;
  let sb: Sandbox | undefined;
  let admin: PostgresStore | undefined;
  let worker: FleetWorker | undefined;
  beforeAll(async () => {
    pg = await startTestPostgres();
  });
  afterAll(async () => {
    await worker?.stop();
    await sb?.close();
    await admin?.close();
    await pg?.stop();
  });

  it('lets the running job finish its page, records the run, and leaves no loop behind', async () => {
    sb = await startSandbox({
      target: 'exact',
      platform: 'woocommerce',
      orders: 260,
      seed: 21,
      fastLimits: true,
    });
    const woo = sb.shop.woo!;
    // the first orders page answers slowly: the job is surely in flight when stop() is called
    woo.faults.inject({ kind: 'slow', times: 1, delayMs: 1500, match: /^\/wc\/v3\/orders$/ });
    const schema = 'fleet_stop';
    admin = await openPostgresStore({ url: pg.url, schema });
    const key = randomBytes(32);
    const conns = new Connections(admin.pool, schema, key);
    await conns.add(
      'shop',
      {
        ...sb.config,
        source: { ...(sb.config.source as object), shopId: 'shop-stop' },
        store: { kind: 'memory' },
      },
      { intervalSeconds: 3600 },
    );

    worker = await startFleetWorker({
      url: pg.url,
      schema,
      key,
      concurrency: 1,
      stopTimeoutMs: 1000,
      maxOrdersPerJob: 10_000,
      schedulerIntervalMs: 200,
      pollingIntervalSeconds: 0.5,
      limits: { exact: { limit: 900, windowMs: 1000, padMs: 0 } },
    });
    const deadline = Date.now() + 30_000;
    while (woo.faults.pending > 0 && Date.now() < deadline) await sleep(50);
    expect(woo.faults.pending).toBe(0);

    const delays = jest.spyOn(timersPromises, 'setTimeout');
    const w = worker;
    worker = undefined;
    await w.stop();
    const callsAtStop = delays.mock.calls.length;
    await sleep(2500);
    // nothing of the stopped worker polls any more
    expect(delays.mock.calls.length).toBe(callsAtStop);
    delays.mockRestore();

    const row = (await conns.list()).find((r) => r.id === 'shop')!;
    // the job stopped at a page boundary and said so; its bookings are all recorded
    expect(row.lastRun).toMatchObject({ truncated: true });
    expect((row.lastRun as { booked: number }).booked).toBeGreaterThan(0);
    const entries = await admin.forScope('shop').listEntries({});
    expect(entries.filter((e) => e.status === 'claimed')).toEqual([]);
  });

  it('a job for a connection whose run is busy elsewhere gives its slot back within seconds, not a minute', async () => {
    const sb2 = await startSandbox({ target: 'exact', platform: 'woocommerce', orders: 5, seed: 22, fastLimits: true });
    const schema = 'fleet_busy';
    const st = await openPostgresStore({ url: pg.url, schema });
    const key = randomBytes(32);
    const conns = new Connections(st.pool, schema, key);
    let w: FleetWorker | undefined;
    let release: () => void = () => undefined;
    try {
      await conns.add('busy', { ...sb2.config, source: { ...(sb2.config.source as object), shopId: 'shop-busy' }, store: { kind: 'memory' } }, { intervalSeconds: 3600 });
      // another process holds this connection's run lock (a run on another host)
      const held = st.forScope('busy').withLock('run:woocommerce:shop-busy:exact', () => new Promise<void>((r) => (release = r)));
      await sleep(200);
      const busyAt: number[] = [];
      const t0 = Date.now();
      w = await startFleetWorker({ url: pg.url, schema, key, concurrency: 1, stopTimeoutMs: 1000, schedulerIntervalMs: 200, pollingIntervalSeconds: 0.5, log: (e) => void (e === 'fleet.run-busy' && busyAt.push(Date.now() - t0)) });
      while (!busyAt.length && Date.now() - t0 < 20_000) await sleep(200);
      // the job said "busy" and gave its slot back (re-enqueued) instead of waiting the engine's minute
      expect(busyAt.length).toBeGreaterThan(0);
      expect(busyAt[0]).toBeLessThan(15_000);
      const s0 = Date.now();
      await w.stop();
      w = undefined;
      expect(Date.now() - s0).toBeLessThan(10_000);
      release();
      await held;
    } finally {
      release();
      await w?.stop();
      await st.close();
      await sb2.close();
    }
  });
});
