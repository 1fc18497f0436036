/**
 * A cancellation's booking date is fixed when it is first planned: a retry on a later day (the
 * order's last-modified date moved on, e.g. a note was added) books the same date, so a target
 * that finds documents by reference and date (Moneybird external invoices) finds the first write.
 */
import { MemoryStore } from '../store/memory-store';
import type { Order } from '../model/order';
import { wcOrder } from '../plan/test-orders';
import { runSync } from './sync';
import { ListSource, MemoryTarget, ok } from './test-doubles';

const rules = { startDate: '2026-01-01', retryBaseSeconds: 1 };
const base = (patch: Partial<Order> = {}): Order => ({
  ...wcOrder({ number: '7', lines: [{ name: 'Mok', price: '12.50', qty: 2, rateId: '1' }], shipping: { price: '4.95', rateId: '1' } }),
  shopId: 'shop',
  id: '7',
  createdAt: '2026-03-01T10:00:00Z',
  modifiedAt: '2026-03-02T10:00:00Z',
  ...patch,
});

it('a cancellation retried on a later day keeps the booking date it was first planned with', async () => {
  const source = new ListSource('shop', [ok(base())]);
  const target = new MemoryTarget();
  let t = Date.parse('2026-03-02T12:00:00Z');
  const store = new MemoryStore(() => t);
  const deps = () => ({ source, target, store, rules, now: () => t });
  await runSync(deps(), { mode: 'sync' });
  expect(target.docs.map((d) => d.plan.reference)).toEqual(['7']);

  // cancelled on 5 March; the credit's write fails (write started, outcome recorded as failed)
  source.orders = [ok(base({ state: 'cancelled', status: 'cancelled', modifiedAt: '2026-03-05T12:00:00Z' }))];
  t = Date.parse('2026-03-05T12:30:00Z');
  target.failBeforeCommit = 1;
  const first = await runSync(deps(), { mode: 'sync' });
  expect(first.failed).toBe(1);
  expect((await store.getEntry('shop:cancellation:7'))?.writeStartedAt).not.toBeNull();

  // two days later a note touches the order (last modified moves on); the retry books the credit
  source.orders = [ok(base({ state: 'cancelled', status: 'cancelled', modifiedAt: '2026-03-07T09:00:00Z' }))];
  t = Date.parse('2026-03-07T10:00:00Z');
  const second = await runSync(deps(), { mode: 'sync' });
  expect(second.booked.cancellation).toBe(1);
  const credit = target.docs.filter((d) => d.plan.reference === '7-C');
  expect(credit).toHaveLength(1);
  expect(credit[0].plan.date).toBe('2026-03-05');
});
