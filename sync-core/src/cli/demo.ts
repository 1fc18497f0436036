/**
 * `shopbooks demo` (what `npm start` runs): the sandbox shop's orders booked into the simulated
 * books, then an independent reconciliation — the documents as the simulated books computed them,
 * against the shop's own totals and tax lines.
 */
import { parseConfig } from '../config';
import { D, dec, fixed } from '../model/money';
import type { Order } from '../model/order';
import { normalisePercent } from '../plan/vat';
import { runSync, type SyncSummary } from '../engine/sync';
import type { SandboxOptions } from '../sandbox';
import { loadSimulators } from './simulators';
import type { BooksDocument, BooksFollowUps } from '../sandbox/books';
import { createSource, createStore, createTarget } from '../app/wiring';
import { isDocumentEntry } from '../store/port';
import { targetRegistration } from '../targets/index';
import { sourceRegistration } from '../sources/index';
import { printJson, table } from './output';

export interface DemoOptions {
  target: SandboxOptions['target'];
  platform: SandboxOptions['platform'];
  orders: number;
  seed: number;
  json: boolean;
  documentKind?: string;
  realisticLimits?: boolean;
}

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

export async function runDemo(o: DemoOptions): Promise<boolean> {
  const { startSandbox } = await loadSimulators();
  const target = targetRegistration(o.target);
  const sb = await startSandbox({ target: target.name, simulator: target.simulator, platform: o.platform, orders: o.orders, seed: o.seed, documentKind: o.documentKind, fastLimits: !o.realisticLimits, followUps: true });
  try {
    const config = parseConfig(sb.config);
    const store = createStore(config);
    const say = (s: string) => !o.json && process.stdout.write(s + '\n');
    say(`Shopbooks demo: a simulated ${sourceRegistration(o.platform).label} shop with ${o.orders} orders, booked into a simulated ${target.label}.`);
    if (!o.realisticLimits) say(`(The simulated books allow ${sb.running.limitsNote} so the demo is quick; the client paces by the same rate-limit headers. --realistic-limits keeps the real ones.)`);
    const books = createTarget(config);
    const summary: SyncSummary = await runSync({ source: createSource(config, store), target: books, store, plan: config.plan, rules: config.rules, attachments: config.attachments }, { mode: 'sync' });

    // The shop's own figures, read afresh.
    const source = createSource(config);
    const orders: Order[] = [];
    for await (const page of source.listOrders({ modifiedAfter: '2000-01-01T00:00:00Z' })) for (const so of page.orders) if (so.ok) orders.push(so.order);
    const entries = (await store.listEntries()).filter((e) => e.status === 'booked');
    const rec = reconcileBooks(orders, entries, sb.books());
    const stats = sb.booksStats();
    const customers = sb.customerCount();
    const failures = (await store.listEntries()).filter((e) => e.status === 'failed');
    const skipped = (await store.listEntries()).filter((e) => e.status === 'skipped');
    const booksCalls = Object.entries(summary.targetCalls).map(([k, v]) => `${k} ${v}`).join(', ');
    const paymentsOn = target.registersPayments?.(target.config.parse(config[target.name])) ?? false;
    const pdfsOn = config.attachments.enabled && typeof books.attachPdf === 'function';
    const fu = reconcileFollowUps(orders, await store.listEntries(), sb.followUps(), { payments: paymentsOn, pdfs: pdfsOn });
    const ok = rec.ok && fu.ok && stats.tooManyRequests === 0;

    if (o.json) {
      printJson({ ok, summary, reconciliation: rec, followUps: fu, customers, booksRequests: stats, failures: failures.map((f) => ({ order: f.orderNumber, ...f.lastError })), skipped: skipped.map((s) => ({ order: s.orderNumber, reason: s.skipReason })) });
      return ok;
    }
    say('');
    say(table(['Result', 'Count'], [
      ['Orders read from the shop', summary.ordersSeen],
      ['Orders booked', summary.booked.order],
      ['Credit notes (refunds)', summary.booked.refund],
      ['Credit notes (cancellations)', summary.booked.cancellation],
      ['Customers in the books', customers],
      ['Skipped (nothing to book)', summary.skipped],
      ['Not sold (pending, on hold, failed payment)', summary.ignored],
      ['Failed, with a reason', summary.failed],
    ], ['left', 'right']));
    if (failures.length) say(table(['Order', 'Why it was not booked'], failures.map((f) => [f.orderNumber, `${f.lastError?.code}: ${f.lastError?.message}`])));
    say('');
    say('Reconciliation: the documents as the books computed them, against the shop\'s own figures');
    say(table(['', 'Shop', 'Books', ''], [
      ['Gross total (orders - credits)', rec.grossShop, rec.grossBooks, rec.grossShop === rec.grossBooks ? 'equal' : 'DIFFERENT'],
      ...rec.byRate.map((v) => [`VAT ${v.percent}% on orders (${v.currency})`, v.shop, v.books, v.shop === v.books ? 'equal' : 'DIFFERENT']),
      ['Documents per booked order/refund', '1', rec.duplicates.length ? `duplicates: ${rec.duplicates.join(', ')}` : '1', rec.duplicates.length ? 'DUPLICATES' : 'exactly once'],
      ['Orders or refunds missing in the books', '0', String(rec.missing.length), rec.missing.length ? 'MISSING' : 'none'],
      ['Documents differing by a cent or more', '0', String(rec.centDifferences.length), rec.centDifferences.length ? 'DIFFERENT' : 'none'],
    ], ['left', 'right', 'right', 'left']));
    if (rec.centDifferences.length) say(table(['Reference', 'Field', 'Shop', 'Books'], rec.centDifferences.slice(0, 20).map((d) => [d.reference, d.field, d.shop, d.books])));
    say('');
    say('Payments and invoice PDFs, as the books hold them');
    say(table(['', 'Count', ''], [
      ['Payments registered', paymentsOn ? fu.payments : '-', paymentsOn ? 'on' : 'off'],
      ['Paid orders/refunds still open in the books', fu.paidButOpen.length, fu.paidButOpen.length ? `OPEN: ${fu.paidButOpen.slice(0, 5).join(', ')}` : 'none'],
      ['Unpaid orders open in the books (as they should be)', fu.unpaidOpen, ''],
      ['Payments that matched no open item', fu.unallocatedPayments, fu.unallocatedPayments ? 'DUPLICATE OR UNMATCHED' : 'none'],
      ['Invoice PDFs attached', pdfsOn ? fu.pdfs : '-', pdfsOn ? (fu.pdfWrong.length ? `not exactly one: ${fu.pdfWrong.slice(0, 5).join(', ')}` : 'one per document') : 'off'],
    ], ['left', 'right', 'left']));
    say(`API calls: shop ${summary.sourceCalls}; books ${stats.requests} (${booksCalls}); 429 responses: ${stats.tooManyRequests}.`);
    say(ok ? `Every booked order and refund is in the books exactly once, to the cent${paymentsOn ? ', paid ones settled' : ''}${pdfsOn ? ', each with one PDF' : ''}.` : 'RECONCILIATION FAILED: see above.');
    return ok;
  } finally {
    await sb.close();
  }
}
