import { startExactSimulator, type ExactSimulator } from './index';
import { api, clock, refresh, type Clock } from './test-helpers';

describe('Exact simulator rate limits', () => {
  let sim: ExactSimulator;
  let c: Clock;
  let token: string;
  beforeEach(async () => {
    c = clock(Date.UTC(2026, 2, 2, 8, 18, 25));
    sim = await startExactSimulator({ now: c.now, rateLimit: { minutely: 5, daily: 8 } });
    token = (await refresh(sim, sim.issueRefreshToken())).json.access_token;
  });
  afterEach(() => sim.close());

  it('every response carries daily and minutely headers with epoch-ms resets', async () => {
    const r = await api(sim, token).get('vat/VATCodes');
    expect(r.status).toBe(200);
    expect(r.headers.get('x-ratelimit-limit')).toBe('8');
    expect(r.headers.get('x-ratelimit-remaining')).toBe('7');
    expect(r.headers.get('x-ratelimit-reset')).toBe(String(Date.UTC(2026, 2, 3)));
    expect(r.headers.get('x-ratelimit-minutely-limit')).toBe('5');
    expect(r.headers.get('x-ratelimit-minutely-remaining')).toBe('4');
    // Request at 08:18:25 -> reset at 08:19:00 (fixed clock minute).
    expect(r.headers.get('x-ratelimit-minutely-reset')).toBe(String(Date.UTC(2026, 2, 2, 8, 19, 0)));
    // Error responses count and carry the headers too.
    const e = await api(sim, token).get('crm/Accounts(guid\'00000000-0000-0000-0000-000000000000\')');
    expect(e.status).toBe(404);
    expect(e.headers.get('x-ratelimit-minutely-remaining')).toBe('3');
  });

  it('minutely 429: empty body, only the minutely headers; the next clock minute opens again', async () => {
    const a = api(sim, token);
    for (let i = 0; i < 5; i++) expect((await a.get('vat/VATCodes')).status).toBe(200);
    const r = await a.get('vat/VATCodes');
    expect(r.status).toBe(429);
    expect(r.text).toBe('');
    expect(r.headers.get('x-ratelimit-minutely-remaining')).toBe('0');
    expect(r.headers.get('x-ratelimit-limit')).toBeNull();
    expect(r.headers.get('x-ratelimit-remaining')).toBeNull();
    expect(sim.stats.tooManyRequests).toBe(1);
    c.advance(35000); // 08:19:00
    expect((await a.get('vat/VATCodes')).status).toBe(200);
  });

  it('the quota is shared by all tokens of the app on that division; daily 429 has only the daily headers', async () => {
    const other = (await refresh(sim, sim.issueRefreshToken())).json.access_token;
    for (let i = 0; i < 4; i++) expect((await api(sim, token).get('vat/VATCodes')).status).toBe(200);
    expect((await api(sim, other).get('vat/VATCodes')).headers.get('x-ratelimit-minutely-remaining')).toBe('0');
    c.advance(60000);
    for (let i = 0; i < 3; i++) expect((await api(sim, other).get('vat/VATCodes')).status).toBe(200);
    const r = await api(sim, token).get('vat/VATCodes');
    expect(r.status).toBe(429);
    expect(r.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(r.headers.get('x-ratelimit-reset')).toBe(String(Date.UTC(2026, 2, 3)));
    expect(r.headers.get('x-ratelimit-minutely-limit')).toBeNull();
    c.t = Date.UTC(2026, 2, 3, 0, 0, 1);
    const fresh = await refresh(sim, sim.issueRefreshToken());
    expect((await api(sim, fresh.json.access_token).get('vat/VATCodes')).status).toBe(200);
  });

  it('fault injection: 429 and 500 on a path, counted once each', async () => {
    sim.faults.inject('429', { path: 'crm/Accounts' });
    sim.faults.inject('500', { path: 'logistics/Items', count: 2 });
    const a = api(sim, token);
    expect((await a.get('vat/VATCodes')).status).toBe(200);
    const r = await a.get('crm/Accounts');
    expect(r.status).toBe(429);
    expect(r.headers.get('x-ratelimit-minutely-reset')).not.toBeNull();
    expect((await a.get('crm/Accounts')).status).toBe(200);
    expect((await a.get('logistics/Items')).status).toBe(500);
    expect((await a.get('logistics/Items')).status).toBe(500);
    expect(sim.faults.pending).toBe(0);
    expect(sim.stats.byPath['/api/v1/1234567/logistics/Items']).toBe(2);
  });
});

describe('error block mode', () => {
  it('10 error responses on one endpoint within an hour block it for an hour', async () => {
    const c = clock();
    const sim = await startExactSimulator({ now: c.now, errorBlockMode: true });
    try {
      const token = (await refresh(sim, sim.issueRefreshToken())).json.access_token;
      const a = api(sim, token);
      for (let i = 0; i < 10; i++) expect((await a.get('crm/Accounts?$select=Nope')).status).toBe(400);
      expect((await a.get('crm/Accounts')).status).toBe(429);
      expect((await a.get('logistics/Items')).status).toBe(200);
      c.advance(3600001);
      expect((await refresh(sim, sim.issueRefreshToken())).status).toBe(200);
      const t2 = (await refresh(sim, sim.issueRefreshToken())).json.access_token;
      expect((await api(sim, t2).get('crm/Accounts')).status).toBe(200);
    } finally {
      await sim.close();
    }
  });
});
