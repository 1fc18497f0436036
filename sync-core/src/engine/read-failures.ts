/**
 * Orders the shop sent but we could not read, or could not fetch: each becomes a failed ledger
 * entry with the reason (shown in `status` and the plugin log, retried), never a silent skip and
 * never the end of the run.
 *
 * An unreadable order that is already booked cannot fail its own entry (that would forget the
 * document in the books), and its follow-ups (refunds, a cancellation) are unknown while it is
 * unreadable: the failure is recorded on a read entry of its own, one per modification of the
 * order, and resolved once the order reads again on a retry.
 */
import { ShopbooksError } from '../model/errors';
import { fail } from '../plan/plan-order';
import type { SourceOrder } from '../sources/port';
import type { LedgerEntry } from '../store/port';
import { bookDocument, ledgerKey, type BookOutcome, type EntryIdentity } from './book-document';
import { orderIdentity, type OrderContext } from './order-context';

/** refundId of a read entry: `unreadable@<the order's modification time>`. */
export const UNREADABLE = 'unreadable';

export async function recordUnreadable(so: Extract<SourceOrder, { ok: false }>, ctx: OrderContext): Promise<BookOutcome> {
  const id = orderIdentity({ shopId: ctx.shopId, id: so.id, number: so.number ?? so.id }, ctx.plan.referencePrefix);
  const entry = await ctx.store.getEntry(id.key);
  if (entry?.status !== 'booked') return bookDocument(id, () => fail(so.error), null, ctx.book);
  const refundId = `${UNREADABLE}@${so.modifiedAt ?? 'unknown'}`;
  const readId: EntryIdentity = { ...id, key: ledgerKey(id.shopId, 'refund', `${so.id}:${refundId}`), kind: 'refund', refundId, reference: `${id.reference}-unreadable` };
  // re-reading is what fixes it (the shop corrects the order): retried on the timer whatever the cause
  const error = withContext(so.error, `Order ${so.number ?? so.id} is booked, but it can no longer be read, so its refunds and a cancellation cannot be checked until it can: `, true);
  return bookDocument(readId, () => fail(error), null, ctx.book);
}

/** After a retry read the order again: its read entries are done (skipped with the reason). */
export async function resolveUnreadable(due: LedgerEntry[], ctx: OrderContext): Promise<void> {
  for (const e of due) {
    if (e.kind !== 'refund' || !e.refundId?.startsWith(`${UNREADABLE}@`)) continue;
    const id: EntryIdentity = { key: e.key, kind: e.kind, shopId: e.shopId, orderId: e.orderId, orderNumber: e.orderNumber, refundId: e.refundId, reference: e.reference };
    const done = new ShopbooksError('RemoteBadResponse', `Order ${e.orderNumber} could be read again on a retry; its refunds and cancellation were checked then. (Was: ${e.lastError?.message ?? 'unreadable'})`);
    await bookDocument(id, () => ({ ok: false, disposition: 'skip', error: done }), null, ctx.book);
  }
}

/** `getOrder` failed on a retry: every due entry of that order records it (attempts, backoff). */
export async function recordFetchFailure(due: LedgerEntry[], error: ShopbooksError, ctx: OrderContext): Promise<BookOutcome[]> {
  const out: BookOutcome[] = [];
  for (const e of due) {
    const id: EntryIdentity = { key: e.key, kind: e.kind, shopId: e.shopId, orderId: e.orderId, orderNumber: e.orderNumber, refundId: e.refundId, reference: e.reference };
    out.push(await bookDocument(id, () => fail(error), null, ctx.book));
  }
  return out;
}

function withContext(e: ShopbooksError, prefix: string, retryable = e.retryable): ShopbooksError {
  return new ShopbooksError(e.code, `${prefix}${e.message}`, { retryable, details: e.details, ...(e.remoteMessage ? { remoteMessage: e.remoteMessage } : {}) });
}
