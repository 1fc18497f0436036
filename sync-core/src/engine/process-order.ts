/**
 * Order processing: one readable order -> its ledger entries. A sold order is booked, then each of
 * its refunds is credited against it; a cancelled one goes to the cancellation flow.
 */
import type { Order } from '../model/order';
import { planOrder, planRefund } from '../plan/index';
import { refundReference } from '../plan/reference';
import { bookDocument, ledgerKey, type BookMode, type BookOutcome, type EntryIdentity } from './book-document';
import { cancelOrder } from './cancel-order';
import { docRef, orderIdentity, type OrderContext, type OrderResult } from './order-context';
import { isBookable, isCancelled } from './rules';

export async function processOrder(order: Order, ctx: OrderContext): Promise<OrderResult> {
  const { store, rules } = ctx;
  const prefix = ctx.plan.referencePrefix;
  if (isCancelled(order, rules)) return cancelOrder(order, ctx);
  const orderId = orderIdentity(order, prefix);
  const outcomes: BookOutcome[] = [];
  const existing = await store.getEntry(orderId.key);
  let mode: BookMode = {};
  if (!isBookable(order, rules) && existing?.status !== 'booked') {
    const ignored = `status ${order.status} is not booked by the rules`;
    // A write that started while the order was sold may be in the books: finish it (and go on to
    // its refunds) rather than leave it unrecorded; without one the order is simply not booked.
    if (!existing?.writeStartedAt || existing.status === 'skipped' || ctx.dryRun) return { outcomes, ignored };
    mode = { recoverOnly: `Order ${order.number} moved out of the booking rules (${ignored}) before its document was booked, and no document with reference ${orderId.reference} was found in the books.` };
  }
  const o = await bookDocument(orderId, () => planOrder(order, ctx.plan), null, ctx.book, mode);
  outcomes.push(o);
  const orderDoc = o.status === 'booked' ? o.document : o.status === 'already-booked' ? docRef(o.entry) : null;
  if (!orderDoc && o.status !== 'planned') return { outcomes };
  for (const r of order.refunds) {
    const rid: EntryIdentity = { ...orderId, key: ledgerKey(order.shopId, 'refund', r.id), kind: 'refund', refundId: r.id, reference: refundReference(prefix, order.number, r.id) };
    outcomes.push(await bookDocument(rid, () => planRefund(order, r, ctx.plan), orderDoc, ctx.book));
  }
  return { outcomes };
}
