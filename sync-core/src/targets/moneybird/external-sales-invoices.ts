/** External sales invoice operations (the shop's own invoice recorded in Moneybird). */
import { z } from 'zod';
import { ShopbooksError } from '../../model/errors';
import { DetailAttributes, PaymentCreate } from './sales-invoices';
import { ExternalSalesInvoice } from './schemas';
import type { MoneybirdTransport } from './transport';

export const ExternalSalesInvoiceCreate = z.object({
  contact_id: z.string().regex(/^\d+$/),
  reference: z.string().min(1),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  currency: z.string().length(3),
  prices_are_incl_tax: z.boolean(),
  source: z.string().optional(),
  source_url: z.string().optional(),
  details_attributes: z.array(DetailAttributes).min(1),
});
export type ExternalSalesInvoiceCreate = z.infer<typeof ExternalSalesInvoiceCreate>;

export function createExternalSalesInvoice(
  t: MoneybirdTransport,
  body: ExternalSalesInvoiceCreate,
): Promise<ExternalSalesInvoice> {
  return t.post('/external_sales_invoices.json', {
    body: { external_sales_invoice: ExternalSalesInvoiceCreate.parse(body) },
    schema: ExternalSalesInvoice,
    what: `create external sales invoice ${body.reference}`,
  });
}

export async function getExternalSalesInvoice(
  t: MoneybirdTransport,
  id: string,
): Promise<ExternalSalesInvoice | null> {
  try {
    return await t.get(`/external_sales_invoices/${id}.json`, {
      schema: ExternalSalesInvoice,
      what: `read external sales invoice ${id}`,
    });
  } catch (e) {
    if (e instanceof ShopbooksError && e.code === 'RemoteNotFound') return null;
    throw e;
  }
}

/**
 * Moneybird has no reference lookup for external sales invoices. We list the ones dated on the
 * booking date (we always send `date` = plan.date, so the period filter is exact) in all states
 * and match the reference ourselves.
 */
export async function findExternalSalesInvoicesByReference(
  t: MoneybirdTransport,
  reference: string,
  date: string,
): Promise<ExternalSalesInvoice[]> {
  const d = date.replace(/-/g, '');
  const rows = await t.getAllPages('/external_sales_invoices.json', {
    query: { filter: `period:${d}..${d},state:all` },
    schema: z.array(ExternalSalesInvoice),
    what: `list external sales invoices of ${date}`,
  });
  return rows.filter((r) => r.reference === reference);
}

export function createExternalSalesInvoicePayment(
  t: MoneybirdTransport,
  id: string,
  payment: PaymentCreate,
): Promise<unknown> {
  return t.post(`/external_sales_invoices/${id}/payments.json`, {
    body: { payment: PaymentCreate.parse(payment) },
    what: `register the payment of external sales invoice ${id}`,
  });
}

/** Attach the shop's PDF (multipart field `file`; note the singular `attachment`). */
export function attachExternalSalesInvoicePdf(
  t: MoneybirdTransport,
  id: string,
  pdf: { filename: string; data: Uint8Array },
): Promise<unknown> {
  const form = new FormData();
  form.append('file', new Blob([pdf.data], { type: 'application/pdf' }), pdf.filename);
  return t.post(`/external_sales_invoices/${id}/attachment.json`, {
    form,
    what: `attach the PDF to external sales invoice ${id}`,
  });
}

export function deleteExternalSalesInvoice(t: MoneybirdTransport, id: string): Promise<unknown> {
  return t.delete(`/external_sales_invoices/${id}.json`, `delete external sales invoice ${id}`);
}
