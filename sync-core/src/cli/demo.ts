/**
 * `shopbooks demo` (what `npm start` runs): the sandbox shop's orders booked into the simulated
 * books, then an independent reconciliation — the documents as the simulated books computed them,
 * against the shop's own totals and tax lines.
 */
import { parseConfig } from '../config';
import type { Order } from '../model/order';
import { runSync, type SyncSummary } from '../engine/sync';
import type { SandboxOptions } from '../sandbox';
import { loadSimulators } from './simulators';
import { reconcileBooks, reconcileFollowUps } from '../reconcile/reconcile-books';
import { createSource, createStore, createTarget } from '../app/wiring';
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
