/**
 * `npm run bench`: Shopbooks against the only limit that matters, the accounting APIs' rate budgets.
 *
 *  1. API calls per booked document on a realistic mix (returning customers), against the floor
 *     (Exact: one write per sales entry; Moneybird: document + payment) and peers (~3 per order).
 *  2. Latency from an order-status change to booked, p50/p95, with `shopbooks worker` triggered by
 *     signed WooCommerce webhooks, at Exact's real rate limit (60 calls a minute).
 *  3. Backfill wall time against (calls needed / allowed rate), limits scaled down in time.
 *  4. Plan-and-map throughput on one core, and peak RSS of a 100 000-order engine run with a
 *     FileStore (in-process generator source, a target that only counts).
 *
 * Options: --only calls,latency,backfill,throughput  --orders 1000  --books exact,moneybird  --backfill-orders 10000
 *          --latency-orders 30  --throughput-orders 100000  --json FILE
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../sync-core/src/config';
import { createSource, createTarget } from '../sync-core/src/app/wiring';
import { runSync } from '../sync-core/src/engine/sync';
import { startSandbox, exactConfig, seedExactGenericItem } from '../sync-core/src/sandbox';
import { startWooCommerceSimulator, SANDBOX_CONSUMER_KEY, SANDBOX_CONSUMER_SECRET } from '../sync-core/src/sandbox/woocommerce';
import { startExactSimulator } from '../sync-core/src/sandbox/exact';
import { generateShop } from '../sync-core/src/sandbox/woocommerce/generate';
import { restOrder, restRefund } from '../sync-core/src/sandbox/woocommerce/rest';
import { DEFAULT_SHOP_SETTINGS } from '../sync-core/src/sandbox/woocommerce/types';
import { mapWooOrder } from '../sync-core/src/sources/woocommerce/map-order';
import { planOrder, planRefund } from '../sync-core/src/plan/index';
import { PlanSettings } from '../sync-core/src/plan/settings';
import { MemoryStore } from '../sync-core/src/store/memory-store';
import { FileStore } from '../sync-core/src/store/file-store';
import { startWorker } from '../sync-core/src/worker';
import { shopOrders } from '../sync-core/src/e2e/harness';
import type { OrderPage, OrderQuery, Source, SourceOrder } from '../sync-core/src/sources/port';
import type { Target, DocumentRef } from '../sync-core/src/targets/port';
import type { BookingPlan } from '../sync-core/src/plan/types';
import { arg, sleep } from './lib/args';

const log = (s: string) => process.stdout.write(s + '\n');
const ratio = (a: number, b: number) => (b ? (a / b).toFixed(2) : '-');
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
};
const results: Record<string, unknown> = {};

// ---------------------------------------------------------------- 1. calls per booked document
async function callsPerOrder(orders: number, books: string[]) {
  log(`\n1. API calls per booked document: ${orders} generated WooCommerce orders (returning customers, refunds, foreign currency, OSS, B2B)`);
  const rows: string[][] = [];
  // Exact twice on the same shop: with sync/CRM/Accounts (the customer map), and as an
  // administration without it (per-order look-up of every new e-mail, the client before the map).
  const variants = [
    ...(books.includes('exact') ? [{ target: 'exact' as const, label: 'Exact (sales entries)', syncApi: 'on' as const }, { target: 'exact' as const, label: 'Exact, per-order look-ups (no sync API)', syncApi: 'notFound' as const }] : []),
    ...(books.includes('moneybird') ? [{ target: 'moneybird' as const, label: 'Moneybird (invoice + payment)', syncApi: 'on' as const }] : []),
  ];
  for (const { target, label, syncApi } of variants) {
    const sb = await startSandbox({ target, platform: 'woocommerce', orders, seed: 4242, exactSim: { rateLimit: { minutely: 1_000_000, daily: 10_000_000 }, syncApi }, moneybirdSim: { rateLimit: { limit: 1_000_000, windowSec: 1 } } });
    try {
      const overrides = target === 'moneybird' ? { moneybird: { ...(sb.config.moneybird as Record<string, unknown>), rateLimit: { limit: 1_000_000, windowSec: 1 } } } : {};
      const config = parseConfig({ ...sb.config, ...overrides });
      const store = new MemoryStore();
      const customersBefore = sb.customerCount();
      const t = Date.now();
      const s = await runSync({ source: createSource(config), target: createTarget(config), store, plan: config.plan, rules: config.rules }, { mode: 'sync' });
      const wall = (Date.now() - t) / 1000;
      const stats = (sb.exact ?? sb.moneybird)!.stats;
      const docs = s.booked.order + s.booked.refund + s.booked.cancellation;
      const shop = await shopOrders(sb);
      const seen = new Set<string>();
      let returning = 0;
      for (const o of [...shop].sort((a, b) => a.createdAt.localeCompare(b.createdAt))) {
        const e = o.customer.email.trim().toLowerCase();
        if (seen.has(e)) returning++;
        seen.add(e);
      }
      const floor = target === 'exact' ? docs : 2 * docs;
      // Customers the books did not have must be created: one write each.
      const created = sb.customerCount() - customersBefore;
      const floorWithCreates = floor + (target === 'exact' ? created : 0);
      const setup = Object.entries(stats.byPath).filter(([p]) => /VATCodes|GLAccounts|Journals|logistics\/Items|oauth|administrations|tax_rates|ledger_accounts|workflows|document_styles/.test(p)).reduce((n, [, c]) => n + c, 0);
      const perDoc = stats.requests / docs;
      const perDocNoSetup = (stats.requests - setup) / docs;
      const key = target === 'exact' && syncApi !== 'on' ? 'calls.exact-per-order-lookups' : `calls.${target}`;
      results[key] = { docs, requests: stats.requests, setup, writes: stats.writes, floor, created, floorWithCreates, perDoc, perDocNoSetup, returningShare: returning / shop.length, byPath: stats.byPath, wall };
      rows.push([label, String(docs), String(stats.requests), perDoc.toFixed(2), (floor / docs).toFixed(2), ratio(stats.requests, floor), target === 'exact' ? `${(floorWithCreates / docs).toFixed(2)} (${ratio(stats.requests, floorWithCreates)})` : '-', ratio(perDoc, 3), `${((100 * returning) / shop.length).toFixed(0)}%`]);
      log(`   ${label}: ${JSON.stringify(stats.byPath)}`);
    } finally {
      await sb.close();
    }
  }
  log(table(['Books', 'Documents', 'Calls', 'Calls/doc', 'Floor/doc', 'x floor (target <= 1.05)', 'Docs + creates /doc (x)', 'x peers (3/order)', 'Returning customers'], rows));
}

// ---------------------------------------------------------------- 2. latency with the webhook worker
async function latency(n: number, everyMs: number) {
  log(`\n2. Latency from order-status change to booked: ${n} orders paid one every ${everyMs / 1000} s, shopbooks worker (interval 300 s) triggered by signed webhooks, Exact at its REAL limit of 60 calls a minute`);
  const woo = await startWooCommerceSimulator({ port: 0, seed: 1, orderCount: 0 });
  const exact = await startExactSimulator({ port: 0, tokenLifetimeSec: 600 });
  await seedExactGenericItem(exact);
  const config = parseConfig({
    source: { platform: 'woocommerce', url: woo.url, consumerKey: SANDBOX_CONSUMER_KEY, consumerSecret: SANDBOX_CONSUMER_SECRET, shopId: 'bench' },
    target: 'exact',
    exact: exactConfig(exact),
    plan: { referencePrefix: '' },
    rules: { startDate: '2000-01-01' },
    store: { kind: 'memory' },
  });
  const store = new MemoryStore();
  const target = createTarget(config);
  const secret = 'bench-webhook-secret';
  const worker = await startWorker({ port: 0, intervalSec: 300, coalesceMs: 200, webhookSecret: secret }, () => runSync({ source: createSource(config), target, store, plan: config.plan, rules: config.rules }, { mode: 'sync' }));
  try {
    await woo.webhooks.add({ topic: 'order.created', deliveryUrl: worker.webhookUrl, secret });
    await woo.webhooks.add({ topic: 'order.updated', deliveryUrl: worker.webhookUrl, secret });
    await worker.idle();
    const gen = generateShop({ seed: 77, count: n * 2, startDate: new Date(Date.now() - 3600_000) });
    const records = gen.orders.filter((r) => r.currency === 'EUR').slice(0, n);
    const paidAt = new Map<string, number>();
    for (const r of records) {
      r.refunds = [];
      r.status = 'pending';
      r.date_paid_gmt = null;
      r.date_completed_gmt = null;
      // placed a few minutes ago (the generator spreads orders over days after its start date)
      const placed = new Date(Date.now() - 600_000).toISOString().slice(0, 19);
      r.date_created_gmt = placed;
      r.date_modified_gmt = placed;
      woo.shop.addOrder(r, { notify: true });
    }
    await sleep(1000);
    await worker.idle();
    for (const r of records) {
      woo.shop.setStatus(r.id, 'processing');
      paidAt.set(String(r.id), Date.now());
      await sleep(everyMs);
    }
    const latencies: number[] = [];
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline) {
      const booked = (await store.listEntries({ status: 'booked' })).filter((e) => e.kind === 'order' && paidAt.has(e.orderId));
      if (booked.length >= records.length) break;
      await sleep(250);
    }
    for (const e of await store.listEntries({ status: 'booked' })) {
      const t0 = paidAt.get(e.orderId);
      if (t0 === undefined || e.kind !== 'order') continue;
      latencies.push((Date.parse(e.updatedAt) - t0) / 1000);
    }
    const p50 = pct(latencies, 50);
    const p95 = pct(latencies, 95);
    results.latency = { orders: records.length, booked: latencies.length, p50, p95, runs: worker.runs, exactRequests: exact.stats.requests, tooMany: exact.stats.tooManyRequests };
    log(table(['Orders paid', 'Booked', 'p50 (s)', 'p95 (s)', 'p95 / target 30 s', 'worker runs', '429s'], [[String(records.length), String(latencies.length), p50.toFixed(1), p95.toFixed(1), ratio(p95, 30), String(worker.runs), String(exact.stats.tooManyRequests)]]));
  } finally {
    await worker.close();
    await woo.close();
    await exact.close();
  }
}

// ---------------------------------------------------------------- 3. backfill against the rate floor
async function backfill(orders: number, perWindow: number, windowMs: number) {
  const rate = (perWindow * 1000) / windowMs;
  log(`\n3. Backfill of ${orders} orders into Exact, rate limit scaled down in time: ${perWindow} calls per ${windowMs} ms (${rate}/s; real: 60 per minute)`);
  const sb = await startSandbox({ target: 'exact', platform: 'woocommerce', orders, seed: 99, exactSim: { rateLimit: { minutely: perWindow, windowMs, daily: 10_000_000 } } });
  try {
    const config = parseConfig(sb.config);
    const store = new MemoryStore();
    const t = Date.now();
    const s = await runSync({ source: createSource(config), target: createTarget(config), store, plan: config.plan, rules: config.rules }, { mode: 'backfill', since: '2000-01-01' });
    const wall = (Date.now() - t) / 1000;
    const calls = sb.exact!.stats.requests;
    const docs = s.booked.order + s.booked.refund + s.booked.cancellation;
    const floorCalls = docs; // one write per sales entry
    results.backfill = { orders, docs, calls, wall, rate, callsFloorSeconds: calls / rate, docFloorSeconds: floorCalls / rate, tooMany: sb.exact!.stats.tooManyRequests, failed: s.failed };
    log(table(['Documents', 'Calls made', 'Wall (s)', 'Calls made / rate (s)', 'x (pacing, target <= 1.05)', 'Floor: docs / rate (s)', 'x floor', '429s'], [[String(docs), String(calls), wall.toFixed(1), (calls / rate).toFixed(1), ratio(wall, calls / rate), (floorCalls / rate).toFixed(1), ratio(wall, floorCalls / rate), String(sb.exact!.stats.tooManyRequests)]]));
  } finally {
    await sb.close();
  }
}

// ---------------------------------------------------------------- 4. throughput and RSS
/** An in-process shop: generated orders in chunks of 1 000, never all in memory. */
class GeneratorSource implements Source {
  readonly platform = 'woocommerce' as const;
  readonly shopId = 'bench-generator';
  callCount = 0;
  constructor(private readonly total: number) {}
  async *listOrders(_q: OrderQuery): AsyncIterable<OrderPage> {
    const chunk = 1000;
    const pages = Math.ceil(this.total / chunk);
    for (let p = 0; p < pages; p++) {
      const g = generateShop({ seed: 1000 + p, count: Math.min(chunk, this.total - p * chunk), firstId: 1_000_000 + p * 10_000, startDate: new Date(Date.UTC(2024, 0, 1) + p * 3600_000) });
      const ctx = { homeUrl: 'https://shop.example', settings: g.settings };
      const orders: SourceOrder[] = g.orders.map((r) => mapWooOrder(restOrder(r, ctx), { shopId: this.shopId, refunds: r.refunds.map((x) => restRefund(x, ctx)), taxRates: g.taxRates, roundTaxAtSubtotal: g.settings.roundAtSubtotal }));
      yield { orders, page: p + 1, totalPages: pages, totalOrders: this.total };
    }
  }
  async getOrder(): Promise<SourceOrder> {
    throw new Error('not used');
  }
  async listTaxRates() {
    return [];
  }
}

/** Books nothing anywhere: counts, so the engine and store are measured alone. */
class CountingTarget implements Target {
  readonly name = 'exact' as const;
  writes = 0;
  async prepare() {
    return { problems: [] };
  }
  async validate() {
    return { ok: true as const };
  }
  async bookDocument(plan: BookingPlan): Promise<DocumentRef> {
    this.writes++;
    return { id: `d${this.writes}`, type: 'Doc', number: plan.reference, url: null, customerId: null, recovered: false };
  }
  async findDocument(): Promise<DocumentRef | null> {
    return null;
  }
  callStats() {
    return { write: this.writes };
  }
}

async function throughput(total: number) {
  log(`\n4. Plan-and-map throughput (one core) and peak RSS of a ${total}-order engine run with a FileStore`);
  // a) pure map + plan on REST JSON
  const g = generateShop({ seed: 5, count: 2000 });
  const ctx = { homeUrl: 'https://shop.example', settings: g.settings ?? DEFAULT_SHOP_SETTINGS };
  const rest = g.orders.map((r) => ({ o: restOrder(r, ctx), refunds: r.refunds.map((x) => restRefund(x, ctx)) }));
  const planSettings = PlanSettings.parse({ referencePrefix: '', acceptedCurrencies: ['USD', 'GBP'] });
  const mapPlanOrders = Math.min(total, Number(arg('map-plan-orders', '10000')));
  // warm-up (JIT), then measure
  for (const r of rest.slice(0, 500)) {
    const so = mapWooOrder(r.o, { shopId: 's', refunds: r.refunds, taxRates: g.taxRates, roundTaxAtSubtotal: g.settings.roundAtSubtotal });
    if (so.ok) planOrder(so.order, planSettings);
  }
  let n = 0;
  const t = process.hrtime.bigint();
  while (n < mapPlanOrders) {
    for (const r of rest) {
      const so = mapWooOrder(r.o, { shopId: 's', refunds: r.refunds, taxRates: g.taxRates, roundTaxAtSubtotal: g.settings.roundAtSubtotal });
      if (so.ok) {
        planOrder(so.order, planSettings);
        for (const rf of so.order.refunds) planRefund(so.order, rf, planSettings);
      }
      if (++n >= mapPlanOrders) break;
    }
  }
  const planSec = Number(process.hrtime.bigint() - t) / 1e9;
  const planRate = mapPlanOrders / planSec;
  log(`   map + plan: ${mapPlanOrders} orders in ${planSec.toFixed(1)} s`);
  // b) the engine end to end (generator -> plan -> ledger in a FileStore -> counting target)
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-'));
  const samples: Array<{ done: number; rss: number }> = [];
  let done = 0;
  let peak = 0;
  const timer = setInterval(() => {
    const rss = process.memoryUsage().rss;
    peak = Math.max(peak, rss);
    samples.push({ done, rss });
  }, 200);
  try {
    let last = 0;
    const store = new FileStore(join(dir, 'state'));
    const target = new CountingTarget();
    const t2 = Date.now();
    const s = await runSync({ source: new GeneratorSource(total), target, store, plan: planSettings, rules: { startDate: '2000-01-01' } }, {
      mode: 'backfill',
      since: '2000-01-01',
      onProgress: (p) => {
        done = p.done;
        if (done - last >= 10_000) {
          last = done;
          log(`   ... ${done} orders, RSS ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB, ${((Date.now() - t2) / 1000).toFixed(0)} s`);
        }
      },
    });
    const engineSec = (Date.now() - t2) / 1000;
    clearInterval(timer);
    const mb = (b: number) => b / 1024 / 1024;
    const at = (f: number) => samples[Math.min(samples.length - 1, Math.floor(f * samples.length))]?.rss ?? 0;
    const quarter = mb(at(0.25));
    const end = mb(at(0.99));
    results.throughput = { total, planPerSec: planRate, engineSec, enginePerSec: total / engineSec, booked: s.booked, peakRssMb: mb(peak), rssAt25: quarter, rssAtEnd: end, samples: samples.filter((_, i) => i % 10 === 0).map((x) => ({ done: x.done, rssMb: Math.round(mb(x.rss)) })) };
    log(table(['Measure', 'Value', 'Target', 'Ratio'], [
      ['map + plan (orders/s, one core)', planRate.toFixed(0), '>= 20000', ratio(planRate, 20000)],
      ['engine run incl. FileStore ledger (orders/s)', (total / engineSec).toFixed(0), '-', '-'],
      ['documents recorded', String(s.booked.order + s.booked.refund + s.booked.cancellation), '-', '-'],
      ['peak RSS (MB)', mb(peak).toFixed(0), '< 150', ratio(mb(peak), 150)],
      ['RSS at 25% / at the end (MB)', `${quarter.toFixed(0)} / ${end.toFixed(0)}`, 'flat', ratio(end, quarter)],
    ]));
  } finally {
    clearInterval(timer);
    rmSync(dir, { recursive: true, force: true });
  }
}

function table(head: string[], rows: string[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => '   ' + r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ');
  return [line(head), '   ' + w.map((x) => '-'.repeat(x)).join('  '), ...rows.map(line)].join('\n');
}

async function main() {
  const only = arg('only', 'calls,latency,backfill,throughput').split(',');
  log('Shopbooks bench (sandbox simulators on loopback; figures are ratios against the API floor and the targets)');
  if (only.includes('calls')) await callsPerOrder(Number(arg('orders', '1000')), arg('books', 'exact,moneybird').split(','));
  if (only.includes('throughput')) await throughput(Number(arg('throughput-orders', '100000')));
  if (only.includes('backfill')) await backfill(Number(arg('backfill-orders', '10000')), Number(arg('backfill-per-window', '60')), Number(arg('backfill-window-ms', '250')));
  if (only.includes('latency')) await latency(Number(arg('latency-orders', '30')), Number(arg('latency-every-ms', '4000')));
  const out = arg('json', '');
  if (out) writeFileSync(out, JSON.stringify(results, null, 2));
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (e) => {
      process.stderr.write(String(e?.stack ?? e) + '\n');
      process.exit(2);
    },
  );
}
