/**
 * `POST salesinvoice/SalesInvoices`: an invoice (Type 8020) for an order or a credit invoice
 * (Type 8021) for a refund/cancellation. Every line needs an item: products by SKU, shipping,
 * fees, discounts and rounding on the generic item. Each line carries the shop's VAT as
 * VATAmountFC so Exact's VAT equals the shop's to the cent. New invoices are open (status 20);
 * `processSalesInvoice` turns them into financial transactions.
 *
 * Credit invoices: REST exposes no link to the original invoice (spec §5.7, picqer#464), so the
 * original's reference and number go into Description/Remarks; quantities are negative.
 */
import { z } from 'zod';
import type { BookingPlan } from '../../plan/types';
import type { DocumentRef } from '../port';
import { exactDateToIsoDay, toExactDateTime, unwrapEntity } from './odata';
import type { ExactDocument, ResolvedRefs } from './documents';
import { quantityAndPrice, type ExactLine } from './lines';
import { Amount, FIELD_LIMITS, Guid, parseRecord, requireLength, truncate } from './schemas';
import type { ExactTransport } from './transport';

export const SALES_INVOICE = 8020;
export const SALES_CREDIT_INVOICE = 8021;

export const SalesInvoiceLineBody = z.object({
  Item: z.string(),
  GLAccount: z.string(),
  Quantity: z.string(),
  UnitPrice: z.string(),
  VATCode: z.string(),
  VATAmountFC: z.string(),
  Description: z.string(),
});
export const SalesInvoiceBody = z.object({
  Journal: z.string(),
  OrderedBy: z.string(),
  InvoiceTo: z.string(),
  Type: z.union([z.literal(SALES_INVOICE), z.literal(SALES_CREDIT_INVOICE)]),
  YourRef: z.string(),
  Description: z.string(),
  OrderDate: z.string(),
  Currency: z.string(),
  PaymentCondition: z.string().optional(),
  Remarks: z.string().optional(),
  SalesInvoiceLines: z.array(SalesInvoiceLineBody).min(1),
});
export type SalesInvoiceBody = z.infer<typeof SalesInvoiceBody>;

export const ExactSalesInvoice = z.object({
  InvoiceID: Guid,
  InvoiceNumber: z.number().int().nullable().optional(),
  OrderedBy: Guid.nullable().optional(),
  YourRef: z.string().nullable().optional(),
  AmountFC: Amount.nullable().optional(),
  VATAmountFC: Amount.nullable().optional(),
  Status: z.number().int().nullable().optional(),
  Type: z.number().int().nullable().optional(),
  OrderDate: z.string().nullable().optional(),
  Currency: z.string().nullable().optional(),
});
export type ExactSalesInvoice = z.infer<typeof ExactSalesInvoice>;

export function creditRemarks(plan: BookingPlan, original: DocumentRef | null): string | undefined {
  if (plan.kind === 'order') return undefined;
  const parts = [`Credit for ${plan.originalReference ?? plan.orderNumber}`];
  if (original?.number) parts.push(`invoice ${original.number}`);
  return truncate(parts.join(', '), FIELD_LIMITS.remarks);
}

export async function buildSalesInvoiceBody(plan: BookingPlan, lines: ExactLine[], refs: ResolvedRefs, original: DocumentRef | null): Promise<SalesInvoiceBody> {
  if (!refs.itemId) throw new Error('buildSalesInvoiceBody needs an item resolver');
  const out: z.infer<typeof SalesInvoiceLineBody>[] = [];
  for (const l of lines) {
    const qp = quantityAndPrice(l.quantity, l.net, l.description || plan.reference);
    out.push({
      Item: await refs.itemId(l),
      GLAccount: refs.glAccountId(l.role),
      Quantity: qp.quantity,
      UnitPrice: qp.unitPrice,
      VATCode: l.vatCode,
      VATAmountFC: l.vat,
      Description: truncate(qp.description, FIELD_LIMITS.description),
    });
  }
  const remarks = creditRemarks(plan, original);
  return SalesInvoiceBody.parse({
    Journal: refs.journalCode,
    OrderedBy: refs.customerId,
    InvoiceTo: refs.customerId,
    Type: plan.kind === 'order' ? SALES_INVOICE : SALES_CREDIT_INVOICE,
    YourRef: requireLength(plan.reference, FIELD_LIMITS.yourRef, 'booking reference'),
    Description: truncate(plan.description || plan.reference, FIELD_LIMITS.description),
    OrderDate: toExactDateTime(plan.date),
    Currency: plan.currency,
    ...(refs.paymentConditionCode ? { PaymentCondition: refs.paymentConditionCode } : {}),
    ...(remarks ? { Remarks: remarks } : {}),
    SalesInvoiceLines: out,
  });
}

export function salesInvoiceDocument(i: ExactSalesInvoice): ExactDocument {
  return {
    kind: 'salesInvoice',
    id: i.InvoiceID,
    number: i.InvoiceNumber === null || i.InvoiceNumber === undefined ? null : String(i.InvoiceNumber),
    customerId: i.OrderedBy ?? null,
    yourRef: i.YourRef ?? null,
    amount: i.AmountFC ?? null,
    vatAmount: i.VATAmountFC ?? null,
    status: i.Status ?? null,
    date: exactDateToIsoDay(i.OrderDate),
    currency: i.Currency ?? null,
  };
}

export async function createSalesInvoice(t: ExactTransport, body: SalesInvoiceBody): Promise<ExactDocument> {
  const res = await t.post('salesinvoice/SalesInvoices', SalesInvoiceBody.parse(body));
  return salesInvoiceDocument(parseRecord(ExactSalesInvoice, unwrapEntity(res), 'created sales invoice'));
}
