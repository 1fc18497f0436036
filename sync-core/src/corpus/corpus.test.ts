/**
 * The bad-input corpus served by the WooCommerce simulator and synced into each target simulator:
 * nothing crashes, every case ends exactly as written in cases.ts with a plain reason, and the
 * good orders around them still book to the cent. CORPUS_DISCOVER=1 prints the outcomes instead.
 */
import { startWooCommerceSimulator, SANDBOX_CONSUMER_KEY, SANDBOX_CONSUMER_SECRET, type WooSimulator } from '../sandbox/woocommerce';
import { startExactSimulator } from '../sandbox/exact';
import { startMoneybirdSimulator } from '../sandbox/moneybird';
import { exactConfig, moneybirdConfig, seedExactGenericItem } from '../sandbox';
import { booksFromExact, booksFromMoneybird } from '../sandbox/books';
import { generateShop } from '../sandbox/woocommerce/generate';
import { restOrder, restRefund } from '../sandbox/woocommerce/rest';
import { recordFromRest } from '../sandbox/woocommerce/fixtures';
import { parseConfig, type ShopbooksConfigInput } from '../config';
import { createSource, createTarget } from '../app/wiring';
import { runSync } from '../engine/sync';
import { MemoryStore } from '../store/memory-store';
import { reconcileBooks } from '../reconcile/reconcile-books';
import type { Order } from '../model/order';
import { buildCorpus, finishRefunds, type CorpusCase, type Outcome, type TargetName } from './cases';

jest.setTimeout(240_000);
const DISCOVER = process.env.CORPUS_DISCOVER === '1';
const expected = (c: CorpusCase, target: TargetName): Outcome => ('status' in c.expect ? (c.expect as Outcome) : (c.expect as Record<TargetName, Outcome>)[target]);
const lastRun = new Map<TargetName, { entries: Awaited<ReturnType<MemoryStore['listEntries']>>; books: ReturnType<typeof booksFromExact>; store: MemoryStore }>();

function baseOrder(homeUrl: string): Record<string, unknown> {
  const g = generateShop({ seed: 31, count: 200 });
  const rec = g.orders.find((r) => r.billing.country === 'NL' && r.currency === 'EUR' && ['completed', 'processing'].includes(r.status) && !r.refunds.length && r.line_items.length === 1 && !r.fee_lines.length && !r.coupon_lines.length && r.shipping_lines.length === 1 && r.line_items[0].quantity === 1);
  if (!rec) throw new Error('corpus: no suitable base order in the generated shop');
  return structuredClone(restOrder(rec, { homeUrl, settings: g.settings })) as Record<string, unknown>;
}

function outcomeOf(entries: Awaited<ReturnType<MemoryStore['listEntries']>>, orderId: string): { outcome: Outcome; message?: string } {
  const mine = entries.filter((e) => e.orderId === orderId);
  const bad = mine.find((e) => e.status === 'failed');
  if (bad) return { outcome: { status: 'failed', code: bad.lastError?.code ?? '?' }, message: bad.lastError?.message };
  const order = mine.find((e) => e.kind === 'order');
  if (!order) return { outcome: { status: 'ignored' } };
  if (order.status === 'skipped') return { outcome: { status: 'skipped' }, message: order.skipReason ?? undefined };
  return { outcome: { status: order.status === 'booked' ? 'booked' : 'failed', ...(order.status === 'booked' ? {} : { code: order.status }) } as Outcome };
}

/** Known, reported: Moneybird's 10 000-line invoice can time out in transport, and then the reason reads "TypeError: fetch failed". */
const knownUnplain = (name: string, target: TargetName) => target === 'moneybird' && name === 'lines-10000';

function isPlain(message: string | undefined): boolean {
  if (!message) return false;
  return message.length >= 10 && message.length <= 600 && !/undefined|\[object Object\]|TypeError|ReferenceError|\n\s+at |NaN/.test(message);
}

describe.each<TargetName>(['exact', 'moneybird'])('bad-input corpus into %s', (target) => {
  let woo: WooSimulator;
  let close: () => Promise<void>;
  let config: ShopbooksConfigInput;
  let cases: CorpusCase[];
  let books: () => ReturnType<typeof booksFromExact>;

  beforeAll(async () => {
    woo = await startWooCommerceSimulator({ port: 0, seed: 8, orderCount: 20 });
    let next = 50_000;
    const ids = () => next++;
    cases = buildCorpus(baseOrder(woo.url), ids);
    for (const c of cases) woo.shop.addOrder(recordFromRest(c.order, finishRefunds(c, ids)));
    const source = { platform: 'woocommerce', url: woo.url, consumerKey: SANDBOX_CONSUMER_KEY, consumerSecret: SANDBOX_CONSUMER_SECRET, shopId: 'corpus' };
    if (target === 'exact') {
      const sim = await startExactSimulator({ port: 0, rateLimit: { minutely: 100_000, daily: 1_000_000 } });
      await seedExactGenericItem(sim);
      config = { source, target, exact: exactConfig(sim), plan: { referencePrefix: '' }, rules: { startDate: '2000-01-01' }, store: { kind: 'memory' } } as ShopbooksConfigInput;
      books = () => booksFromExact(sim);
      close = () => sim.close();
    } else {
      const sim = await startMoneybirdSimulator({ port: 0, rateLimit: { limit: 100_000, windowSec: 1 } });
      config = { source, target, moneybird: { ...moneybirdConfig(sim), rateLimit: { limit: 100_000, windowSec: 1 } }, plan: { referencePrefix: '', acceptedCurrencies: ['USD', 'GBP'] }, rules: { startDate: '2000-01-01' }, store: { kind: 'memory' } } as ShopbooksConfigInput;
      books = () => booksFromMoneybird(sim);
      close = () => sim.close();
    }
  });
  afterAll(async () => {
    await woo.close();
    await close();
  });

  it('has at least 40 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it('syncs without crashing; each case ends as written with a plain reason; good orders book to the cent', async () => {
    const parsed = parseConfig(config);
    const store = new MemoryStore();
    const summary = await runSync({ source: createSource(parsed), target: createTarget(parsed), store, plan: parsed.plan, rules: parsed.rules }, { mode: 'sync' });
    expect(summary.ordersSeen).toBeGreaterThanOrEqual(cases.length);
    const entries = await store.listEntries();
    const got = cases.map((c) => ({ name: c.name, ...outcomeOf(entries, String(c.order.id)) }));
    if (DISCOVER) {
      process.stdout.write(`\n${target}:\n` + got.map((g) => `${g.name.padEnd(28)} ${JSON.stringify(g.outcome)} ${g.message ?? ''}`).join('\n') + '\n');
      return;
    }
    const known = new Set(cases.filter((c) => c.knownBug).map((c) => c.name));
    // Moneybird's 10 000-line invoice may time out on a loaded machine: a retryable RemoteUnavailable
    // (reported: its reason is not plain) that the next run books; either outcome is accepted here
    for (const g of got) if (knownUnplain(g.name, target) && g.outcome.status === 'failed' && g.outcome.code === 'RemoteUnavailable') g.outcome = { status: 'booked' };
    const want = cases.filter((c) => !c.knownBug).map((c) => ({ name: c.name, outcome: expected(c, target) }));
    expect(got.filter((g) => !known.has(g.name)).map((g) => ({ name: g.name, outcome: g.outcome }))).toEqual(want);
    for (const g of got) if (g.outcome.status === 'failed' && !knownUnplain(g.name, target)) expect({ name: g.name, plain: isPlain(g.message), message: g.message }).toEqual({ name: g.name, plain: true, message: g.message });
    // the good orders (the generated shop) and the booked corpus cases reconcile to the cent
    const source = createSource(parsed);
    const orders: Order[] = [];
    for await (const page of source.listOrders({ modifiedAfter: '2000-01-01T00:00:00Z' })) for (const so of page.orders) if (so.ok) orders.push(so.order);
    const knownRefs = new Set(cases.filter((c) => c.knownBug).map((c) => String(c.order.number)));
    const noSummary = new Set(cases.filter((c) => c.noTaxSummary).map((c) => String(c.order.number)));
    const booked = entries.filter((e) => e.status === 'booked' && !knownRefs.has(e.reference));
    const rec = reconcileBooks(orders, booked, books());
    const cents = rec.centDifferences.filter((d) => !(noSummary.has(d.reference) && d.field.startsWith('VAT')));
    expect({ duplicates: rec.duplicates, missing: rec.missing, orphans: rec.orphans.filter((r) => !knownRefs.has(r)), cents }).toEqual({ duplicates: [], missing: [], orphans: [], cents: [] });
    lastRun.set(target, { entries, books: books(), store });
    const generatedIds = new Set(orders.filter((o) => Number(o.id) < 50_000).map((o) => o.id));
    const goodFailed = entries.filter((e) => generatedIds.has(e.orderId) && e.status === 'failed' && !['CurrencyMismatch', 'CurrencyNotInAdministration'].includes(e.lastError?.code ?? ''));
    expect(goodFailed.map((e) => `${e.reference}: ${e.lastError?.code}`)).toEqual([]);
  });

  it('a zero-total order with bookZeroTotalOrders on is booked as a zero document or skipped with a reason, never a failure (issue 11 item 12)', async () => {
    const free = cases.find((c) => c.name === 'total-zero-free-shipping')!;
    const parsed = parseConfig({ ...config, plan: { ...(config.plan ?? {}), bookZeroTotalOrders: true } } as ShopbooksConfigInput);
    // a ledger of its own, the connection (rotated tokens) of the corpus run
    const store = new MemoryStore();
    const connection = lastRun.get(target)?.store;
    if (connection) {
      store.getToken = connection.getToken.bind(connection);
      store.compareAndSwapToken = connection.compareAndSwapToken.bind(connection);
    }
    const s = await runSync({ source: createSource(parsed), target: createTarget(parsed), store, plan: parsed.plan, rules: parsed.rules }, { mode: 'sync', orderIds: [String(free.order.id)] });
    expect(s.failures).toEqual([]);
    const e = await store.getEntry(`corpus:order:${String(free.order.id)}`);
    expect(['booked', 'skipped']).toContain(e?.status);
    if (e?.status === 'skipped') expect(isPlain(e.skipReason ?? '')).toBe(true);
    if (e?.status === 'booked') expect(books().get(String(free.order.number))?.gross).toBe('0.00');
  });

  it('a second order with a used order number is refused (DuplicateReference): one document per reference', () => {
    const run = lastRun.get(target)!;
    const dup = cases.find((c) => c.name === 'duplicate-number-2')!;
    expect(outcomeOf(run.entries, String(dup.order.id)).outcome).toEqual(expected(dup, target));
    expect(run.books.get(String(dup.order.number))?.count).toBe(1);
  });
});

/** Broken shop responses: the run stops (or retries) with a plain reason, books nothing twice, and the next run completes. */
describe.each(['non-json', 'truncated'] as const)('WooCommerce answers %s', (kind) => {
  it('fails the run with a plain reason or recovers; the next run books everything exactly once', async () => {
    const woo = await startWooCommerceSimulator({ port: 0, seed: 12, orderCount: 30 });
    const sim = await startExactSimulator({ port: 0, rateLimit: { minutely: 100_000, daily: 1_000_000 } });
    try {
      await seedExactGenericItem(sim);
      const parsed = parseConfig({ source: { platform: 'woocommerce', url: woo.url, consumerKey: SANDBOX_CONSUMER_KEY, consumerSecret: SANDBOX_CONSUMER_SECRET, shopId: 'corpus' }, target: 'exact', exact: exactConfig(sim), plan: { referencePrefix: '' }, rules: { startDate: '2000-01-01' }, store: { kind: 'memory' } } as ShopbooksConfigInput);
      const store = new MemoryStore();
      const run = () => runSync({ source: createSource(parsed), target: createTarget(parsed), store, plan: parsed.plan, rules: parsed.rules }, { mode: 'sync' });
      woo.faults.inject({ kind, times: 5, match: '/orders' });
      let message: string | null = null;
      try {
        await run();
      } catch (e) {
        message = (e as Error).message;
        expect((e as { code?: string }).code).toMatch(/^[A-Z][A-Za-z]+$/);
        expect(isPlain(message)).toBe(true);
      }
      woo.faults.clear();
      await run();
      const source = createSource(parsed);
      const orders: Order[] = [];
      for await (const page of source.listOrders({ modifiedAfter: '2000-01-01T00:00:00Z' })) for (const so of page.orders) if (so.ok) orders.push(so.order);
      const rec = reconcileBooks(orders, (await store.listEntries()).filter((e) => e.status === 'booked'), booksFromExact(sim));
      expect({ duplicates: rec.duplicates, missing: rec.missing, orphans: rec.orphans, cents: rec.centDifferences }).toEqual({ duplicates: [], missing: [], orphans: [], cents: [] });
      expect(rec.documents).toBeGreaterThan(15);
    } finally {
      await woo.close();
      await sim.close();
    }
  });
});

/**
 * After booking: an unreadable refund ("5,00") on a booked order, and a refunds fetch that keeps
 * failing for one order (issue 11 items 2, 3). Each is a failed entry with a plain reason; the run
 * goes on; once the shop answers (and the refund is fixed) the next runs credit them exactly once.
 */
describe('after booking: an unreadable refund and a failing refunds fetch', () => {
  it('are recorded as the refunds\' failures with plain reasons, the run completes, and both are credited once fixed', async () => {
    const woo = await startWooCommerceSimulator({ port: 0, seed: 12, orderCount: 16 });
    const sim = await startExactSimulator({ port: 0, rateLimit: { minutely: 100_000, daily: 1_000_000 } });
    try {
      await seedExactGenericItem(sim);
      const parsed = parseConfig({ source: { platform: 'woocommerce', url: woo.url, consumerKey: SANDBOX_CONSUMER_KEY, consumerSecret: SANDBOX_CONSUMER_SECRET, shopId: 'corpus' }, target: 'exact', exact: exactConfig(sim), plan: { referencePrefix: '' }, rules: { startDate: '2000-01-01', retryBaseSeconds: 1 }, store: { kind: 'memory' } } as ShopbooksConfigInput);
      const store = new MemoryStore();
      const run = () => runSync({ source: createSource(parsed), target: createTarget(parsed), store, plan: parsed.plan, rules: parsed.rules }, { mode: 'sync' });
      await run();
      const booked = (await store.listEntries({ status: 'booked' })).filter((e) => e.kind === 'order').map((e) => Number(e.orderId));
      const plain = booked.map((id) => woo.shop.getOrder(id)!).filter((o) => o.refunds.length === 0 && ['completed', 'processing'].includes(o.status) && o.currency === 'EUR');
      expect(plain.length).toBeGreaterThanOrEqual(2);
      const [a, b] = plain;
      const ctx = { homeUrl: woo.url, settings: woo.shop.settings };
      // A: a refund whose amount has a decimal comma
      const ra = woo.shop.createRefund(a.id, { amount: '1.00', reason: 'comma' }, { apiRefund: false, autoStatus: false });
      if ('code' in ra) throw new Error(ra.message);
      ra.verbatim = { ...restRefund(ra, ctx), amount: '1,00' };
      // B: a good refund, but its refunds fetch fails every time
      const rb = woo.shop.createRefund(b.id, { amount: '2.00', reason: 'fetch' }, { apiRefund: false, autoStatus: false });
      if ('code' in rb) throw new Error(rb.message);
      woo.faults.inject({ kind: 'http-500-html', times: 1000, match: `/orders/${b.id}/refunds` });
      const s = await run();
      expect(s.failures.map((f) => [f.key, f.code]).sort()).toEqual([[`corpus:refund:${ra.id}`, 'MalformedNumber'], [`corpus:refund:${rb.id}`, 'RemoteBadResponse']].sort());
      for (const f of s.failures) expect({ key: f.key, plain: isPlain(f.message), message: f.message }).toEqual({ key: f.key, plain: true, message: f.message });
      expect((await store.getEntry(`corpus:refund:${ra.id}`))?.lastError?.message).toMatch(/1,00/);
      // the shop answers again, and the refund is corrected in the shop
      woo.faults.clear();
      ra.verbatim = undefined;
      woo.shop.touch(woo.shop.getOrder(a.id)!, { notify: false });
      for (let i = 0; i < 5 && (await store.listEntries({ status: 'failed' })).some((e) => !['CurrencyMismatch', 'CurrencyNotInAdministration'].includes(e.lastError?.code ?? '')); i++) {
        await new Promise((r) => setTimeout(r, 1100));
        await run();
      }
      expect((await store.getEntry(`corpus:refund:${ra.id}`))?.status).toBe('booked');
      expect((await store.getEntry(`corpus:refund:${rb.id}`))?.status).toBe('booked');
      const source = createSource(parsed);
      const orders: Order[] = [];
      for await (const page of source.listOrders({ modifiedAfter: '2000-01-01T00:00:00Z' })) for (const so of page.orders) if (so.ok) orders.push(so.order);
      const rec = reconcileBooks(orders, (await store.listEntries()).filter((e) => e.status === 'booked'), booksFromExact(sim));
      expect({ duplicates: rec.duplicates, missing: rec.missing, orphans: rec.orphans, cents: rec.centDifferences }).toEqual({ duplicates: [], missing: [], orphans: [], cents: [] });
    } finally {
      await woo.close();
      await sim.close();
    }
  });
});
