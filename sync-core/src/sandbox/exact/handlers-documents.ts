/**
 * Sales documents: SalesEntries (+Lines), SalesInvoices (+Lines, +OrderChargeLines),
 * PrintedSalesInvoices, SalesOrders (+Lines). Business rules follow spec sections 5.6-5.11 and
 * must-haves 14-17; every rejection is a 500 with Dutch messages, as Exact does.
 *
 * VAT per line: `VATAmountFC` when given, else round(base x percentage) half away from zero.
 * Type E codes: AmountFC is excl. VAT. Type I codes (uncertain in REST): AmountFC is incl. VAT and
 * VAT = round(AmountFC x p / (1 + p)). Type B/N: no VAT; a VAT amount with a type N code is refused.
 */
import { randomUUID } from 'node:crypto';
import { dec, fixed, roundMoney, sum } from '../../model/money';
import { bindEntity, requireFields, type Bound } from './binding';
import { Problems, validation, notFound } from './errors';
import type { Rec } from './odata';
import { ENTITIES, type EntityName } from './schema';
import { padVatCode, periodOf, type DivisionData } from './store';
import { findAccount, findGl, findItem, findPaymentCondition, findVat, stamp, type Ctx, type Handler } from './handlers-master';
import { dayStart } from './values';

const REVENUE = 110;

function journalFor(c: Ctx, code: unknown, p: Problems): Rec | undefined {
  if (code == null || code === '') return undefined;
  const j = c.div.journals.find((x) => x.Code === String(code).trim());
  if (!j) {
    p.add('Ongeldige referentie: Journals');
    return undefined;
  }
  if (j.Type !== 20 && j.Type !== 21) p.add('Ongeldig: Dagboek (type)');
  if (j.IsBlocked) p.add('Geblokkeerd: Dagboek');
  return j;
}

function customerFor(c: Ctx, id: unknown, label: string, p: Problems): Rec | undefined {
  if (id == null) return undefined;
  const a = findAccount(c.div, id);
  if (!a) {
    p.add(`Ongeldige referentie: ${label}`);
    return undefined;
  }
  if (a.Status !== 'C') p.add(`Ongeldig: ${label} (Type)`);
  if (a.Blocked === true) p.add(`Geblokkeerd: ${label}`);
  return a;
}

function checkDate(c: Ctx, ms: number, p: Problems): Rec | undefined {
  const period = periodOf(c.div, ms);
  if (!period) {
    p.add('Onbekend: Boekjaar (Periode - datum tabel)');
    return undefined;
  }
  if (c.div.closedPeriods.has(`${period.FinYear as number}-${period.FinPeriod as number}`)) p.add('Periode is afgesloten');
  return period;
}

function paymentConditionFor(c: Ctx, code: unknown, account: Rec | undefined, p: Problems): Rec | undefined {
  if (code != null && code !== '') {
    const pc = findPaymentCondition(c.div, code);
    if (!pc) p.add('Ongeldige referentie: Betalingsconditie');
    return pc;
  }
  const fallback = (account?.PaymentConditionSales as string | null | undefined) ?? c.div.defaultPaymentCondition;
  const pc = fallback ? findPaymentCondition(c.div, fallback) : undefined;
  if (!pc) p.add('Verplicht: Betalingsconditie');
  return pc;
}

function currencyRate(c: Ctx, v: Rec, journal: Rec | undefined, p: Problems): { currency: string; rate: string } {
  const currency = (v.Currency as string | undefined) ?? c.div.currency;
  if (currency !== c.div.currency && journal && journal.AllowVariableCurrency !== true) p.add('Ongeldig: Valuta');
  const rate = v.Rate != null ? (v.Rate as string) : '1';
  if (dec(rate).lte(0)) p.add('Ongeldig: Koers');
  return { currency, rate };
}

interface VatResult {
  code: string | null;
  codeDescription: string | null;
  percentage: string;
  base: string;
  vat: string;
  gross: string;
}

/** VAT of one line from its amount, code and optional explicit VAT amount. */
function lineVat(c: Ctx, amount: string, codeIn: unknown, vatAmountIn: unknown, percentageIn: unknown, journal: Rec | undefined, p: Problems): VatResult {
  const code = codeIn == null || codeIn === '' ? null : String(codeIn);
  if (code === null) {
    if (vatAmountIn != null && !dec(vatAmountIn as string).isZero()) p.add('Verplicht: Btw-code');
    return { code: null, codeDescription: null, percentage: '0', base: fixed(amount), vat: '0.00', gross: fixed(amount) };
  }
  const v = findVat(c.div, code);
  if (!v) {
    p.add('Ongeldige referentie: Btw-code');
    return { code: padVatCode(code), codeDescription: null, percentage: '0', base: fixed(amount), vat: '0.00', gross: fixed(amount) };
  }
  if (v.IsBlocked === true) p.add('Geblokkeerd: Btw code');
  if (v.VATTransactionType === 'P') p.add('Ongeldig: Btw-code (inkoop)');
  if (journal && journal.AllowVAT === false) p.add('Niet toegestaan: Btw-code');
  const pct = v.Percentage as string;
  if (percentageIn != null && !dec(percentageIn as string).eq(dec(pct))) p.add(`Ongeldig: Btw-percentage [${String(percentageIn)}]`);
  let vat: string;
  if (vatAmountIn != null) {
    vat = fixed(vatAmountIn as string);
    if ((v.Type === 'N' || v.Type === 'B') && !dec(vat).isZero()) p.add('Niet toegestaan: Btw-bedrag bij deze btw-code');
  } else if (v.Type === 'I') {
    vat = roundMoney(dec(amount).times(pct).div(dec(pct).plus(1)));
  } else if (v.Type === 'E') {
    vat = roundMoney(dec(amount).times(pct));
  } else vat = '0.00';
  const inclusive = v.Type === 'I';
  const base = inclusive ? fixed(dec(amount).minus(vat)) : fixed(amount);
  const gross = inclusive ? fixed(amount) : fixed(dec(amount).plus(vat));
  return { code: v.Code as string, codeDescription: v.Description as string, percentage: pct, base, vat, gross };
}

function revenueGl(c: Ctx, id: unknown, p: Problems): Rec | undefined {
  if (id == null) return undefined;
  const gl = findGl(c.div, id);
  if (!gl) {
    p.add('Ongeldige referentie: Grootboekrekening');
    return undefined;
  }
  if (gl.Type !== REVENUE) p.add('Ongeldig: Grootboekrekeningtype');
  if (gl.IsBlocked === true) p.add('Geblokkeerd: Grootboekrekening');
  return gl;
}

const times = (a: string, rate: string): string => roundMoney(dec(a).times(rate));

/** Used entry/invoice numbers of a journal. */
function usedNumbers(d: DivisionData, journal: string, exceptEntry?: Rec): Set<number> {
  const s = new Set<number>();
  for (const e of d.salesEntries) if (e !== exceptEntry && e.Journal === journal && typeof e.EntryNumber === 'number') s.add(e.EntryNumber);
  for (const i of d.salesInvoices) if (i.Journal === journal && typeof i.InvoiceNumber === 'number' && !(exceptEntry && i._entryId === exceptEntry.EntryID)) s.add(i.InvoiceNumber);
  return s;
}

/** Next free number in the journal's range for the year: yy + journal code + 4 digits (e.g. 26700001). */
function nextNumber(d: DivisionData, journal: string, dateMs: number): number {
  const yy = new Date(dateMs).getUTCFullYear() % 100;
  const code = /^\d{1,2}$/.test(journal) ? journal.padStart(2, '0') : '00';
  const start = Number(`${yy}${code}0000`);
  let max = start;
  for (const n of usedNumbers(d, journal)) if (n > max && n < start + 10000) max = n;
  return max + 1;
}

const dueDate = (from: number, pc: Rec | undefined): number | null => (pc ? from + Number(pc.PaymentDays ?? 0) * 86400000 : null);

// ================================================================ SalesEntries

function buildEntryLine(c: Ctx, entry: Rec, b: Bound, journal: Rec | undefined, rate: string, p: Problems, lineNo: number): Rec {
  const v = b.values;
  const gl = revenueGl(c, v.GLAccount, p);
  const codeIn = v.VATCode ?? gl?.VATCode ?? null;
  const amount = (v.AmountFC as string | undefined) ?? '0';
  const r = lineVat(c, amount, codeIn, v.VATAmountFC, v.VATPercentage, journal, p);
  const line: Rec = {
    ...v,
    ID: typeof v.ID === 'string' ? v.ID : randomUUID(),
    EntryID: entry.EntryID,
    Division: c.div.division,
    LineNumber: lineNo,
    AmountFC: fixed(amount),
    AmountDC: times(amount, rate),
    GLAccountCode: (gl?.Code as string) ?? null,
    GLAccountDescription: (gl?.Description as string) ?? null,
    VATCode: r.code,
    VATCodeDescription: r.codeDescription,
    VATPercentage: r.percentage,
    VATAmountFC: r.vat,
    VATAmountDC: times(r.vat, rate),
    VATBaseAmountFC: r.base,
    VATBaseAmountDC: times(r.base, rate),
    Type: entry.Type ?? 20,
    _gross: r.gross,
  };
  return line;
}

function entryTotals(entry: Rec): void {
  const lines = entry.SalesEntryLines as Rec[];
  const rate = (entry.Rate as string) ?? '1';
  const gross = fixed(sum(lines.map((l) => l._gross as string)));
  const vat = fixed(sum(lines.map((l) => l.VATAmountFC as string)));
  entry.AmountFC = gross;
  entry.VATAmountFC = vat;
  entry.AmountDC = times(gross, rate);
  entry.VATAmountDC = times(vat, rate);
  // Negative entries are credit notes (uncertain in REST; spec 5.6).
  entry.Type = dec(gross).isNegative() ? 21 : 20;
  entry.TypeDescription = entry.Type === 21 ? 'Verkoopcreditnota' : 'Verkoopfactuur';
  lines.forEach((l, i) => {
    l.LineNumber = i + 1;
    l.Type = entry.Type;
  });
}

function entryHeader(c: Ctx, v: Rec, self: Rec | null, p: Problems): { journal?: Rec; customer?: Rec; pc?: Rec; period?: Rec; currency: string; rate: string; date: number } {
  const journalCode = v.Journal ?? self?.Journal;
  const journal = journalFor(c, journalCode, p);
  const customer = customerFor(c, v.Customer ?? self?.Customer, 'Klant', p);
  const date = (v.EntryDate as number | undefined) ?? (self?.EntryDate as number | undefined) ?? dayStart(c.now);
  const period = checkDate(c, date, p);
  const pc = paymentConditionFor(c, v.PaymentCondition ?? self?.PaymentCondition, customer, p);
  const { currency, rate } = currencyRate(c, { Currency: v.Currency ?? self?.Currency, Rate: v.Rate ?? self?.Rate }, journal, p);
  if (typeof v.EntryNumber === 'number') {
    if (v.EntryNumber <= 0) p.add('Ongeldig: Boekstuknummer');
    else if (journal && usedNumbers(c.div, journal.Code as string, self ?? undefined).has(v.EntryNumber)) p.add('In gebruik: Boekstuknummer');
  }
  return { journal, customer, pc, period, currency, rate, date };
}

function applyEntryHeader(c: Ctx, entry: Rec, h: ReturnType<typeof entryHeader>, explicitDue: unknown): void {
  entry.Journal = h.journal?.Code ?? entry.Journal;
  entry.JournalDescription = h.journal?.Description ?? null;
  entry.CustomerName = h.customer?.Name ?? null;
  entry.EntryDate = h.date;
  entry.ReportingYear = h.period?.FinYear ?? null;
  entry.ReportingPeriod = h.period?.FinPeriod ?? null;
  entry.PaymentCondition = h.pc?.Code ?? null;
  entry.PaymentConditionDescription = h.pc?.Description ?? null;
  entry.PaymentConditionPaymentMethod = h.pc?.PaymentMethod ?? null;
  entry.DueDate = (explicitDue as number | undefined) ?? dueDate(h.date, h.pc);
  entry.Currency = h.currency;
  entry.Rate = h.rate;
  entry.Status = entry.Status ?? 20;
  entry.StatusDescription = entry.Status === 50 ? 'Verwerkt' : 'Open';
  stamp(c, entry, entry.Created === undefined);
}

function createEntry(c: Ctx, b: Bound, opts: { status?: number; invoiceId?: string } = {}): Rec {
  const e = ENTITIES.SalesEntries;
  const p = new Problems();
  requireFields(e, b, p);
  const lineEntity = ENTITIES.SalesEntryLines;
  const lines = b.lines.get('SalesEntryLines') ?? [];
  for (const l of lines) requireFields(lineEntity, l, p, ['EntryID']);
  const h = entryHeader(c, b.values, null, p);
  const entry: Rec = { ...b.values, EntryID: randomUUID(), Status: opts.status ?? 20, SalesEntryLines: [] };
  if (opts.invoiceId) entry._invoiceId = opts.invoiceId;
  entry.SalesEntryLines = lines.map((l, i) => buildEntryLine(c, entry, l, h.journal, h.rate, p, i + 1));
  p.throwIfAny();
  applyEntryHeader(c, entry, h, b.values.DueDate);
  entry.EntryNumber = typeof b.values.EntryNumber === 'number' ? b.values.EntryNumber : nextNumber(c.div, entry.Journal as string, h.date);
  entryTotals(entry);
  c.div.salesEntries.push(entry);
  return entry;
}

const salesEntries: Handler = {
  list: (c) => c.div.salesEntries,
  create: (c, raw) => createEntry(c, bindEntity(ENTITIES.SalesEntries, raw, 'POST')),
  update(c, rec, raw) {
    const b = bindEntity(ENTITIES.SalesEntries, raw, 'PUT');
    if (rec.Status === 50) throw validation('Reeds verwerkt');
    const p = new Problems();
    const h = entryHeader(c, b.values, rec, p);
    p.throwIfAny();
    Object.assign(rec, b.values);
    applyEntryHeader(c, rec, h, b.values.DueDate);
    // Line amounts in DC follow a changed rate.
    for (const l of rec.SalesEntryLines as Rec[]) {
      l.AmountDC = times(l.AmountFC as string, h.rate);
      l.VATAmountDC = times(l.VATAmountFC as string, h.rate);
    }
    entryTotals(rec);
  },
  remove(c, rec) {
    if (rec.Status === 50) throw validation('Reeds verwerkt');
    c.div.salesEntries.splice(c.div.salesEntries.indexOf(rec), 1);
  },
};

function entryOfLine(c: Ctx, line: Rec): Rec {
  return c.div.salesEntries.find((e) => (e.SalesEntryLines as Rec[]).includes(line))!;
}

const salesEntryLines: Handler = {
  list: (c) => c.div.salesEntries.flatMap((e) => e.SalesEntryLines as Rec[]),
  create(c, raw) {
    const b = bindEntity(ENTITIES.SalesEntryLines, raw, 'POST');
    const p = new Problems();
    requireFields(ENTITIES.SalesEntryLines, b, p);
    const entry = b.values.EntryID != null ? c.div.salesEntries.find((e) => e.EntryID === b.values.EntryID) : undefined;
    if (b.values.EntryID != null && !entry) p.add('Ongeldige referentie: Boeking');
    p.throwIfAny();
    if (entry!.Status === 50) throw validation('Reeds verwerkt');
    const journal = c.div.journals.find((j) => j.Code === entry!.Journal);
    const lines = entry!.SalesEntryLines as Rec[];
    const line = buildEntryLine(c, entry!, b, journal, entry!.Rate as string, p, lines.length + 1);
    p.throwIfAny();
    lines.push(line);
    entryTotals(entry!);
    stamp(c, entry!, false);
    return line;
  },
  update(c, line, raw) {
    const b = bindEntity(ENTITIES.SalesEntryLines, raw, 'PUT');
    const entry = entryOfLine(c, line);
    if (entry.Status === 50) throw validation('Reeds verwerkt');
    const p = new Problems();
    const journal = c.div.journals.find((j) => j.Code === entry.Journal);
    const merged: Bound = { values: { ...line, ...b.values }, lines: new Map() };
    if (!('VATAmountFC' in b.values) && ('AmountFC' in b.values || 'VATCode' in b.values)) delete merged.values.VATAmountFC;
    if (!('VATPercentage' in b.values)) delete merged.values.VATPercentage;
    const next = buildEntryLine(c, entry, merged, journal, entry.Rate as string, p, line.LineNumber as number);
    p.throwIfAny();
    Object.assign(line, next, { ID: line.ID });
    entryTotals(entry);
  },
  remove(c, line) {
    const entry = entryOfLine(c, line);
    if (entry.Status === 50) throw validation('Reeds verwerkt');
    const lines = entry.SalesEntryLines as Rec[];
    lines.splice(lines.indexOf(line), 1);
    // Deleting the last line deletes the entry (ossobv).
    if (lines.length === 0) c.div.salesEntries.splice(c.div.salesEntries.indexOf(entry), 1);
    else entryTotals(entry);
  },
};

// ================================================================ SalesInvoices

function itemOnDate(c: Ctx, id: unknown, date: number, p: Problems): Rec | undefined {
  if (id == null) return undefined;
  const item = findItem(c.div, id);
  if (!item) {
    p.add('Ongeldige referentie: Artikel');
    return undefined;
  }
  if (item.IsSalesItem === false) p.add('Ongeldig: Artikel (geen verkoopartikel)');
  if (typeof item.EndDate === 'number' && item.EndDate < date) p.add('Artikel: Non actief');
  if (typeof item.StartDate === 'number' && dayStart(item.StartDate) > date) p.add('Artikel: Toekomstig');
  return item;
}

/** Shared by invoice and order lines: quantity x net price, GL and VAT derived from the item. */
function priceLine(c: Ctx, v: Rec, account: Rec | undefined, date: number, journal: Rec | undefined, p: Problems, vatField: 'VATAmountFC' | 'VATAmount') {
  const item = itemOnDate(c, v.Item, date, p);
  const quantity = (v.Quantity as string | undefined) ?? '1';
  const unitPrice = (v.UnitPrice as string | undefined) ?? '0';
  const discount = (v.Discount as string | undefined) ?? '0';
  const netPrice = (v.NetPrice as string | undefined) ?? dec(unitPrice).times(dec(1).minus(discount)).toFixed();
  const amount = v.AmountFC != null ? fixed(v.AmountFC as string) : roundMoney(dec(quantity).times(netPrice));
  const glId = v.GLAccount ?? item?.GLRevenue ?? c.div.defaultItemRevenueGL;
  if (glId == null && item) p.add('Verplicht: Grootboekrekening');
  const gl = revenueGl(c, glId, p);
  const code = v.VATCode ?? item?.SalesVatCode ?? gl?.VATCode ?? account?.SalesVATCode ?? null;
  const r = lineVat(c, amount, code, v[vatField], v.VATPercentage, journal, p);
  return { item, quantity, unitPrice, discount, netPrice, amount, gl, r };
}

function buildInvoiceLine(c: Ctx, inv: Rec, b: Bound, account: Rec | undefined, journal: Rec | undefined, rate: string, p: Problems, lineNo: number): Rec {
  const v = b.values;
  const x = priceLine(c, v, account, inv.InvoiceDate as number, journal, p, 'VATAmountFC');
  return {
    ...v,
    ID: typeof v.ID === 'string' ? v.ID : randomUUID(),
    InvoiceID: inv.InvoiceID,
    Division: c.div.division,
    LineNumber: lineNo,
    ItemCode: x.item?.Code ?? null,
    ItemDescription: x.item?.Description ?? null,
    Description: v.Description ?? x.item?.Description ?? null,
    Quantity: x.quantity,
    UnitPrice: x.unitPrice,
    Discount: x.discount,
    NetPrice: x.netPrice,
    AmountFC: x.r.base,
    AmountDC: times(x.r.base, rate),
    GLAccount: x.gl?.ID ?? null,
    GLAccountDescription: x.gl?.Description ?? null,
    VATCode: x.r.code,
    VATCodeDescription: x.r.codeDescription,
    VATPercentage: x.r.percentage,
    VATAmountFC: x.r.vat,
    VATAmountDC: times(x.r.vat, rate),
    _gross: x.r.gross,
  };
}

function buildChargeLine(c: Ctx, inv: Rec, b: Bound, journal: Rec | undefined, rate: string, p: Problems, lineNo: number): Rec {
  const v = b.values;
  if (v.IsShippingCost !== true && v.OrderCharge == null) p.add('Verplicht: OrderCharge');
  if (v.AmountFCExclVAT == null && v.AmountFCInclVAT == null) p.add('Verplicht: AmountFCExclVAT');
  const code = v.VATCode == null ? null : String(v.VATCode);
  const vatRec = code ? findVat(c.div, code) : undefined;
  const pct = (vatRec?.Percentage as string | undefined) ?? '0';
  // Excl. wins when both are posted; otherwise the other is derived (pisys description).
  const excl = v.AmountFCExclVAT != null ? fixed(v.AmountFCExclVAT as string) : roundMoney(dec((v.AmountFCInclVAT as string) ?? '0').div(dec(pct).plus(1)));
  const r = lineVat(c, excl, code, v.AmountFCExclVAT == null && v.AmountFCInclVAT != null ? fixed(dec(v.AmountFCInclVAT as string).minus(excl)) : undefined, undefined, journal, p);
  const gl =
    c.div.glAccounts.find((g) => g.Code === (v.IsShippingCost === true ? '8090' : '8000')) ?? findGl(c.div, c.div.defaultItemRevenueGL);
  return {
    ...v,
    ID: randomUUID(),
    InvoiceID: inv.InvoiceID,
    Division: c.div.division,
    LineNumber: lineNo,
    AmountFCExclVAT: r.base,
    AmountFCInclVAT: r.gross,
    AmountVATFC: r.vat,
    AmountDC: times(r.base, rate),
    VATCode: r.code,
    VATDescription: r.codeDescription,
    VATPercentage: r.percentage,
    GLAccount: gl?.ID ?? null,
    GLAccountCode: gl?.Code ?? null,
    GLAccountDescription: gl?.Description ?? null,
  };
}

function invoiceTotals(inv: Rec): void {
  const lines = inv.SalesInvoiceLines as Rec[];
  const charges = inv.SalesInvoiceOrderChargeLines as Rec[];
  const rate = (inv._rate as string) ?? '1';
  const excl = sum([...lines.map((l) => l.AmountFC as string), ...charges.map((l) => l.AmountFCExclVAT as string)]);
  const vat = sum([...lines.map((l) => l.VATAmountFC as string), ...charges.map((l) => l.AmountVATFC as string)]);
  inv.AmountFCExclVat = fixed(excl);
  inv.VATAmountFC = fixed(vat);
  inv.AmountFC = fixed(excl.plus(vat));
  inv.AmountDC = times(inv.AmountFC as string, rate);
  inv.VATAmountDC = times(inv.VATAmountFC as string, rate);
  lines.forEach((l, i) => (l.LineNumber = i + 1));
  charges.forEach((l, i) => (l.LineNumber = i + 1));
}

const INVOICE_TYPES: Record<number, string> = { 8020: 'Verkoopfactuur', 8021: 'Verkoopcreditnota', 8023: 'Directe verkoopfactuur', 8024: 'Directe verkoopcreditnota' };

function invoiceHeader(c: Ctx, v: Rec, self: Rec | null, p: Problems) {
  const journal = journalFor(c, v.Journal ?? self?.Journal, p);
  const orderedBy = customerFor(c, v.OrderedBy ?? self?.OrderedBy, 'Besteld door', p);
  const invoiceToId = v.InvoiceTo ?? self?.InvoiceTo ?? v.OrderedBy ?? self?.OrderedBy;
  const invoiceTo = invoiceToId === (v.OrderedBy ?? self?.OrderedBy) ? orderedBy : customerFor(c, invoiceToId, 'Factuur voor', p);
  if (v.DeliverTo != null && !findAccount(c.div, v.DeliverTo)) p.add('Ongeldige referentie: Afleveren aan');
  const type = (v.Type as number | undefined) ?? (self?.Type as number | undefined) ?? 8020;
  if (!INVOICE_TYPES[type]) p.add('Ongeldig: Type');
  if ((type === 8023 || type === 8024) && (v.Warehouse ?? self?.Warehouse) == null) p.add('Verplicht: Magazijn');
  const date = (v.OrderDate as number | undefined) ?? (self?.OrderDate as number | undefined) ?? dayStart(c.now);
  const period = checkDate(c, date, p);
  const pc = paymentConditionFor(c, v.PaymentCondition ?? self?.PaymentCondition, invoiceTo, p);
  const { currency, rate } = currencyRate(c, { Currency: v.Currency ?? self?.Currency }, journal, p);
  return { journal, orderedBy, invoiceTo, type, date, period, pc, currency, rate };
}

function applyInvoiceHeader(c: Ctx, inv: Rec, h: ReturnType<typeof invoiceHeader>, v: Rec): void {
  inv.Journal = h.journal?.Code ?? inv.Journal;
  inv.JournalDescription = h.journal?.Description ?? null;
  inv.OrderedByName = h.orderedBy?.Name ?? null;
  inv.InvoiceTo = h.invoiceTo?.ID ?? inv.OrderedBy;
  inv.InvoiceToName = h.invoiceTo?.Name ?? null;
  inv.DeliverTo = inv.DeliverTo ?? inv.OrderedBy;
  inv.Type = h.type;
  inv.TypeDescription = INVOICE_TYPES[h.type] ?? null;
  inv.OrderDate = h.date;
  if (inv.Status !== 50) inv.InvoiceDate = h.date;
  inv.PaymentCondition = h.pc?.Code ?? null;
  inv.PaymentConditionDescription = h.pc?.Description ?? null;
  inv.DueDate = (v.DueDate as number | undefined) ?? dueDate(h.date, h.pc);
  inv.Currency = h.currency;
  inv._rate = h.rate;
  stamp(c, inv, inv.Created === undefined);
}

const salesInvoices: Handler = {
  list: (c) => c.div.salesInvoices,
  create(c, raw) {
    const e = ENTITIES.SalesInvoices;
    const b = bindEntity(e, raw, 'POST');
    const p = new Problems();
    requireFields(e, b, p);
    const lines = b.lines.get('SalesInvoiceLines') ?? [];
    for (const l of lines) requireFields(ENTITIES.SalesInvoiceLines, l, p, ['InvoiceID', 'GLAccount']);
    const charges = b.lines.get('SalesInvoiceOrderChargeLines') ?? [];
    const h = invoiceHeader(c, b.values, null, p);
    const inv: Rec = { ...b.values, InvoiceID: randomUUID(), InvoiceDate: h.date, Status: 20, StatusDescription: 'Open', Document: null };
    inv.SalesInvoiceLines = lines.map((l, i) => buildInvoiceLine(c, inv, l, h.invoiceTo, h.journal, h.rate, p, i + 1));
    inv.SalesInvoiceOrderChargeLines = charges.map((l, i) => buildChargeLine(c, inv, l, h.journal, h.rate, p, i + 1));
    p.throwIfAny();
    applyInvoiceHeader(c, inv, h, b.values);
    inv.InvoiceNumber = nextNumber(c.div, inv.Journal as string, h.date);
    invoiceTotals(inv);
    c.div.salesInvoices.push(inv);
    return inv;
  },
  update(c, inv, raw) {
    const b = bindEntity(ENTITIES.SalesInvoices, raw, 'PUT');
    if (inv.Status === 50) throw validation('Reeds verwerkt');
    const p = new Problems();
    const h = invoiceHeader(c, b.values, inv, p);
    p.throwIfAny();
    Object.assign(inv, b.values);
    applyInvoiceHeader(c, inv, h, b.values);
    invoiceTotals(inv);
  },
  remove(c, inv) {
    if (inv.Status === 50) throw validation('Reeds verwerkt');
    c.div.salesInvoices.splice(c.div.salesInvoices.indexOf(inv), 1);
  },
};

function invoiceLineHandler(kind: 'SalesInvoiceLines' | 'SalesInvoiceOrderChargeLines'): Handler {
  const owner = (c: Ctx, line: Rec): Rec => c.div.salesInvoices.find((i) => (i[kind] as Rec[]).includes(line))!;
  const build = (c: Ctx, inv: Rec, b: Bound, p: Problems, n: number): Rec => {
    const journal = c.div.journals.find((j) => j.Code === inv.Journal);
    const account = findAccount(c.div, inv.InvoiceTo);
    return kind === 'SalesInvoiceLines'
      ? buildInvoiceLine(c, inv, b, account, journal, (inv._rate as string) ?? '1', p, n)
      : buildChargeLine(c, inv, b, journal, (inv._rate as string) ?? '1', p, n);
  };
  return {
    list: (c) => c.div.salesInvoices.flatMap((i) => i[kind] as Rec[]),
    create(c, raw) {
      const b = bindEntity(ENTITIES[kind], raw, 'POST');
      const p = new Problems();
      requireFields(ENTITIES[kind], b, p, ['GLAccount']);
      const inv = b.values.InvoiceID != null ? c.div.salesInvoices.find((i) => i.InvoiceID === b.values.InvoiceID) : undefined;
      if (b.values.InvoiceID != null && !inv) p.add('Ongeldige referentie: Factuur');
      p.throwIfAny();
      if (inv!.Status === 50) throw validation('Reeds verwerkt');
      const arr = inv![kind] as Rec[];
      const line = build(c, inv!, b, p, arr.length + 1);
      p.throwIfAny();
      arr.push(line);
      invoiceTotals(inv!);
      return line;
    },
    update(c, line, raw) {
      const b = bindEntity(ENTITIES[kind], raw, 'PUT');
      const inv = owner(c, line);
      if (inv.Status === 50) throw validation('Reeds verwerkt');
      const p = new Problems();
      const merged = { ...line, ...b.values };
      for (const k of ['AmountFC', 'VATAmountFC', 'VATPercentage', 'AmountFCInclVAT']) if (!(k in b.values)) delete merged[k];
      const next = build(c, inv, { values: merged, lines: new Map() }, p, line.LineNumber as number);
      p.throwIfAny();
      Object.assign(line, next, { ID: line.ID });
      invoiceTotals(inv);
    },
    remove(c, line) {
      const inv = owner(c, line);
      if (inv.Status === 50) throw validation('Reeds verwerkt');
      const arr = inv[kind] as Rec[];
      arr.splice(arr.indexOf(line), 1);
      invoiceTotals(inv);
    },
  };
}

// ================================================================ PrintedSalesInvoices

const printedSalesInvoices: Handler = {
  list: () => [],
  create(c, raw) {
    const e = ENTITIES.PrintedSalesInvoices;
    const b = bindEntity(e, raw, 'POST');
    const p = new Problems();
    requireFields(e, b, p);
    // The key is the invoice to process: supplied by the client, so mandatory here.
    if (b.values.InvoiceID == null) p.add('Verplicht: InvoiceID');
    p.throwIfAny();
    const inv = c.div.salesInvoices.find((i) => i.InvoiceID === b.values.InvoiceID);
    if (!inv) throw validation('Ongeldige referentie: Factuur');
    if (inv.Status === 50) throw validation('Reeds verwerkt');
    const date = (b.values.InvoiceDate as number | undefined) ?? (inv.InvoiceDate as number);
    const period = checkDate(c, date, p);
    if (b.values.ReportingYear != null && period && b.values.ReportingYear !== period.FinYear) p.add('Ongeldig: Boekjaar');
    p.throwIfAny();

    // The financial transaction: one sales entry with the invoice's number (spec 5.8).
    const entryLines: Bound[] = [
      ...(inv.SalesInvoiceLines as Rec[]).map((l) => ({
        values: { GLAccount: l.GLAccount, AmountFC: l.VATCode && findVat(c.div, l.VATCode)?.Type === 'I' ? l._gross : l.AmountFC, VATCode: l.VATCode, VATAmountFC: l.VATAmountFC, Description: l.Description, Quantity: l.Quantity },
        lines: new Map(),
      })),
      ...(inv.SalesInvoiceOrderChargeLines as Rec[]).map((l) => ({
        values: { GLAccount: l.GLAccount, AmountFC: l.VATCode && findVat(c.div, l.VATCode)?.Type === 'I' ? l.AmountFCInclVAT : l.AmountFCExclVAT, VATCode: l.VATCode, VATAmountFC: l.AmountVATFC, Description: l.OrderChargesLineDescription ?? 'Toeslag' },
        lines: new Map(),
      })),
    ];
    const entry = createEntry(
      c,
      {
        values: {
          Journal: inv.Journal,
          Customer: inv.InvoiceTo,
          EntryDate: date,
          EntryNumber: undefined,
          YourRef: inv.YourRef ?? null,
          Description: inv.Description ?? null,
          PaymentCondition: inv.PaymentCondition,
          PaymentReference: inv.PaymentReference ?? null,
          Currency: inv.Currency,
          Rate: inv._rate,
          DueDate: inv.DueDate,
        },
        lines: new Map([['SalesEntryLines', entryLines]]),
      },
      { status: 50, invoiceId: inv.InvoiceID as string },
    );
    // The entry carries the invoice number (numbers are shared within the journal).
    entry.EntryNumber = inv.InvoiceNumber;
    entry.InvoiceNumber = inv.InvoiceNumber;
    inv._entryId = entry.EntryID;

    const documentId = randomUUID();
    c.div.documents.push({ ID: documentId, Subject: `Factuur ${String(inv.InvoiceNumber)}`, Type: 10, Account: inv.InvoiceTo, InvoiceID: inv.InvoiceID, Created: c.now });
    inv.Status = 50;
    inv.StatusDescription = 'Verwerkt';
    inv.InvoiceDate = date;
    inv.Document = documentId;
    inv.DocumentNumber = inv.InvoiceNumber;
    stamp(c, inv, false);

    const out: Rec = { ...b.values, Division: c.div.division, Document: documentId, InvoiceDate: date };
    out.DocumentCreationSuccess = 'Document is aangemaakt.';
    out.DocumentCreationError = null;
    if (b.values.SendEmailToCustomer === true) {
      const to = (findAccount(c.div, inv.InvoiceTo)?.Email as string | null) ?? null;
      if (to) {
        c.div.emails.push({ invoiceId: inv.InvoiceID as string, invoiceNumber: inv.InvoiceNumber as number, to, sender: (b.values.SenderEmailAddress as string) ?? null, at: c.now });
        out.EmailCreationSuccess = 'E-mail is aangemaakt.';
        out.EmailCreationError = null;
      } else {
        out.EmailCreationSuccess = null;
        out.EmailCreationError = 'Geen e-mailadres bij de relatie.';
      }
    }
    return out;
  },
};

// ================================================================ SalesOrders

function buildOrderLine(c: Ctx, order: Rec, b: Bound, account: Rec | undefined, p: Problems, lineNo: number): Rec {
  const v = b.values;
  const x = priceLine(c, v, account, order.OrderDate as number, undefined, p, 'VATAmount');
  return {
    ...v,
    ID: typeof v.ID === 'string' ? v.ID : randomUUID(),
    OrderID: order.OrderID,
    Division: c.div.division,
    LineNumber: lineNo,
    ItemCode: x.item?.Code ?? null,
    ItemDescription: x.item?.Description ?? null,
    Description: v.Description ?? x.item?.Description ?? null,
    Quantity: x.quantity,
    UnitPrice: x.unitPrice,
    Discount: x.discount,
    NetPrice: x.netPrice,
    AmountFC: x.r.base,
    AmountDC: x.r.base,
    VATCode: x.r.code,
    VATCodeDescription: x.r.codeDescription,
    VATPercentage: x.r.percentage,
    VATAmount: x.r.vat,
    QuantityDelivered: '0',
    QuantityInvoiced: '0',
    DeliveryStatus: 12,
    InvoiceStatus: 12,
    OrderStatus: 12,
  };
}

function orderTotals(o: Rec): void {
  const lines = o.SalesOrderLines as Rec[];
  const excl = sum(lines.map((l) => l.AmountFC as string));
  const vat = sum(lines.map((l) => l.VATAmount as string));
  o.AmountFCExclVat = fixed(excl);
  o.AmountFC = fixed(excl.plus(vat));
  o.AmountDC = o.AmountFC;
  lines.forEach((l, i) => {
    l.LineNumber = i + 1;
    l.OrderNumber = o.OrderNumber;
  });
}

const NEGATIVE_ORDER = 'Ongeldig: Totaalbedrag (een verkooporder mag geen negatief totaal hebben)';

const salesOrders: Handler = {
  list: (c) => c.div.salesOrders,
  create(c, raw) {
    const e = ENTITIES.SalesOrders;
    const b = bindEntity(e, raw, 'POST');
    const p = new Problems();
    requireFields(e, b, p);
    const lines = b.lines.get('SalesOrderLines') ?? [];
    for (const l of lines) requireFields(ENTITIES.SalesOrderLines, l, p, ['OrderID']);
    const orderedBy = customerFor(c, b.values.OrderedBy, 'Besteld door', p);
    if (b.values.InvoiceTo != null && b.values.InvoiceTo !== b.values.OrderedBy) customerFor(c, b.values.InvoiceTo, 'Factuur voor', p);
    if (typeof b.values.OrderNumber === 'number' && c.div.salesOrders.some((o) => o.OrderNumber === b.values.OrderNumber)) {
      p.add('Verkoopordernummer: Bestaat reeds');
    }
    const date = (b.values.OrderDate as number | undefined) ?? dayStart(c.now);
    const pc = paymentConditionFor(c, b.values.PaymentCondition, orderedBy, p);
    const order: Rec = { ...b.values, OrderID: randomUUID(), OrderDate: date, SalesOrderLines: [] };
    order.SalesOrderLines = lines.map((l, i) => buildOrderLine(c, order, l, orderedBy, p, i + 1));
    orderTotals(order);
    if (dec(order.AmountFC as string).isNegative()) p.add(NEGATIVE_ORDER);
    p.throwIfAny();
    order.OrderNumber =
      typeof b.values.OrderNumber === 'number' ? b.values.OrderNumber : c.div.salesOrders.reduce((m, o) => Math.max(m, o.OrderNumber as number), 0) + 1;
    orderTotals(order);
    Object.assign(order, {
      OrderedByName: orderedBy?.Name ?? null,
      InvoiceTo: order.InvoiceTo ?? order.OrderedBy,
      DeliverTo: order.DeliverTo ?? order.OrderedBy,
      PaymentCondition: pc?.Code ?? null,
      PaymentConditionDescription: pc?.Description ?? null,
      Currency: order.Currency ?? c.div.currency,
      Status: 12,
      StatusDescription: 'Open',
      DeliveryStatus: 12,
      InvoiceStatus: 12,
      ApprovalStatus: order.ApprovalStatus ?? 1,
    });
    stamp(c, order, true);
    c.div.salesOrders.push(order);
    return order;
  },
  update(c, order, raw) {
    const b = bindEntity(ENTITIES.SalesOrders, raw, 'PUT');
    if (order.Status === 21) throw validation('Reeds verwerkt');
    const p = new Problems();
    if ('InvoiceTo' in b.values && b.values.InvoiceTo !== order.InvoiceTo) p.add('Niet toegestaan: Factuur voor wijzigen');
    if ('DeliverTo' in b.values && b.values.DeliverTo !== order.DeliverTo) p.add('Niet toegestaan: Afleveren aan wijzigen');
    if (typeof b.values.OrderNumber === 'number' && c.div.salesOrders.some((o) => o !== order && o.OrderNumber === b.values.OrderNumber)) {
      p.add('Verkoopordernummer: Bestaat reeds');
    }
    p.throwIfAny();
    Object.assign(order, b.values);
    orderTotals(order);
    stamp(c, order, false);
  },
  remove(c, order) {
    c.div.salesOrders.splice(c.div.salesOrders.indexOf(order), 1);
  },
};

const salesOrderLines: Handler = {
  list: (c) => c.div.salesOrders.flatMap((o) => o.SalesOrderLines as Rec[]),
  create(c, raw) {
    const b = bindEntity(ENTITIES.SalesOrderLines, raw, 'POST');
    const p = new Problems();
    requireFields(ENTITIES.SalesOrderLines, b, p);
    const order = b.values.OrderID != null ? c.div.salesOrders.find((o) => o.OrderID === b.values.OrderID) : undefined;
    if (b.values.OrderID != null && !order) p.add('Ongeldige referentie: Verkooporder');
    p.throwIfAny();
    const lines = order!.SalesOrderLines as Rec[];
    const line = buildOrderLine(c, order!, b, findAccount(c.div, order!.OrderedBy), p, lines.length + 1);
    p.throwIfAny();
    lines.push(line);
    orderTotals(order!);
    if (dec(order!.AmountFC as string).isNegative()) {
      lines.pop();
      orderTotals(order!);
      throw validation(NEGATIVE_ORDER);
    }
    return line;
  },
  update(c, line, raw) {
    const b = bindEntity(ENTITIES.SalesOrderLines, raw, 'PUT');
    const order = c.div.salesOrders.find((o) => (o.SalesOrderLines as Rec[]).includes(line))!;
    if (order.Status === 21) throw validation('Reeds verwerkt');
    const p = new Problems();
    const merged = { ...line, ...b.values };
    for (const k of ['AmountFC', 'VATAmount', 'VATPercentage', 'NetPrice']) if (!(k in b.values)) delete merged[k];
    const next = buildOrderLine(c, order, { values: merged, lines: new Map() }, findAccount(c.div, order.OrderedBy), p, line.LineNumber as number);
    p.throwIfAny();
    const before = { ...line };
    Object.assign(line, next, { ID: line.ID });
    orderTotals(order);
    if (dec(order.AmountFC as string).isNegative()) {
      Object.assign(line, before);
      orderTotals(order);
      throw validation(NEGATIVE_ORDER);
    }
  },
  remove(c, line) {
    const order = c.div.salesOrders.find((o) => (o.SalesOrderLines as Rec[]).includes(line));
    if (!order) throw notFound();
    const lines = order.SalesOrderLines as Rec[];
    lines.splice(lines.indexOf(line), 1);
    orderTotals(order);
  },
};

export const documentHandlers: Partial<Record<EntityName, Handler>> = {
  SalesEntries: salesEntries,
  SalesEntryLines: salesEntryLines,
  SalesInvoices: salesInvoices,
  SalesInvoiceLines: invoiceLineHandler('SalesInvoiceLines'),
  SalesInvoiceOrderChargeLines: invoiceLineHandler('SalesInvoiceOrderChargeLines'),
  PrintedSalesInvoices: printedSalesInvoices,
  SalesOrders: salesOrders,
  SalesOrderLines: salesOrderLines,
};

