/**
 * Read the documents back out of the simulated books, as an accountant would see them: the
 * reference, the gross total and the VAT per percentage that the *simulator* computed. The demo
 * and the end-to-end tests reconcile these against the shop's own figures.
 */
import { D, dec, fixed } from '../model/money';
import type { ExactSimulator } from './exact';
import type { MoneybirdSimulator } from './moneybird';

type Rec = Record<string, unknown>;

export interface BooksDocument {
  reference: string;
  kind: string;
  id: string;
  gross: string;
  /** VAT per percentage ("21", "9", "0", "19") as the books computed it. */
  vatByPercent: Record<string, string>;
  count: number;
}

function add(map: Map<string, BooksDocument>, doc: Omit<BooksDocument, 'count'>, list?: BooksDocument[]) {
  list?.push({ ...doc, count: 1 });
  const prev = map.get(doc.reference);
  map.set(doc.reference, prev ? { ...doc, count: prev.count + 1 } : { ...doc, count: 1 });
}

function pctKey(p: InstanceType<typeof D>): string {
  return p.toFixed(Math.max(0, p.decimalPlaces()));
}

/** By reference (`count` = documents carrying it); `list`, when given, receives every document. */
export function booksFromExact(sim: ExactSimulator, list?: BooksDocument[]): Map<string, BooksDocument> {
  const out = new Map<string, BooksDocument>();
  const kinds: Array<[string, Rec[], string]> = [
    ['SalesEntry', sim.state.salesEntries, 'SalesEntryLines'],
    ['SalesInvoice', sim.state.salesInvoices, 'SalesInvoiceLines'],
    ['SalesOrder', sim.state.salesOrders, 'SalesOrderLines'],
  ];
  for (const [kind, docs, linesKey] of kinds) {
    for (const d of docs) {
      const ref = d.YourRef as string | null;
      if (!ref) continue;
      // A processed invoice also creates a sales entry with the same reference: count the invoice only.
      if (kind === 'SalesEntry' && d.InvoiceNumber != null && sim.state.salesInvoices.some((i) => i.YourRef === ref)) continue;
      const lines = (d[linesKey] as Rec[] | undefined) ?? [];
      const vat = new Map<string, InstanceType<typeof D>>();
      let gross = new D(0);
      for (const l of lines) {
        const v = dec(String(l.VATAmountFC ?? l.VATAmount ?? '0'));
        gross = gross.plus(String(l.AmountFC ?? '0')).plus(v);
        const p = pctKey(dec(String(l.VATPercentage ?? '0')).times(100));
        vat.set(p, (vat.get(p) ?? new D(0)).plus(v));
      }
      add(out, { reference: ref, kind, id: String(d.EntryID ?? d.InvoiceID ?? d.OrderID ?? ''), gross: fixed(gross), vatByPercent: Object.fromEntries([...vat].map(([k, v]) => [k, fixed(v)])) }, list);
    }
  }
  return out;
}

export function booksFromMoneybird(sim: MoneybirdSimulator, list?: BooksDocument[]): Map<string, BooksDocument> {
  const out = new Map<string, BooksDocument>();
  const rates = new Map(sim.state.taxRates.map((r) => [String(r.id), r]));
  const kinds: Array<[string, Rec[]]> = [
    ['SalesInvoice', sim.state.salesInvoices],
    ['ExternalSalesInvoice', sim.state.externalSalesInvoices],
  ];
  for (const [kind, docs] of kinds) {
    for (const d of docs) {
      const ref = d.reference as string | null;
      if (!ref) continue;
      const vat = new Map<string, InstanceType<typeof D>>();
      for (const t of (d.tax_totals as Rec[] | undefined) ?? []) {
        const rate = rates.get(String(t.tax_rate_id));
        const p = pctKey(dec(String(rate?.percentage ?? '0')));
        vat.set(p, (vat.get(p) ?? new D(0)).plus(String(t.tax_amount ?? '0')));
      }
      add(out, { reference: ref, kind, id: String(d.id), gross: fixed(String(d.total_price_incl_tax ?? '0')), vatByPercent: Object.fromEntries([...vat].map(([k, v]) => [k, fixed(v)])) }, list);
    }
  }
  return out;
}

/** What the books say about the follow-ups of documents: open items and attached PDFs. */
export interface BooksFollowUps {
  /** Open amount per document reference (a settled document is absent). */
  open: Map<string, string>;
  /** Open items that belong to no document: payments that matched nothing (e.g. a duplicate). */
  unallocated: number;
  /** PDF attachments per document reference. */
  pdfs: Map<string, number>;
}

export function followUpsFromExact(sim: ExactSimulator): BooksFollowUps {
  const open = new Map<string, string>();
  let unallocated = 0;
  for (const r of sim.state.receivables()) {
    const ref = r.YourRef as string | null;
    if (r.InvoiceNumber == null || !ref) unallocated++;
    else open.set(ref, fixed(dec(open.get(ref) ?? '0').plus(String(r.AmountFC))));
  }
  const refOfDocument = (d: Rec): string | null => {
    const link = d.FinancialTransactionEntryID;
    if (link) {
      const e = sim.state.salesEntries.find((x) => x.EntryID === link) ?? sim.state.salesInvoices.find((x) => x.InvoiceID === link);
      return (e?.YourRef as string | undefined) ?? null;
    }
    if (d.SalesOrderNumber != null) return (sim.state.salesOrders.find((o) => o.OrderNumber === d.SalesOrderNumber)?.YourRef as string | undefined) ?? null;
    return null;
  };
  const pdfs = new Map<string, number>();
  for (const d of sim.state.documents) {
    const ref = refOfDocument(d);
    if (!ref) continue;
    const n = sim.state.documentAttachments.filter((a) => a.Document === d.ID).length;
    if (n) pdfs.set(ref, (pdfs.get(ref) ?? 0) + n);
  }
  return { open, unallocated, pdfs };
}

export function followUpsFromMoneybird(sim: MoneybirdSimulator): BooksFollowUps {
  const open = new Map<string, string>();
  const pdfs = new Map<string, number>();
  for (const d of [...sim.state.salesInvoices, ...sim.state.externalSalesInvoices] as Rec[]) {
    const ref = d.reference as string | null;
    if (!ref) continue;
    const unpaid = dec(String(d.total_unpaid ?? '0'));
    if (!unpaid.isZero()) open.set(ref, fixed(unpaid));
    const n = ((d.attachments as Rec[] | undefined) ?? []).length;
    if (n) pdfs.set(ref, (pdfs.get(ref) ?? 0) + n);
  }
  return { open, unallocated: 0, pdfs };
}
