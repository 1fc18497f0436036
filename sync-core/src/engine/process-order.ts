/**
 * Order processing: one readable order -> its ledger entries. A sold order is booked, then each of
 * its refunds is credited against it; a cancelled one goes to the cancellation flow.
 *
 * Every refund the shop lists is in the ledger before the order's document is written (pending,
 * as a due entry): a run that dies between the order and its refunds leaves them due, so the next
 * run's retries reach them even when the order is behind the cursor (issue 11 item 13).
 */
import type { Order } from '../model/order';
import { fail } from '../plan/plan-order';
import { planOrder, planRefund } from '../plan/index';
import { refundReference } from '../plan/reference';
import type { RefundReadError } from '../sources/port';
import { bookDocument, ledgerKey, type BookMode, type BookOutcome, type EntryIdentity } from './book-document';
import { cancelOrder } from './cancel-order';
import { docRef, orderIdentity, type OrderContext, type OrderResult } from './order-context';
import { currentOrderIdentity, withReference } from './rebook';
import { isCancelled, notBookableReason } from './rules';

/** `lastError.code` on a booked order entry whose order changed in the shop after booking. */
export const CHANGED_AFTER_BOOKING = 'ChangedAfterBooking';

export function changedMessage(order: Order, bookedGross: string | null): string {
  return `Order ${order.number} changed in the shop after it was booked (booked ${order.currency} ${bookedGross ?? '?'}, now ${order.currency} ${order.totals.total}). To book it as it is now, run "shopbooks rebook --order ${order.id}": a credit note for the booked document and a new document, each exactly once.`;
}

/** `lastError.code` of a refund recorded before its order's document was written. */
export const REFUND_PENDING = 'RefundPending';

export function refundIdentity(order: Pick<Order, 'shopId' | 'id' | 'number'>, refundId: string, prefix: string): EntryIdentity {
  return { ...orderIdentity(order, prefix), key: ledgerKey(order.shopId, 'refund', refundId), kind: 'refund', refundId, reference: refundReference(prefix, order.number, refundId) };
}

export async function processOrder(order: Order, ctx: OrderContext, refundErrors: RefundReadError[] = []): Promise<OrderResult> {
  const { store, rules } = ctx;
  const prefix = ctx.plan.referencePrefix;
  if (isCancelled(order, rules)) return cancelOrder(order, ctx, refundErrors);
  const orderId = await currentOrderIdentity(order, ctx);
  const outcomes: BookOutcome[] = [];
  const existing = await store.getEntry(orderId.key);
  let mode: BookMode = {};
  const notBookable = notBookableReason(order, rules);
  if (notBookable && existing?.status !== 'booked') {
    const ignored = notBookable;
    // A write that started while the order was sold may be in the books: finish it (and go on to
    // its refunds) rather than leave it unrecorded; without one the order is simply not booked.
    if (!existing?.writeStartedAt || existing.status === 'skipped') return { outcomes, ignored };
    mode = { recoverOnly: `Order ${order.number} moved out of the booking rules (${ignored}) before its document was booked, and no document with reference ${orderId.reference} was found in the books.` };
  }
  const refundIds = [...order.refunds.map((r) => r.id), ...refundErrors.map((r) => r.id)];
  const pending = await recordPending(order, refundIds, ctx);
  const o = await bookDocument(orderId, () => withReference(planOrder(order, ctx.plan), orderId), null, ctx.book, mode);
  outcomes.push(o);
  if (o.status === 'already-booked' && o.changed && o.entry.lastError?.code !== CHANGED_AFTER_BOOKING) {
    // shown by `status` and the plugin until the user re-books (or the order changes back)
    await store.update(orderId.key, { lastError: { code: CHANGED_AFTER_BOOKING, message: changedMessage(order, o.entry.gross) } });
  }
  const orderDoc = o.status === 'booked' ? o.document : o.status === 'already-booked' ? docRef(o.entry) : null;
  if (!orderDoc) {
    // the refunds wait for their order: due when it is (its backoff, not every run)
    if (o.status === 'failed' && pending.length) {
      const failed = await store.getEntry(orderId.key);
      for (const key of pending) await store.update(key, { nextRetryAt: failed?.nextRetryAt ?? null, failedConfig: failed?.failedConfig ?? null });
    }
    return { outcomes };
  }
  for (const r of order.refunds) {
    outcomes.push(await bookDocument(refundIdentity(order, r.id, prefix), () => planRefund(order, r, ctx.plan), orderDoc, ctx.book));
  }
  for (const r of refundErrors) {
    outcomes.push(await bookDocument(refundIdentity(order, r.id, prefix), () => fail(r.error), orderDoc, ctx.book));
  }
  return { outcomes };
}

/** Record each refund not yet in the ledger as a due entry; returns the keys still pending. */
async function recordPending(order: Order, refundIds: string[], ctx: OrderContext): Promise<string[]> {
  const { store } = ctx;
  const keys: string[] = [];
  for (const rid of refundIds) {
    const id = refundIdentity(order, rid, ctx.plan.referencePrefix);
    const e = await store.getEntry(id.key);
    if (e) {
      if (e.status === 'failed' && e.lastError?.code === REFUND_PENDING) keys.push(id.key);
      continue;
    }
    const c = await store.claim(id.key, { ...id, contentHash: null }, ctx.book.runId, ctx.rules.claimLeaseSeconds * 1000);
    if (!c.ok) continue;
    await store.update(id.key, {
      status: 'failed',
      lastError: { code: REFUND_PENDING, message: `Refund ${rid} of order ${order.number} is recorded and waits for the order's own document; it is credited right after it.` },
      nextRetryAt: new Date(ctx.now()).toISOString(),
      claimedBy: null,
      claimExpiresAt: null,
    });
    keys.push(id.key);
  }
  return keys;
}
