/**
 * `POST salesinvoice/PrintedSalesInvoices`: process ("verwerken") an open sales invoice: it gets
 * its final number, status 50, and the financial transaction. E-mail to the customer only when
 * the settings say so.
 */
import { z } from 'zod';
import { ShopbooksError } from '../../model/errors';
import { toExactDateTime, unwrapEntity } from './odata';
import type { ExactTransport } from './transport';

export const PrintedSalesInvoiceBody = z.object({
  InvoiceID: z.string(),
  SendEmailToCustomer: z.boolean(),
  InvoiceDate: z.string().optional(),
});
export type PrintedSalesInvoiceBody = z.infer<typeof PrintedSalesInvoiceBody>;

const PrintedResult = z.object({
  DocumentCreationError: z.string().nullable().optional(),
  EmailCreationError: z.string().nullable().optional(),
});

export async function processSalesInvoice(t: ExactTransport, invoiceId: string, opts: { sendEmail: boolean; invoiceDate?: string }): Promise<void> {
  const body: PrintedSalesInvoiceBody = { InvoiceID: invoiceId, SendEmailToCustomer: opts.sendEmail };
  if (opts.invoiceDate) body.InvoiceDate = toExactDateTime(opts.invoiceDate);
  const res = await t.post('salesinvoice/PrintedSalesInvoices', PrintedSalesInvoiceBody.parse(body));
  const r = PrintedResult.safeParse(res === null ? {} : unwrapEntity(res));
  const emailError = r.success ? r.data.EmailCreationError : null;
  if (opts.sendEmail && emailError) {
    // The invoice is processed (booked); only the e-mail failed. Not a booking failure, but say it.
    throw new ShopbooksError('RemoteValidation', 'Exact processed the invoice but could not e-mail it to the customer.', { retryable: false, remoteMessage: emailError, details: { invoiceId, processed: true } });
  }
}
