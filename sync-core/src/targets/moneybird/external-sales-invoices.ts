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
 * Moneybird has no reference lookup or filter for external sales invoices (filters: state,
 * period, contact_id; unknown keys are ignored). We list the candidates in all states and match
 * the reference ourselves: those dated on one day (`date`, cheap), or every one of a contact over
 * all years (`contactId`), so that finding a document never depends on its date.
 */
export async function findExternalSalesInvoicesByReference(
  t: MoneybirdTransport,
  reference: string,
  where: { date: string } | { contactId: string },
): Promise<ExternalSalesInvoice[]> {
  const filter =
    'date' in where
      ? `period:${where.date.replace(/-/g, '')}..${where.date.replace(/-/g, '')},state:all`
      : `contact_id:${where.contactId},period:${ALL_DATES},state:all`;
  const what = 'date' in where ? `list external sales invoices of ${where.date}` : `list external sales invoices of contact ${where.contactId}`;
  const found: ExternalSalesInvoice[] = [];
  for (let page = 1; ; page++) {
    const rows = await t.get('/external_sales_invoices.json', { query: { filter, page, per_page: PER_PAGE }, schema: z.array(ExternalSalesInvoice), what });
    found.push(...rows.filter((r) => r.reference === reference));
    if (rows.length < PER_PAGE) return found;
    if (page >= MAX_PAGES) {
      // never conclude "not there" from a partial list: that would book it twice
      throw new ShopbooksError('RemoteUnavailable', `Could not check whether ${reference} is already in Moneybird: more than ${MAX_PAGES * PER_PAGE} external invoices to search (${what}). Book it by hand or contact support.`, { retryable: false, details: { reference } });
    }
  }
}

const PER_PAGE = 100;
const MAX_PAGES = 200;

/** A period that covers every booking date (a filter replaces the default `this_year`). */
export const ALL_DATES = '19000101..29991231';

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
  form.append('file', new Blob([new Uint8Array(pdf.data)], { type: 'application/pdf' }), pdf.filename);
  return t.post(`/external_sales_invoices/${id}/attachment.json`, {
    form,
    what: `attach the PDF to external sales invoice ${id}`,
  });
}

export function deleteExternalSalesInvoice(t: MoneybirdTransport, id: string): Promise<unknown> {
  return t.delete(`/external_sales_invoices/${id}.json`, `delete external sales invoice ${id}`);
}
