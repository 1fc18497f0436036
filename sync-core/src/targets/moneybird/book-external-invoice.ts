/**
 * An order, refund or cancellation as a Moneybird external sales invoice (the shop's own invoice
 * is the legal one): create it open (a refund as a negative one: Moneybird has no credit route
 * for them) -> remember its id in the store (they cannot be found by reference cheaply) ->
 * compare the figures -> attach the shop's PDF -> register the payment.
 */
import type { BookingPlan } from '../../plan/types';
import type { DocumentRef, TargetContext } from '../port';
import {
  EXTERNAL_MAPPING,
  EXTERNAL_SALES_INVOICE_TYPE,
  buildInvoiceDetails,
  documentUrl,
  type MoneybirdConnection,
} from './connection';
import {
  attachExternalSalesInvoicePdf,
  createExternalSalesInvoice,
  deleteExternalSalesInvoice,
} from './external-sales-invoices';
import { compareWithMoneybird } from './invoice-lines';
import { withLiveContact } from './live-contact';
import type { MoneybirdMasterData } from './master-data';
import { registerPayment } from './book-payment';
import { findExistingExternalInvoice } from './recovery';
import type { ExternalSalesInvoice } from './schemas';
import { checkTotals, totalsMismatch } from './totals-check';
import { isUncertainWrite } from './transport';

export async function bookExternalInvoice(
  mb: MoneybirdConnection,
  plan: BookingPlan,
  opts: { mayExist: boolean },
  ctx: TargetContext,
  m: MoneybirdMasterData,
): Promise<DocumentRef> {
  const { config, transport: t } = mb;
  const built = buildInvoiceDetails(mb, plan, m);
  const contactId = await mb.contacts.resolve(plan, ctx.store);
  let doc: ExternalSalesInvoice | null = opts.mayExist
    ? await findExistingExternalInvoice(mb, plan, ctx, contactId)
    : null;
  let recovered = doc !== null;
  if (!doc) {
    try {
      doc = await withLiveContact(mb, plan, ctx, contactId, (id) =>
        createExternalSalesInvoice(t, {
          contact_id: id,
          reference: plan.reference,
          date: plan.date,
          currency: plan.currency,
          prices_are_incl_tax: plan.pricesIncludeTax,
          source: config.sourceName,
          details_attributes: built.details,
        }),
      );
    } catch (e) {
      if (!isUncertainWrite(e)) throw e;
      doc = await findExistingExternalInvoice(mb, plan, ctx, contactId);
      if (!doc) throw e;
      recovered = true;
    }
    await ctx.store.setMapping(EXTERNAL_MAPPING, `${config.administrationId}:${plan.reference}`, doc.id);
    ctx.log('moneybird.created', {
      reference: plan.reference,
      id: doc.id,
      recovered,
      corrections: built.corrections,
    });
    const problems = compareWithMoneybird(built.predicted, doc);
    if (problems.length && !recovered && doc.payments.length === 0) {
      await deleteExternalSalesInvoice(t, doc.id).catch(() => undefined);
      throw totalsMismatch(plan, doc, problems);
    }
  }
  checkTotals(plan, doc, built.predicted);
  if (mb.documentPdf && doc.attachments.length === 0) {
    const pdf = await mb.documentPdf(plan);
    if (pdf) await attachExternalSalesInvoicePdf(t, doc.id, pdf);
  }
  await registerPayment(mb, 'external', doc, plan, ctx);
  const entry = doc.entry_number;
  return {
    id: doc.id,
    type: EXTERNAL_SALES_INVOICE_TYPE,
    number: entry === null || entry === undefined ? null : String(entry),
    url: documentUrl(mb, 'external_sales_invoices', doc.id),
    customerId: doc.contact_id ?? contactId,
    recovered,
  };
}
