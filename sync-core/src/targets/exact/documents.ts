/** What the booking functions need besides the plan: ids resolved from master data. */
import type { GlRole } from '../../plan/types';
import type { ExactDocumentKind } from './config';

export interface ResolvedRefs {
  journalCode: string;
  customerId: string;
  glAccountId: (role: GlRole) => string;
  /** Item id for a line (SKU match, created item, or the generic item). Invoice/order modes only. */
  itemId?: (line: { role: GlRole; sku: string | null; description: string }) => Promise<string>;
  paymentConditionCode?: string;
}

/** The Exact document a plan became. */
export interface ExactDocument {
  kind: ExactDocumentKind;
  id: string;
  number: string | null;
  customerId: string | null;
  yourRef: string | null;
  /** Gross total incl. VAT, as Exact reports it (decimal string), when reported. */
  amount: string | null;
  vatAmount: string | null;
  /** SalesEntries/SalesInvoices: 20 open, 50 processed. SalesOrders: 12 open, ... */
  status: number | null;
  /** Booking date YYYY-MM-DD (EntryDate / OrderDate), when read. */
  date?: string | null;
  currency?: string | null;
}

export const DOCUMENT_TYPE_NAME: Record<ExactDocumentKind, string> = {
  salesEntry: 'SalesEntry',
  salesInvoice: 'SalesInvoice',
  salesOrder: 'SalesOrder',
};
