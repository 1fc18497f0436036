/**
 * `POST financialtransaction/CashEntries` / `BankEntries` with one line: `Account` = the customer,
 * `GLAccount` = the receivables account, `AmountFC` = the gross (received positive, paid out
 * negative), `OurRef` = the invoice/entry number of the open item (Int32), so Exact matches the
 * payment to it. `Description` carries our deterministic payment reference: the lookup key after
 * an uncertain outcome (`…EntryLines?$filter=Description eq '<reference>'`).
 */
import { z } from 'zod';
import { odataString, toExactDateTime, unwrapEntity, withQuery } from './odata';
import type { PaymentEntity } from './paymentJournal';
import { Guid, parseRecord } from './schemas';
import type { ExactTransport } from './transport';

export const PaymentLineBody = z.object({
  Account: z.string(),
  GLAccount: z.string(),
  AmountFC: z.string(),
  OurRef: z.number().int().min(1).max(2147483647),
  Date: z.string(),
  Description: z.string(),
  Notes: z.string().optional(),
});
export type PaymentLineBody = z.infer<typeof PaymentLineBody>;

export interface PaymentEntryBody {
  JournalCode: string;
  Currency: string;
  line: PaymentLineBody;
}

const Created = z.object({ EntryID: Guid, EntryNumber: z.number().int().nullable().optional() });
export type PaymentEntry = { entryId: string; entryNumber: string | null };

const LINES: Record<PaymentEntity, string> = { CashEntries: 'CashEntryLines', BankEntries: 'BankEntryLines' };

export function paymentLine(o: { customerId: string; glAccountId: string; amount: string; ourRef: number; date: string; reference: string; notes?: string }): PaymentLineBody {
  return PaymentLineBody.parse({ Account: o.customerId, GLAccount: o.glAccountId, AmountFC: o.amount, OurRef: o.ourRef, Date: toExactDateTime(o.date), Description: o.reference, ...(o.notes ? { Notes: o.notes } : {}) });
}

export async function createPaymentEntry(t: ExactTransport, entity: PaymentEntity, body: PaymentEntryBody): Promise<PaymentEntry> {
  const res = await t.post(`financialtransaction/${entity}`, { JournalCode: body.JournalCode, Currency: body.Currency, [LINES[entity]]: [PaymentLineBody.parse(body.line)] });
  const e = parseRecord(Created, unwrapEntity(res), 'created payment entry');
  return { entryId: e.EntryID, entryNumber: e.EntryNumber == null ? null : String(e.EntryNumber) };
}

/** Payment entries whose line carries this reference (normally zero or one). */
export async function findPaymentEntries(t: ExactTransport, entity: PaymentEntity, reference: string): Promise<PaymentEntry[]> {
  const rows = await t.getAll(withQuery(`financialtransaction/${LINES[entity]}`, { $filter: `Description eq ${odataString(reference)}`, $select: 'EntryID,EntryNumber' }));
  return rows.map((r) => parseRecord(Created, r, 'payment entry line')).map((e) => ({ entryId: e.EntryID, entryNumber: e.EntryNumber == null ? null : String(e.EntryNumber) }));
}
