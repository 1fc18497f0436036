/** Sales invoice operations (one function per Moneybird call), with the request shapes as zod schemas. */
import { z } from 'zod';
import { ShopbooksError } from '../../model/errors';
import { SalesInvoice } from './schemas';
import type { MoneybirdTransport } from './transport';

const IdString = z.string().regex(/^\d+$/);
const MoneyString = z.string().regex(/^-?\d+(\.\d+)?$/);

export const DetailAttributes = z.object({
  id: IdString.optional(),
  _destroy: z.boolean().optional(),
  description: z.string().optional(),
  amount: z.string().optional(),
  price: MoneyString.optional(),
  tax_rate_id: IdString.optional(),
  ledger_account_id: IdString.optional(),
  row_order: z.number().int().optional(),
});

export const SalesInvoiceCreate = z.object({
  contact_id: IdString,
  reference: z.string().min(1),
  invoice_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  currency: z.string().length(3),
  prices_are_incl_tax: z.boolean(),
  workflow_id: IdString.optional(),
  document_style_id: IdString.optional(),
  details_attributes: z.array(DetailAttributes).min(1),
});
export type SalesInvoiceCreate = z.infer<typeof SalesInvoiceCreate>;

export const SalesInvoiceUpdate = SalesInvoiceCreate.partial();
export type SalesInvoiceUpdate = z.infer<typeof SalesInvoiceUpdate>;

export const PaymentCreate = z.object({
  payment_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  price: MoneyString,
  /** In the administration's currency; Moneybird requires it when the document is in another currency. */
  price_base: MoneyString.optional(),
  financial_account_id: IdString.optional(),
  transaction_identifier: z.string().optional(),
});
export type PaymentCreate = z.infer<typeof PaymentCreate>;

export async function findSalesInvoiceByReference(
  t: MoneybirdTransport,
  reference: string,
): Promise<SalesInvoice | null> {
  try {
    return await t.get(`/sales_invoices/find_by_reference/${encodeURIComponent(reference)}.json`, {
      schema: SalesInvoice,
      what: `look up sales invoice ${reference}`,
    });
  } catch (e) {
    if (e instanceof ShopbooksError && e.code === 'RemoteNotFound') return null;
    throw e;
  }
}

/**
 * All sales invoices (drafts included) with this reference. A filter replaces Moneybird's
 * default `period:this_year`, so drafts and earlier years are included.
 */
export async function listSalesInvoicesByReference(
  t: MoneybirdTransport,
  reference: string,
): Promise<SalesInvoice[]> {
  if (/[,|:]/.test(reference)) return [];
  return t.getAllPages('/sales_invoices.json', {
    query: { filter: `reference:${reference},state:all` },
    schema: z.array(SalesInvoice),
    what: `list sales invoices with reference ${reference}`,
    maxPages: 5,
  });
}

export function getSalesInvoice(t: MoneybirdTransport, id: string): Promise<SalesInvoice> {
  return t.get(`/sales_invoices/${id}.json`, { schema: SalesInvoice, what: `read sales invoice ${id}` });
}

export function createSalesInvoice(t: MoneybirdTransport, body: SalesInvoiceCreate): Promise<SalesInvoice> {
  return t.post('/sales_invoices.json', {
    body: { sales_invoice: SalesInvoiceCreate.parse(body) },
    schema: SalesInvoice,
    what: `create sales invoice ${body.reference}`,
  });
}

export function updateSalesInvoice(
  t: MoneybirdTransport,
  id: string,
  body: SalesInvoiceUpdate,
): Promise<SalesInvoice> {
  return t.patch(`/sales_invoices/${id}.json`, {
    body: { sales_invoice: SalesInvoiceUpdate.parse(body) },
    schema: SalesInvoice,
    what: `update sales invoice ${id}`,
  });
}

/** Draft -> open: Moneybird assigns the invoice number. `Manual` marks it sent without e-mailing. */
export function sendSalesInvoice(
  t: MoneybirdTransport,
  id: string,
  deliveryMethod: 'Manual' | 'Email',
): Promise<SalesInvoice> {
  return t.patch(`/sales_invoices/${id}/send_invoice.json`, {
    body: { sales_invoice_sending: { delivery_method: deliveryMethod } },
    schema: SalesInvoice,
    what: `send sales invoice ${id} (${deliveryMethod})`,
  });
}

export function createSalesInvoicePayment(
  t: MoneybirdTransport,
  id: string,
  payment: PaymentCreate,
): Promise<unknown> {
  return t.post(`/sales_invoices/${id}/payments.json`, {
    body: { payment: PaymentCreate.parse(payment) },
    what: `register the payment of sales invoice ${id}`,
  });
}

/** A new draft credit invoice copying every line of the original with quantity -1. */
export function duplicateCreditInvoice(t: MoneybirdTransport, originalId: string): Promise<SalesInvoice> {
  return t.patch(`/sales_invoices/${originalId}/duplicate_creditinvoice.json`, {
    body: {},
    schema: SalesInvoice,
    what: `create a credit invoice for sales invoice ${originalId}`,
  });
}

/** Settle a credit invoice against its original (one settlement payment on each). */
export function settleCreditInvoice(t: MoneybirdTransport, creditId: string): Promise<unknown> {
  return t.patch(`/sales_invoices/${creditId}/register_payment_creditinvoice.json`, {
    body: {},
    what: `settle credit invoice ${creditId} against its original`,
  });
}

export function deleteSalesInvoice(t: MoneybirdTransport, id: string): Promise<unknown> {
  return t.delete(`/sales_invoices/${id}.json`, `delete draft sales invoice ${id}`);
}
