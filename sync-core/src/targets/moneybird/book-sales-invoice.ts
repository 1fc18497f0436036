/**
 * An order as a Moneybird sales invoice: create a draft -> compare Moneybird's figures with the
 * prediction (a fresh draft that differs is deleted again) -> align an adopted draft -> send with
 * the configured delivery method -> register the payment when the plan is paid.
 */
import type { BookingPlan } from '../../plan/types';
import type { DocumentRef, TargetContext } from '../port';
import { SALES_INVOICE_TYPE, buildInvoiceDetails, documentUrl, type MoneybirdConnection } from './connection';
import { compareWithMoneybird, type BuiltDetails } from './invoice-lines';
import { withLiveContact } from './live-contact';
import type { MoneybirdMasterData } from './master-data';
import { registerPayment } from './book-payment';
import { findExistingSalesInvoice } from './recovery';
import { alignDraft, sendDraft } from './sales-invoice-drafts';
import { createSalesInvoice, deleteSalesInvoice, type SalesInvoiceCreate } from './sales-invoices';
import type { SalesInvoice } from './schemas';
import { checkTotals, totalsMismatch } from './totals-check';
import { isUncertainWrite } from './transport';

function salesInvoiceBody(
  mb: MoneybirdConnection,
  plan: BookingPlan,
  contactId: string,
  built: BuiltDetails,
): SalesInvoiceCreate {
  const { config } = mb;
  return {
    contact_id: contactId,
    reference: plan.reference,
    invoice_date: plan.date,
    currency: plan.currency,
    prices_are_incl_tax: plan.pricesIncludeTax,
    ...(config.workflowId ? { workflow_id: config.workflowId } : {}),
    ...(config.documentStyleId ? { document_style_id: config.documentStyleId } : {}),
    details_attributes: built.details,
  };
}

export async function bookSalesInvoice(
  mb: MoneybirdConnection,
  plan: BookingPlan,
  opts: { mayExist: boolean },
  ctx: TargetContext,
  m: MoneybirdMasterData,
): Promise<DocumentRef> {
  const t = mb.transport;
  const built = buildInvoiceDetails(mb, plan, m);
  const contactId = await mb.contacts.resolve(plan, ctx.store);
  let inv: SalesInvoice | null = opts.mayExist
    ? await findExistingSalesInvoice(mb, plan, ctx, contactId)
    : null;
  let recovered = inv !== null;
  if (!inv) {
    try {
      inv = await withLiveContact(mb, plan, ctx, contactId, (id) =>
        createSalesInvoice(t, salesInvoiceBody(mb, plan, id, built)),
      );
    } catch (e) {
      if (!isUncertainWrite(e)) throw e;
      inv = await findExistingSalesInvoice(mb, plan, ctx, contactId);
      if (!inv) throw e;
      recovered = true;
    }
    ctx.log('moneybird.created', {
      reference: plan.reference,
      id: inv.id,
      recovered,
      corrections: built.corrections,
    });
    const problems = compareWithMoneybird(built.predicted, inv);
    if (problems.length && inv.state === 'draft' && !recovered) {
      await deleteSalesInvoice(t, inv.id).catch(() => undefined); // leave no wrong draft behind
      throw totalsMismatch(plan, inv, problems);
    }
  }
  if (inv.state === 'draft') inv = await alignDraft(mb, inv, plan, built);
  checkTotals(plan, inv, built.predicted);
  inv = await sendDraft(mb, inv, plan, ctx);
  await registerPayment(mb, 'sales', inv, plan, ctx);
  return {
    id: inv.id,
    type: SALES_INVOICE_TYPE,
    number: inv.invoice_id,
    url: documentUrl(mb, 'sales_invoices', inv.id),
    customerId: inv.contact_id ?? contactId,
    recovered,
  };
}
