/** "Paid means paid": the rules look only at the shop's payment record, never at a status. */
import { wcOrder } from '../plan/test-orders';
import { SyncRules, isBookable, notBookableReason } from './rules';

const paid = wcOrder({ number: '1', lines: [{ name: 'Mok', price: '10.00', qty: 1, rateId: '1' }] });
const completedUnpaid = { ...paid, status: 'completed', state: 'completed' as const, paidAt: null };
const processingUnpaid = { ...paid, status: 'processing', state: 'paid' as const, paidAt: null };

describe('isBookable with paidOnly', () => {
  const rules = SyncRules.parse({ paidOnly: true });

  test('a completed order without a payment date waits, and says it is not paid yet', () => {
    expect(isBookable(completedUnpaid, rules)).toBe(false);
    expect(notBookableReason(completedUnpaid, rules)).toMatch(/not paid yet/);
  });

  test('a status that sounds paid is not a payment record', () => {
    expect(isBookable(processingUnpaid, rules)).toBe(false);
  });

  test('the same order with a payment date is booked', () => {
    expect(isBookable({ ...completedUnpaid, paidAt: '2026-03-02T09:00:00Z' }, rules)).toBe(true);
    expect(notBookableReason({ ...completedUnpaid, paidAt: '2026-03-02T09:00:00Z' }, rules)).toBeNull();
  });

  test('without paidOnly a completed unpaid order is booked as before; a pending one names its status', () => {
    const loose = SyncRules.parse({});
    expect(isBookable(completedUnpaid, loose)).toBe(true);
    expect(notBookableReason({ ...paid, status: 'pending', state: 'pending' }, loose)).toMatch(/status pending/);
  });
});
