/**
 * Order processing: one readable order -> its ledger entries. A sold order is booked, then each of
 * its refunds is credited against it; a cancelled one goes to the cancellation flow.
 */
import type { Order } from '../model/order';
import { planOrder, planRefund } from '../plan/index';
import { refundReference } from '../plan/reference';
import { bookDocument, ledgerKey, type BookOutcome, type EntryIdentity } from './book-document';
import { cancelOrder } from './cancel-order';
import { docRef, orderIdentity, type OrderContext, type OrderResult } from './order-context';
import { isBookable, isCancelled } from './rules';

export async function processOrder(order: Order, ctx: OrderContext): Promise<OrderResult> {
  const { store, rules } = ctx;
  const prefix = ctx.plan.referencePrefix;
  if (isCancelled(order, rules)) return cancelOrder(order, ctx);
  const orderId = orderIdentity(order, prefix);
  const outcomes: BookOutcome[] = [];
  const alreadyBooked = await store.getEntry(orderId.key);
  if (!isBookable(order, rules) && alreadyBooked?.status !== 'booked') {
    return { outcomes, ignored: `status ${order.status} is not booked by the rules` };
  }
  const o = await bookDocument(orderId, () => planOrder(order, ctx.plan), null, ctx.book);
  outcomes.push(o);
  const orderDoc = o.status === 'booked' ? o.document : o.status === 'already-booked' ? docRef(o.entry) : null;
  if (!orderDoc && o.status !== 'planned') return { outcomes };
  for (const r of order.refunds) {
    const rid: EntryIdentity = { ...orderId, key: ledgerKey(order.shopId, 'refund', r.id), kind: 'refund', refundId: r.id, reference: refundReference(prefix, order.number, r.id) };
    outcomes.push(await bookDocument(rid, () => planRefund(order, r, ctx.plan), orderDoc, ctx.book));
  }
  return { outcomes };
}
