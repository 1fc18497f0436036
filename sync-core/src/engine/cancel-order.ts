/**
 * The cancellation flow: an order in a cancel state is credited when it was booked, and skipped
 * when it never was. "Booked" includes a write that started and may have landed: that document is
 * looked up first and finished, then credited (never marked skipped while it may be in the books).
 * The credit is what the books hold, from the ledger: the booked order's plan minus the refunds
 * already credited, not the order as it is now (an edit after booking is not credited).
 */
import { cancellationInstant } from './cancellation-date';
import type { Order } from '../model/order';
import { planCancellation, planOrder, planRefund } from '../plan/index';
import type { BookingPlan } from '../plan/types';
import { cancellationReference } from '../plan/reference';
import type { LedgerEntry } from '../store/port';
import type { RefundReadError } from '../sources/port';
import { ShopbooksError } from '../model/errors';
import { fail } from '../plan/plan-order';
import { bookDocument, ledgerKey, type EntryIdentity } from './book-document';
import { docRef, orderIdentity, type OrderContext, type OrderResult } from './order-context';
import { REBOOK_MAPPING, currentOrderIdentity, pendingRebookCreditKey, withReference } from './rebook';

export async function cancelOrder(order: Order, ctx: OrderContext, refundErrors: RefundReadError[] = []): Promise<OrderResult> {
  const { store } = ctx;
  const orderId = await currentOrderIdentity(order, ctx);
  const entry = await store.getEntry(orderId.key);
  if (entry && entry.status === 'skipped') return { outcomes: [{ status: 'skipped', key: orderId.key, reason: entry.skipReason ?? '', code: 'AlreadySkipped' }] };
  const notBooked = `Order ${order.number} was cancelled before it was booked.`;
  if (!entry) {
    // Cancelled before it was ever seen as sold: nothing to book, nothing to credit. Not recorded,
    // so an order that is reopened later is still booked.
    return { outcomes: [{ status: 'skipped', key: orderId.key, reason: notBooked, code: 'CancelledBeforeBooking' }] };
  }
  if (entry.status !== 'booked') {
    // Failed, or claimed by a run that died: finish a write that started, else record the skip.
    const o = await bookDocument(orderId, () => withReference(planOrder(order, ctx.plan), orderId), null, ctx.book, { recoverOnly: entry.writeStartedAt ? `${notBooked} No document with reference ${orderId.reference} was found in the books.` : notBooked });
    if (o.status !== 'booked') return { outcomes: [o.status === 'skipped' && o.code === 'NotBooked' && !entry.writeStartedAt ? { ...o, code: 'CancelledBeforeBooking' } : o] };
    const after = await store.getEntry(orderId.key);
    if (!after || after.status !== 'booked') return { outcomes: [o] };
    const rest = await creditBooked(order, after, ctx, refundErrors);
    return { outcomes: [o, ...rest.outcomes] };
  }
  return creditBooked(order, entry, ctx, refundErrors);
}

async function creditBooked(order: Order, entry: LedgerEntry, ctx: OrderContext, refundErrors: RefundReadError[]): Promise<OrderResult> {
  const { store } = ctx;
  const prefix = ctx.plan.referencePrefix;
  const orderId = orderIdentity(order, prefix);
  const original = docRef(entry);
  const bookedRefunds: BookingPlan[] = [];
  for (const r of order.refunds) {
    const re = await store.getEntry(ledgerKey(order.shopId, 'refund', r.id));
    if (re?.status !== 'booked') continue;
    if (re.bookedPlan) bookedRefunds.push(re.bookedPlan);
    else {
      const p = planRefund(order, r, ctx.plan);
      if (p.ok) bookedRefunds.push(p.plan);
    }
  }
  // a re-book whose credit note is booked but whose new document is not: that credit counts as credited
  const rebookCredit = await store.getEntry(pendingRebookCreditKey(order, Number((await store.getMapping(REBOOK_MAPPING, orderId.key)) ?? 0) + 1));
  if (rebookCredit?.status === 'booked' && rebookCredit.bookedPlan) bookedRefunds.push(rebookCredit.bookedPlan);
  const cid: EntryIdentity = { ...orderId, key: ledgerKey(order.shopId, 'cancellation', order.id), kind: 'cancellation', reference: cancellationReference(prefix, order.number) };
  if (refundErrors.length) {
    // what is still booked depends on refunds we cannot read: wait for them (retried), never guess
    const why = new ShopbooksError('RemoteBadResponse', `Order ${order.number} was cancelled, but refund(s) ${refundErrors.map((r) => r.id).join(', ')} could not be read, so what is left to credit is not known yet. It is retried: ${refundErrors[0].error.message}`, { retryable: true });
    return { outcomes: [await bookDocument(cid, () => fail(why), original, ctx.book)] };
  }
  // the booking date is fixed when the cancellation is first planned (a retry on a later day books the same document)
  const cancelledAt = await cancellationInstant(store, cid.key, order);
  return { outcomes: [await bookDocument(cid, () => planCancellation(order, bookedRefunds, ctx.plan, cancelledAt, entry.bookedPlan ?? undefined), original, ctx.book)] };
}
