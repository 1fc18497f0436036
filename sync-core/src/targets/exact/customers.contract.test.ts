/**
 * Customers without per-order look-ups, against the Exact simulator: a run reads the accounts
 * changed since the stored Timestamp cursor (sync/CRM/Accounts) once, resolves each order's
 * customer from the store's e-mail → account map, and creates only what is missing. Every request
 * the target sends is recorded, so "no look-up" is counted, not assumed.
 */
import { MemoryStore } from '../../store/memory-store';
import type { TargetContext } from '../port';
import { startExactSimulator, type ExactSimulator, type ExactSimulatorOptions } from '../../sandbox/exact';
import { createExactTarget } from './index';
import type { ExactTargetConfigInput } from './config';
import { ExactTransport } from './transport';
import { makePlan, planLine } from './test-plans';
import type { BookingPlan } from '../../plan/types';
import { ACCOUNT_MAPPING, accountsCursorName } from './account-map';

const CLIENT_ID = '5a4db0c5-0000-4000-8000-000000000001';
const VAT_MAP = { 'domestic:21': '2', 'domestic:9': '1', 'domestic:0': '5' };

interface Call {
  method: string;
  path: string;
  query: string;
}

const sims: ExactSimulator[] = [];
afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
});

async function setup(simOpts: ExactSimulatorOptions = {}) {
  let t = Date.UTC(2026, 2, 2, 9, 0, 5);
  const now = () => t;
  const sleep = async (ms: number) => {
    t += Math.max(0, ms);
    await new Promise((r) => setImmediate(r));
  };
  const sim = await startExactSimulator({ now, rateLimit: { minutely: 100000, daily: 100000 }, ...simOpts });
  sims.push(sim);
  const store = new MemoryStore(now);
  const events: Array<{ event: string; data?: Record<string, unknown> }> = [];
  const ctx: TargetContext = { store, dryRun: false, log: (event, data) => events.push({ event, data }) };
  const calls: Call[] = [];
  const recording: typeof fetch = async (input, init) => {
    const u = new URL(String(input));
    calls.push({ method: init?.method ?? 'GET', path: u.pathname, query: decodeURIComponent(u.search) });
    return fetch(input, init);
  };
  const refreshToken = sim.issueRefreshToken();
  const config: ExactTargetConfigInput = {
    baseUrl: sim.url,
    clientId: CLIENT_ID,
    clientSecret: 'sandbox-secret',
    redirectUri: 'http://127.0.0.1/callback',
    division: 1234567,
    refreshToken,
    glAccounts: { revenue: '8000', shipping: '8090', fees: '8000', discount: '8100', rounding: '8900' },
    vatCodeMap: VAT_MAP,
    timeoutMs: 2000,
  };
  const target = (over: Partial<ExactTargetConfigInput> = {}) =>
    createExactTarget(
      { ...config, ...over },
      { now, sleep, random: () => 0.5, sharePacer: false, fetch: recording },
    );
  /** The accountant's own calls in Exact (not recorded). */
  const exact = new ExactTransport({
    baseUrl: sim.url,
    clientId: CLIENT_ID,
    clientSecret: 'sandbox-secret',
    division: 1234567,
    store: new MemoryStore(now),
    timeoutMs: 2000,
    now,
    sleep,
    sharePacer: false,
    seedRefreshToken: sim.issueRefreshToken(),
  });
  const accountCalls = () => {
    const out = { sync: 0, lookups: 0, creates: 0 };
    for (const c of calls) {
      if (c.path.endsWith('/sync/CRM/Accounts')) out.sync++;
      else if (c.path.endsWith('/crm/Accounts') && c.method === 'GET') out.lookups++;
      else if (c.path.endsWith('/crm/Accounts') && c.method === 'POST') out.creates++;
    }
    return out;
  };
  /** Book the orders in one run (prepare + bookDocument each) with a fresh target; the account calls it made. */
  async function run(plans: BookingPlan[], over: Partial<ExactTargetConfigInput> = {}) {
    calls.length = 0;
    const tg = target(over);
    await tg.prepare(ctx);
    const refs = [];
    for (const p of plans) refs.push(await tg.bookDocument(p, { mayExist: false, original: null }, ctx));
    return { refs, accounts: accountCalls(), calls: [...calls] };
  }
  return {
    sim,
    store,
    ctx,
    events,
    calls,
    exact,
    run,
    target,
    accountCalls,
    advance: (ms: number) => void (t += ms),
  };
}

let n = 0;
function order(email: string, name = 'Klant'): BookingPlan {
  const p = makePlan({
    reference: `WC-CU${++n}`,
    lines: [planLine({ description: 'T-shirt', net: '10.00', vat: '2.10' })],
  });
  return {
    ...p,
    customerKey: email,
    customer: { ...p.customer, email, firstName: name, lastName: '', company: '' },
  };
}

const id = (sim: ExactSimulator, email: string) =>
  sim.state.accounts.filter((a) => a.Email === email).map((a) => a.ID as string);

describe('Exact customers from sync/CRM/Accounts', () => {
  it('a run reads the changes once and creates only new customers; a second run with returning customers makes no account look-ups', async () => {
    const env = await setup();
    const piet = (await env.exact.post('crm/Accounts', {
      Name: 'Piet',
      Email: 'Piet@Example.nl',
      Status: 'C',
    })) as { d: { ID: string } };

    const first = await env.run([
      order('piet@example.nl'),
      order('anna@example.nl'),
      order('anna@example.nl'),
      order('bob@example.nl'),
    ]);
    expect(first.accounts).toEqual({ sync: 1, lookups: 0, creates: 2 });
    expect(first.refs[0].customerId).toBe(piet.d.ID);
    expect(first.refs[1].customerId).toBe(first.refs[2].customerId);
    expect(id(env.sim, 'anna@example.nl')).toEqual([first.refs[1].customerId]);
    const cursor = await env.store.getCursor(accountsCursorName(1234567));
    expect(cursor).toBe(String(env.sim.state.accounts.find((a) => a.ID === piet.d.ID)!.Timestamp));

    // Between runs the accountant adds a customer in Exact.
    const kees = (await env.exact.post('crm/Accounts', {
      Name: 'Kees',
      Email: 'kees@example.nl',
      Status: 'C',
    })) as { d: { ID: string } };
    const second = await env.run([
      order('piet@example.nl'),
      order('kees@example.nl'),
      order('anna@example.nl'),
      order('bob@example.nl'),
    ]);
    expect(second.accounts).toEqual({ sync: 1, lookups: 0, creates: 0 });
    expect(second.calls.find((c) => c.path.endsWith('/sync/CRM/Accounts'))!.query).toContain(
      `$filter=Timestamp gt ${cursor}L`,
    );
    expect(second.refs.map((r) => r.customerId)).toEqual([
      piet.d.ID,
      kees.d.ID,
      first.refs[1].customerId,
      first.refs[3].customerId,
    ]);
    expect(env.sim.state.accounts).toHaveLength(4);

    // Only returning customers: not one account call.
    const third = await env.run([order('anna@example.nl'), order('kees@example.nl')]);
    expect(third.accounts).toEqual({ sync: 0, lookups: 0, creates: 0 });
    // Each document is one write; no read-back after a certain write.
    expect(
      third.calls.filter((c) => c.path.endsWith('/salesentry/SalesEntries')).map((c) => c.method),
    ).toEqual(['POST', 'POST']);
  });

  it('pages of 1 000 are followed; the cursor is the highest Timestamp', async () => {
    const env = await setup();
    for (let i = 0; i < 1001; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, 1001 - i) }, (_, j) =>
          env.exact.post('crm/Accounts', { Name: `K${i + j}`, Email: `k${i + j}@example.nl`, Status: 'C' }),
        ),
      );
    }
    const r = await env.run([order('k1000@example.nl'), order('k3@example.nl')]);
    expect(r.accounts).toEqual({ sync: 2, lookups: 0, creates: 0 });
    expect(r.refs[0].customerId).toBe(id(env.sim, 'k1000@example.nl')[0]);
    expect(await env.store.getMapping(ACCOUNT_MAPPING, '1234567:k0@example.nl')).toBe(
      id(env.sim, 'k0@example.nl')[0],
    );
    expect(await env.store.getCursor(accountsCursorName(1234567))).toBe(
      String(Math.max(...env.sim.state.accounts.map((a) => a.Timestamp as number))),
    );
  }, 60_000);

  it('an account blocked in Exact is replaced by the e-mail’s other active account; a prospect is not preferred over a customer', async () => {
    const env = await setup();
    const old = (await env.exact.post('crm/Accounts', {
      Name: 'Piet',
      Email: 'piet@example.nl',
      Status: 'C',
    })) as { d: { ID: string } };
    await env.exact.post('crm/Accounts', { Name: 'Lies (prospect)', Email: 'lies@example.nl', Status: 'P' });
    const lies = (await env.exact.post('crm/Accounts', {
      Name: 'Lies',
      Email: 'lies@example.nl',
      Status: 'C',
    })) as { d: { ID: string } };
    const first = await env.run([order('piet@example.nl'), order('lies@example.nl')]);
    expect(first.refs.map((r) => r.customerId)).toEqual([old.d.ID, lies.d.ID]);

    await env.exact.request('PUT', `crm/Accounts(guid'${old.d.ID}')`, { Blocked: true });
    const now = (await env.exact.post('crm/Accounts', {
      Name: 'Piet B.V.',
      Email: 'piet@example.nl',
      Status: 'C',
    })) as { d: { ID: string } };
    // A new customer makes the run read the changes; Piet's order then books on the active account.
    const second = await env.run([order('nieuw@example.nl'), order('piet@example.nl')]);
    expect(second.refs[1].customerId).toBe(now.d.ID);
    expect(second.accounts).toEqual({ sync: 1, lookups: 0, creates: 1 });
  });

  it('a create whose outcome is uncertain is looked up by e-mail before anything else: one account', async () => {
    const env = await setup();
    env.sim.faults.inject('timeoutAfterCommit', { path: 'crm/Accounts', mode: 'drop' });
    const r = await env.run([order('eva@example.nl')]);
    expect(r.accounts).toEqual({ sync: 1, lookups: 1, creates: 1 });
    const accountRequests = r.calls
      .map((c) => `${c.method} ${c.path.split('/').slice(-2).join('/')}`)
      .filter((c) => c.endsWith('/Accounts'));
    expect(accountRequests).toEqual(['GET CRM/Accounts', 'POST crm/Accounts', 'GET crm/Accounts']);
    expect(r.calls.filter((c) => c.path.endsWith('/crm/Accounts') && c.method === 'GET')[0].query).toContain(
      "$filter=Email eq 'eva@example.nl'",
    );
    expect(id(env.sim, 'eva@example.nl')).toEqual([r.refs[0].customerId]);
  });

  it('before a create the changes are read again when the last read is over a minute old: an account made meanwhile is used', async () => {
    const env = await setup();
    const tg = env.target();
    await tg.prepare(env.ctx);
    await tg.bookDocument(order('a@example.nl'), { mayExist: false, original: null }, env.ctx);
    expect(env.accountCalls()).toEqual({ sync: 1, lookups: 0, creates: 1 });
    // The run goes on; meanwhile the accountant creates Mia in Exact.
    env.advance(61_000);
    const mia = (await env.exact.post('crm/Accounts', {
      Name: 'Mia',
      Email: 'mia@example.nl',
      Status: 'C',
    })) as { d: { ID: string } };
    const ref = await tg.bookDocument(order('mia@example.nl'), { mayExist: false, original: null }, env.ctx);
    expect(ref.customerId).toBe(mia.d.ID);
    expect(env.accountCalls()).toEqual({ sync: 2, lookups: 0, creates: 1 });
    // Within the minute a new customer is created without another read.
    env.advance(10_000);
    await tg.bookDocument(order('b@example.nl'), { mayExist: false, original: null }, env.ctx);
    expect(env.accountCalls()).toEqual({ sync: 2, lookups: 0, creates: 2 });
  });

  it('the collective debtor comes from the map: no account call once known', async () => {
    const env = await setup();
    const kassa = (await env.exact.post('crm/Accounts', { Code: '9999', Name: 'Kassa', Status: 'C' })) as {
      d: { ID: string };
    };
    const collective = { customerMode: 'collective' as const, collectiveAccountCode: '9999' };
    const first = await env.run([order('x@example.nl')], collective);
    expect(first.refs[0].customerId).toBe(kassa.d.ID);
    expect(first.accounts).toEqual({ sync: 1, lookups: 0, creates: 0 });
    const second = await env.run([order('y@example.nl')], collective);
    expect(second.refs[0].customerId).toBe(kassa.d.ID);
    expect(second.accounts).toEqual({ sync: 0, lookups: 0, creates: 0 });
  });
});

describe('an administration without the sync endpoint: per-order look-ups', () => {
  it('a read that keeps failing (5xx after its retries) falls back to look-ups for this run only', async () => {
    const env = await setup();
    env.sim.faults.inject('500', { path: 'sync/CRM/Accounts', count: 4 });
    const first = await env.run([order('piet@example.nl')]);
    expect(first.accounts).toEqual({ sync: 4, lookups: 1, creates: 1 });
    expect(env.events.some((e) => e.event === 'exact.accounts.sync-failed')).toBe(true);
    const second = await env.run([order('kees@example.nl'), order('piet@example.nl')]);
    expect(second.accounts).toEqual({ sync: 1, lookups: 0, creates: 1 });
  });

  it.each(['notFound', 'forbidden'] as const)(
    'sync %s → customers are looked up by e-mail; the refusal is remembered, so the next run does not ask again',
    async (mode) => {
      const env = await setup({ syncApi: mode });
      const piet = (await env.exact.post('crm/Accounts', {
        Name: 'Piet',
        Email: 'piet@example.nl',
        Status: 'C',
      })) as { d: { ID: string } };
      const first = await env.run([
        order('piet@example.nl'),
        order('anna@example.nl'),
        order('anna@example.nl'),
      ]);
      expect(first.accounts).toEqual({ sync: 1, lookups: 2, creates: 1 });
      expect(first.refs[0].customerId).toBe(piet.d.ID);
      expect(env.events.some((e) => e.event === 'exact.accounts.sync-unavailable')).toBe(true);
      const second = await env.run([order('kees@example.nl'), order('anna@example.nl')]);
      expect(second.accounts).toEqual({ sync: 0, lookups: 1, creates: 1 });
      expect(env.sim.state.accounts).toHaveLength(3);
    },
  );
});
