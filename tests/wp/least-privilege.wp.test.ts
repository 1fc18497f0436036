/**
 * Least privilege on the real WordPress (issue 12, item 4): the /store/* routes return decrypted
 * Exact/Moneybird tokens, so only the dedicated sync user's own application password (its UUID)
 * may use them — not a shop manager's or an administrator's own application password. The sync
 * user's role may read orders and nothing else; choosing the Node binary needs manage_options.
 */
import { api, wpEval, wpJson } from './helpers';

interface RouteInfo {
  methods: string[];
}

let storeRoutes: Array<{ route: string; method: string }> = [];
let syncPassword = '';

beforeAll(async () => {
  const index = await api('GET', '/shopbooks/v1', { auth: 'administrator' });
  expect(index.status).toBe(200);
  for (const [route, info] of Object.entries((index.body as { routes: Record<string, RouteInfo> }).routes)) {
    if (!/^\/shopbooks\/v1\/store\//.test(route)) continue;
    for (const method of new Set(info.methods)) if (method !== 'PUT' && method !== 'PATCH') storeRoutes.push({ route, method });
  }
  storeRoutes = storeRoutes.sort((a, b) => (a.route + a.method).localeCompare(b.route + b.method));
  expect((await api('POST', '/connections/woocommerce')).status).toBe(200);
  syncPassword = wpEval("echo Shopbooks\\Secrets::get('sync_app_password');").trim();
});

async function asSync(method: string, route: string, password = syncPassword) {
  const u = new URL(`${(await import('./helpers')).WP_URL}/`);
  u.searchParams.set('rest_route', route);
  const res = await fetch(u, {
    method,
    headers: { Accept: 'application/json', 'Content-Type': 'application/json', Authorization: 'Basic ' + Buffer.from(`shopbooks-sync:${password}`).toString('base64') },
    body: method === 'GET' ? undefined : '{}',
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as { code?: string } | null };
}

test('a shop manager\'s own application password gets 403 on every /store/* route', async () => {
  expect(storeRoutes.length).toBeGreaterThanOrEqual(10);
  const wrong: string[] = [];
  for (const { route, method } of storeRoutes) {
    const r = await api(method, route, { auth: 'shop_manager', body: method === 'GET' ? undefined : {} });
    if (r.status !== 403) wrong.push(`${method} ${route} -> ${r.status}`);
  }
  expect(wrong).toEqual([]);
});

test('an administrator\'s own application password gets 403 on every /store/* route too', async () => {
  const wrong: string[] = [];
  for (const { route, method } of storeRoutes) {
    const r = await api(method, route, { auth: 'administrator', body: method === 'GET' ? undefined : {} });
    if (r.status !== 403) wrong.push(`${method} ${route} -> ${r.status}`);
  }
  expect(wrong).toEqual([]);
});

test('the sync user\'s own application password passes on every /store/* route; another password of the same user does not', async () => {
  const wrong: string[] = [];
  for (const { route, method } of storeRoutes) {
    const r = await asSync(method, route);
    if (r.status === 401 || r.status === 403) wrong.push(`${method} ${route} -> ${r.status} ${r.body?.code}`);
  }
  expect(wrong).toEqual([]);
  // A second application password on the sync user (e.g. added by someone in the profile screen).
  const other = wpEval("$u = get_user_by('login', 'shopbooks-sync'); [$pw] = WP_Application_Passwords::create_new_application_password($u->ID, array('name' => 'someone else')); echo $pw;").trim();
  try {
    const r = await asSync('GET', '/shopbooks/v1/store/runs', other);
    expect(r.status).toBe(403);
  } finally {
    wpEval("$u = get_user_by('login', 'shopbooks-sync'); foreach (WP_Application_Passwords::get_user_application_passwords($u->ID) as $i) if ($i['name'] === 'someone else') WP_Application_Passwords::delete_application_password($u->ID, $i['uuid']);");
  }
});

test('the sync role may read orders (and the tax table) and nothing else', () => {
  const caps = wpJson<Record<string, boolean>>("echo json_encode(get_role('shopbooks_sync')->capabilities);");
  expect(Object.keys(caps).filter((k) => caps[k]).sort()).toEqual(['read', 'read_private_shop_orders', 'read_shop_order']);
  // WooCommerce's /taxes needs manage_woocommerce; the plugin grants only that read, only to the sync user.
  const grants = wpJson<Record<string, boolean>>(`
    $sync = get_user_by('login', 'shopbooks-sync'); $mgr = get_user_by('login', 'sb_manager');
    $f = fn($ctx, $obj) => (bool) apply_filters('woocommerce_rest_check_permissions', false, $ctx, 0, $obj);
    wp_set_current_user($sync->ID); $a = array('syncReadSettings' => $f('read', 'settings'), 'syncEditSettings' => $f('edit', 'settings'), 'syncReadCoupons' => $f('read', 'shop_coupon'));
    wp_set_current_user($mgr->ID); $a['managerReadSettings'] = $f('read', 'settings');
    echo json_encode($a);`);
  expect(grants).toEqual({ syncReadSettings: true, syncEditSettings: false, syncReadCoupons: false, managerReadSettings: false });
});

test('an existing install\'s sync role loses the extra capabilities on upgrade', () => {
  wpEval("$r = get_role('shopbooks_sync'); $r->add_cap('manage_woocommerce'); $r->add_cap('edit_shop_orders'); Shopbooks\\Plugin::upgrade();");
  const caps = wpJson<Record<string, boolean>>("echo json_encode(get_role('shopbooks_sync')->capabilities);");
  expect(caps.manage_woocommerce).toBeUndefined();
  expect(caps.edit_shop_orders).toBeUndefined();
});

test('choosing the Node binary needs manage_options, not manage_woocommerce', async () => {
  const r = await api('POST', '/status/node', { auth: 'shop_manager', body: { nodePath: process.execPath } });
  expect(r.status).toBe(403);
  const ok = await api('POST', '/status/node', { auth: 'administrator', body: { nodePath: '' } });
  expect(ok.status).toBe(200);
});

test('a failed database write is an error, not a silent success ($wpdb->replace checked)', () => {
  const out = wpJson<{ threw: boolean; message: string }>(`
    add_filter('query', fn($q) => str_starts_with($q, 'REPLACE INTO') && str_contains($q, 'shopbooks_kv') ? str_replace('shopbooks_kv', 'shopbooks_kv_missing', $q) : $q);
    global $wpdb; $wpdb->suppress_errors(true);
    try { Shopbooks\\Store_Db::kv_set('cursor', 'lp-probe', 'x'); echo json_encode(array('threw' => false, 'message' => '')); }
    catch (\\Throwable $e) { echo json_encode(array('threw' => true, 'message' => $e->getMessage())); }`);
  expect(out.threw).toBe(true);
});
