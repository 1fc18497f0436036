import { MemoryStore } from '../store/memory-store';
import type { Order } from '../model/order';
import { ShopbooksError } from '../model/errors';
import { wcOrder, withRefunds } from '../plan/test-orders';
import { runSync } from './sync';
import { isWouldBook } from './dry-run';
import { ListSource, MemoryTarget, ok } from './test-doubles';

function order(n: number, patch: Partial<Order> = {}): Order {
  const o = wcOrder({ number: String(n), lines: [{ name: 'Mok', price: '12.50', qty: 2, rateId: '1' }], shipping: { price: '4.95', rateId: '1' } });
  return { ...o, shopId: 'shop', id: String(n), createdAt: `2026-03-01T10:${String(n % 60).padStart(2, '0')}:00Z`, modifiedAt: `2026-03-02T10:${String(n % 60).padStart(2, '0')}:00Z`, ...patch };
}
const rules = { startDate: '2026-01-01', retryBaseSeconds: 1 };

describe('runSync', () => {
  it('books every sold order and refund once, ignores unsold ones, and moves the cursor', async () => {
    const orders = [order(1), order(2, { state: 'pending', status: 'pending', paidAt: null }), withRefunds(order(3), [{ id: '31', amount: '10.00' }]), order(4, { state: 'completed' })];
    const source = new ListSource('shop', orders.map(ok));
    const target = new MemoryTarget();
    const store = new MemoryStore();
    const s = await runSync({ source, target, store, rules }, { mode: 'sync' });
    expect(s.booked).toEqual({ order: 3, refund: 1, cancellation: 0 });
    expect(s.ignored).toBe(1);
    expect(target.docs.map((d) => d.plan.reference).sort()).toEqual(['1', '3', '3-R31', '4']);
    expect(s.bookedGross).toBe(s.shopGross);
    expect(await store.getCursor('woocommerce:shop:orders-modified')).toBe('2026-03-02T10:04:00Z');
    // a second run re-reads nothing new and writes nothing
    const again = await runSync({ source, target, store, rules }, { mode: 'sync' });
    expect(again.booked).toEqual({ order: 0, refund: 0, cancellation: 0 });
    expect(target.docs).toHaveLength(4);
  });

  it('refuses to guess how much history to import on a first sync', async () => {
    const source = new ListSource('shop', [ok(order(1))]);
    await expect(runSync({ source, target: new MemoryTarget(), store: new MemoryStore() }, { mode: 'sync' })).rejects.toThrow(/startDate/);
  });

  it('after a timeout whose write committed, the retry finds the document instead of creating a second', async () => {
    const source = new ListSource('shop', [ok(order(1)), ok(order(2))]);
    const target = new MemoryTarget();
    target.failAfterCommit = 1;
    let t = Date.parse('2026-03-03T00:00:00Z');
    const store = new MemoryStore(() => t);
    const first = await runSync({ source, target, store, rules, now: () => t }, { mode: 'sync' });
    expect(first.failed).toBe(1);
    expect(first.booked.order).toBe(1);
    expect((await store.getEntry('shop:order:1'))?.status).toBe('failed');
    t += 3_600_000; // retry is due
    const second = await runSync({ source, target, store, rules, now: () => t }, { mode: 'sync' });
    expect(second.recovered).toBe(1);
    expect(target.docs.filter((d) => d.plan.reference === '1')).toHaveLength(1);
    expect((await store.getEntry('shop:order:1'))?.status).toBe('booked');
  });

  it('one bad order is recorded with its reason and never blocks the others', async () => {
    const bad = order(2, { customer: { ...order(2).customer, email: '' } });
    const unreadable = { ok: false as const, id: '5', number: '5', modifiedAt: '2026-03-02T10:05:00Z', error: new ShopbooksError('MalformedNumber', 'Order 5: total is not a decimal amount: "12,30"') };
    const source = new ListSource('shop', [ok(order(1)), ok(bad), ok(order(3)), unreadable]);
    const target = new MemoryTarget();
    const store = new MemoryStore();
    const s = await runSync({ source, target, store, rules }, { mode: 'sync' });
    expect(s.booked.order).toBe(2);
    expect(s.failed).toBe(2);
    expect(s.failures.map((f) => f.code).sort()).toEqual(['CustomerEmailMissing', 'MalformedNumber']);
    expect((await store.getEntry('shop:order:2'))?.lastError?.message).toMatch(/no customer e-mail/);
    // the cursor still moves past the recorded failures; they are retried from the ledger
    expect(await store.getCursor('woocommerce:shop:orders-modified')).toBe('2026-03-02T10:05:00Z');
  });

  it('credits an order cancelled after booking, and skips one cancelled before', async () => {
    const source = new ListSource('shop', [ok(order(1)), ok(order(2, { state: 'cancelled', status: 'cancelled' }))]);
    const target = new MemoryTarget();
    const store = new MemoryStore();
    await runSync({ source, target, store, rules }, { mode: 'sync' });
    expect(target.docs.map((d) => d.plan.reference)).toEqual(['1']);
    source.orders = [ok(order(1, { state: 'cancelled', status: 'cancelled', modifiedAt: '2026-03-05T00:00:00Z' }))];
    const s = await runSync({ source, target, store, rules }, { mode: 'sync' });
    expect(s.booked.cancellation).toBe(1);
    const credit = target.docs.find((d) => d.plan.reference === '1-C')!;
    expect(credit.plan.totals.gross).toBe('-36.24');
  });

  it('dry run runs the real path and writes nothing: no documents, no ledger, no cursor, no run record', async () => {
    const source = new ListSource('shop', [ok(order(1)), ok(withRefunds(order(2), [{ id: '21', amount: '10.00' }]))]);
    const target = new MemoryTarget();
    const store = new MemoryStore();
    const outcomes: string[] = [];
    const s = await runSync({ source, target, store, rules }, { mode: 'sync', dryRun: true, onOutcome: (o) => outcomes.push(...o.outcomes.map((x) => (x.status === 'booked' && isWouldBook(x.document) ? 'would book' : x.status))) });
    expect(outcomes).toEqual(['would book', 'would book', 'would book']);
    expect(s.booked).toEqual({ order: 2, refund: 1, cancellation: 0 });
    expect(target.docs).toHaveLength(0);
    expect(await store.listEntries()).toHaveLength(0);
    expect(await store.getCursor('woocommerce:shop:orders-modified')).toBeNull();
    expect(await store.listRuns(5)).toHaveLength(0);
    // and what it said is what the real run then books
    const real = await runSync({ source, target, store, rules }, { mode: 'sync' });
    expect(real.booked).toEqual(s.booked);
  });

  it('backfill books a creation-date window and is resumable', async () => {
    const source = new ListSource('shop', [1, 2, 3, 4, 5].map((n) => ok(order(n))));
    const target = new MemoryTarget();
    target.failBeforeCommit = 1;
    const store = new MemoryStore();
    const s1 = await runSync({ source, target, store, rules }, { mode: 'backfill', since: '2026-03-01T10:01:30Z', until: '2026-03-01T10:04:30Z' });
    expect(s1.booked.order + s1.failed).toBe(3);
    const s2 = await runSync({ source, target, store, rules }, { mode: 'backfill', since: '2026-03-01T10:01:30Z', until: '2026-03-01T10:04:30Z' });
    expect(target.docs.map((d) => d.plan.reference).sort()).toEqual(['2', '3', '4']);
    expect(s2.alreadyBooked).toBe(2);
  });

  it('runs of one connection do not overlap: a second run waits, then gives up doing nothing', async () => {
    const source = new ListSource('shop', [1, 2, 3].map((n) => ok(order(n))));
    const target = new MemoryTarget();
    const store = new MemoryStore();
    let release!: () => void;
    const held = store.withLock('run:woocommerce:shop:exact', () => new Promise<void>((r) => (release = r)));
    const busy = await runSync({ source, target, store, rules: { ...rules, runLockWaitSeconds: 0 } }, { mode: 'sync' });
    expect(busy.runBusy).toBe(true);
    expect(target.docs).toHaveLength(0);
    release();
    await held;
    const s = await runSync({ source, target, store, rules }, { mode: 'sync' });
    expect(s.runBusy).toBe(false);
    expect(s.booked.order).toBe(3);
  });

  it('a second order with an order number already used is refused: one reference, one document', async () => {
    const first = order(7);
    const second = { ...order(8), number: '7' };
    const source = new ListSource('shop', [ok(first), ok(second)]);
    const target = new MemoryTarget();
    const store = new MemoryStore();
    const s = await runSync({ source, target, store, rules }, { mode: 'sync' });
    expect(s.booked.order).toBe(1);
    expect(s.failures.map((f) => f.code)).toEqual(['DuplicateReference']);
    expect(target.docs.map((d) => d.plan.reference)).toEqual(['7']);
    expect((await store.getEntry('shop:order:8'))?.lastError?.message).toMatch(/already uses/);
  });
});
