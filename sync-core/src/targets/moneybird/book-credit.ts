/**
 * A refund or cancellation as a Moneybird credit invoice: `duplicate_creditinvoice` on the
 * original (so Moneybird links the two), our reference, date and — for a partial refund — the
 * refunded lines on the copy, send, then settle it against the original while that is still open
 * (an unpaid order cancelled) or pay it out (the money went back to the customer).
 */
import type { BookingPlan } from '../../plan/types';
import type { DocumentRef, TargetContext } from '../port';
import { ShopbooksError } from '../../model/errors';
import { dec, isZero } from '../../model/money';
import { SALES_INVOICE_TYPE, buildInvoiceDetails, documentUrl, type MoneybirdConnection } from './connection';
import type { MoneybirdMasterData } from './master-data';
import { registerPayment } from './book-payment';
import { findExistingSalesInvoice, findOrphanCredit, findOriginalSalesInvoice } from './recovery';
import { alignDraft, sendDraft } from './sales-invoice-drafts';
import { duplicateCreditInvoice, getSalesInvoice, settleCreditInvoice } from './sales-invoices';
import type { SalesInvoice } from './schemas';
import { checkTotals } from './totals-check';
import { isUncertainWrite } from './transport';

export async function bookCreditInvoice(
  mb: MoneybirdConnection,
  plan: BookingPlan,
  opts: { mayExist: boolean; original: DocumentRef | null },
  ctx: TargetContext,
  m: MoneybirdMasterData,
): Promise<DocumentRef> {
  const t = mb.transport;
  const built = buildInvoiceDetails(mb, plan, m);
  let original: SalesInvoice | null = null;
  if (opts.original?.id) original = await getSalesInvoice(t, opts.original.id);
  else if (plan.originalReference) original = await findOriginalSalesInvoice(mb, plan.originalReference, ctx);
  if (!original) {
    throw new ShopbooksError(
      'RemoteNotFound',
      `The invoice of order ${plan.orderNumber} (${plan.originalReference ?? '?'}) is not in Moneybird yet; the ${plan.kind} is booked after it.`,
      {
        retryable: true,
        details: { reference: plan.reference },
      },
    );
  }
  if (original.state === 'draft') {
    throw new ShopbooksError(
      'RemoteValidation',
      `The invoice of order ${plan.orderNumber} is still a draft in Moneybird; it must be sent before it can be credited.`,
      { retryable: true },
    );
  }
  let credit: SalesInvoice | null = null;
  if (opts.mayExist)
    credit =
      (await findExistingSalesInvoice(mb, plan, ctx, original.contact_id, original.id)) ??
      (await findOrphanCredit(mb, original));
  let recovered = credit !== null;
  if (!credit) {
    try {
      credit = await duplicateCreditInvoice(t, original.id);
    } catch (e) {
      if (!isUncertainWrite(e)) throw e;
      credit = await findOrphanCredit(mb, original);
      if (!credit) throw e;
      recovered = true;
    }
    ctx.log('moneybird.creditCreated', { reference: plan.reference, id: credit.id, original: original.id });
  }
  // Full refund: the copied lines already equal the plan, only the reference changes.
  // Partial refund: the copied lines are replaced by the refunded ones (the link stays).
  if (credit.state === 'draft') credit = await alignDraft(mb, credit, plan, built);
  checkTotals(plan, credit, built.predicted);
  credit = await sendDraft(mb, credit, plan, ctx);
  if (!isZero(credit.total_unpaid)) {
    const orig = await getSalesInvoice(t, original.id);
    if (
      !isZero(orig.total_unpaid) &&
      dec(orig.total_unpaid).greaterThanOrEqualTo(dec(credit.total_unpaid).negated())
    ) {
      // The order was never (fully) paid: the credit cancels the open amount.
      await settleCreditInvoice(t, credit.id);
      ctx.log('moneybird.settled', { reference: plan.reference, id: credit.id, original: original.id });
    } else {
      // The order was paid: the refund went back to the customer.
      await registerPayment(mb, 'sales', credit, plan, ctx);
    }
  }
  return {
    id: credit.id,
    type: SALES_INVOICE_TYPE,
    number: credit.invoice_id,
    url: documentUrl(mb, 'sales_invoices', credit.id),
    customerId: credit.contact_id,
    recovered,
  };
}
