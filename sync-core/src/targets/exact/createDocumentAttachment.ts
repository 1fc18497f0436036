/**
 * `POST documents/DocumentAttachments`: the file of a document, base64 in `Attachment` (Exact
 * answers "Error converting ... to type 'Byte[]'" otherwise, picqer exact-php-client#178), with
 * `Document` and `FileName` (all three mandatory). A request may be at most 38 MB in NL/BE and
 * 9.5 MB elsewhere (spec §4.1 "Restrictions"), so the file may be at most ~3/4 of that.
 */
import { z } from 'zod';
import { ShopbooksError } from '../../model/errors';
import type { ExactCountry } from './config';
import { unwrapEntity, withQuery } from './odata';
import { Guid, parseRecord } from './schemas';
import type { ExactTransport } from './transport';

const MB = 1024 * 1024;
const ENVELOPE = 64 * 1024;

/** The largest file one request can carry, for the country's message limit. */
export function maxAttachmentBytes(country: ExactCountry): number {
  const message = country === 'nl' || country === 'be' ? 38 * MB : 9.5 * MB;
  return Math.floor(((message - ENVELOPE) * 3) / 4);
}

export function checkAttachmentSize(bytes: number, country: ExactCountry, what: string): void {
  const max = maxAttachmentBytes(country);
  if (bytes > max) {
    throw new ShopbooksError('AttachmentTooLarge', `The PDF for ${what} is ${(bytes / MB).toFixed(1)} MB; Exact Online accepts at most ${(max / MB).toFixed(1)} MB per file. Make the shop's invoice PDF smaller (fewer images), or turn attaching PDFs off.`, { retryable: false, details: { bytes, max } });
  }
}

const Row = z.object({ ID: Guid });

export async function createDocumentAttachment(t: ExactTransport, documentId: string, file: { filename: string; data: Uint8Array }): Promise<string> {
  const res = await t.post('documents/DocumentAttachments', { Document: documentId, FileName: file.filename, Attachment: Buffer.from(file.data).toString('base64') });
  return parseRecord(Row, unwrapEntity(res), 'created attachment').ID;
}

export async function listDocumentAttachments(t: ExactTransport, documentId: string): Promise<string[]> {
  const rows = await t.getAll(withQuery('documents/DocumentAttachments', { $filter: `Document eq guid'${documentId}'`, $select: 'ID' }));
  return rows.map((r) => parseRecord(Row, r, 'attachment').ID);
}
