/**
 * The Exact Online target against the local Exact simulator (sandbox/exact): tokens, pacing,
 * faults, the three document kinds to the cent, customers and items.
 *
 * One virtual clock drives both the simulator and the target: `sleep` advances it, so a wait of
 * a minute for a rate-limit window is a real wait in the simulated world (the simulator's minute
 * window only resets when the clock has moved) without slowing the test down.
 */
import { MemoryStore } from '../../store/memory-store';
import type { TargetContext } from '../port';
import { startExactSimulator, type ExactSimulator, type ExactSimulatorOptions } from '../../sandbox/exact';
import { createExactTarget, type ExactTargetDeps } from './index';
import type { ExactTargetConfigInput } from './config';
import { ExactTransport, buildAuthorizeUrl, exchangeAuthorizationCode, saveExactTokens, tokenName } from './transport';
import { makePlan, planLine } from './test-plans';
import { dec, fixed, sum } from '../../model/money';
import { ShopbooksError } from '../../model/errors';
import { createItem, buildItemBody } from './createItem';
import type { BookingPlan } from '../../plan/types';

type Rec = Record<string, unknown>;

class Clock {
  t = Date.UTC(2026, 2, 2, 9, 0, 5);
  now = () => this.t;
  sleep = async (ms: number) => {
    this.t += Math.max(0, ms);
    await new Promise((r) => setImmediate(r));
  };
  advance(ms: number) {
    this.t += ms;
  }
}

const VAT_MAP = { 'domestic:21': '2', 'domestic:9': '1', 'domestic:0': '5', 'oss:DE:19': 'D19', 'reverse_charge:0': '6', 'export:0': '7', 'exempt:0': '0' };

interface Env {
  sim: ExactSimulator;
  clock: Clock;
  store: MemoryStore;
  ctx: TargetContext;
  events: Array<{ event: string; data?: Record<string, unknown> }>;
  config: ExactTargetConfigInput;
  target: (over?: Partial<ExactTargetConfigInput>, deps?: ExactTargetDeps) => ReturnType<typeof createExactTarget>;
}

const sims: ExactSimulator[] = [];
afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
});

async function setup(simOpts: ExactSimulatorOptions = {}, over: Partial<ExactTargetConfigInput> = {}): Promise<Env> {
  const clock = new Clock();
  const sim = await startExactSimulator({ now: clock.now, ...simOpts });
  sims.push(sim);
  const store = new MemoryStore(clock.now);
  const events: Env['events'] = [];
  const ctx: TargetContext = { store, dryRun: false, log: (event, data) => events.push({ event, data }) };
  const config: ExactTargetConfigInput = {
    baseUrl: sim.url,
    clientId: '5a4db0c5-0000-4000-8000-000000000001',
    clientSecret: 'sandbox-secret',
    redirectUri: 'http://127.0.0.1/callback',
    division: 1234567,
    refreshToken: sim.issueRefreshToken(),
    glAccounts: { revenue: '8000', shipping: '8090', fees: '8000', discount: '8100', rounding: '8900' },
    vatCodeMap: VAT_MAP,
    genericItemCode: 'WEBSHOP',
    timeoutMs: 2000,
    ...over,
  };
  const target = (o: Partial<ExactTargetConfigInput> = {}, deps: ExactTargetDeps = {}) =>
    createExactTarget({ ...config, ...o }, { now: clock.now, sleep: clock.sleep, random: () => 0.5, sharePacer: false, ...deps });
  return { sim, clock, store, ctx, events, config, target };
}

function orderPlan(reference: string, over: Partial<BookingPlan> = {}): BookingPlan {
  return makePlan({
    reference,
    lines: [
      planLine({ description: 'T-shirt', sku: 'TS-RED-M', quantity: '2', net: '41.32', vat: '8.68' }),
      planLine({ description: 'Cookbook', sku: 'BOOK-1', quantity: '1', net: '18.35', vat: '1.65', percent: '9' }),
      planLine({ role: 'shipping', description: 'Shipping', net: '4.13', vat: '0.87' }),
      planLine({ role: 'discount', description: 'Coupon SUMMER', net: '-4.13', vat: '-0.87' }),
    ],
    ...over,
  });
}

function refundPlan(reference: string, original: string): BookingPlan {
  return makePlan({
    reference,
    kind: 'refund',
    refundId: 'r1',
    originalReference: original,
    lines: [planLine({ description: 'T-shirt', sku: 'TS-RED-M', quantity: '-1', net: '-20.66', vat: '-4.34' })],
  });
}

/** VAT per rate as Exact stored the document's lines. */
function vatByPercent(lines: Rec[], vatField = 'VATAmountFC'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of lines) {
    const p = dec(String(l.VATPercentage)).times(100).toFixed();
    out[p] = fixed(dec(out[p] ?? '0').plus(String(l[vatField])));
  }
  return out;
}
function planVatByPercent(plan: BookingPlan): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of plan.vatByRate) out[r.vatInfo.percent] = fixed(dec(out[r.vatInfo.percent] ?? '0').plus(r.vat));
  return out;
}

async function addGenericItem(env: Env): Promise<void> {
  const t = new ExactTransport({ baseUrl: env.sim.url, clientId: '5a4db0c5-0000-4000-8000-000000000001', clientSecret: 'sandbox-secret', division: 1234567, store: env.store, timeoutMs: 2000, now: env.clock.now, sleep: env.clock.sleep, sharePacer: false, seedRefreshToken: env.config.refreshToken });
  await createItem(t, buildItemBody('WEBSHOP', 'Webshop (shipping, fees, rounding)'));
}

describe('OAuth and tokens', () => {
  it('seed refresh token → access token; rotation persisted before use; refresh only when due', async () => {
    const env = await setup();
    const target = env.target();
    const { problems } = await target.prepare(env.ctx);
    expect(problems).toEqual([]);
    const first = await env.store.getToken(tokenName('5a4db0c5-0000-4000-8000-000000000001', 1234567));
    expect(first).not.toBeNull();
    expect(first!.value.refreshToken).not.toBe(env.config.refreshToken);
    expect(target.callStats().token).toBe(1);

    // 500 s later: still valid, no refresh (Exact refuses refreshes before 570 s).
    env.clock.advance(500_000);
    await target.bookDocument(orderPlan('WC-T1'), { mayExist: false, original: null }, env.ctx);
    expect(target.callStats().token).toBe(1);

    // Past 570 s: exactly one refresh, with the rotated refresh token stored.
    env.clock.advance(80_000);
    await target.findDocument(orderPlan('WC-T1'), env.ctx);
    expect(target.callStats().token).toBe(2);
    const second = await env.store.getToken(tokenName('5a4db0c5-0000-4000-8000-000000000001', 1234567));
    expect(second!.version).toBeGreaterThan(first!.version);
    expect(second!.value.refreshToken).not.toBe(first!.value.refreshToken);
    expect(env.events.some((e) => e.event === 'exact.token.refreshed')).toBe(true);

    // Hours later (access token long expired): refresh again, the chain is still alive.
    env.clock.advance(3 * 3600_000);
    const found = await target.findDocument(orderPlan('WC-T1'), env.ctx);
    expect(found?.recovered).toBe(true);
    expect(target.callStats().token).toBe(3);
  });

  it('the seed refresh token is used only while the store has no token', async () => {
    const env = await setup();
    const a = env.target();
    await a.prepare(env.ctx);
    // A second target configured with the (now superseded) seed: it must use the stored token.
    const b = env.target();
    await b.prepare(env.ctx);
    expect(b.callStats().token).toBe(0);
  });

  it('two targets sharing one store never lose the connection (single-flight refresh under the store lock)', async () => {
    const env = await setup();
    const a = env.target();
    const b = env.target();
    await a.prepare(env.ctx);
    await b.prepare(env.ctx);
    for (let round = 0; round < 4; round++) {
      env.clock.advance(650_000); // every round the access token has expired
      const results = await Promise.all([
        a.bookDocument(orderPlan(`WC-A${round}`), { mayExist: false, original: null }, env.ctx),
        b.bookDocument(orderPlan(`WC-B${round}`), { mayExist: false, original: null }, env.ctx),
        a.findDocument(orderPlan('WC-A0'), env.ctx),
        b.findDocument(orderPlan('WC-A0'), env.ctx),
      ]);
      expect(results[0].id).toBeTruthy();
      expect(results[1].id).toBeTruthy();
    }
    // One refresh per expiry in total (plus the first exchange): nobody refreshed twice.
    expect(a.callStats().token + b.callStats().token).toBe(1 + 4);
    expect(env.sim.state.salesEntries).toHaveLength(8);
  });

  it('a dropped token response does not lose the connection (old refresh token retried)', async () => {
    const env = await setup({ refreshRaceMode: true });
    const target = env.target();
    await target.prepare(env.ctx);
    env.clock.advance(600_000);
    env.sim.faults.inject('dropTokenResponse');
    const ref = await target.bookDocument(orderPlan('WC-D1'), { mayExist: false, original: null }, env.ctx);
    expect(ref.id).toBeTruthy();
    expect(target.callStats().token).toBe(3); // initial, lost, retried
    // The chain that survived is ours: later refreshes keep working.
    env.clock.advance(600_000);
    await expect(target.findDocument(orderPlan('WC-D1'), env.ctx)).resolves.not.toBeNull();
    env.clock.advance(600_000);
    await expect(target.findDocument(orderPlan('WC-D1'), env.ctx)).resolves.not.toBeNull();
  });

  it('a token response with HTTP 500 (token issued) does not lose the connection', async () => {
    const env = await setup({ refreshRaceMode: true });
    const target = env.target();
    await target.prepare(env.ctx);
    env.clock.advance(600_000);
    env.sim.faults.inject('tokenResponse500');
    await target.bookDocument(orderPlan('WC-D2'), { mayExist: false, original: null }, env.ctx);
    env.clock.advance(600_000);
    await expect(target.findDocument(orderPlan('WC-D2'), env.ctx)).resolves.not.toBeNull();
  });

  it('without the old-token grace, a lost token response is reported as a revoked connection (not retried forever)', async () => {
    const env = await setup({ refreshRaceMode: false });
    const target = env.target();
    await target.prepare(env.ctx);
    env.clock.advance(600_000);
    env.sim.faults.inject('dropTokenResponse');
    await expect(target.findDocument(orderPlan('WC-D3'), env.ctx)).rejects.toMatchObject({ code: 'TokenRevoked', retryable: false });
  });

  it('a 401 on a still-valid token re-reads the store and never refreshes early', async () => {
    const env = await setup();
    let spoil = 0;
    // A fetch that garbles the bearer token of the next `spoil` API calls (the token was revoked, say).
    const fetchSpoiling: typeof fetch = (input, init) => {
      const headers = { ...(init?.headers as Record<string, string>) };
      if (spoil > 0 && headers.Authorization && String(input).includes('/api/v1/')) {
        spoil--;
        headers.Authorization = 'Bearer revoked';
      }
      return fetch(input, { ...init, headers });
    };
    const target = env.target({}, { fetch: fetchSpoiling });
    await target.prepare(env.ctx);
    const tokenCalls = target.callStats().token;
    spoil = 1;
    const err = (await target.findDocument(orderPlan('WC-401'), env.ctx).catch((e: unknown) => e)) as ShopbooksError;
    expect(err.code).toBe('AuthFailed');
    expect(err.retryable).toBe(true);
    expect(target.callStats().token).toBe(tokenCalls); // no too-early refresh
    // Meanwhile the user reconnected in the plugin (a new consent; the plugin stored the new pair).
    // The next 401 makes the target re-read the store and use that pair: no refresh call.
    const redirect = new URL(env.sim.authorize({ clientId: '5a4db0c5-0000-4000-8000-000000000001', redirectUri: 'http://127.0.0.1/callback' }));
    const fresh = await exchangeAuthorizationCode({ baseUrl: env.sim.url, clientId: '5a4db0c5-0000-4000-8000-000000000001', clientSecret: 'sandbox-secret', redirectUri: 'http://127.0.0.1/callback', code: redirect.searchParams.get('code')!, now: env.clock.now });
    await saveExactTokens(env.store, '5a4db0c5-0000-4000-8000-000000000001', 1234567, fresh);
    spoil = 1;
    await expect(target.findDocument(orderPlan('WC-401'), env.ctx)).resolves.toBeNull();
    expect(target.callStats().token).toBe(tokenCalls);
  });

  it('follows OData paging (__next) for collections longer than a page', async () => {
    const env = await setup();
    const t = new ExactTransport({ baseUrl: env.sim.url, clientId: '5a4db0c5-0000-4000-8000-000000000001', clientSecret: 'sandbox-secret', division: 1234567, store: env.store, timeoutMs: 2000, now: env.clock.now, sleep: env.clock.sleep, sharePacer: false, seedRefreshToken: env.config.refreshToken });
    for (let i = 0; i < 65; i++) await t.post('crm/Accounts', { Name: `Klant ${i}`, Status: 'C', Email: `k${i}@example.nl` });
    const reads = t.stats.read;
    const rows = await t.getAll('crm/Accounts?$select=ID,Name');
    expect(rows).toHaveLength(65);
    expect(new Set(rows.map((r) => r.ID)).size).toBe(65);
    expect(t.stats.read - reads).toBe(2);
    expect(env.sim.stats.tooManyRequests).toBe(0);
  });

  it('authorization-code exchange for the plugin/CLI connect flow', async () => {
    const env = await setup();
    const authUrl = buildAuthorizeUrl({ baseUrl: env.sim.url, clientId: '5a4db0c5-0000-4000-8000-000000000001', redirectUri: 'http://127.0.0.1/callback', state: 'xyz' });
    expect(authUrl).toContain('/api/oauth2/auth?client_id=5a4db0c5-0000-4000-8000-000000000001');
    const redirect = new URL(env.sim.authorize({ clientId: '5a4db0c5-0000-4000-8000-000000000001', redirectUri: 'http://127.0.0.1/callback', state: 'xyz' }));
    const code = redirect.searchParams.get('code')!;
    const tokens = await exchangeAuthorizationCode({ baseUrl: env.sim.url, clientId: '5a4db0c5-0000-4000-8000-000000000001', clientSecret: 'sandbox-secret', redirectUri: 'http://127.0.0.1/callback', code, now: env.clock.now });
    expect(tokens.expiresInMs).toBe(600_000);
    await expect(exchangeAuthorizationCode({ baseUrl: env.sim.url, clientId: '5a4db0c5-0000-4000-8000-000000000001', clientSecret: 'sandbox-secret', redirectUri: 'http://127.0.0.1/callback', code })).rejects.toMatchObject({ code: 'AuthFailed' });
    const store = new MemoryStore(env.clock.now);
    await saveExactTokens(store, '5a4db0c5-0000-4000-8000-000000000001', 1234567, tokens);
    const target = env.target({ refreshToken: undefined });
    const divisions = await target.listDivisions(store);
    expect(divisions.map((d) => d.code)).toContain(1234567);
    expect(target.callStats().token).toBe(0);
  });

  it('a division outside the consent is a clear, non-retryable error', async () => {
    const env = await setup({}, { division: 7654321 });
    const target = env.target();
    await expect(target.prepare(env.ctx)).rejects.toMatchObject({ code: 'AuthFailed', retryable: false });
  });
});

describe('rate limits', () => {
  it('30 documents under a minutely limit of 10: zero 429s, and the wait is real', async () => {
    const env = await setup({ rateLimit: { minutely: 10 } });
    const target = env.target();
    await target.prepare(env.ctx);
    const start = env.clock.now();
    for (let i = 0; i < 30; i++) await target.bookDocument(orderPlan(`WC-R${i}`), { mayExist: false, original: null }, env.ctx);
    expect(env.sim.stats.tooManyRequests).toBe(0);
    expect(env.sim.state.salesEntries).toHaveLength(30);
    const s = target.callStats();
    const calls = s.read + s.write;
    // 10 per clock minute (minus the reserve): at least calls/10 - 1 minute boundaries passed.
    expect(env.clock.now() - start).toBeGreaterThanOrEqual((Math.ceil(calls / 10) - 1) * 60_000 - 60_000);
    expect(s.waitedMs).toBeGreaterThan(60_000);
    expect(s.retried).toBe(0);
  });

  it('with a real clock the pacer really sleeps until the minute boundary (no 429)', async () => {
    // Real time, shifted (forward only) so that a minute boundary is ~4 s away when booking starts:
    // the wait is a real setTimeout of a few seconds.
    let offset = 0;
    const realNow = () => Date.now() + offset;
    const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
    const sim = await startExactSimulator({ now: realNow, rateLimit: { minutely: 6 } });
    sims.push(sim);
    const store = new MemoryStore(realNow);
    const ctx: TargetContext = { store, dryRun: false, log: () => undefined };
    const target = createExactTarget(
      { baseUrl: sim.url, clientId: '5a4db0c5-0000-4000-8000-000000000001', clientSecret: 'sandbox-secret', redirectUri: 'http://127.0.0.1/callback', division: 1234567, refreshToken: sim.issueRefreshToken(), glAccounts: { revenue: '8000' }, vatCodeMap: VAT_MAP },
      { now: realNow, sleep: realSleep, sharePacer: false },
    );
    await target.prepare(ctx);
    offset += (60_000 - (realNow() % 60_000) - 4_000 + 60_000) % 60_000;
    const started = Date.now();
    // 3 + 1 + 1 calls (customer lookup + create + entry, then entries) > 6 - reserve 2 in this minute.
    for (let i = 0; i < 3; i++) await target.bookDocument(makePlan({ reference: `WC-RT${i}`, lines: [planLine({ net: '10.00', vat: '2.10' })] }), { mayExist: false, original: null }, ctx);
    const elapsed = Date.now() - started;
    expect(sim.stats.tooManyRequests).toBe(0);
    expect(sim.state.salesEntries).toHaveLength(3);
    expect(target.callStats().waitedMs).toBeGreaterThan(0);
    expect(elapsed).toBeGreaterThanOrEqual(target.callStats().waitedMs - 50);
  }, 20_000);

  it('two processes (separate pacers) sharing app+division stay under the limit', async () => {
    const env = await setup({ rateLimit: { minutely: 12 } });
    const a = env.target();
    const b = env.target();
    await a.prepare(env.ctx);
    await b.prepare(env.ctx);
    const run = async (t: typeof a, p: string) => {
      for (let i = 0; i < 12; i++) await t.bookDocument(orderPlan(`${p}${i}`), { mayExist: false, original: null }, env.ctx);
    };
    await Promise.all([run(a, 'WC-PA'), run(b, 'WC-PB')]);
    expect(env.sim.state.salesEntries).toHaveLength(24);
    expect(env.sim.stats.tooManyRequests).toBe(0);
  });

  it('an injected 429 is waited out without spending a retry', async () => {
    const env = await setup();
    const target = env.target();
    await target.prepare(env.ctx);
    env.sim.faults.inject('429', { path: 'SalesEntries' });
    const before = env.clock.now();
    await target.bookDocument(orderPlan('WC-429'), { mayExist: false, original: null }, env.ctx);
    const s = target.callStats();
    expect(s.tooManyRequests).toBe(1);
    expect(s.retried).toBe(0);
    expect(s.waitedMs).toBeGreaterThan(0);
    expect(env.clock.now()).toBeGreaterThan(before);
    expect(env.sim.state.salesEntries).toHaveLength(1);
  });

  it('GETs are retried on 5xx; writes are not', async () => {
    const env = await setup();
    const target = env.target();
    await target.prepare(env.ctx);
    env.sim.faults.inject('500', { path: 'VATCodes' });
    await target.prepare(env.ctx);
    expect(target.callStats().retried).toBe(1);
    env.sim.faults.inject('500', { path: 'SalesEntries' });
    // A 500 without a validation text on a POST is uncertain: the target looks up by reference, finds nothing, reports it retryable.
    await expect(target.bookDocument(orderPlan('WC-500'), { mayExist: false, original: null }, env.ctx)).rejects.toMatchObject({ code: 'Timeout', retryable: true, details: { uncertainWrite: true } });
    expect(env.sim.state.salesEntries).toHaveLength(0);
    const ref = await target.bookDocument(orderPlan('WC-500'), { mayExist: true, original: null }, env.ctx);
    expect(ref.recovered).toBe(false);
    expect(env.sim.state.salesEntries).toHaveLength(1);
  });
});

describe('exactly once after uncertain writes', () => {
  it('timeout after commit → the document is found by reference, exactly one exists', async () => {
    const env = await setup();
    const target = env.target();
    await target.prepare(env.ctx);
    env.sim.faults.inject('timeoutAfterCommit', { path: 'SalesEntries' });
    const ref = await target.bookDocument(orderPlan('WC-TO1'), { mayExist: false, original: null }, env.ctx);
    expect(ref.recovered).toBe(true);
    expect(env.sim.state.salesEntries.filter((e) => e.YourRef === 'WC-TO1')).toHaveLength(1);
    // The engine retries with mayExist (write started before): found, nothing new.
    const again = await target.bookDocument(orderPlan('WC-TO1'), { mayExist: true, original: null }, env.ctx);
    expect(again).toMatchObject({ id: ref.id, recovered: true });
    expect(env.sim.state.salesEntries.filter((e) => e.YourRef === 'WC-TO1')).toHaveLength(1);
  });

  it('connection dropped after commit (socket destroyed) → found, exactly one', async () => {
    const env = await setup();
    const target = env.target();
    await target.prepare(env.ctx);
    env.sim.faults.inject('timeoutAfterCommit', { path: 'SalesEntries', mode: 'drop' });
    const ref = await target.bookDocument(orderPlan('WC-TO2'), { mayExist: false, original: null }, env.ctx);
    expect(ref.recovered).toBe(true);
    expect(env.sim.state.salesEntries.filter((e) => e.YourRef === 'WC-TO2')).toHaveLength(1);
  });

  it('two shops, one division, no prefix: a document of the other shop with the same reference is never adopted', async () => {
    const env = await setup();
    const target = env.target();
    await target.prepare(env.ctx);
    const shopA = orderPlan('1001');
    const a = await target.bookDocument(shopA, { mayExist: false, original: null }, env.ctx);
    const shopB = orderPlan('1001', { shopId: 'shop-b', lines: [planLine({ description: 'Mug', net: '10.00', vat: '2.10' })], date: '2026-03-02' });
    // a retry after a kill (write started) finds shop A's entry by reference: refused, nothing written
    await expect(target.bookDocument(shopB, { mayExist: true, original: null }, env.ctx)).rejects.toMatchObject({ code: 'ReferenceTakenByAnotherDocument', retryable: false, message: expect.stringMatching(/reference prefix/) });
    // an uncertain write (500, not saved) looks up the reference and finds shop A's entry: refused too
    env.sim.faults.inject('500', { path: 'SalesEntries' });
    await expect(target.bookDocument(shopB, { mayExist: false, original: null }, env.ctx)).rejects.toMatchObject({ code: 'ReferenceTakenByAnotherDocument' });
    await expect(target.findDocument(shopB, env.ctx)).rejects.toMatchObject({ code: 'ReferenceTakenByAnotherDocument' });
    // same totals, another booking date: not the same document either
    await expect(target.bookDocument({ ...shopA, date: '2026-03-09' }, { mayExist: true, original: null }, env.ctx)).rejects.toMatchObject({ code: 'ReferenceTakenByAnotherDocument' });
    expect(env.sim.state.salesEntries.filter((e) => e.YourRef === '1001')).toHaveLength(1);
    // shop A's own retry still adopts its document
    await expect(target.bookDocument(shopA, { mayExist: true, original: null }, env.ctx)).resolves.toMatchObject({ id: a.id, recovered: true });
  });

  it('processed invoice: a timeout while processing is completed on the next attempt', async () => {
    const env = await setup();
    await addGenericItem(env);
    const target = env.target({ documentKind: 'salesInvoice', invoiceState: 'processed' });
    await target.prepare(env.ctx);
    env.sim.faults.inject('timeoutAfterCommit', { path: 'PrintedSalesInvoices' });
    const ref = await target.bookDocument(orderPlan('WC-PI1'), { mayExist: false, original: null }, env.ctx);
    const inv = env.sim.state.salesInvoices.filter((i) => i.YourRef === 'WC-PI1');
    expect(inv).toHaveLength(1);
    expect(inv[0].Status).toBe(50);
    expect(ref.number).toBe(String(inv[0].InvoiceNumber));

    // An invoice created but never processed (crash between the two calls) is processed on retry.
    const draftOnly = env.target({ documentKind: 'salesInvoice', invoiceState: 'draft' });
    await draftOnly.bookDocument(orderPlan('WC-PI2'), { mayExist: false, original: null }, env.ctx);
    expect(env.sim.state.salesInvoices.find((i) => i.YourRef === 'WC-PI2')!.Status).toBe(20);
    const done = await target.bookDocument(orderPlan('WC-PI2'), { mayExist: true, original: null }, env.ctx);
    expect(done.recovered).toBe(true);
    expect(env.sim.state.salesInvoices.filter((i) => i.YourRef === 'WC-PI2')).toHaveLength(1);
    expect(env.sim.state.salesInvoices.find((i) => i.YourRef === 'WC-PI2')!.Status).toBe(50);
    expect(env.sim.state.emails).toHaveLength(0);
  });
});

describe('documents to the cent', () => {
  it('SalesEntry: totals and VAT per rate equal the plan', async () => {
    const env = await setup();
    const target = env.target();
    await target.prepare(env.ctx);
    const plan = orderPlan('WC-E1');
    const ref = await target.bookDocument(plan, { mayExist: false, original: null }, env.ctx);
    expect(ref.type).toBe('SalesEntry');
    const e = env.sim.state.salesEntries.find((x) => x.EntryID === ref.id)!;
    expect(fixed(String(e.AmountFC))).toBe(plan.totals.gross);
    expect(fixed(String(e.VATAmountFC))).toBe(plan.totals.vat);
    expect(e.YourRef).toBe('WC-E1');
    expect(vatByPercent(e.SalesEntryLines as Rec[])).toEqual(planVatByPercent(plan));
    const gl = (id: unknown) => env.sim.state.glAccounts.find((g) => g.ID === id)!.Code;
    expect((e.SalesEntryLines as Rec[]).map((l) => gl(l.GLAccount))).toEqual(['8000', '8000', '8090', '8100']);
  });

  it('SalesEntry VAT follows the shop where Exact would round differently', async () => {
    const env = await setup();
    const target = env.target();
    await target.prepare(env.ctx);
    // 3 × 1.65 incl. 21 %: the shop rounds per unit → net 4.08, VAT 0.87 (Exact would compute 0.86).
    const plan = makePlan({ reference: 'WC-E2', lines: [planLine({ description: 'Pen', quantity: '3', net: '4.08', vat: '0.87' })] });
    await target.bookDocument(plan, { mayExist: false, original: null }, env.ctx);
    const e = env.sim.state.salesEntries.find((x) => x.YourRef === 'WC-E2')!;
    expect(fixed(String(e.AmountFC))).toBe('4.95');
    expect(fixed(String(e.VATAmountFC))).toBe('0.87');
  });

  it('refund: a negative sales entry (credit note)', async () => {
    const env = await setup();
    const target = env.target();
    await target.prepare(env.ctx);
    const orig = await target.bookDocument(orderPlan('WC-E3'), { mayExist: false, original: null }, env.ctx);
    const plan = refundPlan('WC-E3-R1', 'WC-E3');
    await target.bookDocument(plan, { mayExist: false, original: orig }, env.ctx);
    const e = env.sim.state.salesEntries.find((x) => x.YourRef === 'WC-E3-R1')!;
    expect(fixed(String(e.AmountFC))).toBe('-25.00');
    expect(fixed(String(e.VATAmountFC))).toBe('-4.34');
    expect(e.Type).toBe(21);
  });

  it('SalesInvoice (draft): lines on items, totals and VAT per rate equal the plan; credit invoice Type 8021', async () => {
    const env = await setup();
    await addGenericItem(env);
    const target = env.target({ documentKind: 'salesInvoice' });
    await target.prepare(env.ctx);
    const plan = orderPlan('WC-I1');
    const ref = await target.bookDocument(plan, { mayExist: false, original: null }, env.ctx);
    expect(ref.type).toBe('SalesInvoice');
    const inv = env.sim.state.salesInvoices.find((x) => x.InvoiceID === ref.id)!;
    expect(inv.Status).toBe(20);
    expect(fixed(String(inv.AmountFC))).toBe(plan.totals.gross);
    expect(fixed(String(inv.VATAmountFC))).toBe(plan.totals.vat);
    expect(vatByPercent(inv.SalesInvoiceLines as Rec[])).toEqual(planVatByPercent(plan));
    const codes = (inv.SalesInvoiceLines as Rec[]).map((l) => l.ItemCode);
    expect(codes).toEqual(['TS-RED-M', 'BOOK-1', 'WEBSHOP', 'WEBSHOP']);

    const credit = await target.bookDocument(refundPlan('WC-I1-R1', 'WC-I1'), { mayExist: false, original: ref }, env.ctx);
    const cn = env.sim.state.salesInvoices.find((x) => x.InvoiceID === credit.id)!;
    expect(cn.Type).toBe(8021);
    expect(fixed(String(cn.AmountFC))).toBe('-25.00');
    expect(fixed(String(cn.VATAmountFC))).toBe('-4.34');
    expect(String(cn.Remarks)).toContain('WC-I1');
  });

  it('SalesInvoice (processed): financial transaction created, no e-mail unless chosen', async () => {
    const env = await setup();
    await addGenericItem(env);
    const target = env.target({ documentKind: 'salesInvoice', invoiceState: 'processed' });
    await target.prepare(env.ctx);
    const plan = orderPlan('WC-I2');
    const ref = await target.bookDocument(plan, { mayExist: false, original: null }, env.ctx);
    const inv = env.sim.state.salesInvoices.find((x) => x.InvoiceID === ref.id)!;
    expect(inv.Status).toBe(50);
    const entry = env.sim.state.salesEntries.find((e) => e.YourRef === 'WC-I2')!;
    expect(fixed(String(entry.AmountFC))).toBe(plan.totals.gross);
    expect(fixed(String(entry.VATAmountFC))).toBe(plan.totals.vat);
    expect(env.sim.state.emails).toHaveLength(0);
    const mailing = env.target({ documentKind: 'salesInvoice', invoiceState: 'processed', sendInvoiceEmail: true });
    await mailing.bookDocument(orderPlan('WC-I3'), { mayExist: false, original: null }, env.ctx);
    expect(env.sim.state.emails).toHaveLength(1);
    expect(env.sim.state.emails[0].to).toBe('jan@example.nl');
  });

  it('SalesOrder: totals and VAT per rate equal the plan; refunds become credit invoices', async () => {
    const env = await setup();
    await addGenericItem(env);
    const target = env.target({ documentKind: 'salesOrder' });
    await target.prepare(env.ctx);
    const plan = orderPlan('WC-O1');
    const ref = await target.bookDocument(plan, { mayExist: false, original: null }, env.ctx);
    expect(ref.type).toBe('SalesOrder');
    const o = env.sim.state.salesOrders.find((x) => x.OrderID === ref.id)!;
    expect(fixed(String(o.AmountFC))).toBe(plan.totals.gross);
    expect(vatByPercent(o.SalesOrderLines as Rec[], 'VATAmount')).toEqual(planVatByPercent(plan));
    expect(fixed(sum((o.SalesOrderLines as Rec[]).map((l) => String(l.VATAmount))))).toBe(plan.totals.vat);
    const credit = await target.bookDocument(refundPlan('WC-O1-R1', 'WC-O1'), { mayExist: false, original: ref }, env.ctx);
    expect(credit.type).toBe('SalesInvoice');
    expect(env.sim.state.salesInvoices.find((i) => i.InvoiceID === credit.id)!.Type).toBe(8021);
  });

  it('OSS, reverse charge, export and exempt lines map to their VAT codes', async () => {
    const env = await setup();
    const target = env.target();
    await target.prepare(env.ctx);
    const plan = makePlan({
      reference: 'WC-E4',
      lines: [
        planLine({ description: 'To DE', net: '10.00', vat: '1.90', treatment: 'oss', percent: '19', country: 'DE' }),
        planLine({ description: 'B2B BE', net: '20.00', vat: '0.00', treatment: 'reverse_charge', percent: '0' }),
        planLine({ description: 'To US', net: '30.00', vat: '0.00', treatment: 'export', percent: '0' }),
        planLine({ role: 'rounding', description: 'Rounding', net: '0.01', vat: '0.00', treatment: 'exempt', percent: '0' }),
      ],
    });
    await target.bookDocument(plan, { mayExist: false, original: null }, env.ctx);
    const e = env.sim.state.salesEntries.find((x) => x.YourRef === 'WC-E4')!;
    expect((e.SalesEntryLines as Rec[]).map((l) => String(l.VATCode).trim())).toEqual(['D19', '6', '7', '0']);
    expect(fixed(String(e.AmountFC))).toBe(plan.totals.gross);
  });
});

describe('customers and items', () => {
  it('customers are deduplicated by e-mail and remembered in the store', async () => {
    const env = await setup();
    const target = env.target();
    await target.prepare(env.ctx);
    await target.bookDocument(orderPlan('WC-C1'), { mayExist: false, original: null }, env.ctx);
    await target.bookDocument(orderPlan('WC-C2'), { mayExist: false, original: null }, env.ctx);
    expect(env.sim.state.accounts.filter((a) => a.Email === 'jan@example.nl')).toHaveLength(1);
    const id = await env.store.getMapping('exact-account', `${env.sim.state.division}:jan@example.nl`);
    expect(id).toBe(env.sim.state.accounts.find((a) => a.Email === 'jan@example.nl')!.ID);
    // A new run (fresh target, same store) and a different shop spelling of the e-mail: same account.
    const next = env.target();
    await next.prepare(env.ctx);
    await next.bookDocument(orderPlan('WC-C3', { customer: { ...orderPlan('x').customer, email: ' JAN@example.NL ' } }), { mayExist: false, original: null }, env.ctx);
    expect(env.sim.state.accounts).toHaveLength(1);
    // A fresh store (another installation): found by e-mail filter (with quote escaping), not created again.
    const store2 = new MemoryStore(env.clock.now);
    const other = env.target();
    const ctx2 = { ...env.ctx, store: store2 };
    await saveExactTokens(store2, '5a4db0c5-0000-4000-8000-000000000001', 1234567, (await env.store.getToken(tokenName('5a4db0c5-0000-4000-8000-000000000001', 1234567)))!.value as never);
    await other.prepare(ctx2);
    await other.bookDocument(orderPlan('WC-C4'), { mayExist: false, original: null }, ctx2);
    expect(env.sim.state.accounts).toHaveLength(1);
    const quirky = makePlan({ ...orderPlan('WC-C5'), reference: 'WC-C5', customerKey: "o'brien@example.ie", customer: { ...orderPlan('x').customer, email: "o'brien@example.ie", company: 'OBrien Ltd', vatNumber: 'ie 1234567 t', phone: '+353 1 234 5678', billing: { line1: '1 Main St', line2: 'Unit 4', postcode: 'D01 X2Y3', city: 'Dublin', state: '', country: 'IE' } } });
    await other.bookDocument(quirky, { mayExist: false, original: null }, ctx2);
    await other.bookDocument({ ...quirky, reference: 'WC-C6' }, { mayExist: false, original: null }, { ...ctx2, store: new MemoryStore(env.clock.now) });
    expect(env.sim.state.accounts.filter((a) => a.Email === "o'brien@example.ie")).toHaveLength(1);
    expect(env.sim.state.accounts.find((a) => a.Email === "o'brien@example.ie")).toMatchObject({ Name: 'OBrien Ltd', VATNumber: 'IE1234567T', Country: 'IE', City: 'Dublin', AddressLine2: 'Unit 4', Phone: '+353 1 234 5678', Status: 'C' });
  });

  it('collective debtor mode books on the account with the padded code', async () => {
    const env = await setup();
    const t = new ExactTransport({ baseUrl: env.sim.url, clientId: '5a4db0c5-0000-4000-8000-000000000001', clientSecret: 'sandbox-secret', division: 1234567, store: env.store, timeoutMs: 2000, now: env.clock.now, sleep: env.clock.sleep, sharePacer: false, seedRefreshToken: env.config.refreshToken });
    await t.post('crm/Accounts', { Code: '9999', Name: 'Webshop kassa', Status: 'C' });
    const target = env.target({ customerMode: 'collective', collectiveAccountCode: '9999' });
    await target.prepare(env.ctx);
    const ref = await target.bookDocument(orderPlan('WC-K1'), { mayExist: false, original: null }, env.ctx);
    expect(env.sim.state.accounts).toHaveLength(1);
    expect(ref.customerId).toBe(env.sim.state.accounts[0].ID);
  });

  it('items are matched by SKU, created once when missing, and match-only refuses unknown SKUs', async () => {
    const env = await setup();
    await addGenericItem(env);
    const target = env.target({ documentKind: 'salesInvoice' });
    await target.prepare(env.ctx);
    await target.bookDocument(orderPlan('WC-IT1'), { mayExist: false, original: null }, env.ctx);
    await target.bookDocument(orderPlan('WC-IT2'), { mayExist: false, original: null }, env.ctx);
    const next = env.target({ documentKind: 'salesInvoice' });
    await next.prepare(env.ctx);
    await next.bookDocument(orderPlan('WC-IT3'), { mayExist: false, original: null }, env.ctx);
    expect(env.sim.state.items.filter((i) => i.Code === 'TS-RED-M')).toHaveLength(1);
    expect(env.sim.state.items.filter((i) => i.Code === 'BOOK-1')).toHaveLength(1);
    const strict = env.target({ documentKind: 'salesInvoice', itemMode: 'match-only' });
    await strict.prepare(env.ctx);
    const plan = makePlan({ reference: 'WC-IT4', lines: [planLine({ description: 'New', sku: 'NEW-SKU', net: '10.00', vat: '2.10' })] });
    await expect(strict.bookDocument(plan, { mayExist: false, original: null }, env.ctx)).rejects.toMatchObject({ code: 'RemoteNotFound', retryable: false });
    expect(env.sim.state.items.some((i) => i.Code === 'NEW-SKU')).toBe(false);
  });
});

describe('validation and errors', () => {
  it('prepare reports VatCodeMap problems: unknown, blocked, wrong percentage, purchase-only; and wrong GL types', async () => {
    const env = await setup();
    const target = env.target({
      vatCodeMap: { 'domestic:21': '2', 'domestic:9': '2', 'oss:DE:19': 'X19', 'oss:DE:7': '99', 'domestic:0': '10' },
      glAccounts: { revenue: '8000', shipping: '1300' },
    });
    const { problems } = await target.prepare(env.ctx);
    const byKey: Record<string, string> = {};
    for (const p of problems) byKey[p.key] = `${byKey[p.key] ?? ''} ${p.message}`;
    expect(byKey['domestic:9']).toMatch(/21 % but domestic:9 needs 9 %/);
    expect(byKey['oss:DE:19']).toMatch(/does not exist/);
    expect(byKey['oss:DE:7']).toMatch(/blocked/);
    expect(byKey['domestic:0']).toMatch(/purchases only/);
    expect(byKey['gl:shipping']).toMatch(/not a revenue account/);
    expect(byKey['domestic:21']).toBeUndefined();
  });

  it('an unmapped VAT key is a VatCodeNotMapped error before sending, or uses defaultVatCode', async () => {
    const env = await setup();
    const plan = makePlan({ reference: 'WC-V1', lines: [planLine({ description: 'To AT', net: '10.00', vat: '2.00', treatment: 'oss', percent: '20', country: 'AT' })] });
    const target = env.target();
    await target.prepare(env.ctx);
    const v = await target.validate(plan);
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.error.code).toBe('VatCodeNotMapped');
    await expect(target.bookDocument(plan, { mayExist: false, original: null }, env.ctx)).rejects.toMatchObject({ code: 'VatCodeNotMapped' });
    expect(env.sim.stats.writes).toBe(0);
    const withDefault = env.target({ defaultVatCode: 'A20' });
    await withDefault.prepare(env.ctx);
    await withDefault.bookDocument(plan, { mayExist: false, original: null }, env.ctx);
    expect(String((env.sim.state.salesEntries[0].SalesEntryLines as Rec[])[0].VATCode).trim()).toBe('A20');
  });

  it("a Dutch validation error surfaces verbatim with the explanation", async () => {
    const env = await setup();
    const target = env.target({ glAccounts: { revenue: '1300' } });
    await target.prepare(env.ctx);
    const err = await target.bookDocument(orderPlan('WC-X1'), { mayExist: false, original: null }, env.ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShopbooksError);
    const e = err as ShopbooksError;
    expect(e.code).toBe('RemoteValidation');
    expect(e.retryable).toBe(false);
    expect(e.remoteMessage).toContain('Ongeldig: Grootboekrekeningtype');
    expect(e.message).toContain('not a revenue account');

    const pc = env.target({ paymentConditionCode: 'ZZ' });
    await pc.prepare(env.ctx);
    const err2 = (await pc.bookDocument(orderPlan('WC-X2'), { mayExist: false, original: null }, env.ctx).catch((x: unknown) => x)) as ShopbooksError;
    expect(err2.remoteMessage).toBe('Ongeldige referentie: Betalingsconditie');
    expect(err2.message).toContain('Betalingsconditie');
  });

  it('a reference longer than Exact accepts is refused before sending (NameTooLong); long descriptions are truncated', async () => {
    const env = await setup();
    const target = env.target();
    await target.prepare(env.ctx);
    const long = orderPlan('WC-' + '9'.repeat(40));
    await expect(target.bookDocument(long, { mayExist: false, original: null }, env.ctx)).rejects.toMatchObject({ code: 'NameTooLong' });
    const plan = orderPlan('WC-L1', { description: 'x'.repeat(200) });
    await target.bookDocument(plan, { mayExist: false, original: null }, env.ctx);
    expect(String(env.sim.state.salesEntries[0].Description).length).toBeLessThanOrEqual(60);
  });

  it('totals that do not add up are refused before anything is sent', async () => {
    const env = await setup();
    const target = env.target();
    await target.prepare(env.ctx);
    const plan = { ...orderPlan('WC-X3'), totals: { net: '59.67', vat: '10.33', gross: '70.01' } };
    await expect(target.bookDocument(plan, { mayExist: false, original: null }, env.ctx)).rejects.toMatchObject({ code: 'TotalsDoNotReconcile' });
    expect(env.sim.stats.writes).toBe(0);
  });

  it('dry run writes nothing', async () => {
    const env = await setup();
    const target = env.target();
    await target.prepare(env.ctx);
    await target.bookDocument(orderPlan('WC-DRY'), { mayExist: false, original: null }, { ...env.ctx, dryRun: true });
    expect(env.sim.stats.writes).toBe(0);
    expect(env.events.some((e) => e.event === 'exact.dry-run')).toBe(true);
  });
});
