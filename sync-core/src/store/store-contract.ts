/**
 * The Store port's contract as jest tests, run against every store (memory, file, WordPress,
 * PostgreSQL): claims and leases, final states, renewal, fencing, cursors, mappings, the token
 * compare-and-swap, locks and runs. Import it from a `*.test.ts` and call `describeStoreContract`.
 *
 * Stores may share state between tests (a WordPress database): every test uses its own keys.
 */
import { randomUUID } from 'node:crypto';
import type { LedgerEntry, Store } from './port';

export interface StoreUnderTest {
  store: Store;
  /** Another handle on the same state (another process or connection), for races. Default: `store`. */
  other?: Store;
  /** A run id this store judges dead (e.g. a pid on this host that does not exist), when it can tell. */
  deadRunId?: string;
  cleanup(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function describeStoreContract(name: string, make: () => Promise<StoreUnderTest>, opts: { timeoutMs?: number } = {}): void {
  const timeout = opts.timeoutMs ?? 30_000;
  describe(`Store contract: ${name}`, () => {
    let sut: StoreUnderTest;
    let s: Store;
    let o: Store;
    let p: string;
    const key = (k: string) => `${p}:order:${k}`;
    const init = (k: string) => ({ key: key(k), kind: 'order' as const, shopId: p, orderId: k, orderNumber: k, refundId: null, reference: `R-${k}`, contentHash: null });

    beforeEach(async () => {
      sut = await make();
      s = sut.store;
      o = sut.other ?? sut.store;
      p = `contract-${randomUUID().slice(0, 8)}`;
    }, timeout);
    afterEach(async () => {
      await sut.cleanup();
    }, timeout);

    it('run ids are fresh and a fresh run is alive', async () => {
      const a = s.newRunId();
      const b = s.newRunId();
      expect(a).not.toBe(b);
      expect(await s.isRunAlive(a)).toBe(true);
      expect(await o.isRunAlive(a)).toBe(true);
    });

    it('a first claim creates the entry, held by the run until its lease ends', async () => {
      const run = s.newRunId();
      const before = Date.now();
      const c = await s.claim(key('1'), init('1'), run, 60_000);
      expect(c.ok).toBe(true);
      expect(c.entry).toMatchObject({ key: key('1'), status: 'claimed', claimedBy: run, writeStartedAt: null, documentId: null, attempts: 0, reference: 'R-1' });
      const expires = Date.parse(c.entry.claimExpiresAt!);
      expect(expires).toBeGreaterThanOrEqual(before + 60_000 - 2000);
      expect(expires).toBeLessThanOrEqual(Date.now() + 60_000 + 2000);
      expect(await o.getEntry(key('1'))).toMatchObject({ status: 'claimed', claimedBy: run });
      expect(await s.getEntry(key('none'))).toBeNull();
    }, timeout);

    it('the same run may claim again; a live foreign claim blocks', async () => {
      const a = s.newRunId();
      const b = o.newRunId();
      expect((await s.claim(key('1'), init('1'), a, 60_000)).ok).toBe(true);
      expect((await s.claim(key('1'), init('1'), a, 60_000)).ok).toBe(true);
      const blocked = await o.claim(key('1'), init('1'), b, 60_000);
      expect(blocked).toMatchObject({ ok: false, reason: 'claimed-elsewhere' });
      expect(blocked.entry.claimedBy).toBe(a);
      expect((await s.getEntry(key('1')))!.claimedBy).toBe(a);
    }, timeout);

    it('an expired lease is taken over by another run', async () => {
      const a = s.newRunId();
      const b = o.newRunId();
      expect((await s.claim(key('1'), init('1'), a, 150)).ok).toBe(true);
      await sleep(400);
      const c = await o.claim(key('1'), init('1'), b, 60_000);
      expect(c.ok).toBe(true);
      expect(c.entry.claimedBy).toBe(b);
    }, timeout);

    it('a claim of a run the store knows is dead is taken over before its lease ends', async () => {
      if (!sut.deadRunId) return;
      expect(await s.isRunAlive(sut.deadRunId)).toBe(false);
      expect((await s.claim(key('1'), init('1'), sut.deadRunId, 600_000)).ok).toBe(true);
      expect((await o.claim(key('1'), init('1'), o.newRunId(), 60_000)).ok).toBe(true);
    }, timeout);

    it('booked and skipped are final: no run can claim them again', async () => {
      const a = s.newRunId();
      await s.claim(key('b'), init('b'), a, 60_000);
      await s.update(key('b'), { status: 'booked', documentId: 'doc-1', claimedBy: null, claimExpiresAt: null }, { holder: a });
      await s.claim(key('s'), init('s'), a, 60_000);
      await s.update(key('s'), { status: 'skipped', skipReason: 'not sold', claimedBy: null, claimExpiresAt: null }, { holder: a });
      for (const run of [a, o.newRunId()]) {
        expect(await o.claim(key('b'), init('b'), run, 60_000)).toMatchObject({ ok: false, reason: 'booked', entry: { documentId: 'doc-1' } });
        expect(await o.claim(key('s'), init('s'), run, 60_000)).toMatchObject({ ok: false, reason: 'skipped', entry: { skipReason: 'not sold' } });
      }
    }, timeout);

    it('a failed entry is claimed again and keeps its history', async () => {
      const a = s.newRunId();
      await s.claim(key('1'), init('1'), a, 60_000);
      await s.update(key('1'), { writeStartedAt: new Date().toISOString() }, { holder: a });
      await s.update(key('1'), { status: 'failed', attempts: 1, lastError: { code: 'Timeout', message: 'slow' }, claimedBy: null, claimExpiresAt: null }, { holder: a });
      const b = o.newRunId();
      const c = await o.claim(key('1'), init('1'), b, 60_000);
      expect(c.ok).toBe(true);
      expect(c.entry).toMatchObject({ status: 'failed', claimedBy: b, attempts: 1, lastError: { code: 'Timeout', message: 'slow' } });
      expect(c.entry.writeStartedAt).not.toBeNull();
    }, timeout);

    it('two handles racing for one entry: exactly one claim wins', async () => {
      const runs = [s.newRunId(), o.newRunId(), s.newRunId(), o.newRunId()];
      const results = await Promise.all(runs.map((r, i) => (i % 2 ? o : s).claim(key('race'), init('race'), r, 60_000)));
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      const winner = runs[results.findIndex((r) => r.ok)];
      expect((await s.getEntry(key('race')))!.claimedBy).toBe(winner);
    }, timeout);

    it('renewClaim extends only the holder\'s claim', async () => {
      const a = s.newRunId();
      const b = o.newRunId();
      const c = await s.claim(key('1'), init('1'), a, 1_000);
      expect(await s.renewClaim(key('1'), a, 120_000)).toBe(true);
      const renewed = (await o.getEntry(key('1')))!;
      expect(Date.parse(renewed.claimExpiresAt!)).toBeGreaterThan(Date.parse(c.entry.claimExpiresAt!) + 60_000);
      // another run cannot renew (nor take) it, and nothing changes
      expect(await o.renewClaim(key('1'), b, 600_000)).toBe(false);
      expect((await s.getEntry(key('1')))!.claimExpiresAt).toBe(renewed.claimExpiresAt);
      expect(await s.renewClaim(key('missing'), a, 1_000)).toBe(false);
    }, timeout);

    it('a renewed claim outlives its first lease; a lapsed one taken over cannot be renewed', async () => {
      const a = s.newRunId();
      const b = o.newRunId();
      await s.claim(key('1'), init('1'), a, 300);
      await sleep(150);
      expect(await s.renewClaim(key('1'), a, 60_000)).toBe(true);
      await sleep(300);
      expect(await o.claim(key('1'), init('1'), b, 60_000)).toMatchObject({ ok: false, reason: 'claimed-elsewhere' });

      await s.claim(key('2'), init('2'), a, 100);
      await sleep(300);
      expect((await o.claim(key('2'), init('2'), b, 60_000)).ok).toBe(true);
      expect(await s.renewClaim(key('2'), a, 60_000)).toBe(false);
      expect((await o.getEntry(key('2')))!.claimedBy).toBe(b);
      // a released claim is not renewed either
      await o.update(key('2'), { status: 'failed', claimedBy: null, claimExpiresAt: null }, { holder: b });
      expect(await o.renewClaim(key('2'), b, 60_000)).toBe(false);
    }, timeout);

    it('fencing: an update for a holder that lost the claim changes nothing and fails with ClaimLost', async () => {
      const a = s.newRunId();
      const b = o.newRunId();
      await s.claim(key('1'), init('1'), a, 100);
      const started = new Date().toISOString();
      expect(await s.update(key('1'), { writeStartedAt: started }, { holder: a })).toMatchObject({ writeStartedAt: started, claimedBy: a });
      await sleep(300);
      expect((await o.claim(key('1'), init('1'), b, 60_000)).ok).toBe(true);
      const before = (await o.getEntry(key('1')))!;
      const late = s.update(key('1'), { status: 'booked', documentId: 'doc-of-a', claimedBy: null, claimExpiresAt: null }, { holder: a });
      await expect(late).rejects.toMatchObject({ code: 'ClaimLost', retryable: true });
      const after = (await o.getEntry(key('1')))!;
      expect(after).toEqual(before);
      // the new holder's updates go through
      expect(await o.update(key('1'), { status: 'booked', documentId: 'doc-of-b', claimedBy: null, claimExpiresAt: null }, { holder: b })).toMatchObject({ status: 'booked', documentId: 'doc-of-b' });
      // once released, not even the last holder may write under the claim
      await expect(o.update(key('1'), { documentNumber: 'x' }, { holder: b })).rejects.toMatchObject({ code: 'ClaimLost' });
      expect((await s.getEntry(key('1')))!.documentNumber).toBeNull();
    }, timeout);

    it('an unfenced update applies its fields; an update of a missing entry fails', async () => {
      const a = s.newRunId();
      await s.claim(key('1'), init('1'), a, 60_000);
      const patch: Partial<LedgerEntry> = { status: 'failed', attempts: 2, lastError: { code: 'RateLimited', message: 'later', remoteMessage: 'Too many' }, nextRetryAt: '2030-01-01T00:00:00.000Z' };
      const e = await s.update(key('1'), patch);
      expect(e).toMatchObject(patch);
      expect(await o.getEntry(key('1'))).toMatchObject(patch);
      await expect(s.update(key('missing'), { attempts: 1 })).rejects.toThrow();
      expect(await s.getEntry(key('missing'))).toBeNull();
    }, timeout);

    it('listEntries filters by status, shop and due time', async () => {
      const a = s.newRunId();
      for (const k of ['f1', 'f2', 'b1']) await s.claim(key(k), init(k), a, 60_000);
      await s.update(key('f1'), { status: 'failed', nextRetryAt: '2020-01-01T00:00:00.000Z', claimedBy: null }, { holder: a });
      await s.update(key('f2'), { status: 'failed', nextRetryAt: '2099-01-01T00:00:00.000Z', claimedBy: null }, { holder: a });
      await s.update(key('b1'), { status: 'booked', claimedBy: null }, { holder: a });
      const failed = await o.listEntries({ status: 'failed', shopId: p });
      expect(failed.map((e) => e.key).sort()).toEqual([key('f1'), key('f2')]);
      const due = await o.listEntries({ status: 'failed', shopId: p, dueBefore: new Date().toISOString() });
      expect(due.map((e) => e.key)).toEqual([key('f1')]);
      expect((await o.listEntries({ shopId: p })).length).toBe(3);
      expect(await o.listEntries({ shopId: `${p}-other` })).toEqual([]);
    }, timeout);

    it('cursors and mappings are kept per name and namespace', async () => {
      expect(await s.getCursor(`${p}:c`)).toBeNull();
      await s.setCursor(`${p}:c`, '2026-01-01T00:00:00.000Z');
      await s.setCursor(`${p}:c`, '2026-01-02T00:00:00.000Z');
      expect(await o.getCursor(`${p}:c`)).toBe('2026-01-02T00:00:00.000Z');
      expect(await o.getCursor(`${p}:other`)).toBeNull();
      expect(await s.getMapping(`${p}-ns`, 'jan@example.nl')).toBeNull();
      await s.setMapping(`${p}-ns`, 'jan@example.nl', 'guid-1');
      await s.setMapping(`${p}-ns2`, 'jan@example.nl', 'guid-2');
      await s.setMapping(`${p}-ns`, 'jan@example.nl', 'guid-3');
      expect(await o.getMapping(`${p}-ns`, 'jan@example.nl')).toBe('guid-3');
      expect(await o.getMapping(`${p}-ns2`, 'jan@example.nl')).toBe('guid-2');
    }, timeout);

    it('the token compare-and-swap refuses a stale version', async () => {
      const t = `${p}:token`;
      expect(await s.getToken(t)).toBeNull();
      expect(await s.compareAndSwapToken(t, 1, { v: 'no token yet' })).toBe(false);
      expect(await s.compareAndSwapToken(t, null, { access: 'a1', refresh: 'r1' })).toBe(true);
      expect(await s.compareAndSwapToken(t, null, { access: 'again' })).toBe(false);
      expect(await o.getToken(t)).toEqual({ value: { access: 'a1', refresh: 'r1' }, version: 1 });
      expect(await o.compareAndSwapToken(t, 1, { access: 'a2', refresh: 'r2' })).toBe(true);
      expect(await s.compareAndSwapToken(t, 1, { access: 'stale' })).toBe(false);
      expect(await s.getToken(t)).toEqual({ value: { access: 'a2', refresh: 'r2' }, version: 2 });
    }, timeout);

    it('concurrent compare-and-swaps of one version: exactly one wins', async () => {
      const t = `${p}:token`;
      await s.compareAndSwapToken(t, null, { n: 0 });
      const results = await Promise.all([1, 2, 3, 4].map((n) => (n % 2 ? o : s).compareAndSwapToken(t, 1, { n })));
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = [1, 2, 3, 4][results.indexOf(true)];
      expect(await s.getToken(t)).toEqual({ value: { n: winner }, version: 2 });
    }, timeout);

    it('withLock: mutual exclusion across handles, the value of fn, released on a throw', async () => {
      const name = `${p}-lock`;
      let inside = 0;
      let overlap = false;
      const work = (st: Store, i: number) =>
        st.withLock(name, async () => {
          inside++;
          if (inside > 1) overlap = true;
          await sleep(60);
          inside--;
          return i;
        });
      expect(await Promise.all([work(s, 1), work(o, 2), work(s, 3), work(o, 4)])).toEqual([1, 2, 3, 4]);
      expect(overlap).toBe(false);
      await expect(
        s.withLock(name, async () => {
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await o.withLock(name, async () => 'free again', { timeoutMs: 5_000 })).toBe('free again');
    }, timeout);

    it('withLock gives up with a retryable Timeout while another holder keeps it', async () => {
      const name = `${p}-busy`;
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let entered!: () => void;
      const isIn = new Promise<void>((r) => (entered = r));
      const holder = s.withLock(name, async () => {
        entered();
        await held;
      });
      await isIn;
      await expect(o.withLock(name, async () => 'never', { timeoutMs: 300 })).rejects.toMatchObject({ code: 'Timeout', retryable: true });
      release();
      await holder;
    }, timeout);

    it('runs: started, finished, listed newest first', async () => {
      const r1 = await s.startRun(`${p}-sync`);
      expect(r1).toMatchObject({ command: `${p}-sync`, finishedAt: null, booked: 0, failed: 0, skipped: 0 });
      await sleep(5);
      const r2 = await s.startRun(`${p}-retry`);
      await s.finishRun({ ...r1, finishedAt: new Date().toISOString(), booked: 3, failed: 1, skipped: 2, message: 'one failed' });
      const runs = await o.listRuns(50);
      const mine = runs.filter((r) => r.command.startsWith(p));
      expect(mine.map((r) => r.id)).toEqual([r2.id, r1.id]);
      expect(mine[1]).toMatchObject({ booked: 3, failed: 1, skipped: 2, message: 'one failed' });
      expect(mine[1].finishedAt).not.toBeNull();
      expect((await o.listRuns(1)).length).toBe(1);
    }, timeout);
  });
}
