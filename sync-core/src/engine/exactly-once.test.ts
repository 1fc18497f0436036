/**
 * Issue 11: the holes in exactly-once that a review and an independent harness found, each as the
 * scenario that lost or doubled a booking (see docs/architecture.md, "Exactly once").
 */
import { MemoryStore } from '../store/memory-store';
import type { Order } from '../model/order';
import { wcOrder } from '../plan/test-orders';
import { runSync } from './sync';
import { ListSource, MemoryTarget, ok } from './test-doubles';

function order(n: number, patch: Partial<Order> = {}, qty = 2): Order {
  const o = wcOrder({ number: String(n), lines: [{ name: 'Mok', price: '12.50', qty, rateId: '1' }], shipping: { price: '4.95', rateId: '1' } });
  return { ...o, shopId: 'shop', id: String(n), createdAt: `2026-03-01T10:${String(n % 60).padStart(2, '0')}:00Z`, modifiedAt: `2026-03-02T10:${String(n % 60).padStart(2, '0')}:00Z`, ...patch };
}
const rules = { startDate: '2026-01-01', retryBaseSeconds: 1 };
const cancelled = { state: 'cancelled' as const, status: 'cancelled', modifiedAt: '2026-03-05T00:00:00Z' };

describe('exactly once: a half-finished booking, then the order changes (issue 11 item 1)', () => {
  it('cancelled after a write that landed but was not confirmed: the document is found, recorded and credited', async () => {
    const source = new ListSource('shop', [ok(order(1))]);
    const target = new MemoryTarget();
    target.failAfterCommit = 1;
    const store = new MemoryStore();
    const first = await runSync({ source, target, store, rules }, { mode: 'sync' });
    expect(first.failed).toBe(1);
    source.orders = [ok(order(1, cancelled))];
    const s = await runSync({ source, target, store, rules }, { mode: 'sync' });
    expect((await store.getEntry('shop:order:1'))?.status).toBe('booked');
    expect(s.recovered).toBe(1);
    expect(s.booked.cancellation).toBe(1);
    expect(target.docs.map((d) => d.plan.reference)).toEqual(['1', '1-C']);
    expect(target.docs[1].plan.totals.gross).toBe('-36.24');
    expect(s.skipped).toBe(0);
  });

  it('cancelled after a write that never landed: skipped with a reason, nothing credited, not re-fetched', async () => {
    const source = new ListSource('shop', [ok(order(1))]);
    const target = new MemoryTarget();
    target.failBeforeCommit = 1;
    const store = new MemoryStore();
    await runSync({ source, target, store, rules }, { mode: 'sync' });
    source.orders = [ok(order(1, cancelled))];
    const s = await runSync({ source, target, store, rules }, { mode: 'sync' });
    expect(target.docs).toHaveLength(0);
    expect(s.skipped).toBe(1);
    const e = await store.getEntry('shop:order:1');
    expect(e?.status).toBe('skipped');
    expect(e?.skipReason).toMatch(/cancelled before it was booked/);
  });

  it('moved out of the booking rules after a write that landed: recorded as booked, its refund credited, no second document', async () => {
    const source = new ListSource('shop', [ok(order(1))]);
    const target = new MemoryTarget();
    target.failAfterCommit = 1;
    const store = new MemoryStore();
    await runSync({ source, target, store, rules }, { mode: 'sync' });
    const onHold = order(1, { state: 'on-hold', status: 'on-hold', modifiedAt: '2026-03-05T00:00:00Z' });
    onHold.refunds = [{ id: '11', orderId: '1', createdAt: '2026-03-04T00:00:00Z', amount: '10.00', reason: '', lines: [] }];
    source.orders = [ok(onHold)];
    const s = await runSync({ source, target, store, rules }, { mode: 'sync' });
    expect((await store.getEntry('shop:order:1'))?.status).toBe('booked');
    expect(s.ignored).toBe(0);
    expect(target.docs.map((d) => d.plan.reference)).toEqual(['1', '1-R11']);
  });

  it('edited between the uncertain write and the retry: the document written is adopted with the plan that was written', async () => {
    const source = new ListSource('shop', [ok(order(1))]);
    const target = new MemoryTarget();
    target.failAfterCommit = 1;
    let t = Date.parse('2026-03-03T00:00:00Z');
    const store = new MemoryStore(() => t);
    await runSync({ source, target, store, rules, now: () => t }, { mode: 'sync' });
    source.orders = [ok(order(1, { modifiedAt: '2026-03-02T12:00:00Z' }, 3))];
    t += 3_600_000;
    await runSync({ source, target, store, rules, now: () => t }, { mode: 'sync' });
    const e = await store.getEntry('shop:order:1');
    expect(e?.status).toBe('booked');
    expect(e?.gross).toBe(target.docs[0].plan.totals.gross);
    expect(target.docs).toHaveLength(1);
  });
});

describe('exactly once: a cancellation after an edit credits what was booked (issue 11 item 10)', () => {
  it('booked, edited to a higher total, cancelled: the credit equals the booked document, the books end at zero', async () => {
    const source = new ListSource('shop', [ok(order(1))]);
    const target = new MemoryTarget();
    const store = new MemoryStore();
    await runSync({ source, target, store, rules }, { mode: 'sync' });
    const bookedGross = target.docs[0].plan.totals.gross;
    source.orders = [ok(order(1, { modifiedAt: '2026-03-03T00:00:00Z' }, 3))];
    await runSync({ source, target, store, rules }, { mode: 'sync' });
    source.orders = [ok(order(1, cancelled, 3))];
    await runSync({ source, target, store, rules }, { mode: 'sync' });
    const credit = target.docs.find((d) => d.plan.reference === '1-C')!;
    expect(credit.plan.totals.gross).toBe(`-${bookedGross}`);
    const vat = target.docs.reduce((a, d) => a + Number(d.plan.totals.vat) * 100, 0);
    expect(Math.round(vat)).toBe(0);
  });
});
