/**
 * Issue 12, items 1 and 2, on the real WordPress: a stable shop identity, and safe clones and moves.
 *
 *   1. A fresh install gets an install id of its own (not derived from the URL); an existing install
 *      whose ledger and cursor are keyed by the host of home_url upgrades to that id frozen, and
 *      books nothing twice.
 *   2. The site is copied (database dump + files, search-replace of the URL over every table) to a
 *      second site on another port. The copy books nothing and makes no call to Exact (no token
 *      refresh); the live site keeps working; "this is a copy" forgets the connection on the copy
 *      only; a second copy that is told "this site moved" carries on without booking anything twice.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startExactSimulator, type ExactSimulator } from '../../sync-core/src/sandbox/exact';
import { startWooCommerceSimulator, SANDBOX_CONSUMER_KEY, SANDBOX_CONSUMER_SECRET, type WooSimulator } from '../../sync-core/src/sandbox/woocommerce';
import { SANDBOX_EXACT_VAT_CODES } from '../../sync-core/src/sandbox';
import { REPO, WP_URL, api, login, runCron, users, wpEval, wpJson } from './helpers';
import { copySite, type SiteCopy } from './site-copy';

const CLIENT_ID = '5a1c7e2b-9d4f-4e3a-8b6c-2f1e0d9c8b7a';
const CLIENT_SECRET = 'clone-test-exact-secret-Qm4Tx9';
const CALLBACK = `${WP_URL}/wp-json/shopbooks/v1/connections/exact/callback`;
const LEGACY_ID = new URL(WP_URL).hostname; // what the plugin used as shop id before the install id

let exact: ExactSimulator;
let sim: WooSimulator;
let shop: { sourceConfig: Record<string, unknown> };
const copies: SiteCopy[] = [];
const admin = () => users.administrator;

type Ledger = { entries: Array<{ shopId: string; status: string; reference: string; key: string }> };
async function ledgerOf(shopId: string, via: (m: string, r: string) => Promise<{ body: unknown }> = (m, r) => api(m, r.split('?')[0], { query: { perPage: '100' } })) {
  const l = (await via('GET', '/ledger?perPage=100')).body as Ledger;
  return (l.entries ?? []).filter((e) => e.shopId === shopId);
}
const refs = () => exact.state.salesEntries.map((e) => String(e.YourRef));

beforeAll(async () => {
  expect(existsSync(join(REPO, 'plugin', 'sync-core', 'shopbooks.js'))).toBe(true);
  exact = await startExactSimulator({ clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: CALLBACK }], rateLimit: { minutely: 1000 } });
  sim = await startWooCommerceSimulator({ port: 0, seed: 12, orderCount: 10 });
  shop = { sourceConfig: { platform: 'woocommerce', url: sim.url, consumerKey: SANDBOX_CONSUMER_KEY, consumerSecret: SANDBOX_CONSUMER_SECRET } };
  wpEval("delete_option('sbtest_core_path'); update_option('shopbooks_node_path', ''); wp_clear_scheduled_hook('shopbooks_sync_now');");
  useShop(undefined);
  wpEval(`global $wpdb; $wpdb->query("DELETE FROM {$wpdb->prefix}shopbooks_kv WHERE ns LIKE 'map:%'");`);
  const cookie = await login('administrator');
  const start = await api('POST', '/connections/exact', { body: { country: 'NL', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET } });
  expect(start.status).toBe(200);
  const consent = await fetch((start.body as { authorizeUrl: string }).authorizeUrl, { redirect: 'manual' });
  const back = await fetch(consent.headers.get('location')!, { headers: { Cookie: cookie }, redirect: 'manual' });
  expect(back.headers.get('location')).toContain('shopbooks_oauth=exact-ok');
  expect((await api('POST', '/connections/exact/division', { body: { division: exact.state.division } })).body).toMatchObject({ connected: true });
  expect((await api('POST', '/connections/woocommerce')).status).toBe(200);
  const saved = await api('POST', '/settings', {
    body: {
      target: 'exact',
      rules: { bookStatuses: ['completed'], paidOnly: false, startDate: '2000-01-01', documentKind: 'salesEntry', intervalMinutes: 15, customerMode: 'perCustomer', itemMode: 'glOnly' },
      mapping: { journal: '70', glAccounts: { revenue: '8000', shipping: '8090', fees: '8000', discount: '8100', rounding: '8900' }, vatMap: SANDBOX_EXACT_VAT_CODES, defaultVatCode: '' },
    },
  });
  expect(saved.status).toBe(200);
});

afterAll(async () => {
  for (const c of copies) c.stop();
  // Later test files set their own overrides; leave no identity state behind that they depend on.
  await exact?.close();
  await sim?.close();
});

/** The sandbox shop as this site's shop: no shopId of its own, like the site's own WooCommerce. */
function useShop(shopId?: string) {
  const src = JSON.stringify({ ...shop.sourceConfig, shopId }).replace(/'/g, "\\'");
  wpEval(`Shopbooks\\Endpoints::set_overrides(array('exactBaseUrl' => '${exact.url}', 'source' => array_filter(json_decode('${src}', true))));`);
}
async function syncNow() {
  wpEval("wp_clear_scheduled_hook('shopbooks_sync_now'); wp_schedule_single_event(time() - 5, 'shopbooks_sync_now');");
  await runCron();
  return (await api('GET', '/runs')).body as { lastResult: { ok: boolean; error: string | null } };
}

describe('item 1: a stable shop identity', () => {
  test('a fresh install gets an install id of its own, kept when the URL changes', () => {
    const out = wpJson<{ a: string; b: string; c: string }>(`
      delete_option('shopbooks_identity'); delete_option('shopbooks_db_version');
      $a = Shopbooks\\Identity::shop_id();
      add_filter('home_url', fn($u) => str_replace('127.0.0.1', 'www.example.test', $u));
      $b = Shopbooks\\Identity::shop_id();
      echo json_encode(array('a' => $a, 'b' => $b, 'c' => (string) get_option('shopbooks_db_version')));`);
    expect(out.a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(out.b).toBe(out.a);
  });

  test('an install with ledger rows under the old host id upgrades to that id and books nothing twice', async () => {
    // The install before the upgrade: shop id = host of home_url, no install id stored yet.
    wpEval("delete_option('shopbooks_identity'); update_option('shopbooks_db_version', '1');");
    // (The site outlives a test run: start without rows of this shop from an earlier run.)
    wpEval(`global $wpdb; $wpdb->query("DELETE FROM {$wpdb->prefix}shopbooks_ledger WHERE shop_id LIKE '${LEGACY_ID}%'"); $wpdb->query("DELETE FROM {$wpdb->prefix}shopbooks_kv WHERE k LIKE '%${LEGACY_ID}%'");`);
    useShop(LEGACY_ID);
    const first = await syncNow();
    expect(first.lastResult).toMatchObject({ ok: true, error: null });
    const legacyRows = await ledgerOf(LEGACY_ID);
    const booked = legacyRows.filter((e) => e.status === 'booked').length;
    expect(booked).toBeGreaterThan(0);
    const entriesBefore = exact.state.salesEntries.length;

    // The upgrade: the new code, the site's own shop (no shopId given), any request runs the upgrade.
    useShop(undefined);
    await fetch(`${WP_URL}/`);
    expect(wpEval('echo Shopbooks\\Identity::shop_id();').trim()).toBe(LEGACY_ID);
    const second = await syncNow();
    expect(second.lastResult).toMatchObject({ ok: true, error: null });
    expect(exact.state.salesEntries.length).toBe(entriesBefore);
    expect((await ledgerOf(LEGACY_ID)).filter((e) => e.status === 'booked').length).toBe(booked);
    // The frozen id survives a search-replace of the host in the options table.
    const raw = wpEval("global $wpdb; echo $wpdb->get_var(\"SELECT option_value FROM {$wpdb->options} WHERE option_name = 'shopbooks_identity'\");");
    expect(raw).not.toContain(LEGACY_ID);
  });
});

describe('item 2: clones and moves', () => {
  let live: { booked: number; entries: number };

  beforeAll(async () => {
    useShop(undefined);
    const r = await syncNow();
    expect(r.lastResult.ok).toBe(true);
    live = { booked: (await ledgerOf(LEGACY_ID)).filter((e) => e.status === 'booked').length, entries: exact.state.salesEntries.length };
    expect(live.booked).toBe(live.entries);
  });

  test('a copy books nothing and makes no call to Exact; the admin is asked whether the site moved or is a copy', async () => {
    const copy = await copySite('copy1');
    copies.push(copy);
    // The remembered URL survived the search-replace (that is what makes the copy recognisable).
    const status = await copy.api('GET', '/status', admin());
    expect(status.status).toBe(200);
    const notice = (status.body as { notices: Array<{ code: string; message: string }> }).notices.find((n) => n.code === 'site_moved');
    expect(notice?.message).toContain(WP_URL);
    expect(notice?.message).toContain(copy.url);
    const dash = await copy.api('GET', '/identity', admin());
    expect(dash.body).toMatchObject({ state: 'moved', connectedUrl: WP_URL, currentUrl: copy.url });

    const before = exact.stats.requests;
    copy.eval("wp_clear_scheduled_hook('shopbooks_sync'); wp_schedule_event(time() - 5, 'shopbooks_5min', 'shopbooks_sync'); wp_schedule_single_event(time() - 5, 'shopbooks_sync_now');");
    await copy.runCron();
    // The plugin's own Exact calls (the division picker refreshes the token) are stopped too.
    const divisions = await copy.api('GET', '/connections/exact/divisions', admin());
    expect(divisions.status).toBe(409);
    expect(exact.stats.requests).toBe(before);
    const runs = (await copy.api('GET', '/runs', admin())).body as { lastResult: { ok: boolean; error: string } };
    expect(runs.lastResult.ok).toBe(false);
    expect(runs.lastResult.error).toMatch(/moved|copy/i);
    expect(exact.state.salesEntries.length).toBe(live.entries);
  });

  test('"this is a copy" forgets the connection on the copy only, without touching the live tokens', async () => {
    const copy = copies[0];
    const liveToken = wpJson<{ version: number }>("global $wpdb; echo json_encode(array('version' => (int) $wpdb->get_var(\"SELECT MAX(version) FROM {$wpdb->prefix}shopbooks_tokens WHERE name LIKE 'exact:%'\")));");
    const before = exact.stats.requests;
    const r = await copy.api('POST', '/identity/copy', admin(), {});
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ state: 'ok' });
    const conn = (await copy.api('GET', '/connections', admin())).body as { exact: { connected: boolean } };
    expect(conn.exact.connected).toBe(false);
    expect(copy.eval("global $wpdb; echo (int) $wpdb->get_var(\"SELECT COUNT(*) FROM {$wpdb->prefix}shopbooks_tokens\");").trim()).toBe('0');
    // A new shop of its own: never the live shop's id.
    expect(copy.eval('echo Shopbooks\\Identity::shop_id();').trim()).not.toBe(LEGACY_ID);
    copy.eval("wp_schedule_single_event(time() - 5, 'shopbooks_sync_now');");
    await copy.runCron();
    expect(exact.stats.requests).toBe(before);
    // The live site is untouched and keeps working.
    expect(wpJson<{ version: number }>("global $wpdb; echo json_encode(array('version' => (int) $wpdb->get_var(\"SELECT MAX(version) FROM {$wpdb->prefix}shopbooks_tokens WHERE name LIKE 'exact:%'\")));")).toEqual(liveToken);
    const again = await syncNow();
    expect(again.lastResult).toMatchObject({ ok: true, error: null });
    expect((await api('GET', '/connections/exact/divisions')).status).toBe(200);
    expect((await api('GET', '/identity')).body).toMatchObject({ state: 'ok' });
  });

  test('after "this site moved" the moved site carries on and books no order twice', async () => {
    const moved = await copySite('moved1');
    copies.push(moved);
    const before = exact.stats.requests;
    moved.eval("wp_schedule_single_event(time() - 5, 'shopbooks_sync_now');");
    await moved.runCron();
    expect(exact.stats.requests).toBe(before);

    const r = await moved.api('POST', '/identity/moved', admin(), {});
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ state: 'ok', currentUrl: moved.url });
    expect(moved.eval('echo Shopbooks\\Identity::shop_id();').trim()).toBe(LEGACY_ID);
    // An order is completed after the move; the ones booked on the old address stay booked once.
    const booked0 = new Set((await ledgerOf(LEGACY_ID)).filter((e) => e.status === 'booked').map((e) => e.key));
    const open = [...sim.shop.orders.values()].find((o) => ['processing', 'on-hold', 'pending'].includes(o.status) && o.status !== 'completed' && !booked0.has(`${LEGACY_ID}:order:${o.id}`));
    expect(open ? 'found' : [...sim.shop.orders.values()].map((o) => o.status).join(',')).toBe('found');
    sim.shop.setStatus(open!.id, 'completed');
    moved.eval("wp_clear_scheduled_hook('shopbooks_sync_now'); wp_schedule_single_event(time() - 5, 'shopbooks_sync_now');");
    await moved.runCron();
    const runs = (await moved.api('GET', '/runs', admin())).body as { lastResult: { ok: boolean; error: string | null } };
    expect(runs.lastResult).toMatchObject({ ok: true, error: null });
    const rows = await ledgerOf(LEGACY_ID, (m, p) => moved.api(m, p, admin()));
    const booked = rows.filter((e) => e.status === 'booked');
    expect(booked.length).toBeGreaterThan(live.booked);
    expect(exact.state.salesEntries.length).toBe(booked.length);
    expect(new Set(refs()).size).toBe(refs().length);
  });
});
