/**
 * `bulk/Financial/TransactionLines`: the financial transaction lines of the sales entries, as an
 * accountant's reports (and the VAT return) read them. Read-only, 1 000 rows a page, `$select`
 * mandatory (server.ts refuses a bulk GET without it).
 *
 * Every sales entry (also the one a processed invoice makes) gives:
 * - line 0, the header: the receivable, `AmountFC` = the gross total (a debit, positive);
 * - lines 1..n, one per entry line: revenue as a credit, so `AmountFC` = -(amount excl. VAT) and
 *   `AmountVATFC` = -VAT, with the line's VAT code and percentage (a credit note has the signs the
 *   other way round).
 * Not simulated: the separate lines on the VAT G/L account and on cash/bank entries.
 */
import type { Ctx, Handler } from './handlers-master';
import type { Rec } from './odata';
import { dec } from '../../model/money';

const neg = (v: unknown): string =>
  dec(String(v ?? '0'))
    .negated()
    .toFixed(2);

function linesOfEntry(c: Ctx, e: Rec): Rec[] {
  const common = {
    EntryID: e.EntryID,
    EntryNumber: e.EntryNumber ?? null,
    Division: c.div.division,
    Date: e.EntryDate,
    FinancialYear: e.ReportingYear ?? null,
    FinancialPeriod: e.ReportingPeriod ?? null,
    JournalCode: e.Journal ?? null,
    JournalDescription: e.JournalDescription ?? null,
    Type: e.Type ?? 20,
    Status: e.Status ?? 20,
    Currency: e.Currency ?? null,
    YourRef: e.YourRef ?? null,
    Account: e.Customer ?? null,
    AccountName: e.CustomerName ?? null,
    Description: e.Description ?? null,
    InvoiceNumber: e.InvoiceNumber ?? null,
    PaymentReference: e.PaymentReference ?? null,
    DueDate: e.DueDate ?? null,
    Created: e.Created ?? null,
    Modified: e.Modified ?? null,
    ExchangeRate: e.Rate ?? '1',
  };
  const rate = String(e.Rate ?? '1');
  const header: Rec = {
    ...common,
    ID: e.EntryID,
    LineNumber: 0,
    AmountFC: dec(String(e.AmountFC ?? '0')).toFixed(2),
    AmountDC: dec(String(e.AmountDC ?? '0')).toFixed(2),
    AmountVATFC: null,
    VATCode: null,
    VATPercentage: null,
  };
  const lines = ((e.SalesEntryLines as Rec[] | undefined) ?? []).map((l): Rec => {
    const gross = dec(String(l._gross ?? l.AmountFC ?? '0'));
    const vat = dec(String(l.VATAmountFC ?? '0'));
    const net = gross.minus(vat);
    return {
      ...common,
      ID: l.ID,
      LineNumber: l.LineNumber,
      GLAccount: l.GLAccount ?? null,
      GLAccountCode: l.GLAccountCode ?? null,
      GLAccountDescription: l.GLAccountDescription ?? null,
      Description: l.Description ?? common.Description,
      Quantity: l.Quantity ?? null,
      AmountFC: neg(net),
      AmountDC: neg(net.times(rate).toDecimalPlaces(2)),
      AmountVATFC: neg(vat),
      AmountVATBaseFC: neg(l.VATBaseAmountFC ?? net),
      VATCode: l.VATCode ?? null,
      VATCodeDescription: l.VATCodeDescription ?? null,
      VATPercentage: l.VATPercentage ?? null,
    };
  });
  return [header, ...lines];
}

const transactionLines: Handler = {
  list: (c) => c.div.salesEntries.flatMap((e) => linesOfEntry(c, e)),
};

export const financialLineHandlers: Record<'TransactionLines', Handler> = {
  TransactionLines: transactionLines,
};
