/**
 * The independent reconciliation the demo, the e2e tests and the corpus end with: the documents
 * as the simulated books computed them, against the shop's own totals and tax lines, per booked
 * ledger entry — duplicates, missing and orphan documents, and every cent of difference. It reads
 * only the canonical orders, the ledger and the books: never the plan or the target it judges.
 */
import { D, dec, fixed, normalisePercent } from '../model/money';
import type { Order } from '../model/order';
import type { BooksDocument, BooksFollowUps } from '../sandbox/books';
import { isDocumentEntry } from '../store/port';

export interface Reconciliation {
  ok: boolean;
  documents: number;
  duplicates: string[];
  missing: string[];
  orphans: string[];
  centDifferences: Array<{ reference: string; field: string; shop: string; books: string }>;
  /** VAT per currency and percentage: amounts in different currencies are never added up. */
  byRate: Array<{ currency: string; percent: string; shop: string; books: string }>;
  /** Gross totals per currency, e.g. "EUR 1234.56, GBP 20.00". */
  grossShop: string;
  grossBooks: string;
}

type Sums = Map<string, InstanceType<typeof D>>;
const addTo = (m: Sums, k: string, v: InstanceType<typeof D> | string) => m.set(k, (m.get(k) ?? new D(0)).plus(v));
const perCurrency = (m: Sums) => [...m.keys()].sort().map((c) => `${c} ${fixed(m.get(c) ?? '0')}`).join(', ') || '0.00';

/** Compare what the books hold with what the shop says, for every booked ledger entry. */
export function reconcileBooks(orders: Order[], booked: Array<{ key: string; kind: string; reference: string; orderId: string; refundId: string | null }>, books: Map<string, BooksDocument>): Reconciliation {
  const byId = new Map(orders.map((o) => [o.id, o]));
  const r: Reconciliation = { ok: true, documents: 0, duplicates: [], missing: [], orphans: [], centDifferences: [], byRate: [], grossShop: '0.00', grossBooks: '0.00' };
  const rateShop: Sums = new Map();
  const rateBooks: Sums = new Map();
  const grossShop: Sums = new Map();
  const grossBooks: Sums = new Map();
  const refs = new Set<string>();
  for (const e of booked) {
    // payments and PDFs are follow-ups of a document, not documents: reconciled in their own sections
    if (!isDocumentEntry(e)) continue;
    refs.add(e.reference);
    const doc = books.get(e.reference);
    const order = byId.get(e.orderId);
    if (!doc) {
      r.missing.push(e.reference);
      continue;
    }
    r.documents++;
    if (doc.count > 1) r.duplicates.push(e.reference);
    if (!order) continue;
    let shopGross: InstanceType<typeof D>;
    if (e.kind === 'order') {
      shopGross = dec(order.totals.total);
      const shopVat = new Map<string, InstanceType<typeof D>>();
      for (const t of order.taxes) {
        const rate = order.taxRates.find((x) => x.id === t.rateId);
        const p = rate ? normalisePercent(rate.percent) : '?';
        shopVat.set(p, (shopVat.get(p) ?? new D(0)).plus(t.itemsTax).plus(t.shippingTax));
      }
      for (const p of new Set([...shopVat.keys(), ...Object.keys(doc.vatByPercent)])) {
        const s = fixed(shopVat.get(p) ?? '0');
        const b = fixed(doc.vatByPercent[p] ?? '0');
        if (s !== b) r.centDifferences.push({ reference: e.reference, field: `VAT ${p}%`, shop: s, books: b });
        addTo(rateShop, `${order.currency} ${p}`, s);
        addTo(rateBooks, `${order.currency} ${p}`, b);
      }
    } else if (e.kind === 'refund') {
      const refund = order.refunds.find((x) => x.id === e.refundId);
      shopGross = dec(refund?.amount ?? '0').negated();
    } else {
      const refunded = booked.filter((x) => x.kind === 'refund' && x.orderId === e.orderId).map((x) => order.refunds.find((rf) => rf.id === x.refundId)?.amount ?? '0');
      shopGross = dec(order.totals.total).minus(refunded.reduce((a, b) => a.plus(b), new D(0))).negated();
    }
    if (fixed(shopGross) !== doc.gross) r.centDifferences.push({ reference: e.reference, field: 'gross', shop: fixed(shopGross), books: doc.gross });
    addTo(grossShop, order.currency, shopGross);
    addTo(grossBooks, order.currency, doc.gross);
  }
  for (const ref of books.keys()) if (!refs.has(ref)) r.orphans.push(ref);
  r.byRate = [...new Set([...rateShop.keys(), ...rateBooks.keys()])]
    .map((k) => {
      const [currency, percent] = k.split(' ');
      return { currency, percent, shop: fixed(rateShop.get(k) ?? '0'), books: fixed(rateBooks.get(k) ?? '0') };
    })
    .sort((a, b) => a.currency.localeCompare(b.currency) || Number(b.percent) - Number(a.percent));
  r.grossShop = perCurrency(grossShop);
  r.grossBooks = perCurrency(grossBooks);
  r.ok = !r.duplicates.length && !r.missing.length && !r.orphans.length && !r.centDifferences.length;
  return r;
}

export interface FollowUpReconciliation {
  ok: boolean;
  /** Payments registered (ledger) and documents of paid orders the books still show open. */
  payments: number;
  paidButOpen: string[];
  /** Documents of unpaid orders, open in the books as they should be. */
  unpaidOpen: number;
  unallocatedPayments: number;
  /** PDFs attached (ledger) and documents without exactly one PDF in the books. */
  pdfs: number;
  pdfWrong: string[];
}

/** The follow-ups as the books hold them: paid documents settled, one PDF each (when attaching is on). */
export function reconcileFollowUps(orders: Order[], entries: Array<{ kind: string; reference: string; orderId: string; status: string }>, books: BooksFollowUps, o: { payments: boolean; pdfs: boolean }): FollowUpReconciliation {
  const byId = new Map(orders.map((x) => [x.id, x]));
  const booked = entries.filter((e) => e.status === 'booked');
  const r: FollowUpReconciliation = { ok: true, payments: booked.filter((e) => e.kind === 'payment').length, paidButOpen: [], unpaidOpen: 0, unallocatedPayments: books.unallocated, pdfs: booked.filter((e) => e.kind === 'attachment').length, pdfWrong: [] };
  for (const e of booked) {
    if (!isDocumentEntry(e)) continue;
    const order = byId.get(e.orderId);
    // paid means the shop recorded a payment (issue 18), never a status such as completed
    const paid = !!order && order.paidAt !== null;
    if (o.payments && paid && books.open.has(e.reference)) r.paidButOpen.push(e.reference);
    if (!paid && books.open.has(e.reference)) r.unpaidOpen++;
    if (o.pdfs && books.pdfs.get(e.reference) !== 1) r.pdfWrong.push(e.reference);
  }
  r.ok = !r.paidButOpen.length && !r.pdfWrong.length && !r.unallocatedPayments;
  return r;
}
