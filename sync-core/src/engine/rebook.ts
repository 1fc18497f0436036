/**
 * Re-booking an order that changed in the shop after it was booked (`shopbooks rebook --order ID`):
 * a credit note for the booked document and a new document for the order as it is now, each with
 * its own ledger entry and a deterministic reference, so a run killed halfway is finished by the
 * next `rebook` and never doubles anything.
 *
 * Re-book n of order key K: credit `${ref}-X${n}` (entry K~x n, a cancellation of the booked plan,
 * in full: refunds already credited stay credited) and new document `${ref}-B${n}` (entry K~r n).
 * Once both are booked, the mapping rebook[K] = n makes entry K~r n the order's current document:
 * later refunds are credited against it, a cancellation credits it (minus all booked refunds), and
 * changes are detected against it.
 */
import { cancellationInstant } from './cancellation-date';
import type { Order } from '../model/order';
import { planCancellation, planOrder } from '../plan/index';
import type { PlanOutcome } from '../plan/plan-order';
import { bookDocument, ledgerKey, type BookOutcome, type EntryIdentity } from './book-document';
import { docRef, orderIdentity, type OrderContext, type OrderResult } from './order-context';
import { isCancelled } from './rules';

/** Mapping namespace: order ledger key -> the number of its latest completed re-book. */
export const REBOOK_MAPPING = 'rebook';

/** The entry that holds the order's current document: the original, or its latest re-book. */
export async function currentOrderIdentity(order: Pick<Order, 'shopId' | 'id' | 'number'>, ctx: Pick<OrderContext, 'store' | 'plan'>): Promise<EntryIdentity> {
  const base = orderIdentity(order, ctx.plan.referencePrefix);
  const n = Number((await ctx.store.getMapping(REBOOK_MAPPING, base.key)) ?? 0);
  return n > 0 ? rebookedIdentity(base, n) : base;
}

/** Ledger key of re-book n's credit note. */
export function pendingRebookCreditKey(order: Pick<Order, 'shopId' | 'id'>, n: number): string {
  return ledgerKey(order.shopId, 'cancellation', `${order.id}~x${n}`);
}

function rebookedIdentity(base: EntryIdentity, n: number): EntryIdentity {
  return { ...base, key: `${base.key}~r${n}`, reference: `${base.reference}-B${n}` };
}

/** The plan with the identity's reference (a re-booked order's document carries `-B<n>`). */
export function withReference(outcome: PlanOutcome, id: EntryIdentity, extra: { description?: string; originalReference?: string } = {}): PlanOutcome {
  if (!outcome.ok) return outcome;
  return { ok: true, plan: { ...outcome.plan, reference: id.reference, ...(extra.description ? { description: extra.description } : {}), ...(extra.originalReference ? { originalReference: extra.originalReference } : {}) } };
}

export async function rebookOrder(order: Order, ctx: OrderContext): Promise<OrderResult> {
  const { store } = ctx;
  const base = orderIdentity(order, ctx.plan.referencePrefix);
  const current = await currentOrderIdentity(order, ctx);
  const booked = await store.getEntry(current.key);
  const refuse = (message: string): OrderResult => ({ outcomes: [{ status: 'skipped', key: current.key, reason: message, code: 'NothingToRebook' }] });
  if (!booked || booked.status !== 'booked' || !booked.bookedPlan) return refuse(`Order ${order.number} has no booked document that Shopbooks can re-book (it is not booked, or was booked before re-booking existed).`);
  const n = Number((await store.getMapping(REBOOK_MAPPING, base.key)) ?? 0) + 1;
  const next = rebookedIdentity(base, n);
  const credit: EntryIdentity = { ...base, key: pendingRebookCreditKey(order, n), kind: 'cancellation', reference: `${base.reference}-X${n}` };
  if (isCancelled(order, ctx.rules)) return refuse(`Order ${order.number} is cancelled in the shop: its cancellation credits what is booked; there is nothing to re-book.`);
  const now = planOrder(order, ctx.plan);
  const started = (await store.getEntry(credit.key)) !== null;
  if (!started) {
    // nothing written yet: only start when the new document can be booked and differs
    if (!now.ok) return { outcomes: [{ status: 'failed', key: next.key, error: now.error, attempts: 0, persistent: false }] };
    if (now.plan.contentHash === booked.contentHash) return refuse(`Order ${order.number} is booked as it is in the shop; there is nothing to re-book.`);
    const v = await ctx.target.validate(now.plan);
    if (!v.ok) return { outcomes: [{ status: 'failed', key: next.key, error: v.error, attempts: 0, persistent: false }] };
  }
  const outcomes: BookOutcome[] = [];
  const creditDate = await cancellationInstant(store, credit.key, order);
  const c = await bookDocument(credit, () => withReference(planCancellation(order, [], ctx.plan, creditDate, booked.bookedPlan ?? undefined), credit, { description: `Re-booking of order ${order.number}: credit of ${current.reference}`, originalReference: current.reference }), docRef(booked), ctx.book);
  outcomes.push(c);
  if (c.status !== 'booked' && c.status !== 'already-booked') return { outcomes };
  const o = await bookDocument(next, () => withReference(planOrder(order, ctx.plan), next), null, ctx.book);
  outcomes.push(o);
  if (o.status === 'booked' || o.status === 'already-booked') {
    await store.setMapping(REBOOK_MAPPING, base.key, String(n));
    if (booked.lastError) await store.update(current.key, { lastError: null });
  }
  return { outcomes };
}

