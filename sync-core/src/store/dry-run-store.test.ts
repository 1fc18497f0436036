/**
 * The dry-run store: the store contract holds on top of it (the engine runs its real path on it),
 * it sees the real state, keeps every write to itself, and lets token rotations through.
 */
import { hostname } from 'node:os';
import { describeStoreContract } from './store-contract';
import { DryRunStore } from './dry-run-store';
import { MemoryStore } from './memory-store';

describeStoreContract('DryRunStore over a MemoryStore', async () => ({
  store: new DryRunStore(new MemoryStore()),
  deadRunId: `${hostname()}:999999:dead`,
  cleanup: async () => undefined,
}));

const init = (k: string) => ({
  key: `s:order:${k}`,
  kind: 'order' as const,
  shopId: 's',
  orderId: k,
  orderNumber: k,
  refundId: null,
  reference: `R-${k}`,
  contentHash: null,
});

describe('DryRunStore', () => {
  it('reads the real ledger, cursor and mappings and writes none of them; tokens reach the real store', async () => {
    const real = new MemoryStore();
    const run = real.newRunId();
    await real.claim('s:order:1', init('1'), run, 60_000);
    await real.update('s:order:1', { status: 'booked', claimedBy: null, claimExpiresAt: null });
    await real.claim('s:order:2', init('2'), run, 60_000);
    await real.update('s:order:2', { status: 'failed', claimedBy: null, claimExpiresAt: null });
    await real.setCursor('c', '2026-01-01T00:00:00Z');
    await real.setMapping('ns', 'k', 'v');
    const before = JSON.stringify([
      await real.listEntries(),
      await real.getCursor('c'),
      await real.getMapping('ns', 'k'),
      await real.listRuns(5),
    ]);

    const dry = new DryRunStore(real);
    const dryRun = dry.newRunId();
    expect((await dry.claim('s:order:1', init('1'), dryRun, 60_000)).ok).toBe(false); // booked in the real ledger
    expect((await dry.claim('s:order:2', init('2'), dryRun, 60_000)).ok).toBe(true);
    await dry.update('s:order:2', { status: 'booked', claimedBy: null }, {});
    expect((await dry.claim('s:order:3', init('3'), dryRun, 60_000)).ok).toBe(true);
    expect((await dry.listEntries({ status: 'booked' })).map((e) => e.key).sort()).toEqual([
      's:order:1',
      's:order:2',
    ]);
    expect((await dry.listEntries({ status: 'failed' })).map((e) => e.key)).toEqual([]);
    await dry.setCursor('c', '2026-06-01T00:00:00Z');
    await dry.setMapping('ns', 'k', 'w');
    expect([await dry.getCursor('c'), await dry.getMapping('ns', 'k')]).toEqual([
      '2026-06-01T00:00:00Z',
      'w',
    ]);
    const r = await dry.startRun('sync');
    await dry.finishRun({ ...r, finishedAt: 'x' });
    expect(await dry.compareAndSwapToken('exact', null, { refreshToken: 'rotated' })).toBe(true);
    await dry.close();

    expect(
      JSON.stringify([
        await real.listEntries(),
        await real.getCursor('c'),
        await real.getMapping('ns', 'k'),
        await real.listRuns(5),
      ]),
    ).toBe(before);
    expect(await real.getToken('exact')).toEqual({ value: { refreshToken: 'rotated' }, version: 1 });
  });
});
