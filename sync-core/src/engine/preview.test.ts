/** The preview's verdict per order, from what the dry run did with it (engine/preview.ts). */
import { MemoryStore } from '../store/memory-store';
import type { Order } from '../model/order';
import { ShopbooksError } from '../model/errors';
import { wcOrder, withRefunds } from '../plan/test-orders';
import { previewOrder, previewSync } from './preview';
import { runSync } from './sync';
import { ListSource, MemoryTarget, ok } from './test-doubles';

function order(n: number, patch: Partial<Order> = {}): Order {
  const o = wcOrder({
    number: String(n),
    lines: [{ name: 'Mok', price: '12.50', qty: 2, rateId: '1' }],
    shipping: { price: '4.95', rateId: '1' },
  });
  return {
    ...o,
    shopId: 'shop',
    id: String(n),
    createdAt: `2026-03-01T10:${String(n % 60).padStart(2, '0')}:00Z`,
    modifiedAt: `2026-03-02T10:${String(n % 60).padStart(2, '0')}:00Z`,
    ...patch,
  };
}
const rules = { startDate: '2026-01-01', retryBaseSeconds: 1 };

describe('previewSync', () => {
  it('one verdict per order: would book (with refunds), not sold yet, not paid yet, cancelled before booking, would fail; then already booked', async () => {
    const orders = [
      withRefunds(order(1), [{ id: '11', amount: '10.00' }]),
      order(2, { state: 'pending', status: 'pending', paidAt: null }),
      order(3, { state: 'cancelled', status: 'cancelled' }),
      order(4, { customer: { ...order(4).customer, email: '' } }),
      order(5, { createdAt: '2025-06-01T00:00:00Z' }),
    ];
    const source = new ListSource('shop', orders.map(ok));
    const target = new MemoryTarget();
    const store = new MemoryStore();
    const p = await previewSync({ source, target, store, rules });
    const byId = Object.fromEntries(p.orders.map((o) => [o.orderId, [o.verdict, o.text]]));
    expect(byId['1']).toEqual(['would-book', 'would book order EUR 36.24, refund EUR -10.00']);
    expect(byId['2']).toEqual(['not-sold-yet', 'not sold yet (status pending)']);
    expect(byId['3']).toEqual(['not-booked', 'not booked: Order 3 was cancelled before it was booked.']);
    expect(byId['4'][0]).toBe('would-fail');
    expect(byId['4'][1]).toMatch(/^would fail: .*e-mail/i);
    expect(byId['5']).toEqual(['not-booked', 'not booked: created before the start date 2026-01-01']);
    expect(p.counts).toEqual({
      'would-book': 1,
      'already-booked': 0,
      'not-sold-yet': 1,
      'would-fail': 1,
      'not-booked': 2,
      busy: 0,
    });
    expect(p.wouldBook).toEqual({ order: 1, refund: 1, cancellation: 0 });
    expect(target.docs).toHaveLength(0);
    expect(await store.listEntries()).toHaveLength(0);

    const real = await runSync({ source, target, store, rules }, { mode: 'sync' });
    expect(real.booked).toEqual(p.wouldBook);
    const again = await previewSync({ source, target, store, rules }, { orderIds: ['1'] });
    expect(again.orders.map((o) => [o.verdict, o.text])).toEqual([['already-booked', 'already booked']]);
  });

  it('an order waiting for its payment (paidOnly) is not sold yet, and says so', async () => {
    const source = new ListSource('shop', [
      ok(order(1, { state: 'completed', status: 'completed', paidAt: null })),
    ]);
    const p = await previewSync({
      source,
      target: new MemoryTarget(),
      store: new MemoryStore(),
      rules: { ...rules, paidOnly: true },
    });
    expect(p.orders.map((o) => [o.verdict, o.text])).toEqual([
      ['not-sold-yet', 'not sold yet (status completed, not paid yet)'],
    ]);
  });
});

describe('previewOrder', () => {
  it('an order that could not be read would fail with its reason', () => {
    const v = previewOrder({
      orderId: '9',
      orderNumber: '9',
      state: null,
      outcomes: [],
      readError: new ShopbooksError('MalformedNumber', 'Order 9: total is not a decimal amount: "12,30"'),
    });
    expect([v.verdict, v.text, v.ok, v.reason]).toEqual([
      'would-fail',
      'would fail: Order 9: total is not a decimal amount: "12,30"',
      false,
      'would fail: Order 9: total is not a decimal amount: "12,30"',
    ]);
  });
});
