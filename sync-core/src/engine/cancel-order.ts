/**
 * The cancellation flow: an order in a cancel state is credited when it was booked (the order
 * minus the refunds already credited) and skipped when it never was.
 */
import type { Order } from '../model/order';
import { planCancellation, planRefund } from '../plan/index';
import type { BookingPlan } from '../plan/types';
import { cancellationReference } from '../plan/reference';
import { bookDocument, ledgerKey, type EntryIdentity } from './book-document';
import { docRef, orderIdentity, type OrderContext, type OrderResult } from './order-context';

export async function cancelOrder(order: Order, ctx: OrderContext): Promise<OrderResult> {
  const { store, dryRun } = ctx;
  const prefix = ctx.plan.referencePrefix;
  const orderId = orderIdentity(order, prefix);
  const entry = await store.getEntry(orderId.key);
  if (!entry || entry.status !== 'booked') {
    if (entry && entry.status === 'skipped') return { outcomes: [{ status: 'skipped', key: orderId.key, reason: entry.skipReason ?? '', code: 'AlreadySkipped' }] };
    // Cancelled before it was booked: nothing to book, nothing to credit. Not recorded as a
    // final skip, so an order that is reopened later is still booked.
    if (entry && entry.status === 'failed' && !dryRun) await store.update(orderId.key, { status: 'skipped', skipReason: `Order ${order.number} was cancelled before it was booked.`, nextRetryAt: null });
    return { outcomes: [{ status: 'skipped', key: orderId.key, reason: `Order ${order.number} was cancelled before it was booked.`, code: 'CancelledBeforeBooking' }] };
  }
  const original = docRef(entry);
  const bookedRefunds: BookingPlan[] = [];
  for (const r of order.refunds) {
    const re = await store.getEntry(ledgerKey(order.shopId, 'refund', r.id));
    if (re?.status === 'booked') {
      const p = planRefund(order, r, ctx.plan);
      if (p.ok) bookedRefunds.push(p.plan);
    }
  }
  const cid: EntryIdentity = { ...orderId, key: ledgerKey(order.shopId, 'cancellation', order.id), kind: 'cancellation', reference: cancellationReference(prefix, order.number) };
  return { outcomes: [await bookDocument(cid, () => planCancellation(order, bookedRefunds, ctx.plan, order.modifiedAt), original, ctx.book)] };
}
