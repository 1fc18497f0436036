/**
 * The shop's own invoice PDF of an order: `invoicePdfUrl` with `{id}` / `{number}` filled in (the
 * PDF-invoice plugins serve one per order), fetched from the shop's own host with its credentials
 * (HTTP Basic: the API key or the application password; never over plain HTTP except localhost).
 * Redirects are not followed (credentials stay on the shop). A 404 means "no invoice for this
 * order yet": the caller renders one from the plan instead.
 */
import { ShopbooksError } from '../../model/errors';
import type { Order } from '../../model/order';

export const MAX_SHOP_PDF_BYTES = 38 * 1024 * 1024;

export interface ShopPdfOptions {
  template: string;
  /** `user:password` for HTTP Basic, or null (then no credentials are sent). */
  basic: { username: string; password: string } | null;
  timeoutMs: number;
  fetch?: typeof fetch;
}

export function invoicePdfUrl(template: string, order: Pick<Order, 'id' | 'number'>): string {
  return template.replace(/\{id\}/g, encodeURIComponent(order.id)).replace(/\{number\}/g, encodeURIComponent(order.number));
}

export async function fetchShopInvoicePdf(o: ShopPdfOptions, order: Pick<Order, 'id' | 'number'>): Promise<{ filename: string; data: Uint8Array } | null> {
  const url = invoicePdfUrl(o.template, order);
  const headers: Record<string, string> = { Accept: 'application/pdf' };
  if (o.basic) headers.Authorization = `Basic ${Buffer.from(`${o.basic.username}:${o.basic.password}`).toString('base64')}`;
  let res: Response;
  try {
    res = await (o.fetch ?? fetch)(url, { headers, redirect: 'manual', signal: AbortSignal.timeout(o.timeoutMs) });
  } catch (e) {
    throw new ShopbooksError('RemoteUnavailable', `The shop's invoice PDF of order ${order.number} could not be fetched (${(e as Error).message}).`, { retryable: true, cause: e });
  }
  if (res.status === 404) return null;
  if (res.status >= 300 && res.status < 400) throw new ShopbooksError('ConfigInvalid', `The shop's invoice PDF address for order ${order.number} redirects (HTTP ${res.status}); set invoicePdfUrl to the final address on the shop (the shop's credentials are not sent elsewhere).`, { retryable: false });
  if (res.status === 401 || res.status === 403) throw new ShopbooksError('AuthFailed', `The shop refused the invoice PDF of order ${order.number} (HTTP ${res.status}): the credentials may not read invoices.`, { retryable: false });
  if (!res.ok) throw new ShopbooksError(res.status >= 500 ? 'RemoteUnavailable' : 'RemoteValidation', `The shop answered HTTP ${res.status} for the invoice PDF of order ${order.number}.`, { retryable: res.status >= 500 });
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > MAX_SHOP_PDF_BYTES) throw new ShopbooksError('AttachmentTooLarge', `The shop's invoice PDF of order ${order.number} is ${(declared / 1048576).toFixed(1)} MB, more than the ${MAX_SHOP_PDF_BYTES / 1048576} MB Shopbooks attaches.`, { retryable: false });
  const data = new Uint8Array(await res.arrayBuffer());
  if (data.length > MAX_SHOP_PDF_BYTES) throw new ShopbooksError('AttachmentTooLarge', `The shop's invoice PDF of order ${order.number} is larger than ${MAX_SHOP_PDF_BYTES / 1048576} MB.`, { retryable: false });
  if (Buffer.from(data.subarray(0, 5)).toString('latin1') !== '%PDF-') {
    throw new ShopbooksError('RemoteBadResponse', `The shop's invoice address for order ${order.number} did not return a PDF (${res.headers.get('content-type') ?? 'unknown type'}); check invoicePdfUrl.`, { retryable: false });
  }
  const m = /filename="?([^";]+)"?/i.exec(res.headers.get('content-disposition') ?? '');
  return { filename: m ? m[1] : `invoice-${order.number}.pdf`, data };
}
