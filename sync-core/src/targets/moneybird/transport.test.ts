import { z } from 'zod';
import { MemoryStore } from '../../store/memory-store';
import { ShopbooksError } from '../../model/errors';
import { parseMoneybirdConfig, moneybirdTokenName } from './config';
import {
  MoneybirdTransport,
  buildAuthorizeUrl,
  exchangeAuthorizationCode,
  explainMoneybirdError,
} from './transport';

/** The error a call failed with (the test fails when it succeeds). */
async function failure(p: Promise<unknown>): Promise<ShopbooksError> {
  try {
    await p;
  } catch (e) {
    return e as ShopbooksError;
  }
  throw new Error('expected the call to fail');
}

type Handler = (url: URL, init: RequestInit) => Response | Promise<Response>;

function setup(handler: Handler, auth: Record<string, unknown> = { kind: 'token', token: 'tok' }) {
  let now = 1_800_000_000_000;
  const calls: Array<{ method: string; url: URL; auth: string | null; body: unknown }> = [];
  const fetchFn = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(String(input));
    calls.push({
      method: init.method ?? 'GET',
      url,
      auth: (init.headers as Record<string, string>)?.Authorization ?? null,
      body: init.body,
    });
    return handler(url, init);
  }) as typeof fetch;
  const config = parseMoneybirdConfig({
    baseUrl: 'https://mb.test',
    auth,
    administrationId: '123456789012345678',
    ledgerAccounts: { revenue: '1' },
  });
  const t = new MoneybirdTransport(config, {
    fetch: fetchFn,
    now: () => now,
    sleep: async (ms) => void (now += ms),
    random: () => 0.5,
  });
  const store = new MemoryStore(() => now);
  t.useStore(store);
  return { t, calls, store, config, clock: { now: () => now, advance: (ms: number) => void (now += ms) } };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(typeof body === 'string' ? body : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });

describe('MoneybirdTransport', () => {
  it('builds administration URLs and keeps 18-digit ids exact', async () => {
    const { t, calls } = setup(() => new Response('{"id":496081523137578258,"name":"x"}', { status: 200 }));
    const r = await t.get('/contacts/1.json', { schema: z.looseObject({ id: z.string() }), what: 'read' });
    expect(r.id).toBe('496081523137578258');
    expect(calls[0].url.toString()).toBe('https://mb.test/api/v2/123456789012345678/contacts/1.json');
    expect(calls[0].auth).toBe('Bearer tok');
  });

  it('retries a GET on 5xx with backoff, counting the retry', async () => {
    let n = 0;
    const { t } = setup(() => (++n < 3 ? json(503, 'down') : json(200, [])));
    await t.get('/x.json', { what: 'read' });
    expect(n).toBe(3);
    expect(t.stats).toMatchObject({ read: 3, retried: 2 });
    expect(t.stats.waitedMs).toBeGreaterThan(0);
  });

  it('never repeats a POST whose outcome is unknown; reports it as uncertain', async () => {
    let n = 0;
    const { t } = setup(() => {
      n++;
      return json(502, 'bad gateway');
    });
    const e = await failure(t.post('/sales_invoices.json', { body: {}, what: 'create' }));
    expect(n).toBe(1);
    expect(e).toBeInstanceOf(ShopbooksError);
    expect(e.details.uncertain).toBe(true);
    expect(e.retryable).toBe(true);
  });

  it('reports a timed-out POST as uncertain', async () => {
    const { t } = setup(() => {
      const err = new Error('The operation was aborted due to timeout');
      err.name = 'TimeoutError';
      throw err;
    });
    const e = await failure(t.post('/sales_invoices.json', { body: {}, what: 'create the invoice' }));
    expect(e.code).toBe('Timeout');
    expect(e.details.uncertain).toBe(true);
  });

  it.each([
    ['epoch', (now: number) => String(Math.ceil(now / 1000) + 7)],
    ['seconds', () => '7'],
  ])('waits out a 429 with Retry-After as %s without spending a retry', async (_label, retryAfter) => {
    let n = 0;
    let nowAt429 = 0;
    const ctx = setup(() => {
      n++;
      if (n === 1) {
        nowAt429 = ctx.clock.now();
        return json(429, '"Retry later"', {
          'Retry-After': retryAfter(ctx.clock.now()),
          'RateLimit-Limit': '150',
          'RateLimit-Remaining': '0',
        });
      }
      return json(201, { id: '1' });
    });
    await ctx.t.post('/contacts.json', { body: {}, what: 'create' });
    expect(n).toBe(2);
    expect(ctx.clock.now() - nowAt429).toBeGreaterThanOrEqual(6000);
    expect(ctx.t.stats).toMatchObject({ throttled: 1, retried: 0, write: 2 });
  });

  it('explains a 422 plainly and keeps the body verbatim', async () => {
    const body =
      '{"error":{"reference":["can\'t be blank"],"date":["is not a valid date"]},"details":{"reference":[{"error":"blank"}]}}';
    const { t } = setup(() => new Response(body, { status: 422 }));
    const e = await failure(
      t.post('/external_sales_invoices.json', { body: {}, what: 'create external sales invoice X' }),
    );
    expect(e.code).toBe('RemoteValidation');
    expect(e.retryable).toBe(false);
    expect(e.message).toBe(
      "Moneybird refused to create external sales invoice X: reference can't be blank; date is not a valid date.",
    );
    expect(e.remoteMessage).toBe(body);
    expect(explainMoneybirdError({ error: 'Contact is required', symbolic: { contact: 'required' } })).toBe(
      'Contact is required',
    );
  });

  it('OAuth: refreshes once for concurrent calls and persists the rotated token before using it', async () => {
    let refreshes = 0;
    const holder: { store?: MemoryStore } = {};
    const seen: string[] = [];
    const ctx = setup(
      async (url, init) => {
        if (url.pathname === '/oauth/token') {
          refreshes++;
          const form = new URLSearchParams(String(init.body));
          expect(form.get('grant_type')).toBe('refresh_token');
          expect(form.get('refresh_token')).toBe('r0');
          return json(200, {
            access_token: 'a1',
            refresh_token: 'r1',
            token_type: 'bearer',
            expires_in: 3600,
          });
        }
        // The new access token is only used after it was saved.
        const saved = await holder.store!.getToken(moneybirdTokenName(ctx.config));
        seen.push(
          `${(init.headers as Record<string, string>).Authorization}|${String(saved?.value.accessToken)}`,
        );
        return json(200, []);
      },
      { kind: 'oauth', clientId: 'c', clientSecret: 's', redirectUri: 'http://x/cb', refreshToken: 'r0' },
    );
    holder.store = ctx.store;
    const store = ctx.store;
    await Promise.all([
      ctx.t.get('/a.json', { what: 'a' }),
      ctx.t.get('/b.json', { what: 'b' }),
      ctx.t.get('/c.json', { what: 'c' }),
    ]);
    expect(refreshes).toBe(1);
    expect(seen).toEqual(['Bearer a1|a1', 'Bearer a1|a1', 'Bearer a1|a1']);
    const tok = await store.getToken(moneybirdTokenName(ctx.config));
    expect(tok?.value).toMatchObject({ accessToken: 'a1', refreshToken: 'r1' });
    expect(ctx.t.stats.token).toBe(1);
  });

  it('OAuth: a 401 triggers exactly one refresh, then fails plainly', async () => {
    let refreshes = 0;
    const ctx = setup(
      (url) => {
        if (url.pathname === '/oauth/token') {
          refreshes++;
          return json(200, { access_token: `a${refreshes}`, refresh_token: `r${refreshes}` });
        }
        return json(401, { error: 'invalid token' });
      },
      { kind: 'oauth', clientId: 'c', clientSecret: 's', redirectUri: 'http://x/cb', refreshToken: 'r0' },
    );
    const e = await failure(ctx.t.get('/a.json', { what: 'read' }));
    expect(e.code).toBe('AuthFailed');
    expect(refreshes).toBe(2); // one to get a token at all, one after the 401
  });

  it('OAuth: a revoked refresh token is TokenRevoked; code exchange stores the tokens', async () => {
    const ctx = setup(
      (url, init) => {
        const form = new URLSearchParams(String(init.body));
        if (form.get('grant_type') === 'authorization_code')
          return json(200, { access_token: 'ax', refresh_token: 'rx' });
        return json(400, { error: 'invalid_grant' });
      },
      { kind: 'oauth', clientId: 'c', clientSecret: 's', redirectUri: 'http://x/cb', refreshToken: 'r0' },
    );
    const e = await failure(ctx.t.get('/a.json', { what: 'read' }));
    expect(e.code).toBe('TokenRevoked');
    const url = buildAuthorizeUrl({
      baseUrl: 'https://mb.test',
      clientId: 'c',
      redirectUri: 'http://x/cb',
      state: 'st',
    });
    expect(url).toBe(
      'https://mb.test/oauth/authorize?client_id=c&redirect_uri=http%3A%2F%2Fx%2Fcb&response_type=code&scope=sales_invoices+settings&state=st',
    );
  });
});

describe('exchangeAuthorizationCode', () => {
  it('saves the tokens under the connection name', async () => {
    const store = new MemoryStore();
    const fetchFn = (async () =>
      json(200, {
        access_token: 'A',
        refresh_token: 'R',
        scope: 'sales_invoices settings',
      })) as unknown as typeof fetch;
    const v = await exchangeAuthorizationCode(
      {
        baseUrl: 'https://mb.test',
        clientId: 'c',
        clientSecret: 's',
        redirectUri: 'http://x/cb',
        code: 'code1',
        fetch: fetchFn,
      },
      store,
      'moneybird:c:1',
    );
    expect(v).toMatchObject({ accessToken: 'A', refreshToken: 'R', expiresAt: null });
    expect((await store.getToken('moneybird:c:1'))?.value.accessToken).toBe('A');
  });
});
