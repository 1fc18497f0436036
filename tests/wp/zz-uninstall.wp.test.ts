/**
 * Uninstall on the real WordPress removes everything the plugin made: tables, options (secrets
 * included), transients (OAuth states), scheduled events, the sync user with its application
 * passwords, its role, and the capability it gave administrators. Runs in the last phase of
 * tests/wp/run.sh, because it takes the plugin away.
 */
import { api, wpEval, wpJson } from './helpers';

test('uninstall cleans up', async () => {
  // Make sure there is something of every kind to remove.
  expect((await api('POST', '/connections/woocommerce')).status).toBe(200);
  expect((await api('POST', '/actions/sync')).status).toBe(200);
  wpEval("Shopbooks\\Secrets::set('uninstall_probe', 'uninstall-secret-123'); Shopbooks\\Store_Db::put_token('uninstall:probe', array('refreshToken' => 'x')); Shopbooks\\Oauth_State::create('exact');");
  const before = wpJson<{ options: number; tables: number; events: number; user: boolean }>(`
    global $wpdb;
    $events = 0; foreach (_get_cron_array() as $h) foreach ($h as $hook => $x) if (strpos($hook, 'shopbooks_') === 0) $events++;
    echo json_encode(array(
      'options' => (int) $wpdb->get_var("SELECT COUNT(*) FROM {$wpdb->options} WHERE option_name LIKE 'shopbooks\\\\_%' OR option_name LIKE '\\\\_transient\\\\_shopbooks\\\\_%'"),
      'tables' => count($wpdb->get_col("SHOW TABLES LIKE '{$wpdb->prefix}shopbooks_%'")),
      'events' => $events,
      'user' => (bool) get_user_by('login', 'shopbooks-sync'),
    ));`);
  expect(before.options).toBeGreaterThan(5);
  expect(before.tables).toBe(5);
  expect(before.events).toBeGreaterThanOrEqual(2);
  expect(before.user).toBe(true);
  // Order meta the plugin wrote (the order-note bookkeeping), in both WooCommerce order stores:
  // posts/postmeta and the HPOS meta table (created here as WooCommerce creates it; WooCommerce is not installable).
  const orderMeta = wpEval(`
    global $wpdb;
    $wpdb->query("CREATE TABLE IF NOT EXISTS {$wpdb->prefix}wc_orders_meta (id bigint(20) unsigned NOT NULL AUTO_INCREMENT, order_id bigint(20) unsigned NULL, meta_key varchar(255) NULL, meta_value text NULL, PRIMARY KEY (id))");
    $wpdb->query("DELETE FROM {$wpdb->prefix}wc_orders_meta WHERE meta_key = '_other_plugin'");
    $post = wp_insert_post(array('post_title' => 'order', 'post_status' => 'draft', 'post_type' => 'post'));
    add_post_meta($post, '_shopbooks_noted', array('booked:1')); add_post_meta($post, '_other_plugin', 'keep');
    $wpdb->insert("{$wpdb->prefix}wc_orders_meta", array('order_id' => 42, 'meta_key' => '_shopbooks_noted', 'meta_value' => 'a:0:{}'));
    $wpdb->insert("{$wpdb->prefix}wc_orders_meta", array('order_id' => 42, 'meta_key' => '_other_plugin', 'meta_value' => 'keep'));
    echo $post;`).trim();
  const syncUserId = wpEval("echo get_user_by('login', 'shopbooks-sync')->ID;").trim();

  // What WordPress does on Plugins → Delete: deactivate, then uninstall (runs uninstall.php).
  wpEval("deactivate_plugins('shopbooks/shopbooks.php'); uninstall_plugin('shopbooks/shopbooks.php');");

  const after = wpJson<Record<string, unknown>>(`
    global $wpdb;
    $events = array(); foreach (_get_cron_array() as $h) foreach ($h as $hook => $x) if (strpos($hook, 'shopbooks') === 0) $events[] = $hook;
    echo json_encode(array(
      'options' => $wpdb->get_col("SELECT option_name FROM {$wpdb->options} WHERE option_name LIKE '%shopbooks%'"),
      'tables' => $wpdb->get_col("SHOW TABLES LIKE '{$wpdb->prefix}shopbooks_%'"),
      'events' => $events,
      'user' => (bool) get_user_by('login', 'shopbooks-sync'),
      'appPasswords' => count(WP_Application_Passwords::get_user_application_passwords(${syncUserId})),
      'role' => (bool) get_role('shopbooks_sync'),
      'adminCap' => get_role('administrator')->has_cap('manage_woocommerce'),
      'usermeta' => (int) $wpdb->get_var("SELECT COUNT(*) FROM {$wpdb->usermeta} WHERE user_id = ${syncUserId}"),
      'active' => is_plugin_active('shopbooks/shopbooks.php'),
    ));`);
  expect(after).toEqual({ options: [], tables: [], events: [], user: false, appPasswords: 0, role: false, adminCap: false, usermeta: 0, active: false });
  const meta = wpJson<Record<string, number>>(`
    global $wpdb;
    echo json_encode(array(
      'postmeta' => (int) $wpdb->get_var("SELECT COUNT(*) FROM {$wpdb->postmeta} WHERE meta_key LIKE '\\_shopbooks\\_%'"),
      'hpos' => (int) $wpdb->get_var("SELECT COUNT(*) FROM {$wpdb->prefix}wc_orders_meta WHERE meta_key LIKE '\\_shopbooks\\_%'"),
      'othersKept' => (int) $wpdb->get_var("SELECT COUNT(*) FROM {$wpdb->postmeta} WHERE post_id = ${orderMeta} AND meta_key = '_other_plugin'") + (int) $wpdb->get_var("SELECT COUNT(*) FROM {$wpdb->prefix}wc_orders_meta WHERE meta_key = '_other_plugin'"),
    ));`);
  expect(meta).toEqual({ postmeta: 0, hpos: 0, othersKept: 2 });
  const raw = wpEval("global $wpdb; echo $wpdb->get_var(\"SELECT COUNT(*) FROM {$wpdb->options} WHERE option_value LIKE '%sbx1:%'\");").trim();
  expect(raw).toBe('0');
});
