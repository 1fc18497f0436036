/**
 * The REST permission matrix on EVERY route of shopbooks/v1 — discovered from the namespace index,
 * so a new route is covered without touching this file: anonymous 401, subscriber 403,
 * shop_manager and administrator pass the capability check. Cookie auth needs the REST nonce; the
 * store routes only accept application passwords; the OAuth callbacks only a valid `state`.
 */
import { api, login, restNonce, type Auth } from './helpers';

interface RouteInfo {
  methods: string[];
}

let routes: Array<{ route: string; method: string }> = [];

/** Map over items with at most `n` requests in flight (php -S serves 4 workers). */
async function pool<T, R>(items: T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  }));
  return out;
}

const CALLBACKS = /\/connections\/(exact|moneybird)\/callback$/;
const STORE = /^\/shopbooks\/v1\/store\//;
/** Routes for the site owner (manage_options), not every shop manager. */
const SITE_OWNER = /\/(status\/node|identity\/moved|identity\/copy)$/;

/** Bodies that pass JSON parsing but change nothing important (validation errors are fine). */
function bodyFor(route: string, method: string): unknown {
  if (method === 'GET' || method === 'DELETE') return undefined;
  return {};
}

beforeAll(async () => {
  const index = await api('GET', '/shopbooks/v1', { auth: 'administrator' });
  expect(index.status).toBe(200);
  const r = (index.body as { routes: Record<string, RouteInfo> }).routes;
  for (const [route, info] of Object.entries(r)) {
    if (route === '/shopbooks/v1') continue;
    for (const method of new Set(info.methods)) {
      if (method === 'PUT' || method === 'PATCH') continue; // WordPress lists EDITABLE as POST, PUT, PATCH
      routes.push({ route, method });
    }
  }
  routes = routes.sort((a, b) => (a.route + a.method).localeCompare(b.route + b.method));
});

test('the namespace has the documented areas', () => {
  const paths = new Set(routes.map((r) => r.route.replace('/shopbooks/v1', '')));
  for (const p of ['/status', '/settings', '/connections', '/connections/exact', '/connections/exact/callback', '/connections/exact/divisions', '/connections/exact/division',
    '/connections/moneybird', '/connections/moneybird/administrations', '/connections/moneybird/administration', '/connections/woocommerce', '/mapping/vat/validate',
    '/ledger', '/runs', '/actions/sync', '/actions/retry', '/preview', '/export/exact-xml', '/store/claim', '/store/token', '/store/lock', '/store/runs']) {
    expect(paths).toContain(p);
  }
  expect(routes.length).toBeGreaterThan(30);
});

test('anonymous is refused with 401 on every route', async () => {
  const wrong: string[] = [];
  await pool(routes, 3, async ({ route, method }) => {
    const r = await api(method, route, { auth: 'anonymous', body: bodyFor(route, method) });
    const code = (r.body as { code?: string })?.code;
    const ok = CALLBACKS.test(route) ? r.status === 403 && code === 'shopbooks_oauth_state_invalid' : r.status === 401 && code === 'rest_forbidden';
    if (!ok) wrong.push(`${method} ${route} -> ${r.status} ${code}`);
  });
  expect(wrong).toEqual([]);
});

test('a subscriber is refused with 403 on every route', async () => {
  const wrong: string[] = [];
  await pool(routes, 3, async ({ route, method }) => {
    const r = await api(method, route, { auth: 'subscriber', body: bodyFor(route, method) });
    const code = (r.body as { code?: string })?.code;
    const ok = CALLBACKS.test(route) ? code === 'shopbooks_oauth_state_invalid' && r.status === 403 : r.status === 403 && code === 'rest_forbidden';
    if (!ok) wrong.push(`${method} ${route} -> ${r.status} ${code}`);
  });
  expect(wrong).toEqual([]);
});

for (const role of ['shop_manager', 'administrator'] as const) {
  test(`${role} passes the capability check on every route (application password)`, async () => {
    const wrong: string[] = [];
    const check = async ({ route, method }: { route: string; method: string }) => {
      if (/\/connections\/woocommerce$/.test(route)) return; // rotates the sync user's password; covered in the connections test
      if (STORE.test(route)) return; // only the sync user's own application password: least-privilege.wp.test.ts
      if (/\/identity\/copy$/.test(route)) return; // forgets the connection; identity-clone.wp.test.ts
      if (role === 'shop_manager' && SITE_OWNER.test(route) && method === 'POST') {
        const r = await api(method, route, { auth: role, body: bodyFor(route, method) });
        if (r.status !== 403) wrong.push(`${method} ${route} -> ${r.status} (needs manage_options)`);
        return;
      }
      const r = await api(method, route, { auth: role, body: bodyFor(route, method) });
      const code = (r.body as { code?: string })?.code;
      if (CALLBACKS.test(route)) {
        if (!(r.status === 403 && code === 'shopbooks_oauth_state_invalid')) wrong.push(`${method} ${route} -> ${r.status} ${code} (no state must be refused)`);
        return;
      }
      if (r.status === 401 || r.status === 403 || code === 'rest_forbidden') wrong.push(`${method} ${route} -> ${r.status} ${code}`);
      // A remote system that cannot be reached is a plain 502 shopbooks_* error; anything else >= 500 is a crash.
      if (r.status >= 500 && !(r.status === 502 && /^shopbooks_/.test(code ?? ''))) wrong.push(`${method} ${route} -> ${r.status} ${r.text.slice(0, 200)}`);
    };
    // Reads in parallel, writes one after the other (their side effects must not interleave).
    await pool(routes.filter((r) => r.method === 'GET'), 3, check);
    for (const r of routes.filter((x) => x.method !== 'GET')) await check(r);
    expect(wrong).toEqual([]);
  });
}

describe('cookie authentication', () => {
  let cookie: string;
  let nonce: string;
  beforeAll(async () => {
    cookie = await login('administrator');
    nonce = await restNonce(cookie);
  });

  test('without the REST nonce a logged-in cookie is treated as anonymous (401) on every route', async () => {
    const wrong: string[] = [];
    await pool(routes.filter((r) => !CALLBACKS.test(r.route)), 3, async ({ route, method }) => {
      const r = await api(method, route, { auth: { cookie }, body: bodyFor(route, method) });
      if (r.status !== 401) wrong.push(`${method} ${route} -> ${r.status}`);
    });
    expect(wrong).toEqual([]);
  });

  test('a wrong nonce is refused', async () => {
    const r = await api('GET', '/settings', { auth: { cookie, nonce: '0123456789' } });
    expect(r.status).toBe(403);
    expect((r.body as { code: string }).code).toBe('rest_cookie_invalid_nonce');
  });

  test('with the nonce the settings routes work, and the store routes still refuse a browser session', async () => {
    const auth: Auth = { cookie, nonce };
    expect((await api('GET', '/settings', { auth })).status).toBe(200);
    expect((await api('GET', '/connections', { auth })).status).toBe(200);
    const wrong: string[] = [];
    for (const { route, method } of routes.filter((r) => STORE.test(r.route))) {
      const r = await api(method, route, { auth, body: bodyFor(route, method) });
      if (!(r.status === 403 && (r.body as { code: string }).code === 'shopbooks_store_app_password_only')) wrong.push(`${method} ${route} -> ${r.status}`);
    }
    expect(wrong).toEqual([]);
  });

  test('a subscriber with a valid nonce is still refused', async () => {
    const c = await login('subscriber');
    const n = await restNonce(c);
    const r = await api('GET', '/settings', { auth: { cookie: c, nonce: n } });
    expect(r.status).toBe(403);
  });
});
