/**
 * The cron path end to end, on the real WordPress, with the bundled sync core
 * (plugin/sync-core/shopbooks.js, built by bin/build-core.sh) against the sandbox simulators of
 * sync-core/src/sandbox (the simulated WooCommerce shop and Exact Online, started here on loopback):
 *
 *   connect Exact through the plugin (OAuth + division) → WooCommerce access (sync user) → rules and
 *   mapping → the WP-Cron event is scheduled at the chosen interval → the order-status hook only
 *   schedules → GET /wp-cron.php runs `node shopbooks.js sync --json` with SHOPBOOKS_CONFIG_JSON →
 *   the sync core books through the plugin's store routes → the log shows every order → a second
 *   run books nothing twice.
 */
import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startExactSimulator, type ExactSimulator } from '../../sync-core/src/sandbox/exact';
import { startShopSource, type SandboxShop } from '../../sync-core/src/sandbox/shops';
import { SANDBOX_EXACT_VAT_CODES } from '../../sync-core/src/sandbox';
import { REPO, WP_URL, api, login, runCron, wpEval, wpJson } from './helpers';

const CLIENT_ID = '9d2b7c1e-4f6a-4b8c-8e2d-1a3c5e7f9b0d';
const CLIENT_SECRET = 'cron-test-exact-secret-Kp3Wz8';
const CALLBACK = `${WP_URL}/wp-json/shopbooks/v1/connections/exact/callback`;
const CORE = join(REPO, 'plugin', 'sync-core', 'shopbooks.js');
const ORDERS = 8;
const SHOP_ID = `sandbox-wc-${Date.now().toString(36)}`;

let exact: ExactSimulator;
let shop: SandboxShop;

beforeAll(async () => {
  expect(existsSync(CORE) ? 'bundled core present' : `missing ${CORE}: run bash bin/build-core.sh`).toBe('bundled core present');
  // Exact's real limit is 60 calls a minute per division; the target paces itself by the headers, so a
  // higher simulated limit only makes the test faster, not laxer.
  exact = await startExactSimulator({ clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: CALLBACK }], rateLimit: { minutely: 1000 } });
  shop = await startShopSource('woocommerce', { seed: 7, orders: ORDERS, port: 0 });
  // A shop id of its own, so the plugin's ledger (which outlives this test) starts empty for it.
  const src = JSON.stringify({ ...shop.sourceConfig, shopId: SHOP_ID }).replace(/'/g, "\\'");
  wpEval(`Shopbooks\\Endpoints::set_overrides(array('exactBaseUrl' => '${exact.url}', 'source' => json_decode('${src}', true)));`);
  wpEval("delete_option('sbtest_core_path'); update_option('shopbooks_node_path', ''); wp_clear_scheduled_hook('shopbooks_sync_now');");
  // This simulator is a new administration: forget customer ids cached for earlier ones (the Exact
  // target keys its customer cache by e-mail only — reported to the lead).
  wpEval(`global $wpdb; $wpdb->query("DELETE FROM {$wpdb->prefix}shopbooks_kv WHERE ns LIKE 'map:%'");`);

  // Connect Exact through the plugin, as the shop owner does in the settings page.
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
      rules: { bookStatuses: ['processing', 'completed'], paidOnly: false, startDate: '2000-01-01', documentKind: 'salesEntry', intervalMinutes: 15, customerMode: 'perCustomer', itemMode: 'glOnly' },
      mapping: { journal: '70', glAccounts: { revenue: '8000', shipping: '8090', fees: '8000', discount: '8100', rounding: '8900' }, vatMap: SANDBOX_EXACT_VAT_CODES, defaultVatCode: '' },
    },
  });
  expect(saved.status).toBe(200);
});

afterAll(async () => {
  // run.sh greps the site's logs for these after all tests
  const out = join(REPO, 'test-output', 'wp');
  mkdirSync(out, { recursive: true });
  appendFileSync(join(out, 'secrets.txt'), `${CLIENT_SECRET}\n${String(shop?.sourceConfig.consumerSecret ?? '')}\n`);
  await exact?.close();
  await shop?.close();
});

test('the recurring event is scheduled at the chosen interval and follows a change', async () => {
  let ev = wpJson<{ schedule: string; interval: number } | false>("echo json_encode(wp_get_scheduled_event('shopbooks_sync'));");
  expect(ev).toMatchObject({ schedule: 'shopbooks_15min', interval: 900 });
  expect((await api('POST', '/settings', { body: { rules: { intervalMinutes: 5 } } })).status).toBe(200);
  ev = wpJson("echo json_encode(wp_get_scheduled_event('shopbooks_sync'));");
  expect(ev).toMatchObject({ schedule: 'shopbooks_5min', interval: 300 });
  const runs = (await api('GET', '/runs')).body as { nextRunAt: string; intervalMinutes: number; pastDue: boolean };
  expect(runs).toMatchObject({ intervalMinutes: 5, pastDue: false });
  expect(Date.parse(runs.nextRunAt)).toBeGreaterThan(Date.now() - 60_000);
});

test('the order-status hook only schedules a run; it calls no API in the shopper request', async () => {
  const before = exact.stats.requests;
  const t0 = Date.now();
  const out = wpJson<{ next: number | false; ms: number }>(
    "$t = microtime(true); do_action('woocommerce_order_status_changed', 4711, 'pending', 'processing'); do_action('woocommerce_order_status_changed', 4712, 'pending', 'processing'); echo json_encode(array('next' => wp_next_scheduled('shopbooks_sync_now'), 'ms' => (microtime(true) - $t) * 1000));",
  );
  expect(typeof out.next).toBe('number');
  expect(out.ms).toBeLessThan(200);
  expect(exact.stats.requests).toBe(before);
  expect(Date.now() - t0).toBeLessThan(10_000);
  // Two status changes coalesce into one pending run.
  const pending = wpJson<number>("$n = 0; foreach (_get_cron_array() as $ts => $hooks) { if (isset($hooks['shopbooks_sync_now'])) $n += count($hooks['shopbooks_sync_now']); } echo $n;");
  expect(pending).toBe(1);
  // A status that does not book schedules nothing new.
  wpEval("wp_clear_scheduled_hook('shopbooks_sync_now'); do_action('woocommerce_order_status_changed', 4713, 'pending', 'on-hold');");
  expect(wpJson("echo json_encode(wp_next_scheduled('shopbooks_sync_now'));")).toBe(false);
});

test('WP-Cron runs the bundled sync core, which books the shop into the simulated Exact; the log shows it', async () => {
  // Make the recurring event due, then let WP-Cron run it (DISABLE_WP_CRON: we call wp-cron.php).
  wpEval("wp_clear_scheduled_hook('shopbooks_sync'); wp_schedule_event(time() - 5, 'shopbooks_5min', 'shopbooks_sync');");
  await runCron();

  const runs = (await api('GET', '/runs')).body as { lastResult: { ok: boolean; command: string; error: string | null; summary: string }; lastRun: { booked: number; finishedAt: string } | null; nextRunAt: string };
  expect(runs.lastResult).toMatchObject({ command: 'sync', error: null, ok: true });
  expect(runs.lastRun).not.toBeNull();
  expect(runs.lastRun!.finishedAt).toBeTruthy();
  expect(Date.parse(runs.nextRunAt)).toBeGreaterThan(Date.now());

  const ledger = (await api('GET', '/ledger', { query: { perPage: '100' } })).body as { counts: Record<string, number>; entries: Array<{ shopId: string; status: string; orderNumber: string; documentNumber: string | null; reference: string; reason: string | null }> };
  const ours = ledger.entries.filter((e) => e.shopId === SHOP_ID);
  const booked = ours.filter((e) => e.status === 'booked');
  expect(booked.length).toBeGreaterThan(0);
  expect(ledger.counts.booked).toBeGreaterThanOrEqual(booked.length);
  // Every booked entry is one sales entry in the books, found by its reference.
  expect(exact.state.salesEntries.length).toBe(booked.length);
  for (const e of booked) expect(e.documentNumber ?? e.reference).toBeTruthy();
  for (const e of ours.filter((x) => x.status !== 'booked')) expect(e.reason).toBeTruthy();
  expect(runs.lastRun!.booked).toBe(booked.length);
});

test('a second run books nothing twice (exactly once)', async () => {
  const before = exact.state.salesEntries.length;
  expect((await api('POST', '/actions/sync')).body).toMatchObject({ scheduled: true });
  await runCron();
  const runs = (await api('GET', '/runs')).body as { lastResult: { ok: boolean }; runs: unknown[] };
  expect(runs.lastResult.ok).toBe(true);
  expect(runs.runs.length).toBeGreaterThanOrEqual(2);
  expect(exact.state.salesEntries.length).toBe(before);
});

test('Export tab: GET /export/exact-xml returns the Exact XML of the booked orders, with the same references and amounts', async () => {
  const bad = await api('GET', '/export/exact-xml', { query: { since: '2026-02-30' } });
  expect(bad.status).toBe(400);
  const backwards = await api('GET', '/export/exact-xml', { query: { since: '2026-03-01', until: '2026-03-01' } });
  expect(backwards.status).toBe(400);

  const r = await api('GET', '/export/exact-xml', { query: { since: '2000-01-01' } });
  expect(r.status).toBe(200);
  const body = r.body as { available: boolean; reason?: string; filename: string; xml: string; summary: { entries: { order: number; refund: number }; gross: string } };
  expect(body.reason ?? null).toBeNull();
  expect(body.available).toBe(true);
  expect(body.filename).toBe('shopbooks-exact-2000-01-01.xml');
  const refs = [...body.xml.matchAll(/<GLTransaction>[\s\S]*?<YourRef>([^<]+)<\/YourRef>/g)].map((m) => m[1]).sort();
  // The same documents, by the same references, as the sync booked into Exact through the API.
  expect(refs).toEqual(exact.state.salesEntries.map((e) => String(e.YourRef)).sort());
  const apiGross = exact.state.salesEntries.reduce((a, e) => a + Math.round(Number(e.AmountFC) * 100), 0);
  expect(Math.round(Number(body.summary.gross) * 100)).toBe(apiGross);
  expect(body.summary.entries.order).toBeGreaterThan(0);
});

test('without Node the run does not start and the shop owner is told what to do', async () => {
  wpEval("update_option('shopbooks_node_path', '/nonexistent/bin/node');");
  try {
    const status = (await api('GET', '/status')).body as { node: { found: boolean; source: string }; notices: Array<{ code: string; message: string }> };
    expect(status.node).toMatchObject({ found: false, source: 'setting' });
    const n = status.notices.find((x) => x.code === 'node_missing');
    expect(n?.message).toMatch(/Node\.js 20/);
    expect(n?.message).toMatch(/npx shopbooks sync/);
    const cookie = await login('administrator');
    const dash = await fetch(`${WP_URL}/wp-admin/index.php`, { headers: { Cookie: cookie } });
    expect(await dash.text()).toContain('data-code="node_missing"');
    const bad = await api('POST', '/status/node', { body: { nodePath: '/etc/passwd' } });
    expect(bad.status).toBe(400);
    expect((bad.body as { code: string }).code).toBe('shopbooks_node_invalid');
    const good = await api('POST', '/status/node', { body: { nodePath: process.execPath } });
    expect(good.body).toMatchObject({ found: true, source: 'setting' });
  } finally {
    wpEval("update_option('shopbooks_node_path', '');");
  }
});
