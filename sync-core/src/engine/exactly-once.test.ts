/**
 * Issue 11: the holes in exactly-once that a review and an independent harness found, each as the
 * scenario that lost or doubled a booking (see docs/architecture.md, "Exactly once").
 */
import { MemoryStore } from '../store/memory-store';
import type { Order } from '../model/order';
import { ShopbooksError } from '../model/errors';
import { wcOrder, withRefunds } from '../plan/test-orders';
import { hostname } from 'node:os';
import { planOrder } from '../plan/index';
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

  it('claimed by a run that died mid-write, then cancelled: found, recorded, credited — not skipped and re-fetched forever', async () => {
    const o1 = order(1);
    const source = new ListSource('shop', [ok(o1)]);
    const target = new MemoryTarget();
    let t = Date.parse('2026-03-03T00:00:00Z');
    const store = new MemoryStore(() => t);
    // a run (long dead) claimed the order, marked the write, and its write landed in the books
    const plan = planOrder(o1, {});
    if (!plan.ok) throw new Error('plan');
    const deadRun = `${hostname()}:999999:dead`;
    await store.claim('shop:order:1', { key: 'shop:order:1', kind: 'order', shopId: 'shop', orderId: '1', orderNumber: '1', refundId: null, reference: '1', contentHash: plan.plan.contentHash }, deadRun, 1000);
    await store.update('shop:order:1', { writeStartedAt: '2026-03-02T10:01:05Z', bookedPlan: plan.plan });
    target.docs.push({ id: 'doc-1', plan: plan.plan });
    source.orders = [ok(order(1, cancelled))];
    t += 60_000; // its lease has run out
    const s = await runSync({ source, target, store, rules, now: () => t }, { mode: 'sync' });
    expect((await store.getEntry('shop:order:1'))?.status).toBe('booked');
    expect(s.booked.cancellation).toBe(1);
    expect(target.docs.map((d) => d.plan.reference)).toEqual(['1', '1-C']);
    expect(await store.listEntries({ status: 'claimed' })).toEqual([]);
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

describe('exactly once: unreadable refunds and orders after booking (issue 11 item 2)', () => {
  const badRefund = () => new ShopbooksError('MalformedNumber', 'WooCommerce order 1: refund 11: amount is not a decimal amount: "5,00"');
  it('an unreadable refund on a booked order is a failed entry with the reason, retried until it reads', async () => {
    const source = new ListSource('shop', [ok(order(1))]);
    const target = new MemoryTarget();
    let t = Date.parse('2026-03-03T00:00:00Z');
    const store = new MemoryStore(() => t);
    await runSync({ source, target, store, rules, now: () => t }, { mode: 'sync' });
    source.orders = [{ ok: true, order: order(1, { modifiedAt: '2026-03-02T11:00:00Z' }), refundErrors: [{ id: '11', error: badRefund() }] }];
    const s = await runSync({ source, target, store, rules, now: () => t }, { mode: 'sync' });
    expect(s.failed).toBe(1);
    expect(s.failures[0]).toMatchObject({ key: 'shop:refund:11', code: 'MalformedNumber' });
    const e = await store.getEntry('shop:refund:11');
    expect(e?.status).toBe('failed');
    expect(e?.lastError?.message).toMatch(/5,00/);
    // the shop fixes the refund: the retry credits it
    source.orders = [ok(withRefunds(order(1, { modifiedAt: '2026-03-02T11:00:00Z' }), [{ id: '11', amount: '5.00' }]))];
    t += 86_400_000;
    const r = await runSync({ source, target, store, rules, now: () => t }, { mode: 'sync' });
    expect(r.booked.refund).toBe(1);
    expect(target.docs.map((d) => d.plan.reference)).toEqual(['1', '1-R11']);
  });

  it('an order that cannot be read after it was booked is a failed entry (not "already booked"), resolved when it reads again', async () => {
    const source = new ListSource('shop', [ok(order(1))]);
    const target = new MemoryTarget();
    let t = Date.parse('2026-03-03T00:00:00Z');
    const store = new MemoryStore(() => t);
    await runSync({ source, target, store, rules, now: () => t }, { mode: 'sync' });
    source.orders = [{ ok: false, id: '1', number: '1', modifiedAt: '2026-03-02T11:00:00Z', error: new ShopbooksError('MalformedNumber', 'Order 1: total is not a decimal amount: "36,24"') }];
    const s = await runSync({ source, target, store, rules, now: () => t }, { mode: 'sync' });
    expect(s.failed).toBe(1);
    expect(s.alreadyBooked).toBe(0);
    expect(s.failures[0].message).toMatch(/is booked, but it can no longer be read.*36,24/);
    expect((await store.getEntry('shop:order:1'))?.status).toBe('booked');
    source.orders = [ok(withRefunds(order(1, { modifiedAt: '2026-03-02T12:00:00Z' }), [{ id: '11', amount: '5.00' }]))];
    t += 86_400_000;
    const r = await runSync({ source, target, store, rules, now: () => t }, { mode: 'sync' });
    expect(r.booked.refund).toBe(1);
    expect((await store.listEntries({ status: 'failed' }))).toEqual([]);
  });
});

describe('exactly once: one order\'s fetch error is that order\'s failure (issue 11 item 3)', () => {
  it('getOrder failing in the retry loop is recorded on the due entries; the other retries and the listing go on', async () => {
    const source = new ListSource('shop', [ok(order(1)), ok(order(2)), ok(order(3))]);
    const target = new MemoryTarget();
    target.failBeforeCommit = 2;
    let t = Date.parse('2026-03-03T00:00:00Z');
    const store = new MemoryStore(() => t);
    await runSync({ source, target, store, rules, now: () => t }, { mode: 'sync' });
    expect((await store.listEntries({ status: 'failed' })).map((e) => e.orderId).sort()).toEqual(['1', '2']);
    const getOrder = source.getOrder.bind(source);
    source.getOrder = async (id: string) => {
      if (id === '1') throw new ShopbooksError('RemoteUnavailable', 'The shop answered 500 while reading order 1.', { retryable: true });
      return getOrder(id);
    };
    source.orders.push(ok(order(4, { modifiedAt: '2026-03-02T11:00:00Z' })));
    t += 3_600_000;
    const s = await runSync({ source, target, store, rules, now: () => t }, { mode: 'sync' });
    expect(s.booked.order).toBe(2); // order 2 (retry) and order 4 (new)
    expect(s.failures.map((f) => f.key)).toEqual(['shop:order:1']);
    const e = await store.getEntry('shop:order:1');
    expect(e?.attempts).toBe(2);
    expect(e?.lastError?.message).toMatch(/answered 500/);
  });
});

describe('exactly once: every refund the shop lists reaches the ledger (issue 11 item 13)', () => {
  it('the order is booked by a retry and the run dies before the refund is claimed: the next run credits the refund', async () => {
    const source = new ListSource('shop', [ok(withRefunds(order(1), [{ id: '11', amount: '10.00' }])), ok(order(2, { modifiedAt: '2026-03-02T11:00:00Z' }))]);
    const target = new MemoryTarget();
    target.failBeforeCommit = 1;
    let t = Date.parse('2026-03-03T00:00:00Z');
    const store = new MemoryStore(() => t);
    await runSync({ source, target, store, rules, now: () => t }, { mode: 'sync' });
    expect((await store.getEntry('shop:order:1'))?.status).toBe('failed');
    // the retry books the order, then the process dies before it claims the refund
    const claim = store.claim.bind(store);
    let killed = false;
    store.claim = async (key, init, runId, lease) => {
      if (key === 'shop:refund:11' && (await store.getEntry('shop:order:1'))?.status === 'booked' && !killed) {
        killed = true;
        throw new Error('SIGKILL');
      }
      return claim(key, init, runId, lease);
    };
    t += 3_600_000;
    await expect(runSync({ source, target, store, rules, now: () => t }, { mode: 'sync' })).rejects.toThrow('SIGKILL');
    expect(killed).toBe(true);
    expect((await store.getEntry('shop:order:1'))?.status).toBe('booked');
    t += 60_000;
    await runSync({ source, target, store, rules, now: () => t }, { mode: 'sync' });
    expect(target.docs.map((d) => d.plan.reference).sort()).toEqual(['1', '1-R11', '2']);
    expect((await store.getEntry('shop:refund:11'))?.status).toBe('booked');
  });
});

describe('exactly once: the cursor never passes the shop\'s clock (issue 11 item 8)', () => {
  it('an order dated in the shop\'s future does not move the cursor past later changes; it is re-seen and skipped', async () => {
    const future = order(2, { modifiedAt: '2030-01-01T00:00:00Z' });
    const source = new ListSource('shop', [ok(order(1)), ok(future)]);
    source.clock = '2026-03-03T00:00:00Z';
    const target = new MemoryTarget();
    const store = new MemoryStore();
    const first = await runSync({ source, target, store, rules }, { mode: 'sync' });
    expect(first.booked.order).toBe(2);
    const cursor = await store.getCursor('woocommerce:shop:orders-modified');
    expect(Date.parse(cursor!)).toBeLessThanOrEqual(Date.parse('2026-03-03T00:00:00Z') - 120_000);
    // an hour later the shop changes another order: it is seen; the future-dated one is recognised, not rebooked
    source.clock = '2026-03-03T01:00:00Z';
    source.orders.push(ok(order(3, { modifiedAt: '2026-03-03T00:30:00Z' })));
    const second = await runSync({ source, target, store, rules }, { mode: 'sync' });
    expect(second.booked.order).toBe(1);
    expect(second.alreadyBooked).toBeGreaterThanOrEqual(1);
    expect(target.docs.map((d) => d.plan.reference).sort()).toEqual(['1', '2', '3']);
  });

  it('without a shop clock the local clock caps the cursor', async () => {
    const source = new ListSource('shop', [ok(order(1, { modifiedAt: '2030-01-01T00:00:00Z' }))]);
    const store = new MemoryStore();
    const t = Date.parse('2026-03-03T00:00:00Z');
    await runSync({ source, target: new MemoryTarget(), store, rules, now: () => t }, { mode: 'sync' });
    expect(await store.getCursor('woocommerce:shop:orders-modified')).toBe('2026-03-02T23:58:00.000Z');
  });
});

describe('exactly once: permanent failures wait for a configuration change or an explicit retry (issue 11 item 12)', () => {
  it('a validation failure is not retried on the timer; a configuration change or `retry --order` retries it; a transient one keeps its backoff', async () => {
    const long = order(1, { customer: { ...order(1).customer, company: 'B'.repeat(60) } });
    const source = new ListSource('shop', [ok(long), ok(order(2))]);
    const target = new MemoryTarget();
    target.failBeforeCommit = 0;
    let t = Date.parse('2026-03-03T00:00:00Z');
    const store = new MemoryStore(() => t);
    const deps = (fp?: string) => ({ source, target, store, rules, now: () => t, ...(fp ? { configFingerprint: fp } : {}) });
    await runSync(deps('config-a'), { mode: 'sync' });
    const first = await store.getEntry('shop:order:1');
    expect(first).toMatchObject({ status: 'failed', attempts: 1, failedConfig: 'config-a' });
    t += 7 * 86_400_000; // a week of runs: not retried
    await runSync(deps('config-a'), { mode: 'sync' });
    await runSync(deps('config-a'), { mode: 'sync' });
    expect((await store.getEntry('shop:order:1'))?.attempts).toBe(1);
    // the configuration changes: retried once, recorded under the new fingerprint
    await runSync(deps('config-b'), { mode: 'sync' });
    expect(await store.getEntry('shop:order:1')).toMatchObject({ attempts: 2, failedConfig: 'config-b' });
    await runSync(deps('config-b'), { mode: 'sync' });
    expect((await store.getEntry('shop:order:1'))?.attempts).toBe(2);
    // the user presses Retry
    const r = await runSync(deps('config-b'), { mode: 'retry', orderIds: ['1'] });
    expect(r.failures.map((f) => f.key)).toEqual(['shop:order:1']);
    expect((await store.getEntry('shop:order:1'))?.attempts).toBe(3);
  });

  it('a transient failure has no fingerprint and is retried when its backoff is due', async () => {
    const source = new ListSource('shop', [ok(order(1))]);
    const target = new MemoryTarget();
    target.failBeforeCommit = 1;
    let t = Date.parse('2026-03-03T00:00:00Z');
    const store = new MemoryStore(() => t);
    await runSync({ source, target, store, rules, now: () => t }, { mode: 'sync' });
    expect((await store.getEntry('shop:order:1'))?.failedConfig ?? null).toBeNull();
    t += 3_600_000;
    await runSync({ source, target, store, rules, now: () => t }, { mode: 'sync' });
    expect((await store.getEntry('shop:order:1'))?.status).toBe('booked');
  });
});

describe('exactly once: an order changed after booking reaches the user and is re-booked exactly once (issue 11 item 11)', () => {
  it('edited after booking: reported with the command; rebook credits the booked document and books the order as it is now, once, also when killed halfway', async () => {
    const source = new ListSource('shop', [ok(order(1))]);
    const target = new MemoryTarget();
    const store = new MemoryStore();
    await runSync({ source, target, store, rules }, { mode: 'sync' });
    const booked = target.docs[0].plan.totals.gross;
    source.orders = [ok(order(1, { modifiedAt: '2026-03-03T00:00:00Z' }, 3))];
    const s = await runSync({ source, target, store, rules }, { mode: 'sync' });
    expect(s.changed).toEqual([{ orderId: '1', orderNumber: '1', bookedGross: booked, rebook: 'shopbooks rebook --order 1' }]);
    expect((await store.getEntry('shop:order:1'))?.lastError?.message).toMatch(/changed in the shop after it was booked.*shopbooks rebook --order 1/);
    // the new document's write fails after the credit note was booked
    const book = target.bookDocument.bind(target);
    let writes = 0;
    target.bookDocument = async (plan, opts) => {
      if (++writes === 2) throw new Error('connection reset');
      return book(plan, opts);
    };
    const half = await runSync({ source, target, store, rules }, { mode: 'rebook', orderIds: ['1'] });
    expect(half.booked.cancellation).toBe(1);
    expect(half.failures.map((f) => f.key)).toEqual(['shop:order:1~r1']);
    target.bookDocument = book;
    const r = await runSync({ source, target, store, rules }, { mode: 'rebook', orderIds: ['1'] });
    expect(r.booked).toEqual({ order: 1, refund: 0, cancellation: 0 });
    const refs = target.docs.map((d) => [d.plan.reference, d.plan.totals.gross]);
    const now = target.docs.find((d) => d.plan.reference === '1-B1')!.plan.totals.gross;
    expect(refs).toEqual([['1', booked], ['1-X1', `-${booked}`], ['1-B1', now]]);
    expect(now).not.toBe(booked);
    // re-booking again changes nothing; the flag is gone; a later sync sees the order as booked, unchanged
    const again = await runSync({ source, target, store, rules }, { mode: 'rebook', orderIds: ['1'] });
    expect(again.skipped).toBe(1);
    expect((await store.getEntry('shop:order:1'))?.lastError).toBeNull();
    const later = await runSync({ source, target, store, rules }, { mode: 'sync' });
    expect(later.changed).toEqual([]);
    // then cancelled: the re-booked document is credited, the books end at zero
    source.orders = [ok(order(1, cancelled, 3))];
    await runSync({ source, target, store, rules }, { mode: 'sync' });
    expect(target.docs.find((d) => d.plan.reference === '1-C')?.plan.totals.gross).toBe(`-${now}`);
    expect(target.docs).toHaveLength(4);
  });

  it('cancelled between the two halves of a re-book: the credit note already booked counts, nothing is credited twice', async () => {
    const source = new ListSource('shop', [ok(order(1))]);
    const target = new MemoryTarget();
    const store = new MemoryStore();
    await runSync({ source, target, store, rules }, { mode: 'sync' });
    source.orders = [ok(order(1, { modifiedAt: '2026-03-03T00:00:00Z' }, 3))];
    await runSync({ source, target, store, rules }, { mode: 'sync' });
    target.failBeforeCommit = 0;
    const book = target.bookDocument.bind(target);
    let writes = 0;
    target.bookDocument = async (plan, opts) => {
      if (++writes === 2) throw new Error('connection reset');
      return book(plan, opts);
    };
    await runSync({ source, target, store, rules }, { mode: 'rebook', orderIds: ['1'] });
    target.bookDocument = book;
    source.orders = [ok(order(1, cancelled, 3))];
    await runSync({ source, target, store, rules }, { mode: 'sync' });
    const again = await runSync({ source, target, store, rules }, { mode: 'rebook', orderIds: ['1'] });
    expect(again.booked).toEqual({ order: 0, refund: 0, cancellation: 0 });
    const net = target.docs.reduce((a, d) => a + Math.round(Number(d.plan.totals.gross) * 100), 0);
    expect(net).toBe(0);
    expect(target.docs.map((d) => d.plan.reference)).toEqual(['1', '1-X1']);
  });
});
