/**
 * `POST documents/Documents`: the document a PDF is attached to (Subject and Type required; Type
 * 10 = sales invoice), linked to the booking: `FinancialTransactionEntryID` = the sales entry's
 * EntryID, or the sales invoice's InvoiceID ("for a document of type sales invoice it will return
 * the InvoiceID"); a sales order by `SalesOrderNumber` (picqer exact-php-client#178 shows the same
 * fields). The Subject carries our deterministic reference: the lookup key after an uncertain write.
 */
import { z } from 'zod';
import { odataString, toExactDateTime, unwrapEntity, withQuery } from './odata';
import { FIELD_LIMITS, Guid, parseRecord, truncate } from './schemas';
import type { ExactTransport } from './transport';

export const SALES_INVOICE_DOCUMENT_TYPE = 10;

export const DocumentBody = z.object({
  Subject: z.string().min(1),
  Type: z.number().int(),
  Account: z.string().optional(),
  DocumentDate: z.string(),
  FinancialTransactionEntryID: z.string().optional(),
  SalesOrderNumber: z.number().int().optional(),
  AmountFC: z.string().optional(),
  Currency: z.string().optional(),
});
export type DocumentBody = z.infer<typeof DocumentBody>;

const Created = z.object({ ID: Guid });

export function documentSubject(reference: string): string {
  return truncate(reference, FIELD_LIMITS.description);
}

export function buildDocumentBody(o: { subject: string; customerId: string | null; date: string; link: { entryId?: string; salesOrderNumber?: number }; amount: string; currency: string }): DocumentBody {
  return DocumentBody.parse({
    Subject: o.subject,
    Type: SALES_INVOICE_DOCUMENT_TYPE,
    ...(o.customerId ? { Account: o.customerId } : {}),
    DocumentDate: toExactDateTime(o.date),
    ...(o.link.entryId ? { FinancialTransactionEntryID: o.link.entryId } : {}),
    ...(o.link.salesOrderNumber ? { SalesOrderNumber: o.link.salesOrderNumber } : {}),
    AmountFC: o.amount,
    Currency: o.currency,
  });
}

export async function createDocument(t: ExactTransport, body: DocumentBody): Promise<string> {
  const res = await t.post('documents/Documents', DocumentBody.parse(body));
  return parseRecord(Created, unwrapEntity(res), 'created document').ID;
}

export async function findDocumentsBySubject(t: ExactTransport, subject: string): Promise<string[]> {
  const rows = await t.getAll(withQuery('documents/Documents', { $filter: `Subject eq ${odataString(subject)}`, $select: 'ID' }));
  return rows.map((r) => parseRecord(Created, r, 'document').ID);
}
