/**
 * Transport behaviour that the simulator cannot provoke deterministically, with a scripted fetch:
 * a lost refresh answer followed by Exact's "too early" (it issued a token we never saw), and
 * how writes and reads are classified.
 */
import { MemoryStore } from '../../store/memory-store';
import { ExactTransport, saveExactTokens, tokenName } from './transport';
import { isUncertainWrite } from './errors';

type Script = (url: string, init: RequestInit) => Response | Promise<Response>;

function harness(script: Script) {
  let t = Date.UTC(2026, 2, 2, 9, 0, 0);
  const calls: Array<{ url: string; body: string }> = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    calls.push({ url, body: typeof init?.body === 'string' ? init.body : '' });
    return script(url, init ?? {});
  }) as typeof fetch;
  const store = new MemoryStore(() => t);
  const transport = new ExactTransport({
    baseUrl: 'https://start.exactonline.nl',
    clientId: 'cid',
    clientSecret: 'secret',
    division: 42,
    store,
    timeoutMs: 1000,
    fetch: fetchImpl,
    now: () => t,
    sleep: async (ms) => {
      t += ms;
    },
    random: () => 0.5,
    sharePacer: false,
  });
  return { transport, store, calls, advance: (ms: number) => (t += ms), now: () => t };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
const tokens = (n: number) => json(200, { access_token: `AT${n}`, refresh_token: `RT${n}`, token_type: 'bearer', expires_in: '600' });
const rate = { 'X-RateLimit-Minutely-Limit': '60', 'X-RateLimit-Minutely-Remaining': '50', 'X-RateLimit-Minutely-Reset': String(Date.UTC(2026, 2, 2, 9, 1, 0)) };

describe('token refresh with a lost answer', () => {
  it('keeps the old refresh token, waits for the unseen token to age, then recovers', async () => {
    let phase = 0;
    const h = harness((url, init) => {
      if (url.endsWith('/api/oauth2/token')) {
        phase++;
        if (phase === 1) throw new TypeError('socket hang up'); // Exact issued a pair; we never saw it
        if (phase === 2) return json(400, { error: 'access_denied', error_description: 'Rate limit exceeded: access_token not expired' }, { Reason: 'TooEarlyToRefreshTokens' });
        return tokens(9);
      }
      expect((init.headers as Record<string, string>).Authorization).toBe('Bearer AT9');
      return json(200, { d: { results: [] } }, rate);
    });
    await saveExactTokens(h.store, 'cid', 42, { accessToken: 'AT1', refreshToken: 'RT1', accessIssuedAt: h.now() - 700_000, accessExpiresAt: h.now() - 100_000, expiresInMs: 600_000, refreshIssuedAt: h.now() - 700_000 });
    const sentAt = h.now();
    const err = await h.transport.get('crm/Accounts').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'AuthFailed', retryable: true });
    const retryAt = Date.parse((err as { details: { retryAt: string } }).details.retryAt);
    expect(retryAt).toBeGreaterThanOrEqual(sentAt + 570_000);
    const stored = (await h.store.getToken(tokenName('cid', 42)))!.value;
    expect(stored.refreshToken).toBe('RT1'); // not lost
    expect(stored.pendingRefreshSince).toBeGreaterThanOrEqual(sentAt);
    // Both refresh attempts used RT1.
    expect(h.calls.filter((c) => c.url.endsWith('/token')).every((c) => c.body.includes('refresh_token=RT1'))).toBe(true);

    h.advance(retryAt - h.now() + 1);
    await expect(h.transport.get('crm/Accounts')).resolves.toEqual({ d: { results: [] } });
    const after = (await h.store.getToken(tokenName('cid', 42)))!.value;
    expect(after).toMatchObject({ accessToken: 'AT9', refreshToken: 'RT9', pendingRefreshSince: null });
  });

  it('an explicitly superseded refresh token is a TokenRevoked error (reconnect), not retried', async () => {
    const h = harness((url) => {
      if (url.endsWith('/api/oauth2/token')) return json(401, { error: 'unauthorized_client', error_description: 'Old refresh token used.' });
      return json(200, { d: { results: [] } }, rate);
    });
    await saveExactTokens(h.store, 'cid', 42, { accessToken: 'AT1', refreshToken: 'RT1', accessIssuedAt: h.now() - 700_000, accessExpiresAt: h.now() - 100_000, expiresInMs: 600_000, refreshIssuedAt: h.now() - 700_000 });
    await expect(h.transport.get('crm/Accounts')).rejects.toMatchObject({ code: 'TokenRevoked', retryable: false, remoteMessage: 'unauthorized_client: Old refresh token used.' });
    expect(h.calls.filter((c) => c.url.endsWith('/token'))).toHaveLength(1);
  });

  it('without a stored token or seed: a clear "not connected" error', async () => {
    const h = harness(() => json(500, {}));
    await expect(h.transport.get('crm/Accounts')).rejects.toMatchObject({ code: 'AuthFailed', retryable: false });
    expect(h.calls).toHaveLength(0);
  });
});

describe('request classification', () => {
  async function connected(script: Script) {
    const h = harness(script);
    await saveExactTokens(h.store, 'cid', 42, { accessToken: 'AT1', refreshToken: 'RT1', accessIssuedAt: h.now(), accessExpiresAt: h.now() + 600_000, expiresInMs: 600_000, refreshIssuedAt: h.now() });
    return h;
  }

  it('a POST answered 503 is an uncertain write; a 500 with a Dutch validation text is a certain rejection', async () => {
    let n = 0;
    const h = await connected(() => {
      n++;
      if (n === 1) return new Response('<html>Service Unavailable</html>', { status: 503 });
      return json(500, { error: { code: '', message: { lang: '', value: 'Verplicht: Betalingsconditie' } } }, rate);
    });
    const e1 = await h.transport.post('salesentry/SalesEntries', {}).catch((e: unknown) => e);
    expect(isUncertainWrite(e1)).toBe(true);
    const e2 = await h.transport.post('salesentry/SalesEntries', {}).catch((e: unknown) => e);
    expect(isUncertainWrite(e2)).toBe(false);
    expect(e2).toMatchObject({ code: 'RemoteValidation', retryable: false, remoteMessage: 'Verplicht: Betalingsconditie', message: 'Exact requires a payment condition: set one on the customer or in settings.' });
    expect(n).toBe(2); // no blind retries of writes
  });

  it('GETs are retried with backoff on network errors, then succeed', async () => {
    let n = 0;
    const h = await connected(() => {
      n++;
      if (n < 3) throw new TypeError('ECONNRESET');
      return json(200, { d: { results: [{ ID: 'x' }] } }, rate);
    });
    await expect(h.transport.getAll('crm/Accounts')).resolves.toEqual([{ ID: 'x' }]);
    expect(h.transport.stats.retried).toBe(2);
  });

  it('does not follow a next-page link to another host', async () => {
    const h = await connected(() => json(200, { d: { results: [{ ID: 'x' }], __next: 'https://evil.example/api/v1/42/crm/Accounts?$skiptoken=1' } }, rate));
    await expect(h.transport.getAll('crm/Accounts')).rejects.toMatchObject({ code: 'RemoteBadResponse' });
  });

  it('403 (division outside the consent) is explained and not retryable', async () => {
    const h = await connected(() => json(403, { error: { code: '', message: { lang: '', value: 'Forbidden - User division is not within division scope' } } }));
    await expect(h.transport.get('crm/Accounts')).rejects.toMatchObject({ code: 'AuthFailed', retryable: false, remoteMessage: 'Forbidden - User division is not within division scope' });
  });
});
