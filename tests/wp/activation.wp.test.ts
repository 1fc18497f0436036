/**
 * Activation on a real WordPress: headers, tables, role and capability, the cron event, the admin
 * page (Settings → Shopbooks without WooCommerce) with its React mount point, and the "WooCommerce
 * is not active" notice.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, WP_URL, api, login, wpEval, wpJson } from './helpers';

test('the plugin header states PHP 8.1 and WordPress 6.1, and WordPress reads it', () => {
  const data = wpJson<Record<string, string>>("echo json_encode(get_plugin_data(WP_PLUGIN_DIR . '/shopbooks/shopbooks.php', false, false));");
  expect(data).toMatchObject({ Name: 'Shopbooks', RequiresPHP: '8.1', RequiresWP: '6.1', TextDomain: 'shopbooks' });
  expect(wpEval("echo is_plugin_active('shopbooks/shopbooks.php') ? 'active' : 'inactive';").trim()).toBe('active');
  expect(readFileSync(join(REPO, 'plugin', 'shopbooks.php'), 'utf8')).toContain("declare_compatibility( 'custom_order_tables', SHOPBOOKS_FILE, true )");
});

test('activation created the tables, the sync role, the capability and the cron event', () => {
  const tables = wpJson<string[]>("global $wpdb; echo json_encode($wpdb->get_col(\"SHOW TABLES LIKE '{$wpdb->prefix}shopbooks_%'\"));");
  expect(tables.map((t) => t.replace(/^.*shopbooks_/, '')).sort()).toEqual(['kv', 'ledger', 'locks', 'runs', 'tokens']);
  expect(wpEval("echo get_role('shopbooks_sync') ? 'yes' : 'no';").trim()).toBe('yes');
  expect(wpEval("echo get_role('administrator')->has_cap('manage_woocommerce') ? 'yes' : 'no';").trim()).toBe('yes');
  const ev = wpJson<{ hook: string; schedule: string } | false>("echo json_encode(wp_get_scheduled_event('shopbooks_sync'));");
  expect(ev).toMatchObject({ hook: 'shopbooks_sync' });
  expect(String((ev as { schedule: string }).schedule)).toMatch(/^shopbooks_\d+min$/);
});

test('deactivation stops the schedule; reactivation brings it back and keeps the data', () => {
  wpEval("Shopbooks\\Store_Db::kv_set('cursor', 'activation-test', 'kept');");
  wpEval("deactivate_plugins('shopbooks/shopbooks.php');");
  expect(wpEval("echo json_encode(wp_next_scheduled('shopbooks_sync'));").trim()).toBe('false');
  const r = wpEval("$r = activate_plugin('shopbooks/shopbooks.php'); echo is_wp_error($r) ? $r->get_error_message() : 'ok';").trim();
  expect(r).toBe('ok');
  expect(wpEval("echo json_encode(wp_next_scheduled('shopbooks_sync'));").trim()).toMatch(/^\d+$/);
  expect(wpEval("echo Shopbooks\\Store_Db::kv_get('cursor', 'activation-test');").trim()).toBe('kept');
});

test('the admin page lives under Settings without WooCommerce and mounts the React page', async () => {
  const cookie = await login('administrator');
  const res = await fetch(`${WP_URL}/wp-admin/options-general.php?page=shopbooks`, { headers: { Cookie: cookie } });
  const html = await res.text();
  expect(res.status).toBe(200);
  expect(html).toContain('<div id="shopbooks-settings-root"></div>');
  expect(html).toContain('data-code="woocommerce_inactive"');
  if (existsSync(join(REPO, 'plugin', 'build', 'index.asset.php'))) {
    expect(html).toMatch(/<script[^>]+src=['"][^'"]+\/shopbooks\/build\/index\.js\?ver=/);
    expect(html).toContain('window.shopbooksSettings = {');
    expect(html).toContain('"woocommerceActive":false');
    expect(html).toContain('"oauthResult":null');
    // the bootstrap comes before the bundle
    expect(html.indexOf('window.shopbooksSettings')).toBeLessThan(html.indexOf('/shopbooks/build/index.js'));
    expect(html).toMatch(/"nonce":"[a-f0-9]{10}"/);
    expect(html).toMatch(/"restRoot":"http:\\\/\\\/127\.0\.0\.1:\d+\\\/wp-json\\\/"/);
  } else {
    expect(html).toContain('The settings page assets are missing');
  }
});

test('a subscriber cannot open the page', async () => {
  const cookie = await login('subscriber');
  const res = await fetch(`${WP_URL}/wp-admin/options-general.php?page=shopbooks`, { headers: { Cookie: cookie } });
  expect(res.status).toBe(403);
});

test('status says plainly that WooCommerce is not active', async () => {
  const s = (await api('GET', '/status')).body as { woocommerceActive: boolean; notices: Array<{ code: string; message: string }> };
  expect(s.woocommerceActive).toBe(false);
  expect(s.notices.find((n) => n.code === 'woocommerce_inactive')?.message).toMatch(/^WooCommerce is not active\./);
});
