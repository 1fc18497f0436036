/**
 * Exactly once: finding the document a plan already has in Moneybird (after `mayExist` or a
 * write whose outcome is unknown) and deciding whether it is ours to adopt (targets/adopt.ts).
 * Sales invoices are found by reference (drafts too); external sales invoices by the store
 * mapping, then the plan's date, then every date of the contact (Moneybird cannot filter them by
 * reference). A credit draft whose reference was never set is found through its original.
 */
import type { BookingPlan } from '../../plan/types';
import type { DocumentRef, TargetContext } from '../port';
import { adoptionProblems, referenceTaken, type FoundDocument } from '../adopt';
import { dec, fixed } from '../../model/money';
import {
  EXTERNAL_MAPPING,
  EXTERNAL_SALES_INVOICE_TYPE,
  SALES_INVOICE_TYPE,
  documentUrl,
  type MoneybirdConnection,
} from './connection';
import { findExternalSalesInvoicesByReference, getExternalSalesInvoice } from './external-sales-invoices';
import { findSalesInvoiceByReference, listSalesInvoicesByReference } from './sales-invoices';
import type { AnyInvoice, ExternalSalesInvoice, SalesInvoice } from './schemas';

function asFound(doc: AnyInvoice): FoundDocument {
  return {
    id: doc.id,
    gross: doc.total_price_incl_tax,
    vat: fixed(doc.tax_totals.reduce((a, x) => a.plus(dec(x.tax_amount)), dec(0))),
    currency: doc.currency ?? null,
    date: 'invoice_date' in doc ? (doc as SalesInvoice).invoice_date : (doc as ExternalSalesInvoice).date,
    customerId: doc.contact_id,
  };
}

/**
 * Of the documents carrying the plan's reference, the one that is this plan's (targets/adopt.ts);
 * null when there are none. Another shop booking into the same administration without a
 * reference prefix may own them: with none matching, ReferenceTakenByAnotherDocument.
 */
function pickOurs<T extends AnyInvoice>(
  plan: BookingPlan,
  rows: T[],
  contactId: string | null,
  ctx: TargetContext,
): T | null {
  if (!rows.length) return null;
  const ours = rows.filter((r) => adoptionProblems(plan, asFound(r), contactId).length === 0);
  if (ours.length > 1)
    ctx.log('moneybird.duplicateReference', { reference: plan.reference, ids: ours.map((r) => r.id) });
  const pick = ours.find((r) => r.state !== 'draft') ?? ours[0];
  if (pick) return pick;
  throw referenceTaken(
    plan,
    'Moneybird',
    asFound(rows[0]),
    adoptionProblems(plan, asFound(rows[0]), contactId),
  );
}

/**
 * Sales invoices carrying this reference (drafts included). For an order (`credit: false`)
 * credit invoices are skipped: a credit draft fresh from duplicate_creditinvoice carries its
 * original's reference until we rename it.
 */
async function salesWithReference(
  mb: MoneybirdConnection,
  reference: string,
  credit = false,
): Promise<SalesInvoice[]> {
  const t = mb.transport;
  const fits = (r: SalesInvoice) =>
    r.reference === reference && (credit || r.original_sales_invoice_id === null);
  const hit = await findSalesInvoiceByReference(t, reference);
  if (hit && fits(hit) && hit.state !== 'draft') {
    // find_by_reference returns one of several; the reference filter lists them all (drafts too)
    const rows = (await listSalesInvoicesByReference(t, reference)).filter(fits);
    return rows.length ? rows : [hit];
  }
  return (await listSalesInvoicesByReference(t, reference)).filter(fits);
}

/** The original order's invoice by its reference (only when the engine has no document id). */
export async function findOriginalSalesInvoice(
  mb: MoneybirdConnection,
  reference: string,
  ctx: TargetContext,
): Promise<SalesInvoice | null> {
  const rows = await salesWithReference(mb, reference);
  if (rows.length > 1) ctx.log('moneybird.duplicateReference', { reference, ids: rows.map((r) => r.id) });
  return rows.find((r) => r.state !== 'draft') ?? rows[0] ?? null;
}

/** This plan's sales invoice (or credit invoice of `originalId`), found by reference. */
export async function findExistingSalesInvoice(
  mb: MoneybirdConnection,
  plan: BookingPlan,
  ctx: TargetContext,
  contactId: string | null,
  originalId: string | null = null,
): Promise<SalesInvoice | null> {
  const credit = plan.kind !== 'order';
  const rows = (await salesWithReference(mb, plan.reference, credit)).filter(
    (r) => !credit || originalId === null || r.original_sales_invoice_id === originalId,
  );
  return pickOurs(plan, rows, contactId, ctx);
}

/**
 * A credit draft made by duplicate_creditinvoice whose reference we never got to change (crash
 * between the two calls): it still carries the original's reference and points at it.
 */
export async function findOrphanCredit(
  mb: MoneybirdConnection,
  original: SalesInvoice,
): Promise<SalesInvoice | null> {
  if (!original.reference) return null;
  const rows = await listSalesInvoicesByReference(mb.transport, original.reference);
  return (
    rows.find(
      (r) =>
        r.original_sales_invoice_id === original.id &&
        r.state === 'draft' &&
        r.reference === original.reference,
    ) ?? null
  );
}

export async function findExistingExternalInvoice(
  mb: MoneybirdConnection,
  plan: BookingPlan,
  ctx: TargetContext,
  contactId: string | null,
): Promise<ExternalSalesInvoice | null> {
  const t = mb.transport;
  const mapped = await ctx.store.getMapping(
    EXTERNAL_MAPPING,
    `${mb.config.administrationId}:${plan.reference}`,
  );
  if (mapped) {
    const doc = await getExternalSalesInvoice(t, mapped);
    if (doc && doc.reference === plan.reference) return pickOurs(plan, [doc], contactId, ctx);
  }
  // Moneybird cannot filter external invoices by reference: the plan's date first (one cheap
  // page), then every date of the contact, so a document dated otherwise is found too.
  const onDate = await findExternalSalesInvoicesByReference(t, plan.reference, { date: plan.date });
  if (onDate.some((r) => adoptionProblems(plan, asFound(r), contactId).length === 0))
    return pickOurs(plan, onDate, contactId, ctx);
  const rows = contactId
    ? await findExternalSalesInvoicesByReference(t, plan.reference, { contactId })
    : onDate;
  return pickOurs(plan, rows, contactId, ctx);
}

/** The Target's `findDocument`: the plan's document as the engine records it, or null. */
export async function findMoneybirdDocument(
  mb: MoneybirdConnection,
  plan: BookingPlan,
  ctx: TargetContext,
): Promise<DocumentRef | null> {
  mb.transport.useStore(ctx.store);
  if (mb.config.documentKind === 'externalSalesInvoice') {
    const contactId = await mb.contacts.known(plan, ctx.store);
    const doc = await findExistingExternalInvoice(mb, plan, ctx, contactId);
    if (!doc) return null;
    const entry = doc.entry_number;
    return {
      id: doc.id,
      type: EXTERNAL_SALES_INVOICE_TYPE,
      number: entry == null ? null : String(entry),
      url: documentUrl(mb, 'external_sales_invoices', doc.id),
      customerId: doc.contact_id,
      recovered: true,
    };
  }
  const inv = await findExistingSalesInvoice(mb, plan, ctx, null);
  if (!inv) return null;
  return {
    id: inv.id,
    type: SALES_INVOICE_TYPE,
    number: inv.invoice_id,
    url: documentUrl(mb, 'sales_invoices', inv.id),
    customerId: inv.contact_id,
    recovered: true,
  };
}
