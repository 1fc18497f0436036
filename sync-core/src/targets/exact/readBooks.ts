/**
 * The books reader of Exact Online: the sales entries of a period, read back from
 * `bulk/Financial/TransactionLines` (1 000 rows a call, `$select` mandatory; spec §4.3/§4.4) and
 * grouped per entry. One call per 1 000 lines, never one per document: the period reconciliation
 * and drift detection share it.
 *
 * Exact's transaction lines are debit-positive: line 0 is the receivable (the gross total), lines
 * 1..n the revenue as credits with their VAT. The reader turns them back into the document's own
 * signs (an invoice positive, a credit note negative).
 */
import { z } from 'zod';
import { D, fixed } from '../../model/money';
import type { BookedDocument, BooksReadout, BooksWindow } from '../port';
import { exactDateToIsoDay, odataString, toExactDateTime, withQuery } from './odata';
import { Amount, Guid, NullableString, parseRecord } from './schemas';
import type { ExactTransport } from './transport';

export const TRANSACTION_LINES_PATH = 'bulk/Financial/TransactionLines';
const SELECT =
  'ID,EntryID,LineNumber,Date,JournalCode,YourRef,Currency,AmountFC,AmountVATFC,VATCode,Modified';

const TransactionLine = z.object({
  ID: Guid,
  EntryID: Guid,
  LineNumber: z.number().int().nullable(),
  Date: z.string().nullable(),
  JournalCode: NullableString,
  YourRef: NullableString,
  Currency: NullableString,
  AmountFC: Amount.nullable(),
  AmountVATFC: Amount.nullable(),
  VATCode: NullableString,
  Modified: z.string().nullable().optional(),
});

/** The day after a YYYY-MM-DD date (the exclusive end of the window). */
export function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

export async function readExactBooks(
  t: ExactTransport,
  o: { window: BooksWindow; journalCode: string; vatKeysOf: (code: string) => string[] },
): Promise<BooksReadout> {
  const before = t.stats.read;
  const filter = `JournalCode eq ${odataString(o.journalCode.trim())} and Date ge datetime'${toExactDateTime(o.window.from)}' and Date lt datetime'${toExactDateTime(nextDay(o.window.to))}'`;
  const rows = await t.getAll(
    withQuery(TRANSACTION_LINES_PATH, { $select: SELECT, $filter: filter }),
    10_000,
  );
  const entries = new Map<string, { doc: BookedDocument; gross: InstanceType<typeof D>; modified: number }>();
  for (const raw of rows) {
    const l = parseRecord(TransactionLine, raw, 'transaction line');
    let e = entries.get(l.EntryID);
    if (!e) {
      e = {
        doc: {
          id: l.EntryID,
          type: 'SalesEntry',
          reference: l.YourRef?.trim() || null,
          date: exactDateToIsoDay(l.Date) ?? o.window.from,
          currency: l.Currency ?? '',
          gross: '0.00',
          lines: [],
          version: null,
        },
        gross: new D(0),
        modified: 0,
      };
      entries.set(l.EntryID, e);
    }
    const modified = l.Modified ? Number(/\d+/.exec(l.Modified)?.[0] ?? 0) : 0;
    e.modified = Math.max(e.modified, modified);
    if ((l.LineNumber ?? 0) === 0 || !l.VATCode) continue;
    // revenue lines are credits: the document's own net and VAT are their negation
    const net = new D(l.AmountFC ?? '0').negated();
    const vat = new D(l.AmountVATFC ?? '0').negated();
    const code = l.VATCode.trim();
    e.doc.lines.push({ vatCode: code, vatKeys: o.vatKeysOf(code), net: fixed(net), vat: fixed(vat) });
    e.gross = e.gross.plus(net).plus(vat);
  }
  const documents = [...entries.values()].map((e) => ({
    ...e.doc,
    gross: fixed(e.gross),
    version: e.modified ? String(e.modified) : null,
  }));
  return { documents, calls: t.stats.read - before };
}
