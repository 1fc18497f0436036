/**
 * PostgresStore on a real PostgreSQL (a throwaway cluster on loopback, see fleet/test-postgres.ts).
 * The shared store contract suite runs against it too (postgres-store.contract.test.ts).
 */
import { Pool } from 'pg';
import { openPostgresStore, type PostgresStore } from './postgres-store';
import { startTestPostgres, type TestPostgres } from '../fleet/test-postgres';

const init = (k: string) => ({ key: k, kind: 'order' as const, shopId: 's', orderId: k, orderNumber: k, refundId: null, reference: k, contentHash: null });

jest.setTimeout(60_000);

describe('PostgresStore', () => {
  let pg: TestPostgres;
  let n = 0;
  const open: PostgresStore[] = [];
  const schema = () => `t${++n}`;
  const store = async (s: string, scope = '') => {
    const st = await openPostgresStore({ url: pg.url, schema: s, scope, poolMax: 6 });
    open.push(st);
    return st;
  };
  beforeAll(async () => {
    pg = await startTestPostgres();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await pg?.stop();
  });

  it('runs its migrations once, however many processes start at once', async () => {
    const s = schema();
    const [a, b, c] = await Promise.all([store(s), store(s), store(s)]);
    const r = await a.pool.query(`SELECT version FROM ${s}.schema_migrations ORDER BY version`);
    expect(r.rows.map((x) => x.version)).toEqual([1, 2]);
    expect(new Set([a.newRunId().split(':')[1], b.newRunId().split(':')[1], c.newRunId().split(':')[1]]).size).toBe(3);
  });

  it('persists entries, cursors, mappings, tokens and runs; scopes keep connections apart', async () => {
    const s = schema();
    const a = await store(s, 'conn-a');
    expect((await a.claim('k1', init('k1'), 'run-a', 60_000)).ok).toBe(true);
    await a.update('k1', { status: 'booked', documentId: 'doc-1' });
    await a.setCursor('orders', '2026-01-01T00:00:00Z');
    await a.setMapping('exact-account', 'jan@example.nl', 'guid-1');
    expect(await a.compareAndSwapToken('exact', null, { refresh: 'r1' })).toBe(true);
    const run = await a.startRun('sync');
    await a.finishRun({ ...run, booked: 1, finishedAt: new Date().toISOString() });
    const b = await store(s, 'conn-a');
    expect(await b.getEntry('k1')).toMatchObject({ status: 'booked', documentId: 'doc-1' });
    expect(await b.getCursor('orders')).toBe('2026-01-01T00:00:00Z');
    expect(await b.getMapping('exact-account', 'jan@example.nl')).toBe('guid-1');
    expect((await b.listRuns(5))[0]).toMatchObject({ command: 'sync', booked: 1 });
    const other = b.forScope('conn-b');
    expect(await other.getEntry('k1')).toBeNull();
    expect(await other.getCursor('orders')).toBeNull();
    // tokens are shared: one token chain per app and administration
    expect(await other.getToken('exact')).toEqual({ value: { refresh: 'r1' }, version: 1 });
  });

  it('token chains are shared within a token scope and kept apart across scopes (two Exact servers numbering divisions alike)', async () => {
    const s = schema();
    const a = await store(s);
    const nl1 = a.forScope('conn-1', 'exact|https://start.exactonline.nl|app|1');
    const nl2 = a.forScope('conn-2', 'exact|https://start.exactonline.nl|app|1');
    const be = a.forScope('conn-3', 'exact|https://start.exactonline.be|app|1');
    expect(await nl1.compareAndSwapToken('exact:app:1', null, { refresh: 'nl' })).toBe(true);
    expect(await nl2.getToken('exact:app:1')).toEqual({ value: { refresh: 'nl' }, version: 1 });
    expect(await be.getToken('exact:app:1')).toBeNull();
    expect(await be.compareAndSwapToken('exact:app:1', null, { refresh: 'be' })).toBe(true);
    expect((await nl1.getToken('exact:app:1'))?.value).toEqual({ refresh: 'nl' });
  });

  it('of many concurrent claims of one entry exactly one wins; booked is final', async () => {
    const s = schema();
    const a = await store(s);
    const b = await store(s);
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).claim('k', init('k'), i % 2 ? a.newRunId() : b.newRunId(), 60_000)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    await a.update('k', { status: 'booked' });
    expect(await b.claim('k', init('k'), b.newRunId(), 60_000)).toMatchObject({ ok: false, reason: 'booked' });
  });

  it('a claim of a killed process (its connection gone) is taken over at once; a live one blocks', async () => {
    const s = schema();
    const a = await store(s);
    const dying = await openPostgresStore({ url: pg.url, schema: s, poolMax: 3 });
    const deadRun = dying.newRunId();
    expect((await dying.claim('k', init('k'), deadRun, 600_000)).ok).toBe(true);
    expect(await a.isRunAlive(deadRun)).toBe(true);
    expect(await a.claim('k', init('k'), a.newRunId(), 60_000)).toMatchObject({ ok: false, reason: 'claimed-elsewhere' });
    // kill -9 of the holder: the database closes its connections
    const admin = new Pool({ connectionString: pg.url, max: 1 });
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND objid = $2 AND objsubid = 2`, dying.sessionLockKey());
    await admin.end();
    await new Promise((r) => setTimeout(r, 100));
    // the dying store reconnects its liveness lock in the background: end it for good first
    await dying.close();
    expect(await a.isRunAlive(deadRun)).toBe(false);
    const mine = a.newRunId();
    expect(await a.claim('k', init('k'), mine, 60_000)).toMatchObject({ ok: true });
    expect((await a.getEntry('k'))?.claimedBy).toBe(mine);
  });

  it('fenced updates and lease renewal work only for the holder', async () => {
    const s = schema();
    const a = await store(s);
    const r1 = a.newRunId();
    const r2 = a.newRunId();
    await a.claim('k', init('k'), r1, 1);
    await new Promise((r) => setTimeout(r, 5));
    expect((await a.claim('k', init('k'), r2, 60_000)).ok).toBe(true); // r1's lease expired
    await expect(a.update('k', { writeStartedAt: 'x' }, { holder: r1 })).rejects.toMatchObject({ code: 'ClaimLost' });
    expect(await a.renewClaim('k', r1, 60_000)).toBe(false);
    expect(await a.renewClaim('k', r2, 120_000)).toBe(true);
    const e = await a.update('k', { writeStartedAt: 'x' }, { holder: r2 });
    expect(e.writeStartedAt).toBe('x');
    expect(Date.parse(e.claimExpiresAt!)).toBeGreaterThan(Date.now() + 60_000);
  });

  it('token compare-and-swap loses no rotation under concurrency', async () => {
    const s = schema();
    const a = await store(s);
    const b = await store(s);
    expect(await a.compareAndSwapToken('t', null, { n: 0 })).toBe(true);
    expect(await b.compareAndSwapToken('t', null, { n: 9 })).toBe(false);
    const bump = async (st: PostgresStore) => {
      for (;;) {
        const cur = (await st.getToken('t'))!;
        if (await st.compareAndSwapToken('t', cur.version, { n: (cur.value.n as number) + 1 })) return;
      }
    };
    await Promise.all(Array.from({ length: 10 }, (_, i) => bump(i % 2 ? a : b)));
    expect(await a.getToken('t')).toEqual({ value: { n: 10 }, version: 11 });
  });

  it('withLock excludes across processes and times out', async () => {
    const s = schema();
    const a = await store(s);
    const b = await store(s);
    let inside = 0;
    let max = 0;
    const work = (st: PostgresStore) =>
      st.withLock('refresh', async () => {
        inside++;
        max = Math.max(max, inside);
        await new Promise((r) => setTimeout(r, 20));
        inside--;
      });
    await Promise.all([work(a), work(b), work(a), work(b)]);
    expect(max).toBe(1);
    let release!: () => void;
    const held = a.withLock('x', () => new Promise<void>((r) => (release = r)));
    await new Promise((r) => setTimeout(r, 50));
    await expect(b.withLock('x', async () => 1, { timeoutMs: 200 })).rejects.toMatchObject({ code: 'Timeout' });
    release();
    await held;
    expect(await b.withLock('x', async () => 2, { timeoutMs: 2000 })).toBe(2);
  });

  it('lists entries by status, shop and due time', async () => {
    const s = schema();
    const a = await store(s);
    for (const k of ['a', 'b', 'c']) await a.claim(k, init(k), 'r', 60_000);
    await a.update('a', { status: 'failed', nextRetryAt: '2000-01-01T00:00:00.000Z' });
    await a.update('b', { status: 'failed', nextRetryAt: '2999-01-01T00:00:00.000Z' });
    expect((await a.listEntries({ status: 'failed', dueBefore: new Date().toISOString() })).map((e) => e.key)).toEqual(['a']);
    expect((await a.listEntries({ status: 'claimed', shopId: 's' })).map((e) => e.key)).toEqual(['c']);
    expect(await a.listEntries({ shopId: 'other' })).toEqual([]);
  });
});
