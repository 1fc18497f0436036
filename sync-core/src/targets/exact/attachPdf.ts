/**
 * Attach the invoice PDF to a booked document in Exact, exactly once: a document (createDocument.ts)
 * linked to the sales entry / invoice / order, with the PDF as its one attachment
 * (createDocumentAttachment.ts). With `mayExist` (or after an uncertain write) the document is
 * looked up by its Subject (our reference) and only the missing step is done.
 */
import { ShopbooksError } from '../../model/errors';
import { fixed } from '../../model/money';
import type { FollowUpRequest, FollowUpResult, InvoicePdf, TargetContext } from '../port';
import type { ExactTargetConfig } from './config';
import { buildDocumentBody, createDocument, documentSubject, findDocumentsBySubject } from './createDocument';
import { checkAttachmentSize, createDocumentAttachment, listDocumentAttachments } from './createDocumentAttachment';
import { isUncertainWrite } from './errors';
import type { ExactTransport } from './transport';

function link(req: FollowUpRequest): { entryId?: string; salesOrderNumber?: number } {
  const d = req.document;
  if (d.type === 'SalesOrder') {
    const n = Number(d.number);
    return Number.isInteger(n) && n > 0 ? { salesOrderNumber: n } : {};
  }
  return d.id ? { entryId: d.id } : {};
}

export async function attachExactPdf(t: ExactTransport, config: ExactTargetConfig, req: FollowUpRequest & { pdf: InvoicePdf }, opts: { mayExist: boolean }, ctx: TargetContext): Promise<FollowUpResult> {
  const { plan, pdf } = req;
  checkAttachmentSize(pdf.data.length, config.country, plan.reference);
  const subject = documentSubject(req.reference);
  let documentId: string | null = null;
  let recovered = false;
  if (opts.mayExist) {
    documentId = (await findDocumentsBySubject(t, subject))[0] ?? null;
    recovered = documentId !== null;
  }
  if (ctx.dryRun) return { status: 'done', ref: { id: '', type: 'Document', number: null, url: null, customerId: req.document.customerId, recovered: false } };
  if (!documentId) {
    const body = buildDocumentBody({ subject, customerId: req.document.customerId, date: plan.date, link: link(req), amount: fixed(plan.totals.gross), currency: plan.currency });
    try {
      documentId = await createDocument(t, body);
    } catch (e) {
      if (!isUncertainWrite(e)) throw e;
      documentId = (await findDocumentsBySubject(t, subject))[0] ?? null;
      if (!documentId) throw e;
      recovered = true;
    }
  }
  const existing = recovered ? await listDocumentAttachments(t, documentId) : [];
  if (!existing.length) {
    try {
      await createDocumentAttachment(t, documentId, pdf);
    } catch (e) {
      if (!isUncertainWrite(e)) throw e;
      if (!(await listDocumentAttachments(t, documentId)).length) throw e;
    }
  }
  if (!documentId) throw new ShopbooksError('Internal', 'No Exact document for the PDF.');
  ctx.log('exact.pdf.attached', { reference: req.reference, document: documentId, bytes: pdf.data.length, recovered });
  return { status: 'done', ref: { id: documentId, type: 'Document', number: null, url: null, customerId: req.document.customerId, recovered } };
}
