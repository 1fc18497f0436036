/**
 * Payments: the open amount of a booked document is registered as paid when the plan is paid
 * (`registerPayment`, right after booking), or later when the shop marks the order paid
 * (`bookMoneybirdPayment`, the payment follow-up of engine/follow-ups.ts). `total_unpaid` is read
 * first and a payment that timed out is re-read, so a replay registers nothing twice.
 */
import type { BookingPlan } from '../../plan/types';
import type { FollowUpRequest, FollowUpResult, TargetContext } from '../port';
import { ShopbooksError } from '../../model/errors';
import { fixed, isZero } from '../../model/money';
import { EXTERNAL_SALES_INVOICE_TYPE, type MoneybirdConnection } from './connection';
import { createExternalSalesInvoicePayment, getExternalSalesInvoice } from './external-sales-invoices';
import { ensurePrepared } from './prepare';
import { createSalesInvoicePayment, getSalesInvoice } from './sales-invoices';
import type { AnyInvoice, SalesInvoice } from './schemas';
import { isUncertainWrite } from './transport';

export async function registerPayment(
  mb: MoneybirdConnection,
  kind: 'sales' | 'external',
  doc: AnyInvoice,
  plan: BookingPlan,
  ctx: TargetContext,
): Promise<void> {
  const { config, master, transport: t } = mb;
  if (config.registerPayments && isZero(doc.total_unpaid)) mb.settledHere.add(doc.id);
  if (!config.registerPayments || !plan.paid || isZero(doc.total_unpaid)) return;
  const payment = {
    payment_date: plan.date,
    price: fixed(doc.total_unpaid),
    ...(doc.currency &&
    master &&
    doc.currency !== master.data.administration.currency &&
    doc.total_unpaid_base
      ? { price_base: fixed(doc.total_unpaid_base) }
      : {}),
    ...(config.financialAccountId ? { financial_account_id: config.financialAccountId } : {}),
  };
  try {
    if (kind === 'sales') await createSalesInvoicePayment(t, doc.id, payment);
    else await createExternalSalesInvoicePayment(t, doc.id, payment);
  } catch (e) {
    if (!isUncertainWrite(e)) throw e;
    const again =
      kind === 'sales' ? await getSalesInvoice(t, doc.id) : await getExternalSalesInvoice(t, doc.id);
    if (!again || !isZero(again.total_unpaid)) throw e;
  }
  mb.settledHere.add(doc.id);
  ctx.log('moneybird.paid', { reference: plan.reference, id: doc.id, price: payment.price });
}

/**
 * The payment follow-up: an order booked before it was paid is paid once the shop marks it paid.
 * Documents `registerPayment` already settled in this process need no request at all.
 */
export async function bookMoneybirdPayment(
  mb: MoneybirdConnection,
  req: FollowUpRequest,
  ctx: TargetContext,
): Promise<FollowUpResult> {
  const t = mb.transport;
  const doc = req.document;
  const done = (recovered: boolean): FollowUpResult => ({ status: 'done', ref: { ...doc, recovered } });
  if (mb.settledHere.has(doc.id)) return done(true);
  await ensurePrepared(mb, ctx);
  const external = doc.type === EXTERNAL_SALES_INVOICE_TYPE;
  const inv = external ? await getExternalSalesInvoice(t, doc.id) : await getSalesInvoice(t, doc.id);
  if (!inv)
    throw new ShopbooksError(
      'RemoteNotFound',
      `The booked document ${req.plan.reference} (${doc.id}) is no longer in Moneybird.`,
      { retryable: false },
    );
  if (!external && (inv as SalesInvoice).state === 'draft')
    return { status: 'waiting', reason: 'the invoice is still a draft in Moneybird' };
  if (isZero(inv.total_unpaid)) return done(true);
  if (ctx.dryRun) return done(false);
  await registerPayment(mb, external ? 'external' : 'sales', inv, { ...req.plan, paid: true }, ctx);
  return done(false);
}
