/**
 * Connect flows against the bundled simulators (the Exact Online and Moneybird simulators of
 * sync-core/src/sandbox play the real systems; the plugin's base URLs point at them):
 * - Exact: authorize redirect with a one-time state, callback, code exchange, "Authorized by",
 *   division picker, Remove; a bad/missing/reused/foreign state is rejected and nothing is exchanged.
 * - Moneybird: API token checked against the API, administration picker.
 * - No secret ever appears in any REST response (every GET route is crawled) or in a log.
 */
import { readFileSync, existsSync, appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startExactSimulator, type ExactSimulator } from '../../sync-core/src/sandbox/exact';
import { startMoneybirdSimulator, type MoneybirdSimulator } from '../../sync-core/src/sandbox/moneybird';
import { REPO, WP_URL, allStrings, api, env, login, restNonce, wpEval, wpJson } from './helpers';

const CLIENT_ID = '3f1c2a9e-8d4b-4c6a-9b1e-5d7f0a2c4e6b';
const CLIENT_SECRET = 'exact-client-secret-7Gq2Vx9pLm4Rt';
const MB_TOKEN = 'mb-personal-token-3c9f1e7a5b2d4f60';
const CALLBACK = `${WP_URL}/wp-json/shopbooks/v1/connections/exact/callback`;
const MB_CALLBACK = `${WP_URL}/wp-json/shopbooks/v1/connections/moneybird/callback`;
const MB_CLIENT = 'wp-moneybird-client-01';
const MB_SECRET = 'mb-oauth-secret-abcdef123';

let exact: ExactSimulator;
let moneybird: MoneybirdSimulator;
let cookie: string;
let nonce: string;
const seenSecrets = new Set<string>([CLIENT_SECRET, MB_TOKEN]);

beforeAll(async () => {
  exact = await startExactSimulator({ clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: CALLBACK }] });
  moneybird = await startMoneybirdSimulator({ tokens: [{ token: MB_TOKEN }], oauthClients: [{ clientId: MB_CLIENT, clientSecret: MB_SECRET, redirectUri: MB_CALLBACK }] });
  wpEval(`Shopbooks\\Endpoints::set_overrides(array('exactBaseUrl' => '${exact.url}', 'moneybirdBaseUrl' => '${moneybird.url}'));`);
  cookie = await login('administrator');
  nonce = await restNonce(cookie);
});

afterAll(async () => {
  // Let run.sh grep the site's logs for every secret we saw.
  const out = join(REPO, 'test-output', 'wp');
  mkdirSync(out, { recursive: true });
  appendFileSync(join(out, 'secrets.txt'), [...seenSecrets].join('\n') + '\n');
  // Leave no connection to simulators that are about to stop.
  await api('DELETE', '/connections/moneybird');
  await api('DELETE', '/connections/exact');
  await exact?.close();
  await moneybird?.close();
});

/** The browser part of the Exact flow: follow authorizeUrl to the simulator, which redirects back. */
async function consent(authorizeUrl: string): Promise<string> {
  const r = await fetch(authorizeUrl, { redirect: 'manual' });
  expect(r.status).toBe(302);
  const back = r.headers.get('location')!;
  expect(back.startsWith(CALLBACK)).toBe(true);
  return back;
}

async function startExact(): Promise<{ authorizeUrl: string; state: string }> {
  const r = await api('POST', '/connections/exact', { body: { country: 'NL', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET } });
  expect(r.status).toBe(200);
  const { authorizeUrl, redirectUri } = r.body as { authorizeUrl: string; redirectUri: string };
  expect(redirectUri).toBe(CALLBACK);
  const u = new URL(authorizeUrl);
  expect(u.origin + u.pathname).toBe(`${exact.url}/api/oauth2/auth`);
  expect(u.searchParams.get('client_id')).toBe(CLIENT_ID);
  expect(u.searchParams.get('redirect_uri')).toBe(CALLBACK);
  expect(u.searchParams.get('response_type')).toBe('code');
  expect(u.searchParams.get('state')).toMatch(/^[a-f0-9]{48}$/);
  expect(authorizeUrl).not.toContain(CLIENT_SECRET);
  return { authorizeUrl, state: u.searchParams.get('state')! };
}

describe('Exact Online connect flow', () => {
  test('a bad, missing, foreign or reused state is rejected and no code is exchanged', async () => {
    const { authorizeUrl, state } = await startExact();
    const back = new URL(await consent(authorizeUrl));
    const code = back.searchParams.get('code')!;
    const tokenCallsBefore = exact.stats.byPath['/api/oauth2/token'] ?? 0;

    const tries: Array<[string, Record<string, string>, 'cookie' | 'subscriber' | 'anonymous']> = [
      ['wrong state', { code, state: 'f'.repeat(48) }, 'cookie'],
      ['tampered state', { code, state: state.slice(0, -1) + (state.endsWith('a') ? 'b' : 'a') }, 'cookie'],
      ['no state', { code }, 'cookie'],
      ['right state, anonymous', { code, state }, 'anonymous'],
      ['right state, another user', { code, state }, 'subscriber'],
    ];
    const subCookie = await login('subscriber');
    for (const [label, query, who] of tries) {
      const headers: Record<string, string> = {};
      if (who === 'cookie') headers.Cookie = cookie;
      if (who === 'subscriber') headers.Cookie = subCookie;
      const u = new URL(CALLBACK);
      for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
      const r = await fetch(u, { headers, redirect: 'manual' });
      const body = (await r.json()) as { code: string };
      expect([label, r.status, body.code]).toEqual([label, 403, 'shopbooks_oauth_state_invalid']);
    }
    expect(exact.stats.byPath['/api/oauth2/token'] ?? 0).toBe(tokenCallsBefore);
    const view = (await api('GET', '/connections')).body as { exact: { authorized: boolean } };
    expect(view.exact.authorized).toBe(false);
  });

  test('consent → callback → tokens stored → division picker → connected → remove', async () => {
    const { authorizeUrl } = await startExact();
    const back = await consent(authorizeUrl);
    const r = await fetch(back, { headers: { Cookie: cookie }, redirect: 'manual' });
    expect(r.status).toBe(302);
    expect(r.headers.get('location')).toBe(`${WP_URL}/wp-admin/options-general.php?page=shopbooks&shopbooks_oauth=exact-ok`);
    expect(exact.stats.byPath['/api/oauth2/token']).toBeGreaterThanOrEqual(1);

    // The same state cannot be used twice.
    const again = await fetch(back, { headers: { Cookie: cookie }, redirect: 'manual' });
    expect(again.status).toBe(403);

    const view = ((await api('GET', '/connections')).body as { exact: Record<string, unknown> }).exact;
    expect(view).toMatchObject({ authorized: true, connected: false, country: 'NL', clientIdSet: true, secretSet: true, secretHint: `••••${CLIENT_SECRET.slice(-4)}` });
    expect(typeof view.authorizedBy).toBe('string');
    expect(String(view.authorizedAt)).toMatch(/^\d{4}-\d\d-\d\dT/);

    const divs = await api('GET', '/connections/exact/divisions');
    expect(divs.status).toBe(200);
    const list = (divs.body as { divisions: Array<{ code: number; name: string; current: boolean }> }).divisions;
    expect(list.map((d) => d.code)).toContain(exact.state.division);
    expect(list.find((d) => d.code === exact.state.division)!.current).toBe(true);

    expect((await api('POST', '/connections/exact/division', { body: { division: 999 } })).status).toBe(400);
    const chosen = await api('POST', '/connections/exact/division', { body: { division: exact.state.division } });
    expect(chosen.status).toBe(200);
    expect(chosen.body).toMatchObject({ connected: true, division: exact.state.division });

    // The token is stored where the sync core's Exact target looks for it, encrypted.
    const tok = wpJson<{ version: number; value: Record<string, unknown> } | null>(`echo json_encode(Shopbooks\\Store_Db::get_token('exact:${CLIENT_ID}:${exact.state.division}'));`);
    expect(tok?.value).toMatchObject({ accessToken: expect.any(String), refreshToken: expect.any(String), accessIssuedAt: expect.any(Number), accessExpiresAt: expect.any(Number) });
    seenSecrets.add(String(tok!.value.accessToken));
    seenSecrets.add(String(tok!.value.refreshToken));
    const raw = wpEval(`global $wpdb; echo $wpdb->get_var("SELECT value FROM {$wpdb->prefix}shopbooks_tokens LIMIT 1");`);
    expect(raw.startsWith('sbx1:')).toBe(true);
    expect(raw).not.toContain(String(tok!.value.refreshToken));
  });

  test('the settings page shows the OAuth result after the redirect', async () => {
    const page = await fetch(`${WP_URL}/wp-admin/options-general.php?page=shopbooks&shopbooks_oauth=exact-ok`, { headers: { Cookie: cookie } });
    const html = await page.text();
    expect(html).toContain('id="shopbooks-settings-root"');
    if (existsSync(join(REPO, 'plugin', 'build', 'index.asset.php'))) {
      expect(html).toMatch(/"oauthResult":\{"system":"exact","ok":true/);
    }
  });
});

describe('Moneybird', () => {
  test('a rejected token is refused; a good one lists the administrations', async () => {
    const bad = await api('POST', '/connections/moneybird', { body: { token: 'not-a-real-token-0000000000' } });
    expect(bad.status).toBe(400);
    expect((bad.body as { code: string }).code).toBe('shopbooks_token_rejected');
    const good = await api('POST', '/connections/moneybird', { body: { token: MB_TOKEN } });
    expect(good.status).toBe(200);
    expect(good.body).toMatchObject({ authorized: true, connected: false, method: 'token', tokenSet: true, secretHint: `••••${MB_TOKEN.slice(-4)}` });
    const admins = await api('GET', '/connections/moneybird/administrations');
    expect(admins.status).toBe(200);
    const list = (admins.body as { administrations: Array<{ id: string }> }).administrations;
    expect(list.map((a) => a.id)).toContain(moneybird.administrationId);
    const chosen = await api('POST', '/connections/moneybird/administration', { body: { administrationId: moneybird.administrationId } });
    expect(chosen.body).toMatchObject({ connected: true, administrationId: moneybird.administrationId });
  });

  test('Moneybird OAuth: authorize with a state, callback, code exchange, administration picker, token where the target reads it', async () => {
    const r = await api('POST', '/connections/moneybird', { body: { clientId: MB_CLIENT, clientSecret: MB_SECRET } });
    seenSecrets.add(MB_SECRET);
    expect(r.status).toBe(200);
    const authorizeUrl = (r.body as { authorizeUrl: string }).authorizeUrl;
    const u = new URL(authorizeUrl);
    expect(u.origin + u.pathname).toBe(`${moneybird.url}/oauth/authorize`);
    expect(u.searchParams.get('redirect_uri')).toBe(MB_CALLBACK);
    expect(u.searchParams.get('state')).toMatch(/^[a-f0-9]{48}$/);
    expect(authorizeUrl).not.toContain(MB_SECRET);

    const consent = await fetch(authorizeUrl, { redirect: 'manual' });
    expect(consent.status).toBe(302);
    const back = consent.headers.get('location')!;
    expect(back.startsWith(MB_CALLBACK)).toBe(true);
    // a forged state is refused, the real one works once
    const forged = new URL(back);
    forged.searchParams.set('state', 'a'.repeat(48));
    expect((await fetch(forged, { headers: { Cookie: cookie }, redirect: 'manual' })).status).toBe(403);
    const done = await fetch(back, { headers: { Cookie: cookie }, redirect: 'manual' });
    expect(done.status).toBe(302);
    expect(done.headers.get('location')).toContain('shopbooks_oauth=moneybird-ok');

    const view = ((await api('GET', '/connections')).body as { moneybird: Record<string, unknown> }).moneybird;
    expect(view).toMatchObject({ authorized: true, connected: false, method: 'oauth', clientIdSet: true });
    const admins = await api('GET', '/connections/moneybird/administrations');
    expect(admins.status).toBe(200);
    const chosen = await api('POST', '/connections/moneybird/administration', { body: { administrationId: moneybird.administrationId } });
    expect(chosen.body).toMatchObject({ connected: true, method: 'oauth', administrationId: moneybird.administrationId });
    const tok = wpJson<{ value: { accessToken: string; refreshToken?: string } } | null>(`echo json_encode(Shopbooks\\Store_Db::get_token('moneybird:${MB_CLIENT}:${moneybird.administrationId}'));`);
    expect(tok?.value.accessToken).toEqual(expect.any(String));
    seenSecrets.add(tok!.value.accessToken);
    if (tok!.value.refreshToken) seenSecrets.add(tok!.value.refreshToken);
    expect(wpJson(`echo json_encode(Shopbooks\\Store_Db::get_token('moneybird:${MB_CLIENT}:0'));`)).toBeNull();

    // put the token connection back for the next tests
    expect((await api('POST', '/connections/moneybird', { body: { token: MB_TOKEN } })).status).toBe(200);
    await api('POST', '/connections/moneybird/administration', { body: { administrationId: moneybird.administrationId } });
    expect(wpJson(`echo json_encode(Shopbooks\\Store_Db::get_token('moneybird:${MB_CLIENT}:${moneybird.administrationId}'));`)).toBeNull();
  });
});

describe('WooCommerce access for the sync core', () => {
  test('creates the dedicated user with an application password that works, never returned', async () => {
    const r = await api('POST', '/connections/woocommerce');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ connected: true, user: 'shopbooks-sync', applicationPasswordSet: true });
    const pw = wpEval("echo Shopbooks\\Secrets::get('sync_app_password');").trim();
    expect(pw).toMatch(/^[A-Za-z0-9]{24}$/);
    seenSecrets.add(pw);
    expect(r.text).not.toContain(pw);
    const me = await fetch(`${WP_URL}/?rest_route=/shopbooks/v1/store/runs`, { headers: { Authorization: 'Basic ' + Buffer.from(`shopbooks-sync:${pw}`).toString('base64') } });
    expect(me.status).toBe(200);
    // The role is narrow: it cannot manage plugins or users.
    const caps = wpJson<Record<string, boolean>>("echo json_encode(get_user_by('login','shopbooks-sync')->allcaps);");
    expect(caps.read_private_shop_orders).toBe(true);
    expect(caps.manage_woocommerce).toBeUndefined(); // least privilege: reading orders only (least-privilege.wp.test.ts)
    expect(caps.activate_plugins).toBeUndefined();
    expect(caps.edit_users).toBeUndefined();
  });
});

describe('secrets never leave', () => {
  test('no secret in any REST response of any GET route, for any role, or in the admin page', async () => {
    const index = await api('GET', '/shopbooks/v1');
    const routes = Object.entries((index.body as { routes: Record<string, { methods: string[] }> }).routes)
      .filter(([route, info]) => info.methods.includes('GET') && !/callback$/.test(route) && !/\/store\/token$/.test(route))
      .map(([route]) => route);
    expect(routes.length).toBeGreaterThan(10);
    const leaks: string[] = [];
    for (const route of routes) {
      for (const auth of ['administrator', 'shop_manager', { cookie, nonce }] as const) {
        const r = await api('GET', route, { auth, query: route.endsWith('/store/entry') ? { key: 'x' } : route.endsWith('/cursor') ? { name: 'x' } : route.endsWith('/mapping') ? { namespace: 'x', key: 'x' } : {} });
        for (const s of seenSecrets) if (r.text.includes(s)) leaks.push(`${route} leaks ${s.slice(0, 4)}…`);
        for (const str of allStrings(r.body)) if (/^sbx1:/.test(str)) leaks.push(`${route} returns ciphertext`);
      }
    }
    const page = await fetch(`${WP_URL}/wp-admin/options-general.php?page=shopbooks`, { headers: { Cookie: cookie } });
    const html = await page.text();
    for (const s of seenSecrets) if (html.includes(s)) leaks.push(`admin page leaks ${s.slice(0, 4)}…`);
    expect(leaks).toEqual([]);
  });

  test('the token route gives tokens only to the sync user\'s application password', async () => {
    const name = `exact:${CLIENT_ID}:${exact.state.division}`;
    const browser = await api('GET', '/store/token', { auth: { cookie, nonce }, query: { name } });
    expect(browser.status).toBe(403);
    expect((await api('GET', '/store/token', { auth: 'administrator', query: { name } })).status).toBe(403);
    const pw = wpEval("echo Shopbooks\\Secrets::get('sync_app_password');").trim();
    const core = await fetch(`${WP_URL}/?rest_route=/shopbooks/v1/store/token&name=${encodeURIComponent(name)}`, { headers: { Authorization: 'Basic ' + Buffer.from(`shopbooks-sync:${pw}`).toString('base64') } }).then(async (r) => ({ status: r.status, body: await r.json() }));
    expect(core.status).toBe(200);
    expect((core.body as { token: { version: number } }).token.version).toBeGreaterThanOrEqual(1);
  });

  test('no secret in the options table in clear text', () => {
    const dump = wpEval("global $wpdb; foreach ($wpdb->get_results(\"SELECT option_name, option_value FROM {$wpdb->options} WHERE option_name LIKE 'shopbooks%'\") as $r) echo $r->option_name, '=', $r->option_value, \"\\n\";");
    expect(dump).toContain('shopbooks_secrets=');
    for (const s of seenSecrets) expect(dump.includes(s) ? `option contains ${s.slice(0, 4)}` : 'clean').toBe('clean');
  });

  test('no secret in the site logs so far', () => {
    const files = [join(env.WP_DIR, 'site', 'wp-content', 'debug.log'), join(env.WP_DIR, 'php-server.log')].filter(existsSync);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const s of seenSecrets) expect(text.includes(s) ? `${f} contains ${s.slice(0, 4)}` : 'clean').toBe('clean');
    }
  });

  test('Remove deletes the Exact credentials and tokens', async () => {
    const r = await api('DELETE', '/connections/exact');
    expect(r.body).toMatchObject({ connected: false, authorized: false, clientIdSet: false, secretSet: false });
    const count = wpEval('global $wpdb; echo $wpdb->get_var("SELECT COUNT(*) FROM {$wpdb->prefix}shopbooks_tokens WHERE name LIKE \'exact:%\'");').trim();
    expect(count).toBe('0');
  });
});
