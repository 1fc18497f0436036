/**
 * The invoice PDF on a booked Moneybird document, exactly once: sales invoices take it at the
 * plural `POST /sales_invoices/{id}/attachments.json`, external sales invoices at the singular
 * `POST /external_sales_invoices/{id}/attachment.json` (multipart field `file`; spec §6). The
 * document's `attachments[]` is read first, so a replay after a lost answer adds nothing.
 * Moneybird documents no size limit [unverified]; the files are kept under MAX_ATTACHMENT_BYTES.
 */
import { ShopbooksError } from '../../model/errors';
import type { FollowUpRequest, FollowUpResult, InvoicePdf, TargetContext } from '../port';
import { getExternalSalesInvoice, attachExternalSalesInvoicePdf } from './external-sales-invoices';
import { getSalesInvoice } from './sales-invoices';
import { isUncertainWrite, type MoneybirdTransport } from './transport';

/** 20 MB: below the request size Moneybird's servers are known to take [unverified]. */
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;

export function attachSalesInvoicePdf(t: MoneybirdTransport, id: string, pdf: InvoicePdf): Promise<unknown> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(pdf.data)], { type: 'application/pdf' }), pdf.filename);
  return t.post(`/sales_invoices/${id}/attachments.json`, { form, what: `attach the PDF to sales invoice ${id}` });
}

export async function attachMoneybirdPdf(t: MoneybirdTransport, externalType: string, req: FollowUpRequest & { pdf: InvoicePdf }, ctx: TargetContext): Promise<FollowUpResult> {
  const { document, pdf } = req;
  if (pdf.data.length > MAX_ATTACHMENT_BYTES) {
    throw new ShopbooksError('AttachmentTooLarge', `The PDF for ${req.plan.reference} is ${(pdf.data.length / 1048576).toFixed(1)} MB; Shopbooks attaches at most ${MAX_ATTACHMENT_BYTES / 1048576} MB to Moneybird. Make the shop's invoice PDF smaller, or turn attaching PDFs off.`, { retryable: false });
  }
  const external = document.type === externalType;
  const read = async () => {
    const doc = external ? await getExternalSalesInvoice(t, document.id) : await getSalesInvoice(t, document.id);
    if (!doc) throw new ShopbooksError('RemoteNotFound', `The booked document ${req.plan.reference} (${document.id}) is no longer in Moneybird.`, { retryable: false });
    return doc;
  };
  const ref = (recovered: boolean) => ({ status: 'done' as const, ref: { ...document, recovered } });
  if ((await read()).attachments.length > 0) return ref(true);
  if (ctx.dryRun) return ref(false);
  try {
    if (external) await attachExternalSalesInvoicePdf(t, document.id, pdf);
    else await attachSalesInvoicePdf(t, document.id, pdf);
  } catch (e) {
    if (!isUncertainWrite(e)) throw e;
    if ((await read()).attachments.length === 0) throw e;
    return ref(true);
  }
  ctx.log('moneybird.pdf.attached', { reference: req.reference, id: document.id, bytes: pdf.data.length });
  return ref(false);
}
