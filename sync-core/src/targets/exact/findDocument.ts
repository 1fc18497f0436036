/**
 * Look a booked document up by its reference (`YourRef eq '<reference>'`) on the configured
 * document kind: the duplicate check after an uncertain write, and reconciliation.
 */
import { odataString, withQuery } from './odata';
import type { ExactDocumentKind } from './config';
import type { ExactDocument } from './documents';
import { ExactSalesEntry, salesEntryDocument } from './createSalesEntry';
import { ExactSalesInvoice, salesInvoiceDocument } from './createSalesInvoice';
import { ExactSalesOrder, salesOrderDocument } from './createSalesOrder';
import { parseRecord } from './schemas';
import type { ExactTransport } from './transport';

const PATHS: Record<ExactDocumentKind, { path: string; select: string }> = {
  salesEntry: { path: 'salesentry/SalesEntries', select: 'EntryID,EntryNumber,Customer,YourRef,AmountFC,VATAmountFC,Status,Journal,EntryDate,Currency' },
  salesInvoice: { path: 'salesinvoice/SalesInvoices', select: 'InvoiceID,InvoiceNumber,OrderedBy,YourRef,AmountFC,VATAmountFC,Status,Type,OrderDate,Currency' },
  salesOrder: { path: 'salesorder/SalesOrders', select: 'OrderID,OrderNumber,OrderedBy,YourRef,AmountFC,Status,OrderDate,Currency' },
};

/** All documents of `kind` carrying this reference (normally zero or one). */
export async function findDocumentsByReference(t: ExactTransport, kind: ExactDocumentKind, reference: string, journalCode?: string): Promise<ExactDocument[]> {
  const { path, select } = PATHS[kind];
  const rows = await t.getAll(withQuery(path, { $filter: `YourRef eq ${odataString(reference)}`, $select: select }));
  return rows
    .filter((r) => kind !== 'salesEntry' || !journalCode || typeof r.Journal !== 'string' || r.Journal.trim() === journalCode.trim())
    .map((r) => {
      if (kind === 'salesEntry') return salesEntryDocument(parseRecord(ExactSalesEntry, r, 'sales entry'));
      if (kind === 'salesInvoice') return salesInvoiceDocument(parseRecord(ExactSalesInvoice, r, 'sales invoice'));
      return salesOrderDocument(parseRecord(ExactSalesOrder, r, 'sales order'));
    });
}

/** Re-read one document by id (e.g. the invoice number after processing). */
export async function getDocument(t: ExactTransport, kind: ExactDocumentKind, id: string): Promise<ExactDocument | null> {
  const { path, select } = PATHS[kind];
  const key = kind === 'salesEntry' ? 'EntryID' : kind === 'salesInvoice' ? 'InvoiceID' : 'OrderID';
  const rows = await t.getFirst(withQuery(path, { $filter: `${key} eq guid'${id}'`, $select: select }));
  if (!rows.length) return null;
  const r = rows[0];
  if (kind === 'salesEntry') return salesEntryDocument(parseRecord(ExactSalesEntry, r, 'sales entry'));
  if (kind === 'salesInvoice') return salesInvoiceDocument(parseRecord(ExactSalesInvoice, r, 'sales invoice'));
  return salesOrderDocument(parseRecord(ExactSalesOrder, r, 'sales order'));
}
