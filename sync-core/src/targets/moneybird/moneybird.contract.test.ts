/**
 * Contract tests: the Moneybird target against the Moneybird simulator (sandbox/moneybird).
 * Every booked document is read back from the simulator's state and compared with the plan:
 * gross total and VAT per rate to the cent, state, number, payments.
 */
import { dec } from '../../model/money';
import { ShopbooksError } from '../../model/errors';
import type { BookingPlan } from '../../plan/types';
import { startHarness, taxByRate, type Harness } from './test/harness';
import { handPlan } from './test/plans';
import {
  createMoneybirdTarget,
  exchangeAuthorizationCode,
  listAdministrationsWithAccessToken,
  moneybirdTokenName,
} from './index';
import { MemoryStore } from '../../store/memory-store';

type Json = Record<string, unknown>;
const money = (v: unknown) => dec(String(v)).toFixed(2);

/** The plan's VAT per Moneybird tax rate id (zero rates left out, as Moneybird may omit them). */
function planTaxByRate(h: Harness, plan: BookingPlan): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of plan.vatByRate) {
    const id = h.target.config.taxRateMap[r.key];
    out[id] = dec(out[id] ?? '0')
      .plus(dec(r.vat))
      .toFixed(2);
  }
  return Object.fromEntries(Object.entries(out).filter(([, v]) => !dec(v).isZero()));
}
function docTaxByRate(doc: Json): Record<string, string> {
  return Object.fromEntries(
    Object.entries(taxByRate(doc))
      .filter(([, v]) => !dec(v).isZero())
      .map(([k, v]) => [k, money(v)]),
  );
}
function expectToTheCent(h: Harness, doc: Json, plan: BookingPlan) {
  expect(money(doc.total_price_incl_tax)).toBe(plan.totals.gross);
  expect(docTaxByRate(doc)).toEqual(planTaxByRate(h, plan));
}

/** 7 × 1.02 at 21 % rounded per line by the shop (VAT 1.47, Moneybird per rate 1.50) + shipping + a 9 % line. */
const roundingOrder = (reference: string, extra: Partial<Parameters<typeof handPlan>[0]> = {}) =>
  handPlan({
    reference,
    lines: [
      ...Array.from({ length: 7 }, (_, i) => ({
        description: `Sticker ${i + 1}`,
        net: '1.02',
        vat: '0.21',
        percent: '21',
        sku: `ST-${i + 1}`,
      })),
      { description: 'Koffie', quantity: '3', net: '14.85', vat: '1.34', percent: '9' },
      { role: 'shipping' as const, description: 'Verzending', net: '4.95', vat: '1.04', percent: '21' },
    ],
    ...extra,
  });

describe('Moneybird target against the simulator', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.sim.close();
  });

  it('prepare loads master data and validates the tax rate map', async () => {
    h = await startHarness({}, {});
    expect((await h.target.prepare(h.ctx)).problems).toEqual([]);
    expect(h.requests).toEqual([
      'GET /api/v2/administrations.json',
      'GET /tax_rates.json',
      'GET /ledger_accounts.json',
      'GET /workflows.json',
      'GET /document_styles.json',
      'GET /financial_accounts.json',
    ]);
    // a purchase rate and an unknown id are reported in words
    const p21 = (h.sim.state.taxRates as Json[]).find(
      (r) => r.tax_rate_type === 'purchase_invoice' && r.percentage === '21.0',
    )!;
    const bad = createMoneybirdTarget({
      ...h.target.config,
      taxRateMap: {
        ...h.target.config.taxRateMap,
        'domestic:21': String(p21.id),
        'domestic:9': '123456789012345678',
      },
    });
    const { problems } = await bad.prepare(h.ctx);
    expect(problems.find((p) => p.key === 'domestic:21')?.message).toMatch(/purchase invoice rate/);
    expect(problems.find((p) => p.key === 'domestic:9')?.message).toMatch(/does not exist/);
    expect(problems.map((p) => p.key).sort()).toEqual(['domestic:21', 'domestic:9']);
  });

  it('books a sales invoice: draft -> send (Manual) -> number -> payment, to the cent', async () => {
    h = await startHarness();
    const plan = roundingOrder('WC-1001');
    const ref = await h.target.bookDocument(plan, { mayExist: false, original: null }, h.ctx);
    const invoices = h.sim.state.salesInvoices as Json[];
    expect(invoices).toHaveLength(1);
    const inv = invoices[0];
    expect(ref).toMatchObject({
      id: inv.id,
      type: 'SalesInvoice(moneybird)',
      number: inv.invoice_id,
      recovered: false,
    });
    expect(String(inv.invoice_id)).toMatch(/^\d{4}-\d{4}$/);
    expect(inv.reference).toBe('WC-1001');
    expect(inv.invoice_date).toBe('2026-03-01');
    expect(inv.state).toBe('paid');
    expectToTheCent(h, inv, plan);
    expect((inv.payments as Json[]).map((p) => money(p.price))).toEqual([plan.totals.gross]);
    // the per-rate correction was needed and used
    expect(h.logs.find((l) => l.event === 'moneybird.created')?.data?.corrections).toHaveLength(1);
    // order of writes: create, send, pay
    const writes = h.requests.filter((r) => !r.startsWith('GET'));
    expect(writes).toEqual([
      'POST /contacts.json',
      'POST /sales_invoices.json',
      `PATCH /sales_invoices/${inv.id}/send_invoice.json`,
      `POST /sales_invoices/${inv.id}/payments.json`,
    ]);
    expect(h.target.callStats()).toMatchObject({ write: 4, retried: 0 });
  });

  it('books prices incl. VAT, OSS and a 0 % line to the cent', async () => {
    h = await startHarness();
    const plan = handPlan({
      reference: 'WC-1002',
      pricesIncludeTax: true,
      lines: [
        ...[1, 2, 3].map(() => ({ net: '8.26', vat: '1.73', percent: '21' })),
        { net: '16.80', vat: '3.19', percent: '19', treatment: 'oss' as const, country: 'DE' },
        { role: 'fees' as const, net: '2.50', vat: '0.00', percent: '0', treatment: 'exempt' as const },
      ],
    });
    await h.target.bookDocument(plan, { mayExist: false, original: null }, h.ctx);
    const inv = (h.sim.state.salesInvoices as Json[])[0];
    expect(inv.prices_are_incl_tax).toBe(true);
    expectToTheCent(h, inv, plan);
    expect(inv.state).toBe('paid');
  });

  it('when Moneybird rounds per line instead: a wrong assumption stops cleanly, the right setting books to the cent', async () => {
    h = await startHarness({ vatRounding: { strategy: 'perLine' } });
    const plan = roundingOrder('WC-1010');
    const e = (await h.target
      .bookDocument(plan, { mayExist: false, original: null }, h.ctx)
      .catch((x: unknown) => x)) as ShopbooksError;
    expect(e.code).toBe('TotalsDoNotReconcile');
    expect(e.message).toMatch(/removed again, nothing was sent or paid/);
    expect(h.sim.state.salesInvoices).toHaveLength(0);
    const right = createMoneybirdTarget({
      ...h.target.config,
      vatRounding: { strategy: 'perLine', mode: 'halfUp' },
    });
    await right.bookDocument(plan, { mayExist: true, original: null }, h.ctx);
    const inv = (h.sim.state.salesInvoices as Json[])[0];
    expect(inv.state).toBe('paid');
    expectToTheCent(h, inv, plan);
  });

  it('leaves an unpaid order open with its number', async () => {
    h = await startHarness();
    const plan = roundingOrder('WC-1003', { paid: false });
    const ref = await h.target.bookDocument(plan, { mayExist: false, original: null }, h.ctx);
    const inv = (h.sim.state.salesInvoices as Json[])[0];
    expect(inv.state).toBe('late'); // sent, unpaid, and its due date (2026-03-15) has passed
    expect(ref.number).toBe(inv.invoice_id);
    expect(inv.payments).toEqual([]);
  });

  it('deduplicates contacts by customer_id and e-mail, and adopts a contact made by hand', async () => {
    h = await startHarness();
    await h.target.bookDocument(
      roundingOrder('WC-2001', { email: 'Piet@Example.com' }),
      { mayExist: false, original: null },
      h.ctx,
    );
    await h.target.bookDocument(
      roundingOrder('WC-2002', { email: 'piet@example.com ' }),
      { mayExist: false, original: null },
      h.ctx,
    );
    expect(h.sim.state.contacts).toHaveLength(1);
    // a new target (new run) with an empty store still finds the contact by customer_id
    const again = await startHarness();
    try {
      await again.target.bookDocument(
        roundingOrder('WC-2003', { email: 'klaas@example.com' }),
        { mayExist: false, original: null },
        again.ctx,
      );
      expect(again.sim.state.contacts).toHaveLength(1);
    } finally {
      await again.sim.close();
    }
    // a contact created by hand in Moneybird with the same e-mail is reused, not duplicated
    const res = await fetch(`${h.sim.url}/api/v2/${h.sim.administrationId}/contacts.json`, {
      method: 'POST',
      headers: { Authorization: 'Bearer sandbox-moneybird-api-token-0001', 'Content-Type': 'application/json' },
      body: JSON.stringify({
        contact: { company_name: 'Handmatig BV', send_invoices_to_email: 'hand@example.com' },
      }),
    });
    expect(res.status).toBe(201);
    const hand = (await res.json()) as Json;
    await h.target.bookDocument(
      roundingOrder('WC-2004', { email: 'HAND@example.com' }),
      { mayExist: false, original: null },
      h.ctx,
    );
    expect(h.sim.state.contacts).toHaveLength(2);
    const inv = (h.sim.state.salesInvoices as Json[]).find((i) => i.reference === 'WC-2004')!;
    expect(inv.contact_id).toBe(hand.id);
  });

  it('two bookings for one new customer at once create one contact', async () => {
    h = await startHarness();
    await Promise.all(
      ['WC-2401', 'WC-2402', 'WC-2403'].map((r) =>
        h.target.bookDocument(
          roundingOrder(r, { email: 'tegelijk@example.com' }),
          { mayExist: false, original: null },
          h.ctx,
        ),
      ),
    );
    expect(h.sim.state.contacts).toHaveLength(1);
    expect(h.sim.state.salesInvoices).toHaveLength(3);
  });

  it('a contact create that times out after commit is found again, not duplicated', async () => {
    h = await startHarness({}, { timeoutMs: 5000 });
    h.sim.faults.inject('timeoutAfterCommit', { path: '/contacts', method: 'POST' });
    await h.target.bookDocument(
      roundingOrder('WC-2301', { email: 'traag@example.com' }),
      { mayExist: false, original: null },
      h.ctx,
    );
    expect(h.sim.state.contacts).toHaveLength(1);
    expect((h.sim.state.salesInvoices as Json[])[0].contact_id).toBe((h.sim.state.contacts as Json[])[0].id);
  });

  it('books every order on one collective contact when set so', async () => {
    h = await startHarness();
    const res = await fetch(`${h.sim.url}/api/v2/${h.sim.administrationId}/contacts.json`, {
      method: 'POST',
      headers: { Authorization: 'Bearer sandbox-moneybird-api-token-0001', 'Content-Type': 'application/json' },
      body: JSON.stringify({ contact: { company_name: 'Webshop klanten' } }),
    });
    const collective = (await res.json()) as Json;
    const target = createMoneybirdTarget({
      ...h.target.config,
      customerMode: 'collective',
      collectiveContactId: String(collective.id),
    });
    expect((await target.prepare(h.ctx)).problems).toEqual([]);
    await target.bookDocument(
      roundingOrder('WC-2201', { email: 'a@example.com' }),
      { mayExist: false, original: null },
      h.ctx,
    );
    await target.bookDocument(
      roundingOrder('WC-2202', { email: 'b@example.com' }),
      { mayExist: false, original: null },
      h.ctx,
    );
    expect(h.sim.state.contacts).toHaveLength(1);
    expect((h.sim.state.salesInvoices as Json[]).map((i) => i.contact_id)).toEqual([
      collective.id,
      collective.id,
    ]);
    const missing = createMoneybirdTarget({
      ...h.target.config,
      customerMode: 'collective',
      collectiveContactId: '123456789012345678',
    });
    expect((await missing.prepare(h.ctx)).problems.map((p) => p.key)).toEqual(['collectiveContactId']);
  });

  it('finds the contact again when the remembered one was deleted in Moneybird', async () => {
    h = await startHarness();
    await h.target.bookDocument(
      roundingOrder('WC-2101', { email: 'weg@example.com' }),
      { mayExist: false, original: null },
      h.ctx,
    );
    const first = (h.sim.state.contacts as Json[])[0];
    const del = await fetch(
      `${h.sim.url}/api/v2/${h.sim.administrationId}/contacts/${String(first.id)}.json`,
      { method: 'DELETE', headers: { Authorization: 'Bearer sandbox-moneybird-api-token-0001' } },
    );
    expect(del.status).toBe(204);
    await h.target.bookDocument(
      roundingOrder('WC-2102', { email: 'weg@example.com' }),
      { mayExist: false, original: null },
      h.ctx,
    );
    expect(h.sim.state.contacts).toHaveLength(1);
    const inv = (h.sim.state.salesInvoices as Json[]).find((i) => i.reference === 'WC-2102')!;
    expect(inv.contact_id).toBe((h.sim.state.contacts as Json[])[0].id);
    expect(inv.contact_id).not.toBe(first.id);
    expect(h.logs.some((l) => l.event === 'moneybird.contactGone')).toBe(true);
  });

  it('connects with OAuth2 (consent, code exchange), refreshes an expired token once and persists the rotation', async () => {
    let now = Date.UTC(2026, 10, 20, 12, 0, 0);
    const clock = () => now;
    const sim = await (
      await import('../../sandbox/moneybird')
    ).startMoneybirdSimulator({ now: clock, tokenExpiresInSec: 3600 });
    try {
      const redirect = sim.authorize({
        clientId: '5a4db0c5-0000-4000-8000-000000000001',
        redirectUri: 'http://127.0.0.1/callback',
        state: 'xyz',
        scope: 'sales_invoices settings',
      });
      const code = new URL(redirect).searchParams.get('code')!;
      expect(new URL(redirect).searchParams.get('state')).toBe('xyz');
      const base = await startHarness();
      const config = {
        ...base.target.config,
        baseUrl: sim.url,
        administrationId: sim.administrationId,
        auth: {
          kind: 'oauth' as const,
          clientId: '5a4db0c5-0000-4000-8000-000000000001',
          clientSecret: 'sandbox-secret',
          redirectUri: 'http://127.0.0.1/callback',
        },
        taxRateMap: {},
        financialAccountId: undefined,
        ledgerAccounts: {
          revenue: String((sim.state.ledgerAccounts as Json[]).find((l) => l.name === 'Omzet')!.id),
        },
      };
      await base.sim.close();
      const store = new MemoryStore(clock);
      const tokenName = moneybirdTokenName(config);
      await exchangeAuthorizationCode(
        {
          baseUrl: sim.url,
          clientId: '5a4db0c5-0000-4000-8000-000000000001',
          clientSecret: 'sandbox-secret',
          redirectUri: 'http://127.0.0.1/callback',
          code,
          now: clock,
        },
        store,
        tokenName,
      );
      const first = await store.getToken(tokenName);
      const picked = await listAdministrationsWithAccessToken({
        baseUrl: sim.url,
        accessToken: String(first!.value.accessToken),
      });
      expect(picked.map((x) => x.id)).toEqual([sim.administrationId]);
      const ctx = { store, dryRun: false, log: () => undefined };
      const a = createMoneybirdTarget(config, { now: clock });
      const b = createMoneybirdTarget(config, { now: clock }); // a second worker sharing the store
      expect((await a.listAdministrations(ctx)).map((x) => x.id)).toContain(sim.administrationId);
      await a.bookDocument(roundingOrder('WC-9001'), { mayExist: false, original: null }, ctx);
      expect(a.callStats().token).toBe(0);
      now += 2 * 3600 * 1000; // the access token has expired
      await Promise.all([
        a.bookDocument(roundingOrder('WC-9002'), { mayExist: false, original: null }, ctx),
        b.bookDocument(
          roundingOrder('WC-9003', { email: 'b@example.com' }),
          { mayExist: false, original: null },
          ctx,
        ),
      ]);
      expect(a.callStats().token + b.callStats().token).toBe(1);
      const after = await store.getToken(tokenName);
      expect(after!.version).toBe(first!.version + 1);
      expect(after!.value.accessToken).not.toBe(first!.value.accessToken);
      expect(sim.state.salesInvoices).toHaveLength(3);
    } finally {
      await sim.close();
    }
  });

  it('a create that times out after Moneybird committed it yields exactly one invoice', async () => {
    h = await startHarness({}, { timeoutMs: 5000 });
    h.sim.faults.inject('timeoutAfterCommit', { path: '/sales_invoices', method: 'POST' });
    const plan = roundingOrder('WC-3001');
    const ref = await h.target.bookDocument(plan, { mayExist: false, original: null }, h.ctx);
    expect(ref.recovered).toBe(true);
    const invoices = h.sim.state.salesInvoices as Json[];
    expect(invoices).toHaveLength(1);
    expect(invoices[0].state).toBe('paid');
    expectToTheCent(h, invoices[0], plan);
    // and a later retry of the whole booking (mayExist) changes nothing
    const again = await h.target.bookDocument(plan, { mayExist: true, original: null }, h.ctx);
    expect(again).toMatchObject({ id: ref.id, recovered: true });
    expect(h.sim.state.salesInvoices).toHaveLength(1);
    expect((h.sim.state.salesInvoices as Json[])[0].payments).toHaveLength(1);
  });

  it.each([
    ['send', '/send_invoice', 'PATCH'],
    ['payment', '/payments', 'POST'],
  ])('a %s that times out after commit is checked, not repeated', async (_label, path, method) => {
    h = await startHarness({}, { timeoutMs: 5000 });
    h.sim.faults.inject('timeoutAfterCommit', { path, method });
    const plan = roundingOrder('WC-3003');
    const ref = await h.target.bookDocument(plan, { mayExist: false, original: null }, h.ctx);
    const inv = (h.sim.state.salesInvoices as Json[])[0];
    expect(h.sim.state.salesInvoices).toHaveLength(1);
    expect(inv.state).toBe('paid');
    expect(inv.payments).toHaveLength(1);
    expect(ref.number).toBe(inv.invoice_id);
  });

  it('dry run writes nothing and explains the lines', async () => {
    h = await startHarness();
    const ref = await h.target.bookDocument(
      roundingOrder('WC-3004'),
      { mayExist: false, original: null },
      { ...h.ctx, dryRun: true },
    );
    expect(ref.id).toBe('');
    expect(h.sim.stats.writes).toBe(0);
    const log = h.logs.find((l) => l.event === 'moneybird.dryRun')!;
    expect(log.data).toMatchObject({ reference: 'WC-3004', document: 'sales invoice' });
    expect((log.data!.details as unknown[]).length).toBe(11); // 9 plan lines + correction pair
  });

  it('findDocument finds a booked invoice by reference and nothing for an unknown one', async () => {
    h = await startHarness();
    const plan = roundingOrder('WC-3005');
    const ref = await h.target.bookDocument(plan, { mayExist: false, original: null }, h.ctx);
    expect(await h.target.findDocument(plan, h.ctx)).toMatchObject({ id: ref.id, number: ref.number });
    expect(await h.target.findDocument(roundingOrder('WC-3006'), h.ctx)).toBeNull();
  });

  it('books a USD order when allowed, paying with the base amount', async () => {
    h = await startHarness({}, { extraCurrencies: ['USD'] });
    const plan = roundingOrder('WC-3007', { currency: 'USD' });
    await h.target.bookDocument(plan, { mayExist: false, original: null }, h.ctx);
    const inv = (h.sim.state.salesInvoices as Json[])[0];
    expect(inv.currency).toBe('USD');
    expect(inv.state).toBe('paid');
    expectToTheCent(h, inv, plan);
    const payment = (inv.payments as Json[])[0];
    expect(money(payment.price)).toBe(plan.totals.gross);
    expect(money(payment.price_base)).toBe(money(inv.total_price_incl_tax_base));
  });

  it('a draft left unsent by a crash is completed on the retry, not duplicated', async () => {
    let crash = true;
    h = await startHarness(
      {},
      {},
      {
        fetch: (async (input: string | URL | Request, init?: RequestInit) => {
          if (crash && String(input).includes('/send_invoice')) {
            crash = false;
            throw new Error('process killed'); // the send never reached Moneybird
          }
          return fetch(input, init);
        }) as typeof fetch,
      },
    );
    const plan = roundingOrder('WC-3002');
    const e = await h.target
      .bookDocument(plan, { mayExist: false, original: null }, h.ctx)
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ShopbooksError);
    expect((h.sim.state.salesInvoices as Json[])[0].state).toBe('draft');
    const ref = await h.target.bookDocument(plan, { mayExist: true, original: null }, h.ctx);
    expect(ref.recovered).toBe(true);
    const invoices = h.sim.state.salesInvoices as Json[];
    expect(invoices).toHaveLength(1);
    expect(invoices[0].state).toBe('paid');
    expect(ref.number).toMatch(/^\d{4}-\d{4}$/);
  });

  it('paces to a low limit (20 per 10 s) without a single 429', async () => {
    h = await startHarness(
      { rateLimit: { limit: 20, windowSec: 10 } },
      { rateLimit: { limit: 20, windowSec: 10 } },
    );
    const started = Date.now();
    for (let i = 0; i < 7; i++) {
      await h.target.bookDocument(
        roundingOrder(`WC-40${i}`, { email: `c${i}@example.com` }),
        { mayExist: false, original: null },
        h.ctx,
      );
    }
    expect(h.sim.stats.requests).toBeGreaterThan(25);
    expect(h.sim.stats.tooManyRequests).toBe(0);
    expect(h.target.callStats().waitedMs).toBeGreaterThan(0);
    expect(Date.now() - started).toBeGreaterThan(9000);
    expect(h.sim.state.salesInvoices).toHaveLength(7);
  }, 90_000);

  it.each(['epoch', 'seconds'] as const)(
    'waits on an injected 429 with Retry-After as %s',
    async (format) => {
      h = await startHarness(
        { retryAfterFormat: format, rateLimit: { limit: 150, windowSec: 3 } },
        { rateLimit: { limit: 150, windowSec: 3 } },
      );
      await h.target.prepare(h.ctx);
      h.sim.faults.inject('429', { path: '/sales_invoices', method: 'POST' });
      const started = Date.now();
      await h.target.bookDocument(roundingOrder('WC-5001'), { mayExist: false, original: null }, h.ctx);
      expect(h.sim.stats.tooManyRequests).toBe(1);
      expect(h.sim.state.salesInvoices).toHaveLength(1);
      const stats = h.target.callStats();
      expect(stats.throttled).toBe(1);
      expect(stats.retried).toBe(0);
      expect(stats.waitedMs).toBeGreaterThan(0);
      expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    },
    30_000,
  );

  it('surfaces a 422 in plain words with the body verbatim', async () => {
    h = await startHarness();
    await h.target.prepare(h.ctx);
    // a real field error: a contact without any name
    const e2 = (await h.target.transport
      .post('/contacts.json', { body: { contact: { city: 'Utrecht' } }, what: 'create a contact' })
      .catch((x: unknown) => x)) as ShopbooksError;
    expect(e2.code).toBe('RemoteValidation');
    expect(e2.message).toMatch(/^Moneybird refused to create a contact: .*is required/);
    expect(JSON.parse(e2.remoteMessage!)).toHaveProperty('details');
  });

  it('a 422 during booking (Email delivery to a contact without e-mail) is a plain, non-retryable error', async () => {
    h = await startHarness({}, { deliveryMethod: 'Email' });
    const plan = roundingOrder('WC-5101', { email: '', shopCustomerId: '42' });
    const e = (await h.target
      .bookDocument(plan, { mayExist: false, original: null }, h.ctx)
      .catch((x: unknown) => x)) as ShopbooksError;
    expect(e).toBeInstanceOf(ShopbooksError);
    expect(e.code).toBe('RemoteValidation');
    expect(e.retryable).toBe(false);
    expect(e.message).toMatch(/^Moneybird refused to send sales invoice \d+ \(Email\): .*can't be blank/);
    expect(e.remoteMessage).toContain('"error"');
  });

  it('refuses a currency the administration does not have, and names that are too long', async () => {
    h = await startHarness();
    await h.target.prepare(h.ctx);
    const v = await h.target.validate(roundingOrder('WC-6001', { currency: 'CHF' }));
    expect(v.ok).toBe(false);
    expect(!v.ok && v.error.code).toBe('CurrencyNotInAdministration');
    const long = roundingOrder('WC-6002', { company: 'X'.repeat(300) });
    const v2 = await h.target.validate(long);
    expect(!v2.ok && v2.error.code).toBe('NameTooLong');
    const unmapped = handPlan({
      reference: 'WC-6003',
      lines: [{ net: '10.00', vat: '2.00', percent: '20', treatment: 'oss', country: 'FR' }],
    });
    const v3 = await h.target.validate(unmapped);
    expect(!v3.ok && v3.error.code).toBe('VatCodeNotMapped');
    await expect(
      h.target.bookDocument(unmapped, { mayExist: false, original: null }, h.ctx),
    ).rejects.toMatchObject({ code: 'VatCodeNotMapped' });
    expect(h.sim.state.salesInvoices).toHaveLength(0);
  });

  it('a full refund becomes a credit invoice linked to the original, paid out', async () => {
    h = await startHarness();
    const order = roundingOrder('WC-7001');
    const orderRef = await h.target.bookDocument(order, { mayExist: false, original: null }, h.ctx);
    const refund = negate(order, 'WC-7001-R1', 'refund');
    const ref = await h.target.bookDocument(refund, { mayExist: false, original: orderRef }, h.ctx);
    const credit = (h.sim.state.salesInvoices as Json[]).find((i) => i.id === ref.id)!;
    expect(credit.original_sales_invoice_id).toBe(orderRef.id);
    expect(credit.reference).toBe('WC-7001-R1');
    expect(String(credit.invoice_id)).toMatch(/^\d{4}-\d{4}$/);
    expectToTheCent(h, credit, refund);
    expect(credit.state).toBe('paid');
    expect(h.sim.state.salesInvoices).toHaveLength(2);
    // the original stays paid
    expect((h.sim.state.salesInvoices as Json[]).find((i) => i.id === orderRef.id)!.state).toBe('paid');
  });

  it('a partial refund keeps the link and books only the refunded lines; a cancellation of an open order settles both', async () => {
    h = await startHarness();
    const order = roundingOrder('WC-7002');
    const orderRef = await h.target.bookDocument(order, { mayExist: false, original: null }, h.ctx);
    const partial = handPlan({
      reference: 'WC-7002-R1',
      kind: 'refund',
      originalReference: 'WC-7002',
      lines: [{ description: 'Koffie', quantity: '-1', net: '-4.95', vat: '-0.45', percent: '9' }],
    });
    const pref = await h.target.bookDocument(partial, { mayExist: false, original: orderRef }, h.ctx);
    const credit = (h.sim.state.salesInvoices as Json[]).find((i) => i.id === pref.id)!;
    expect(credit.original_sales_invoice_id).toBe(orderRef.id);
    expectToTheCent(h, credit, partial);
    expect(credit.state).toBe('paid');

    const open = roundingOrder('WC-7003', { paid: false });
    const openRef = await h.target.bookDocument(open, { mayExist: false, original: null }, h.ctx);
    const cancel = negate(open, 'WC-7003-C', 'cancellation');
    const cref = await h.target.bookDocument(cancel, { mayExist: false, original: openRef }, h.ctx);
    const all = h.sim.state.salesInvoices as Json[];
    expect(all.find((i) => i.id === cref.id)!.state).toBe('paid');
    expect(all.find((i) => i.id === openRef.id)!.state).toBe('paid');
    expectToTheCent(
      h,
      all.find((i) => i.id === cref.id)!,
      cancel,
    );
  });

  it('a credit invoice whose reference was never set (crash after duplicate) is adopted, not duplicated', async () => {
    h = await startHarness({}, { timeoutMs: 5000 });
    const order = roundingOrder('WC-7004');
    const orderRef = await h.target.bookDocument(order, { mayExist: false, original: null }, h.ctx);
    h.sim.faults.inject('timeoutAfterCommit', { path: '/duplicate_creditinvoice' });
    const refund = negate(order, 'WC-7004-R1', 'refund');
    const ref = await h.target.bookDocument(refund, { mayExist: false, original: orderRef }, h.ctx);
    expect(ref.recovered).toBe(true);
    expect(h.sim.state.salesInvoices).toHaveLength(2);
    expect((h.sim.state.salesInvoices as Json[]).find((i) => i.id === ref.id)!.reference).toBe('WC-7004-R1');
  });

  it('an order retried while an unrenamed credit draft shares its reference finds the order, not the credit', async () => {
    // Emulate a Moneybird whose find_by_reference answers the newest of several matches.
    const holder: { h?: Harness } = {};
    const newestFirst = (async (input: string | URL | Request, init?: RequestInit) => {
      const u = new URL(String(input));
      const m = /\/sales_invoices\/find_by_reference\/([^/]+)\.json$/.exec(u.pathname);
      if (!m) return fetch(input, init);
      const list = await fetch(
        `${holder.h!.sim.url}/api/v2/${holder.h!.sim.administrationId}/sales_invoices.json?filter=reference:${m[1]},state:all`,
        { headers: init?.headers },
      );
      const rows = (await list.json()) as Json[];
      return rows.length
        ? new Response(JSON.stringify(rows[rows.length - 1]), { status: 200 })
        : new Response('{"error":"not found"}', { status: 404 });
    }) as typeof fetch;
    h = await startHarness({}, {}, { fetch: newestFirst });
    holder.h = h;
    const plan = roundingOrder('WC-7010');
    const ref = await h.target.bookDocument(plan, { mayExist: false, original: null }, h.ctx);
    const dup = await fetch(
      `${h.sim.url}/api/v2/${h.sim.administrationId}/sales_invoices/${ref.id}/duplicate_creditinvoice.json`,
      {
        method: 'PATCH',
        headers: { Authorization: 'Bearer sandbox-moneybird-api-token-0001', 'Content-Type': 'application/json' },
        body: '{}',
      },
    );
    const orphan = (await dup.json()) as Json;
    expect(orphan.reference).toBe('WC-7010');
    const again = await h.target.bookDocument(plan, { mayExist: true, original: null }, h.ctx);
    expect(again.id).toBe(ref.id);
    const credit = (h.sim.state.salesInvoices as Json[]).find((i) => i.id === orphan.id)!;
    expect(credit.state).toBe('draft');
    expect(money(credit.total_price_incl_tax)).toBe(dec(plan.totals.gross).negated().toFixed(2));
    expect(h.sim.state.salesInvoices).toHaveLength(2);
  });

  describe('external sales invoices', () => {
    it('books one, attaches the PDF and marks it paid, to the cent', async () => {
      const pdf = Buffer.from('%PDF-1.4\n% shop invoice\n');
      h = await startHarness(
        {},
        { documentKind: 'externalSalesInvoice' },
        { documentPdf: async (p) => ({ filename: `${p.reference}.pdf`, data: pdf }) },
      );
      const plan = roundingOrder('WC-8001');
      const ref = await h.target.bookDocument(plan, { mayExist: false, original: null }, h.ctx);
      const docs = h.sim.state.externalSalesInvoices as Json[];
      expect(docs).toHaveLength(1);
      expect(ref).toMatchObject({ id: docs[0].id, type: 'ExternalSalesInvoice' });
      expect(docs[0].reference).toBe('WC-8001');
      expect(docs[0].date).toBe('2026-03-01');
      expect(docs[0].state).toBe('paid');
      expect(docs[0].attachments).toHaveLength(1);
      expectToTheCent(h, docs[0], plan);
      // booking again with mayExist finds it (store mapping) and adds nothing
      const again = await h.target.bookDocument(plan, { mayExist: true, original: null }, h.ctx);
      expect(again.id).toBe(ref.id);
      expect(h.sim.state.externalSalesInvoices).toHaveLength(1);
      expect((h.sim.state.externalSalesInvoices as Json[])[0].attachments).toHaveLength(1);
    });

    it('a create that times out after commit is found by listing, exactly once (fresh store)', async () => {
      h = await startHarness({}, { documentKind: 'externalSalesInvoice', timeoutMs: 5000 });
      h.sim.faults.inject('timeoutAfterCommit', { path: '/external_sales_invoices', method: 'POST' });
      const plan = roundingOrder('WC-8002');
      const ref = await h.target.bookDocument(plan, { mayExist: false, original: null }, h.ctx);
      expect(ref.recovered).toBe(true);
      expect(h.sim.state.externalSalesInvoices).toHaveLength(1);
      expect((h.sim.state.externalSalesInvoices as Json[])[0].state).toBe('paid');
      const found = await h.target.findDocument(plan, {
        ...h.ctx,
        store: new (h.store.constructor as new () => typeof h.store)(),
      });
      expect(found?.id).toBe(ref.id);
    });

    it('a refund is a negative external sales invoice, paid out, to the cent', async () => {
      h = await startHarness({}, { documentKind: 'externalSalesInvoice' });
      const order = roundingOrder('WC-8003');
      const orderRef = await h.target.bookDocument(order, { mayExist: false, original: null }, h.ctx);
      const refund = negate(order, 'WC-8003-R1', 'refund');
      const ref = await h.target.bookDocument(refund, { mayExist: false, original: orderRef }, h.ctx);
      const doc = (h.sim.state.externalSalesInvoices as Json[]).find((d) => d.id === ref.id)!;
      expectToTheCent(h, doc, refund);
      expect(doc.state).toBe('paid');
    });
  });
});

/** The credit-note plan of a whole order (negative lines), as plan/ builds it for a full refund. */
function negate(plan: BookingPlan, reference: string, kind: 'refund' | 'cancellation'): BookingPlan {
  const neg = (v: string) => dec(v).negated().toFixed(2);
  return {
    ...plan,
    kind,
    reference,
    originalReference: plan.reference,
    lines: plan.lines.map((l) => ({
      ...l,
      quantity: dec(l.quantity).negated().toFixed(),
      net: neg(l.net),
      vat: neg(l.vat),
    })),
    vatByRate: plan.vatByRate.map((r) => ({ ...r, base: neg(r.base), vat: neg(r.vat) })),
    totals: { net: neg(plan.totals.net), vat: neg(plan.totals.vat), gross: neg(plan.totals.gross) },
    shop: { gross: neg(plan.shop.gross), vat: neg(plan.shop.vat) },
    paid: true,
  };
}
