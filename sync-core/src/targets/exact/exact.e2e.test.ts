/**
 * End to end: WooCommerce-style orders → plan/ (planOrder, planRefund) → engine bookDocument →
 * the Exact target → the Exact simulator. Checks exactly-once across a "process kill" after the
 * write, and — property-based — that every booked document equals the plan to the cent (gross
 * total and VAT per rate) for all three document kinds.
 */
import fc from 'fast-check';
import { MemoryStore } from '../../store/memory-store';
import { startExactSimulator, type ExactSimulator } from '../../sandbox/exact';
import { createExactTarget } from './index';
import type { ExactTargetConfigInput } from './config';
import { ExactTransport } from './transport';
import { buildItemBody, createItem } from './createItem';
import { planOrder, planRefund } from '../../plan';
import { wcOrder, withRefunds } from '../../plan/test-orders';
import { bookDocument, ledgerKey } from '../../engine/book-document';
import { SyncRules } from '../../engine/rules';
import type { BookingPlan } from '../../plan/types';
import { dec, fixed } from '../../model/money';
import type { TargetContext } from '../port';

type Rec = Record<string, unknown>;

let t = Date.UTC(2026, 2, 2, 9, 0, 5);
const now = () => t;
const sleep = async (ms: number) => {
  t += Math.max(0, ms);
  await new Promise((r) => setImmediate(r));
};

let sim: ExactSimulator;
beforeAll(async () => {
  sim = await startExactSimulator({ now });
});
afterAll(async () => {
  await sim.close();
});

const VAT_MAP = { 'domestic:21': '2', 'domestic:9': '1', 'domestic:0': '5', 'oss:DE:19': 'D19', 'oss:DE:7': 'D7', 'reverse_charge:0': '6', 'export:0': '7', 'exempt:0': '0' };
function config(over: Partial<ExactTargetConfigInput> = {}): ExactTargetConfigInput {
  return {
    baseUrl: sim.url,
    clientId: '5a4db0c5-0000-4000-8000-000000000001',
    clientSecret: 'sandbox-secret',
    redirectUri: 'http://127.0.0.1/callback',
    division: 1234567,
    refreshToken: seed,
    glAccounts: { revenue: '8000', shipping: '8090', fees: '8000', discount: '8100', rounding: '8900' },
    vatCodeMap: VAT_MAP,
    genericItemCode: 'WEBSHOP',
    timeoutMs: 2000,
    ...over,
  };
}
let seed = '';
const store = new MemoryStore(now);
const ctx: TargetContext = { store, dryRun: false, log: () => undefined };
const rules = SyncRules.parse({});

beforeAll(async () => {
  seed = sim.issueRefreshToken();
  const tr = new ExactTransport({ baseUrl: sim.url, clientId: '5a4db0c5-0000-4000-8000-000000000001', clientSecret: 'sandbox-secret', division: 1234567, store, timeoutMs: 2000, now, sleep, seedRefreshToken: seed, sharePacer: false });
  await createItem(tr, buildItemBody('WEBSHOP', 'Webshop'));
});

function vatByPercent(lines: Rec[], field: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of lines) {
    const p = dec(String(l.VATPercentage)).times(100).toFixed();
    out[p] = fixed(dec(out[p] ?? '0').plus(String(l[field])));
  }
  for (const k of Object.keys(out)) if (dec(out[k]).isZero()) delete out[k];
  return out;
}
function planVat(plan: BookingPlan): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of plan.vatByRate) out[r.vatInfo.percent] = fixed(dec(out[r.vatInfo.percent] ?? '0').plus(r.vat));
  for (const k of Object.keys(out)) if (dec(out[k]).isZero()) delete out[k];
  return out;
}

/** What Exact holds for a booked document: gross, VAT total and VAT per percentage. */
function booked(kind: string, id: string): { gross: string; vat: string; perRate: Record<string, string> } {
  if (kind === 'SalesEntry') {
    const e = sim.state.salesEntries.find((x) => x.EntryID === id)!;
    return { gross: fixed(String(e.AmountFC)), vat: fixed(String(e.VATAmountFC)), perRate: vatByPercent(e.SalesEntryLines as Rec[], 'VATAmountFC') };
  }
  if (kind === 'SalesInvoice') {
    const i = sim.state.salesInvoices.find((x) => x.InvoiceID === id)!;
    return { gross: fixed(String(i.AmountFC)), vat: fixed(String(i.VATAmountFC)), perRate: vatByPercent(i.SalesInvoiceLines as Rec[], 'VATAmountFC') };
  }
  const o = sim.state.salesOrders.find((x) => x.OrderID === id)!;
  const lines = o.SalesOrderLines as Rec[];
  return { gross: fixed(String(o.AmountFC)), vat: fixed(lines.reduce((a, l) => a.plus(String(l.VATAmount)), dec(0))), perRate: vatByPercent(lines, 'VATAmount') };
}

it('a process killed right after the write (before recording it): the next run finds the document, exactly one exists', async () => {
  // The kill: the ledger write that records "booked" never happens (the process died after Exact
  // committed the document). The engine leaves the entry failed with writeStartedAt set.
  let kill = false;
  const killingStore = Object.create(store) as MemoryStore;
  killingStore.update = async (key, patch) => {
    if (kill && patch.status === 'booked') {
      kill = false;
      throw new Error('process killed');
    }
    return store.update(key, patch);
  };
  const kctx: TargetContext = { ...ctx, store: killingStore };
  const order = wcOrder({ number: 'K1', lines: [{ name: 'Mug', price: '12.10', qty: 3, rateId: '1' }], pricesIncludeTax: true, shipping: { price: '4.95', rateId: '1' } });
  const outcome = planOrder(order);
  if (!outcome.ok) throw outcome.error;
  const id = { key: ledgerKey('shop.test', 'order', 'K1'), kind: 'order' as const, shopId: 'shop.test', orderId: 'K1', orderNumber: 'K1', refundId: null, reference: outcome.plan.reference };
  const target = createExactTarget(config(), { now, sleep, sharePacer: false });
  await target.prepare(kctx);
  kill = true;
  const first = await bookDocument(id, () => outcome, null, { store: killingStore, target, rules, runId: 'run-1', now, ctx: kctx });
  expect(first.status).toBe('failed');
  expect((await store.getEntry(id.key))?.writeStartedAt).not.toBeNull();
  expect(sim.state.salesEntries.filter((e) => e.YourRef === outcome.plan.reference)).toHaveLength(1);
  // A new run (new process) after the lease: writeStartedAt is set, so the target looks up first.
  t += 3600_000;
  const target2 = createExactTarget(config(), { now, sleep, sharePacer: false });
  await target2.prepare(ctx);
  const second = await bookDocument(id, () => outcome, null, { store, target: target2, rules, runId: 'run-2', now, ctx });
  expect(second.status).toBe('booked');
  if (second.status === 'booked') expect(second.recovered).toBe(true);
  expect(sim.state.salesEntries.filter((e) => e.YourRef === outcome.plan.reference)).toHaveLength(1);
  const entry = await store.getEntry(id.key);
  expect(entry?.documentId).toBe(sim.state.salesEntries.find((e) => e.YourRef === outcome.plan.reference)!.EntryID);
});

it('orders and refunds from plan/ book to the cent in all three document kinds (property)', async () => {
  const targets = {
    salesEntry: createExactTarget(config(), { now, sleep, sharePacer: false }),
    salesInvoice: createExactTarget(config({ documentKind: 'salesInvoice', invoiceState: 'processed' }), { now, sleep, sharePacer: false }),
    salesOrder: createExactTarget(config({ documentKind: 'salesOrder' }), { now, sleep, sharePacer: false }),
  };
  for (const tg of Object.values(targets)) {
    const { problems } = await tg.prepare(ctx);
    expect(problems).toEqual([]);
  }
  let n = 0;
  const line = fc.record({
    price: fc.integer({ min: 1, max: 25_000 }).map((c) => fixed(dec(c).div(100))),
    qty: fc.integer({ min: 1, max: 7 }),
    rateId: fc.constantFrom('1', '2', '3'),
  });
  await fc.assert(
    fc.asyncProperty(
      fc.array(line, { minLength: 1, maxLength: 4 }),
      fc.boolean(),
      fc.boolean(),
      fc.constantFrom(0, 10, 15),
      fc.option(fc.integer({ min: 0, max: 1500 }).map((c) => fixed(dec(c).div(100))), { nil: null }),
      fc.constantFrom('salesEntry', 'salesInvoice', 'salesOrder') as fc.Arbitrary<keyof typeof targets>,
      async (lines, incl, sub, coupon, shipping, kind) => {
        n++;
        const order = wcOrder({
          number: `P${n}`,
          lines: lines.map((l, i) => ({ name: `Product ${i}`, price: l.price, qty: l.qty, rateId: l.rateId })),
          pricesIncludeTax: incl,
          roundAtSubtotal: sub,
          couponPercent: coupon,
          shipping: shipping ? { price: shipping, rateId: '1' } : null,
        });
        const outcome = planOrder(order);
        if (!outcome.ok) return; // plan/ refused it (e.g. zero total): nothing to book
        const plan = outcome.plan;
        const ref = await targets[kind].bookDocument(plan, { mayExist: false, original: null }, ctx);
        const b = booked(ref.type, ref.id);
        expect(b.gross).toBe(fixed(plan.totals.gross));
        expect(b.vat).toBe(fixed(plan.totals.vat));
        expect(b.perRate).toEqual(planVat(plan));
        expect(b.gross).toBe(fixed(order.totals.total));

        // A partial refund of the same order as a credit note (sales orders credit via invoices).
        const refundAmount = fixed(dec(order.totals.total).div(3));
        if (dec(refundAmount).isZero()) return;
        const withR = withRefunds(order, [{ amount: refundAmount }]);
        const rOutcome = planRefund(withR, withR.refunds[0]);
        if (!rOutcome.ok) return;
        const rPlan = rOutcome.plan;
        const cref = await targets[kind].bookDocument(rPlan, { mayExist: false, original: ref }, ctx);
        const c = booked(cref.type, cref.id);
        expect(c.gross).toBe(fixed(rPlan.totals.gross));
        expect(c.vat).toBe(fixed(rPlan.totals.vat));
        expect(c.perRate).toEqual(planVat(rPlan));
        expect(c.gross).toBe(fixed(dec(refundAmount).negated()));
      },
    ),
    { numRuns: 40, seed: 20260301 },
  );
  expect(sim.stats.tooManyRequests).toBe(0);
  // Every SKU became exactly one item; every customer e-mail exactly one account.
  const codes = sim.state.items.map((i) => i.Code);
  expect(new Set(codes).size).toBe(codes.length);
  expect(sim.state.accounts.filter((a) => a.Email === 'jan@example.nl')).toHaveLength(1);
}, 120_000);
