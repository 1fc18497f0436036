/**
 * Payments and open items: financialtransaction/CashEntries (+Lines), BankEntries (+Lines) and
 * cashflow/Receivables (spec 5.8, 5.12, must-have 18).
 *
 * - Cash entries only in journals of type 10 (cash), bank entries in type 12 (bank) or 16
 *   (payment service); anything else is "Ongeldig: Dagboek (type)".
 * - Every sales entry (also the one a processed invoice creates) is an open item of its customer
 *   for its gross amount, keyed by its entry number. A cash/bank line with the same `Account` and
 *   `OurRef` (= the invoice/entry number) settles it; a received amount is positive, an amount
 *   paid out (a refund) negative. Exact auto-matches equal amounts, so an item whose lines add up
 *   to its amount disappears from Receivables; a partial or double payment leaves the difference
 *   open, and a line whose OurRef matches nothing stays open as an unallocated (negative) item.
 */
import { randomUUID } from 'node:crypto';
import { dec, fixed, sum } from '../../model/money';
import { bindEntity, requireFields, type Bound } from './binding';
import { Problems } from './errors';
import type { Rec } from './odata';
import { ENTITIES } from './schema';
import { periodOf, type DivisionData } from './store';
import { findAccount, findGl, stamp, type Ctx, type Handler } from './handlers-master';
import { dayStart } from './values';

type Kind = 'CashEntries' | 'BankEntries';
const LINES: Record<Kind, 'CashEntryLines' | 'BankEntryLines'> = { CashEntries: 'CashEntryLines', BankEntries: 'BankEntryLines' };
const JOURNAL_TYPES: Record<Kind, number[]> = { CashEntries: [10], BankEntries: [12, 16] };
const RECEIVABLES_GL_TYPE = 20;

const entriesOf = (d: DivisionData, kind: Kind): Rec[] => (kind === 'CashEntries' ? d.cashEntries : d.bankEntries);

function nextPaymentNumber(d: DivisionData, journal: string, dateMs: number): number {
  const yy = new Date(dateMs).getUTCFullYear() % 100;
  const code = /^\d{1,2}$/.test(journal) ? journal.padStart(2, '0') : '00';
  const start = Number(`${yy}${code}0000`);
  let max = start;
  for (const e of [...d.cashEntries, ...d.bankEntries]) {
    const n = e.EntryNumber as number;
    if (e.JournalCode === journal && n > max && n < start + 10000) max = n;
  }
  return max + 1;
}

function buildLine(c: Ctx, entry: Rec, b: Bound, p: Problems, lineNo: number, fallbackDate: number): Rec {
  const v = b.values;
  const gl = v.GLAccount != null ? findGl(c.div, v.GLAccount) : undefined;
  if (v.GLAccount != null && !gl) p.add('Ongeldige referentie: Grootboekrekening');
  const account = v.Account != null ? findAccount(c.div, v.Account) : undefined;
  if (v.Account != null && !account) p.add('Ongeldige referentie: Relatie');
  if (gl && gl.Type === RECEIVABLES_GL_TYPE && v.Account == null) p.add('Verplicht: Relatie');
  const date = (v.Date as number | undefined) ?? fallbackDate;
  const period = periodOf(c.div, date);
  if (!period) p.add('Onbekend: Boekjaar (Periode - datum tabel)');
  else if (c.div.closedPeriods.has(`${period.FinYear as number}-${period.FinPeriod as number}`)) p.add('Periode is afgesloten');
  const amount = (v.AmountFC as string | undefined) ?? '0';
  return {
    ...v,
    ID: randomUUID(),
    EntryID: entry.EntryID,
    Division: c.div.division,
    LineNumber: lineNo,
    Date: dayStart(date),
    AmountFC: fixed(amount),
    AmountDC: fixed(amount),
    AccountCode: (account?.Code as string) ?? null,
    AccountName: (account?.Name as string) ?? null,
    GLAccountCode: (gl?.Code as string) ?? null,
    GLAccountDescription: (gl?.Description as string) ?? null,
    OurRef: (v.OurRef as number | undefined) ?? null,
    Description: (v.Description as string | undefined) ?? null,
  };
}

function createPaymentEntry(c: Ctx, kind: Kind, raw: unknown): Rec {
  const entity = ENTITIES[kind];
  const b = bindEntity(entity, raw, 'POST');
  const p = new Problems();
  requireFields(entity, b, p);
  const lineName = LINES[kind];
  const lines = b.lines.get(lineName) ?? [];
  for (const l of lines) requireFields(ENTITIES[lineName], l, p, ['EntryID']);
  const code = b.values.JournalCode == null ? null : String(b.values.JournalCode).trim();
  const journal = code === null ? undefined : c.div.journals.find((j) => j.Code === code);
  if (code !== null && !journal) p.add('Ongeldige referentie: Dagboek');
  if (journal && !JOURNAL_TYPES[kind].includes(journal.Type as number)) p.add('Ongeldig: Dagboek (type)');
  if (journal?.IsBlocked) p.add('Geblokkeerd: Dagboek');
  const currency = (b.values.Currency as string | undefined) ?? c.div.currency;
  if (currency !== c.div.currency && journal && journal.AllowVariableCurrency !== true) p.add('Ongeldig: Valuta');
  const entry: Rec = { ...b.values, EntryID: randomUUID(), JournalCode: code, Currency: currency, Status: 20, StatusDescription: 'Open' };
  entry[lineName] = lines.map((l, i) => buildLine(c, entry, l, p, i + 1, c.now));
  p.throwIfAny();
  const first = (entry[lineName] as Rec[])[0];
  entry.EntryNumber = typeof b.values.EntryNumber === 'number' ? b.values.EntryNumber : nextPaymentNumber(c.div, code ?? '', first.Date as number);
  entry.JournalDescription = (journal?.Description as string) ?? null;
  const total = sum((entry[lineName] as Rec[]).map((l) => l.AmountFC as string));
  const opening = (b.values.OpeningBalanceFC as string | undefined) ?? '0';
  entry.OpeningBalanceFC = fixed(opening);
  entry.ClosingBalanceFC = fixed(dec(opening).plus(total));
  for (const l of entry[lineName] as Rec[]) {
    l.EntryNumber = entry.EntryNumber;
  }
  stamp(c, entry, true);
  entriesOf(c.div, kind).push(entry);
  return entry;
}

function paymentHandler(kind: Kind): Handler {
  return {
    list: (c) => entriesOf(c.div, kind),
    create: (c, raw) => createPaymentEntry(c, kind, raw),
    remove(c, rec) {
      const list = entriesOf(c.div, kind);
      list.splice(list.indexOf(rec), 1);
    },
  };
}

function lineHandler(kind: Kind): Handler {
  return { list: (c) => entriesOf(c.div, kind).flatMap((e) => e[LINES[kind]] as Rec[]) };
}

/** Every cash and bank line on a customer (the payments Receivables matches). */
function paymentLines(d: DivisionData): Rec[] {
  return [...d.cashEntries.flatMap((e) => e.CashEntryLines as Rec[]), ...d.bankEntries.flatMap((e) => e.BankEntryLines as Rec[])].filter((l) => l.Account != null);
}

/** The open items: sales entries minus the payments that carry their number, plus unallocated payments. */
export function openReceivables(d: DivisionData): Rec[] {
  const lines = paymentLines(d);
  const used = new Set<Rec>();
  const out: Rec[] = [];
  for (const e of d.salesEntries) {
    if (e.Customer == null) continue;
    if (e._receivableId === undefined) e._receivableId = randomUUID();
    const mine = lines.filter((l) => l.Account === e.Customer && l.OurRef != null && l.OurRef === e.EntryNumber);
    mine.forEach((l) => used.add(l));
    const open = dec(e.AmountFC as string).minus(sum(mine.map((l) => l.AmountFC as string)));
    if (open.isZero()) continue;
    const account = findAccount(d, e.Customer);
    out.push({
      ID: e._receivableId,
      Division: d.division,
      Account: e.Customer,
      AccountCode: (account?.Code as string) ?? null,
      AccountName: (account?.Name as string) ?? null,
      AmountFC: fixed(open),
      AmountDC: fixed(open),
      Currency: e.Currency ?? d.currency,
      Description: e.Description ?? null,
      DueDate: e.DueDate ?? null,
      EntryDate: e.EntryDate ?? null,
      EntryNumber: e.EntryNumber ?? null,
      InvoiceDate: e.EntryDate ?? null,
      InvoiceNumber: e.EntryNumber ?? null,
      IsFullyPaid: false,
      Journal: e.Journal ?? null,
      Status: 20,
      TransactionAmountFC: e.AmountFC,
      TransactionAmountDC: e.AmountDC ?? e.AmountFC,
      TransactionEntryID: e.EntryID,
      YourRef: e.YourRef ?? null,
      Created: e.Created ?? null,
      Modified: e.Modified ?? null,
    });
  }
  for (const l of lines) {
    if (used.has(l)) continue;
    const account = findAccount(d, l.Account);
    out.push({
      ID: l.ID,
      Division: d.division,
      Account: l.Account,
      AccountCode: (account?.Code as string) ?? null,
      AccountName: (account?.Name as string) ?? null,
      AmountFC: fixed(dec(l.AmountFC as string).negated()),
      AmountDC: fixed(dec(l.AmountFC as string).negated()),
      Currency: d.currency,
      Description: l.Description ?? null,
      EntryDate: l.Date ?? null,
      EntryNumber: l.EntryNumber ?? null,
      InvoiceNumber: null,
      IsFullyPaid: false,
      Status: 20,
      TransactionEntryID: l.EntryID,
      TransactionID: l.ID,
      YourRef: null,
      Created: l.Created ?? null,
      Modified: l.Modified ?? null,
    });
  }
  return out;
}

export const paymentHandlers = {
  CashEntries: paymentHandler('CashEntries'),
  CashEntryLines: lineHandler('CashEntries'),
  BankEntries: paymentHandler('BankEntries'),
  BankEntryLines: lineHandler('BankEntries'),
  Receivables: { list: (c: Ctx) => openReceivables(c.div) } as Handler,
};
