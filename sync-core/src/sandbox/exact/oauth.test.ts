import { startExactSimulator, type ExactSimulator } from './index';
import { api, clock, http, refresh, tokenRequest, type Clock } from './test-helpers';

describe('Exact simulator OAuth2', () => {
  let sim: ExactSimulator;
  let c: Clock;
  beforeEach(async () => {
    c = clock();
    sim = await startExactSimulator({ now: c.now });
  });
  afterEach(() => sim.close());

  async function codeFlow(): Promise<{ access_token: string; refresh_token: string; expires_in: string; token_type: string }> {
    const redirect = sim.authorize({ clientId: '5a4db0c5-0000-4000-8000-000000000001', redirectUri: 'http://127.0.0.1/callback', state: 'xyz' });
    const code = new URL(redirect).searchParams.get('code')!;
    const r = await tokenRequest(sim, { grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1/callback', client_id: '5a4db0c5-0000-4000-8000-000000000001', client_secret: 'sandbox-secret' });
    expect(r.status).toBe(200);
    return r.json;
  }

  it('authorization endpoint redirects with a URL-encoded code containing "!" and the state', async () => {
    const r = await http(`${sim.url}/api/oauth2/auth?client_id=5a4db0c5-0000-4000-8000-000000000001&redirect_uri=${encodeURIComponent('http://127.0.0.1/callback')}&response_type=code&state=s1`);
    expect(r.status).toBe(302);
    const loc = r.headers.get('location')!;
    expect(loc).toMatch(/^http:\/\/127\.0\.0\.1\/callback\?code=[^&]*%21/);
    expect(new URL(loc).searchParams.get('code')).toContain('!');
    expect(new URL(loc).searchParams.get('state')).toBe('s1');
    const bad = await http(`${sim.url}/api/oauth2/auth?client_id=5a4db0c5-0000-4000-8000-000000000001&redirect_uri=${encodeURIComponent('http://evil/cb')}&response_type=code`);
    expect(bad.status).toBe(400);
  });

  it('code exchange: form-encoded only, expires_in is the string "600", token_type bearer; codes are single use', async () => {
    const redirect = sim.authorize({ clientId: '5a4db0c5-0000-4000-8000-000000000001', redirectUri: 'http://127.0.0.1/callback' });
    const code = new URL(redirect).searchParams.get('code')!;
    const form = { grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1/callback', client_id: '5a4db0c5-0000-4000-8000-000000000001', client_secret: 'sandbox-secret' };
    const asJson = await http(`${sim.url}/api/oauth2/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(form) });
    expect(asJson.status).toBe(400);
    expect(asJson.json).toEqual({ error: 'invalid_request' });
    const r = await tokenRequest(sim, form);
    expect(r.status).toBe(200);
    expect(Object.keys(r.json).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'token_type']);
    expect(r.json.expires_in).toBe('600');
    expect(r.json.token_type).toBe('bearer');
    const again = await tokenRequest(sim, form);
    expect(again.status).toBe(400);
  });

  it('codes expire after 3 minutes', async () => {
    const code = new URL(sim.authorize({ clientId: '5a4db0c5-0000-4000-8000-000000000001', redirectUri: 'http://127.0.0.1/callback' })).searchParams.get('code')!;
    c.advance(180001);
    const r = await tokenRequest(sim, { grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1/callback', client_id: '5a4db0c5-0000-4000-8000-000000000001', client_secret: 'sandbox-secret' });
    expect(r.status).toBe(400);
  });

  it('bad client credentials give 400 {"error":"invalid_request"}', async () => {
    const rt = sim.issueRefreshToken();
    const r = await refresh(sim, rt, '5a4db0c5-0000-4000-8000-000000000001', 'wrong');
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ error: 'invalid_request' });
    const r2 = await refresh(sim, rt, 'nobody', 'sandbox-secret');
    expect(r2.json).toEqual({ error: 'invalid_request' });
  });

  it('refresh tokens rotate; a superseded one gives 401 unauthorized_client "Old refresh token used."', async () => {
    const t = await codeFlow();
    c.advance(570000);
    const r1 = await refresh(sim, t.refresh_token);
    expect(r1.status).toBe(200);
    expect(r1.json.refresh_token).not.toBe(t.refresh_token);
    const old = await refresh(sim, t.refresh_token);
    expect(old.status).toBe(401);
    expect(old.json).toEqual({ error: 'unauthorized_client', error_description: 'Old refresh token used.' });
  });

  it('refreshing before 570 s gives 400 access_denied with a Reason header, and the token stays usable', async () => {
    const t = await codeFlow();
    c.advance(569000);
    const early = await refresh(sim, t.refresh_token);
    expect(early.status).toBe(400);
    expect(early.json).toEqual({ error: 'access_denied', error_description: 'Rate limit exceeded: access_token not expired' });
    expect(early.headers.get('reason')).toMatch(/^TooEarlyToRefreshTokens/);
    c.advance(1000);
    expect((await refresh(sim, t.refresh_token)).status).toBe(200);
  });

  it('access tokens expire after exactly the lifetime', async () => {
    const t = await codeFlow();
    const a = api(sim, t.access_token);
    c.advance(599999);
    expect((await a.get('/api/v1/current/Me')).status).toBe(200);
    c.advance(1);
    expect((await a.get('/api/v1/current/Me')).status).toBe(401);
    expect((await api(sim, 'nonsense').get('/api/v1/current/Me')).status).toBe(401);
  });

  it('refresh tokens unused for 30 days expire with 400 invalid_request', async () => {
    const rt = sim.issueRefreshToken();
    c.advance(30 * 86400000 + 1);
    const r = await refresh(sim, rt);
    expect(r.status).toBe(400);
    expect(r.json.error).toBe('invalid_request');
    expect(r.json.error_description).toMatch(/^The refresh token expired at .* and it is now .*\.$/);
  });

  it('without race mode a second concurrent refresh with the same token fails', async () => {
    const rt = sim.issueRefreshToken();
    const [a, b] = await Promise.all([refresh(sim, rt), refresh(sim, rt)]);
    expect([a.status, b.status].sort()).toEqual([200, 401]);
  });

  it('race mode: both refreshes succeed, the first chain used wins and the other dies', async () => {
    sim.setRefreshRaceMode(true);
    const rt = sim.issueRefreshToken();
    const a = await refresh(sim, rt);
    const b = await refresh(sim, rt);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    // Chain B is used first.
    expect((await api(sim, b.json.access_token).get('/api/v1/current/Me')).status).toBe(200);
    expect((await api(sim, a.json.access_token).get('/api/v1/current/Me')).status).toBe(401);
    c.advance(600000);
    const ra = await refresh(sim, a.json.refresh_token);
    expect(ra.status).toBe(401);
    expect(ra.json.error_description).toBe('Old refresh token used.');
    expect((await refresh(sim, b.json.refresh_token)).status).toBe(200);
    // Once settled, the original token is old.
    expect((await refresh(sim, rt)).status).toBe(401);
  });

  it('dropTokenResponse and tokenResponse500: the token is issued but the client never sees it', async () => {
    const rt = sim.issueRefreshToken();
    sim.faults.inject('dropTokenResponse');
    await expect(refresh(sim, rt)).rejects.toThrow();
    const again = await refresh(sim, rt);
    expect(again.status).toBe(401);
    expect(again.json.error_description).toBe('Old refresh token used.');

    const rt2 = sim.issueRefreshToken();
    sim.faults.inject('tokenResponse500');
    const r500 = await refresh(sim, rt2);
    expect(r500.status).toBe(500);
    expect((await refresh(sim, rt2)).status).toBe(401);
  });

  it('current/Me returns a collection with CurrentDivision; test setup can switch it', async () => {
    const t = await codeFlow();
    const me = await api(sim, t.access_token).get('/api/v1/current/Me');
    expect(me.status).toBe(200);
    expect(me.json.d.results).toHaveLength(1);
    expect(me.json.d.results[0].CurrentDivision).toBe(1234567);
    expect(me.json.d.results[0].__metadata.type).toBe('Exact.Web.Api.Models.System.Me');
    sim.setCurrentDivision(7654321);
    const me2 = await api(sim, t.access_token).get('/api/v1/current/Me');
    // The user's current division is outside the app's scope (Invantive itgeneor321).
    expect(me2.status).toBe(403);
  });

  it('divisions outside the consented scope give 403 Forbidden', async () => {
    const t = await codeFlow();
    const r = await api(sim, t.access_token, 7654321).get('crm/Accounts');
    expect(r.status).toBe(403);
    expect(r.json.error.message.value).toMatch(/^Forbidden/);
    const wide = await refresh(sim, sim.issueRefreshToken('5a4db0c5-0000-4000-8000-000000000001', { divisions: [1234567, 7654321] }));
    expect((await api(sim, wide.json.access_token, 7654321).get('crm/Accounts')).status).toBe(200);
  });

  it('optional cap on token calls per day', async () => {
    const capped = await startExactSimulator({ now: c.now, tokenCallsPerDay: 2 });
    try {
      let rt = capped.issueRefreshToken();
      for (let i = 0; i < 2; i++) {
        const r = await refresh(capped, rt);
        expect(r.status).toBe(200);
        rt = r.json.refresh_token;
        c.advance(600000);
      }
      const r = await refresh(capped, rt);
      expect(r.status).toBe(400);
      expect(r.json.error).toBe('access_denied');
    } finally {
      await capped.close();
    }
  });
});
