/**
 * A sales invoice (or credit invoice) is made as a draft and only sent once its figures are the
 * plan's: a recovered or copied draft gets our reference, date and lines (`alignDraft`), then it
 * is sent with the configured delivery method (`sendDraft`; a send that timed out is re-read,
 * never blindly repeated).
 */
import type { BookingPlan } from '../../plan/types';
import type { TargetContext } from '../port';
import { dec } from '../../model/money';
import type { MoneybirdConnection } from './connection';
import { compareWithMoneybird, type BuiltDetails } from './invoice-lines';
import {
  getSalesInvoice,
  sendSalesInvoice,
  updateSalesInvoice,
  type SalesInvoiceCreate,
} from './sales-invoices';
import type { SalesInvoice } from './schemas';
import { isUncertainWrite } from './transport';

/** Replace every line of a draft (except a zero-priced credit header) with ours. */
function replaceDetails(doc: SalesInvoice, built: BuiltDetails) {
  const keep = (d: SalesInvoice['details'][number]) =>
    dec(d.price).isZero() && /credit/i.test(d.description ?? '');
  return [
    ...doc.details.filter((d) => !keep(d)).map((d) => ({ id: d.id, _destroy: true })),
    ...built.details,
  ];
}

/** Put our lines on a draft when its figures differ from the plan (recovered or copied drafts). */
export async function alignDraft(
  mb: MoneybirdConnection,
  inv: SalesInvoice,
  plan: BookingPlan,
  built: BuiltDetails,
  extra: Partial<SalesInvoiceCreate> = {},
): Promise<SalesInvoice> {
  const differs = compareWithMoneybird(built.predicted, inv).length > 0;
  const needsRef = inv.reference !== plan.reference || inv.invoice_date !== plan.date;
  if (!differs && !needsRef && !Object.keys(extra).length) return inv;
  return updateSalesInvoice(mb.transport, inv.id, {
    reference: plan.reference,
    invoice_date: plan.date,
    ...extra,
    ...(differs
      ? { prices_are_incl_tax: plan.pricesIncludeTax, details_attributes: replaceDetails(inv, built) }
      : {}),
  });
}

/** Send a draft (a number, no e-mail with delivery Manual); an invoice already sent is returned as it is. */
export async function sendDraft(
  mb: MoneybirdConnection,
  inv: SalesInvoice,
  plan: BookingPlan,
  ctx: TargetContext,
): Promise<SalesInvoice> {
  if (inv.state === 'draft') {
    try {
      inv = await sendSalesInvoice(mb.transport, inv.id, mb.config.deliveryMethod);
    } catch (e) {
      if (!isUncertainWrite(e)) throw e;
      inv = await getSalesInvoice(mb.transport, inv.id);
      if (inv.state === 'draft') throw e;
    }
    ctx.log('moneybird.sent', { reference: plan.reference, id: inv.id, number: inv.invoice_id });
  }
  return inv;
}
