/**
 * Follow-ups of a booked document: its payment (the order paid, the refund paid back) and its
 * invoice PDF. Each is a document of its own in the books, with its own ledger entry
 * (`<shopId>:payment:<order|refund|cancellation>:<id>`, `<shopId>:attachment:…`), a deterministic
 * reference (`<document reference>-P`, `-PDF`) and the same exactly-once rules as documents:
 * claim -> mark the write as started (durable) -> the target writes (with `mayExist` it first looks
 * the follow-up up by its reference) -> record booked. A failure is recorded on the follow-up's
 * own entry ("booked, payment not registered: …"), retried with backoff like any failed entry,
 * and never touches the booked document.
 *
 * Called once per order from engine/sync.ts with the outcomes of its documents.
 */
import { cancellationInstant } from './cancellation-date';
import { z } from 'zod';
import { ShopbooksError, asShopbooksError } from '../model/errors';
import type { Order } from '../model/order';
import { planCancellation, planOrder, planRefund } from '../plan/index';
import type { PlanOutcome } from '../plan/plan-order';
import type { PlanSettings } from '../plan/settings';
import type { BookingPlan } from '../plan/types';
import { invoicePdfFilename, renderInvoicePdf } from '../pdf/invoice-pdf';
import type { LedgerEntry } from '../store/port';
import type { Source } from '../sources/port';
import type { DocumentRef, FollowUpRequest, FollowUpResult, InvoicePdf } from '../targets/port';
import { ledgerKey, type BookDeps, type BookOutcome, type EntryIdentity } from './book-document';
import { nextRetryDelayMs } from './rules';

/** `attachments` in the configuration (docs/config.md). Off by default. */
export const AttachmentSettings = z.object({
  /** Attach an invoice PDF to every booked document (one setting; off by default). */
  enabled: z.boolean().default(false),
  /** Printed on the PDF Shopbooks renders when the shop has no invoice PDF of its own. */
  shopName: z.string().default(''),
  shopAddress: z.array(z.string()).default([]),
  shopVatNumber: z.string().optional(),
});
export type AttachmentSettings = z.infer<typeof AttachmentSettings>;

/** A source that can fetch the shop's own invoice PDF of an order (optional; null when it has none). */
export interface InvoicePdfSource {
  invoicePdf?(order: Order): Promise<InvoicePdf | null>;
}

export interface FollowUpDeps {
  source: Source & InvoicePdfSource;
  book: BookDeps;
  planSettings: PlanSettings;
  attachments?: AttachmentSettings;
}

type FollowUpKind = 'payment' | 'attachment';
const SUFFIX: Record<FollowUpKind, string> = { payment: '-P', attachment: '-PDF' };
const FAILURE: Record<FollowUpKind, string> = { payment: 'booked, payment not registered', attachment: 'booked, PDF not attached' };

/** The order counts as paid (mirrors plan/plan-order.ts `paid`). */
function orderPaid(order: Order): boolean {
  return order.paidAt !== null || order.state === 'paid' || order.state === 'completed';
}

function docRef(e: LedgerEntry): DocumentRef {
  return { id: e.documentId ?? '', type: e.documentType ?? '', number: e.documentNumber, url: e.documentUrl, customerId: e.customerId, recovered: false };
}

/** The booked documents of this order's outcomes, with a way to (re)plan each. */
function bookedDocuments(order: Order, outcomes: BookOutcome[], d: FollowUpDeps): Array<{ parent: LedgerEntry['kind']; parentId: string; reference: string; document: DocumentRef; bookedGross: string | null; plan: () => Promise<PlanOutcome> }> {
  const out: ReturnType<typeof bookedDocuments> = [];
  for (const o of outcomes) {
    if (o.status === 'booked') {
      const plan = o.plan;
      out.push({ parent: plan.kind, parentId: plan.refundId ?? plan.orderId, reference: plan.reference, document: o.document, bookedGross: plan.totals.gross, plan: async () => ({ ok: true, plan }) as PlanOutcome });
    } else if (o.status === 'already-booked') {
      const e = o.entry;
      if (e.kind !== 'order' && e.kind !== 'refund' && e.kind !== 'cancellation') continue;
      out.push({ parent: e.kind, parentId: e.refundId ?? e.orderId, reference: e.reference, document: docRef(e), bookedGross: e.gross, plan: () => replan(order, e, d) });
    }
  }
  return out;
}

/** The plan of an already booked document (only computed when a follow-up is still open). */
async function replan(order: Order, e: LedgerEntry, d: FollowUpDeps): Promise<PlanOutcome> {
  const s = d.planSettings;
  if (e.kind === 'order') return planOrder(order, s);
  if (e.kind === 'refund') {
    const r = order.refunds.find((x) => x.id === e.refundId);
    if (!r) return { ok: false, disposition: 'fail', error: new ShopbooksError('MalformedOrder', `Refund ${e.refundId} of order ${order.number} is no longer in the shop.`) } as PlanOutcome;
    return planRefund(order, r, s);
  }
  const booked: BookingPlan[] = [];
  for (const r of order.refunds) {
    const re = await d.book.store.getEntry(ledgerKey(order.shopId, 'refund', r.id));
    if (re?.status === 'booked') {
      const p = planRefund(order, r, s);
      if (p.ok) booked.push(p.plan);
    }
  }
  // the date the cancellation was first planned with (engine/cancellation-date.ts), read only
  return planCancellation(order, booked, s, await cancellationInstant(d.book.store, ledgerKey(order.shopId, 'cancellation', order.id), order, { readOnly: true }));
}

/** Book the payment and the PDF of every booked document of this order that still needs them. */
export async function bookFollowUps(d: FollowUpDeps, order: Order, outcomes: BookOutcome[]): Promise<BookOutcome[]> {
  const { target } = d.book;
  const wantPdf = d.attachments?.enabled === true && typeof target.attachPdf === 'function';
  const wantPayment = typeof target.bookPayment === 'function' && orderPaid(order);
  if (!wantPdf && !wantPayment) return [];
  const results: BookOutcome[] = [];
  for (const doc of bookedDocuments(order, outcomes, d)) {
    const base = { shopId: order.shopId, orderId: order.id, orderNumber: order.number, refundId: doc.parent === 'order' ? null : doc.parentId };
    const run = async (kind: FollowUpKind, work: (req: FollowUpRequest, mayExist: boolean) => Promise<FollowUpResult>) => {
      const id: EntryIdentity = { ...base, key: ledgerKey(order.shopId, kind, `${doc.parent}:${doc.parentId}`), kind, reference: `${doc.reference}${SUFFIX[kind]}` };
      const r = await runFollowUp(id, doc, kind, work, d.book);
      if (r) results.push(r);
    };
    // the payment is for the amount as booked (the order may have changed in the shop since): it must match the open item
    const asBooked = (p: BookingPlan): BookingPlan => (doc.bookedGross === null ? p : { ...p, totals: { ...p.totals, gross: doc.bookedGross } });
    if (wantPayment) await run('payment', (req, mayExist) => target.bookPayment!({ ...req, plan: asBooked(req.plan) }, { mayExist }, d.book.ctx));
    if (wantPdf) {
      await run('attachment', async (req, mayExist) => {
        const pdf = await pdfFor(d, order, req.plan);
        return target.attachPdf!({ ...req, pdf }, { mayExist }, d.book.ctx);
      });
    }
  }
  return results;
}

/** The shop's own invoice PDF for an order where the source has one, else one rendered from the plan. */
async function pdfFor(d: FollowUpDeps, order: Order, plan: BookingPlan): Promise<InvoicePdf> {
  if (plan.kind === 'order' && d.source.invoicePdf) {
    const own = await d.source.invoicePdf(order);
    if (own) return { filename: own.filename || invoicePdfFilename(plan), data: own.data };
  }
  const a = d.attachments;
  return renderInvoicePdf(plan, { name: a?.shopName || order.shopId, address: a?.shopAddress ?? [], ...(a?.shopVatNumber ? { vatNumber: a.shopVatNumber } : {}) });
}

async function runFollowUp(
  id: EntryIdentity,
  doc: { document: DocumentRef; bookedGross: string | null; plan: () => Promise<PlanOutcome> },
  kind: FollowUpKind,
  work: (req: FollowUpRequest, mayExist: boolean) => Promise<FollowUpResult>,
  deps: BookDeps,
): Promise<BookOutcome | null> {
  const { store, rules } = deps;
  const existing = await store.getEntry(id.key);
  if (existing && (existing.status === 'booked' || existing.status === 'skipped')) return null;
  if (existing && existing.status === 'failed' && existing.nextRetryAt && existing.nextRetryAt > new Date(deps.now()).toISOString()) return null;
  const claim = await store.claim(id.key, { ...id, contentHash: null }, deps.runId, rules.claimLeaseSeconds * 1000);
  if (!claim.ok) return claim.reason === 'claimed-elsewhere' ? { status: 'busy', key: id.key } : null;
  const entry = claim.entry;
  let error: ShopbooksError;
  try {
    const planned = await doc.plan();
    if (!planned.ok) throw planned.error;
    const mayExist = entry.writeStartedAt !== null;
    if (!mayExist) await store.update(id.key, { writeStartedAt: new Date(deps.now()).toISOString() });
    const r = await work({ document: doc.document, plan: planned.plan, reference: id.reference }, mayExist);
    if (r.status === 'done') {
      await store.update(id.key, {
        status: 'booked',
        documentId: r.ref.id,
        documentType: r.ref.type,
        documentNumber: r.ref.number,
        documentUrl: r.ref.url,
        customerId: r.ref.customerId,
        gross: kind === 'payment' ? (doc.bookedGross ?? planned.plan.totals.gross) : null,
        attempts: entry.attempts + 1,
        lastError: null,
        nextRetryAt: null,
        claimedBy: null,
        claimExpiresAt: null,
      });
      deps.ctx.log(`follow-up.${kind}`, { key: id.key, reference: id.reference, id: r.ref.id, recovered: r.ref.recovered });
      return null;
    }
    if (r.status === 'not-needed') {
      await store.update(id.key, { status: 'skipped', skipReason: r.reason, claimedBy: null, claimExpiresAt: null });
      return null;
    }
    error = new ShopbooksError('WaitingForBooks', r.reason, { retryable: true });
  } catch (e) {
    error = asShopbooksError(e);
  }
  const attempts = entry.attempts + 1;
  // waiting for the shop owner to process an invoice in the books is not a failure to e-mail about
  const persistent = error.code !== 'WaitingForBooks' && attempts >= rules.persistentAfterAttempts;
  const shown = new ShopbooksError(error.code, `Order ${id.orderNumber}${id.refundId ? ` (refund ${id.refundId})` : ''}: ${FAILURE[kind]}: ${error.message}`, { retryable: error.retryable, ...(error.remoteMessage ? { remoteMessage: error.remoteMessage } : {}), details: error.details });
  await store.update(id.key, {
    status: 'failed',
    attempts,
    lastError: { code: shown.code, message: shown.message, ...(shown.remoteMessage ? { remoteMessage: shown.remoteMessage } : {}) },
    nextRetryAt: new Date(deps.now() + nextRetryDelayMs(attempts, rules)).toISOString(),
    claimedBy: null,
    claimExpiresAt: null,
  });
  return { status: 'failed', key: id.key, error: shown, attempts, persistent };
}
