/**
 * The log in wp-admin: per-order status with filters and pages, Retry and Sync now (they only
 * schedule), the past-due and persistent-failure notices, the failure e-mail (once), and — with
 * the test-only WooCommerce double of tests/wp/mu-plugins — the order note and the meta box.
 */
import { randomUUID } from 'node:crypto';
import { WordPressStore } from '../../sync-core/src/store/wordpress-store';
import { WP_URL, api, login, wpEval, wpJson } from './helpers';

const shop = `ledger-${randomUUID().slice(0, 6)}`;
let store: WordPressStore;
const init = (id: string) => ({ key: `${shop}:order:${id}`, kind: 'order' as const, shopId: shop, orderId: id, orderNumber: `#${id}`, refundId: null, reference: `R${id}`, contentHash: null });

async function seed(id: string, patch: Record<string, unknown>) {
  const c = await store.claim(init(id).key, init(id), 'seed-run', 60_000);
  expect(c.ok).toBe(true);
  return store.update(init(id).key, { claimedBy: null, claimExpiresAt: null, ...patch });
}

beforeAll(async () => {
  expect((await api('POST', '/connections/woocommerce')).status).toBe(200);
  const pw = wpEval("echo Shopbooks\\Secrets::get('sync_app_password');").trim();
  store = new WordPressStore({ url: WP_URL, username: 'shopbooks-sync', applicationPassword: pw });
  wpEval("delete_option('sbtest_mails'); delete_option('shopbooks_emailed_failures'); delete_option('shopbooks_last_failure_mail'); update_option('shopbooks_settings', array_replace_recursive(get_option('shopbooks_settings'), array('rules' => array('notifyEmail' => 'owner@example.com'))));");
  await seed('9001', { status: 'booked', documentId: 'guid-1', documentType: 'SalesEntry', documentNumber: '70001', documentUrl: 'https://start.exactonline.nl/docs/SalesEntry.aspx?ID=guid-1', gross: '121.00', vat: '21.00', attempts: 1 });
  await seed('9002', { status: 'failed', attempts: 4, lastError: { code: 'VatCodeNotMapped', message: 'The VAT rate 7% (oss:DE:7) has no VAT code in the mapping.' }, nextRetryAt: '2030-01-01T00:00:00.000Z' });
  await seed('9003', { status: 'skipped', skipReason: 'The order total is zero.' });
  await seed('9004', { status: 'failed', attempts: 1, lastError: { code: 'RemoteUnavailable', message: 'Exact Online could not be reached.' }, nextRetryAt: '2030-01-01T00:00:00.000Z' });
});

test('the ledger shows booked (with document link), failed (with reason) and skipped, filtered and paged', async () => {
  const all = (await api('GET', '/ledger', { query: { search: '#900', perPage: '100' } })).body as { total: number; entries: Array<Record<string, unknown>> };
  const mine = all.entries.filter((e) => e.shopId === shop);
  expect(mine).toHaveLength(4);
  expect(mine.find((e) => e.orderId === '9001')).toMatchObject({ status: 'booked', documentNumber: '70001', documentUrl: 'https://start.exactonline.nl/docs/SalesEntry.aspx?ID=guid-1', reason: null, gross: '121.00' });
  expect(mine.find((e) => e.orderId === '9002')).toMatchObject({ status: 'failed', reason: 'The VAT rate 7% (oss:DE:7) has no VAT code in the mapping.', errorCode: 'VatCodeNotMapped', attempts: 4 });
  expect(mine.find((e) => e.orderId === '9003')).toMatchObject({ status: 'skipped', reason: 'The order total is zero.' });
  for (const e of mine) expect(Object.keys(e)).not.toContain('claimedBy');

  const failed = (await api('GET', '/ledger', { query: { status: 'failed', perPage: '100' } })).body as { entries: Array<{ status: string }>; counts: Record<string, number> };
  expect(failed.entries.every((e) => e.status === 'failed')).toBe(true);
  expect(failed.counts.failed).toBeGreaterThanOrEqual(2);

  const p1 = (await api('GET', '/ledger', { query: { perPage: '1', page: '1' } })).body as { entries: unknown[]; totalPages: number; total: number };
  const p2 = (await api('GET', '/ledger', { query: { perPage: '1', page: '2' } })).body as { entries: unknown[] };
  expect(p1.entries).toHaveLength(1);
  expect(p1.totalPages).toBe(p1.total);
  expect(p2.entries[0]).not.toEqual(p1.entries[0]);
  expect((await api('GET', '/ledger', { query: { status: 'lost' } })).status).toBe(400);
});

test('Retry only for failed entries: makes it due now and schedules a run, without running it', async () => {
  wpEval("wp_clear_scheduled_hook('shopbooks_sync_now');");
  expect((await api('POST', '/actions/retry', { body: { key: init('9001').key } })).status).toBe(409);
  expect((await api('POST', '/actions/retry', { body: { key: `${shop}:order:nope` } })).status).toBe(404);
  expect((await api('POST', '/actions/retry', { body: {} })).status).toBe(400);
  const r = await api('POST', '/actions/retry', { body: { key: init('9004').key } });
  expect(r.status).toBe(200);
  expect(r.body).toMatchObject({ scheduled: true, entry: { status: 'failed', nextRetryAt: null } });
  expect((await store.getEntry(init('9004').key))!.nextRetryAt).toBeNull();
  expect(wpJson<number | false>("echo json_encode(wp_next_scheduled('shopbooks_sync_now'));")).toEqual(expect.any(Number));
  const due = await store.listEntries({ status: 'failed', shopId: shop, dueBefore: new Date().toISOString() });
  expect(due.map((e) => e.orderId)).toEqual(['9004']);
});

test('Sync now schedules a single event; a second click does not stack another', async () => {
  wpEval("wp_clear_scheduled_hook('shopbooks_sync_now');");
  const a = await api('POST', '/actions/sync');
  const b = await api('POST', '/actions/sync');
  expect(a.body).toMatchObject({ scheduled: true });
  expect((b.body as { at: string }).at).toBe((a.body as { at: string }).at);
  const n = wpJson<number>("$n = 0; foreach (_get_cron_array() as $h) { if (isset($h['shopbooks_sync_now'])) $n += count($h['shopbooks_sync_now']); } echo $n;");
  expect(n).toBe(1);
  expect((await api('POST', '/actions/backfill', { body: { since: '2024-13-01' } })).status).toBe(400);
  expect((await api('POST', '/actions/backfill', { body: { since: '2024-01-01' } })).body).toMatchObject({ scheduled: true });
  expect(wpJson("echo json_encode(wp_next_scheduled('shopbooks_backfill', array('2024-01-01')));")).toEqual(expect.any(Number));
  wpEval("wp_clear_scheduled_hook('shopbooks_sync_now'); wp_unschedule_hook('shopbooks_backfill');");
});

test('persistent failures: an admin notice everywhere in wp-admin and one e-mail, not one per run', async () => {
  const status = (await api('GET', '/status')).body as { notices: Array<{ code: string }> };
  expect(status.notices.map((n) => n.code)).toContain('persistent_failures');
  const cookie = await login('administrator');
  const dash = await (await fetch(`${WP_URL}/wp-admin/index.php`, { headers: { Cookie: cookie } })).text();
  expect(dash).toContain('data-code="persistent_failures"');

  wpEval('Shopbooks\\Notices::after_run();');
  wpEval('Shopbooks\\Notices::after_run();');
  const mails = wpJson<Array<{ to: string; subject: string; message: string }>>("echo json_encode(get_option('sbtest_mails', array()));");
  expect(mails).toHaveLength(1);
  expect(mails[0].to).toBe('owner@example.com');
  expect(mails[0].subject).toMatch(/could not be booked/);
  expect(mails[0].message).toContain('Order #9002 (4 attempts): The VAT rate 7% (oss:DE:7) has no VAT code in the mapping.');
  expect(mails[0].message).not.toContain('#9004'); // one attempt: not persistent yet
});

test('past-due runs (WP-Cron idle) give a notice', async () => {
  wpEval("wp_clear_scheduled_hook('shopbooks_sync'); wp_schedule_event(time() - 7200, 'shopbooks_15min', 'shopbooks_sync');");
  try {
    const runs = (await api('GET', '/runs')).body as { pastDue: boolean };
    expect(runs.pastDue).toBe(true);
    const status = (await api('GET', '/status')).body as { notices: Array<{ code: string; message: string }> };
    expect(status.notices.find((n) => n.code === 'cron_past_due')?.message).toMatch(/WP-Cron seems idle/);
  } finally {
    wpEval("wp_clear_scheduled_hook('shopbooks_sync'); Shopbooks\\Scheduler::ensure();");
  }
  expect(((await api('GET', '/runs')).body as { pastDue: boolean }).pastDue).toBe(false);
});

describe('with the WooCommerce test double active', () => {
  beforeAll(() => {
    wpEval("update_option('sbtest_wc_double', 1); update_option('sbtest_orders', array(9001 => array('notes' => array(), 'meta' => array()), 9002 => array('notes' => array(), 'meta' => array())));");
  });
  afterAll(() => {
    wpEval("delete_option('sbtest_wc_double'); delete_option('sbtest_orders');");
  });

  test('after a run, booked and failed orders get one order note each (not repeated)', () => {
    wpEval("Shopbooks\\Order_Integration::after_run('2000-01-01T00:00:00.000Z');");
    wpEval("Shopbooks\\Order_Integration::after_run('2000-01-01T00:00:00.000Z');");
    const orders = wpJson<Record<string, { notes: string[] }>>("echo json_encode(get_option('sbtest_orders'));");
    expect(orders['9001'].notes).toEqual(['Shopbooks: Order booked as 70001. https://start.exactonline.nl/docs/SalesEntry.aspx?ID=guid-1']);
    expect(orders['9002'].notes).toEqual(['Shopbooks: Booking failed: The VAT rate 7% (oss:DE:7) has no VAT code in the mapping.']);
  });

  test('the order meta box shows the status with the document link', () => {
    const html = wpEval("echo Shopbooks\\Order_Integration::box_html('9001');");
    expect(html).toContain('Order booked');
    expect(html).toContain('href="https://start.exactonline.nl/docs/SalesEntry.aspx?ID=guid-1"');
    expect(wpEval("echo Shopbooks\\Order_Integration::box_html('9002');")).toContain('has no VAT code in the mapping');
    expect(wpEval("echo Shopbooks\\Order_Integration::box_html('123456');")).toContain('Not booked yet.');
  });

  test('the log links each order to the screen WooCommerce uses: HPOS (page=wc-orders) or posts (post.php)', async () => {
    const link = async () => ((await api('GET', '/ledger', { query: { search: '#9001', perPage: '100' } })).body as { entries: Array<{ shopId: string; orderEditUrl: string | null }> }).entries.find((e) => e.shopId === shop)?.orderEditUrl;
    wpEval("update_option('sbtest_hpos', 1);");
    try {
      expect(await link()).toBe(`${WP_URL}/wp-admin/admin.php?page=wc-orders&action=edit&id=9001`);
    } finally {
      wpEval("delete_option('sbtest_hpos');");
    }
    expect(await link()).toBe(`${WP_URL}/wp-admin/post.php?post=9001&action=edit`);
    // Like WooCommerce, the double has wc_get_page_screen_id() only inside wp-admin; outside it the plugin must not need it.
    expect(wpEval("echo function_exists('wc_get_page_screen_id') ? 'yes' : 'no';").trim()).toBe('no');
  });

  test('the status reports WooCommerce active and a custom status can be chosen', async () => {
    const s = (await api('GET', '/status')).body as { woocommerceActive: boolean; notices: Array<{ code: string }> };
    expect(s.woocommerceActive).toBe(true);
    expect(s.notices.map((n) => n.code)).not.toContain('woocommerce_inactive');
    expect((await api('POST', '/settings', { body: { rules: { bookStatuses: ['completed', 'wc-shipped'] } } })).body).toMatchObject({ rules: { bookStatuses: ['completed', 'shipped'] } });
    expect((await api('POST', '/settings', { body: { rules: { bookStatuses: ['processing', 'completed'] } } })).status).toBe(200);
  });
});

describe('fencing and heartbeats on the real database', () => {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  test('after a takeover, every update of the run that lost the claim is refused and changes nothing; the holder\'s all apply', async () => {
    const i = init(`fence-${randomUUID().slice(0, 6)}`);
    expect((await store.claim(i.key, i, 'run-slow', 200)).ok).toBe(true);
    await store.update(i.key, { writeStartedAt: new Date().toISOString() }, { holder: 'run-slow' });
    await sleep(500);
    expect((await store.claim(i.key, i, 'run-new', 60_000)).ok).toBe(true);
    const fields = ['documentId', 'documentType', 'documentNumber', 'documentUrl', 'customerId', 'gross', 'vat'] as const;
    const results = await Promise.allSettled([
      ...fields.map((f) => store.update(i.key, { [f]: `slow-${f}` }, { holder: 'run-slow' })),
      ...fields.map((f) => store.update(i.key, { [f]: `new-${f}` }, { holder: 'run-new' })),
    ]);
    const slow = results.slice(0, fields.length);
    const fresh = results.slice(fields.length);
    expect(slow.every((r) => r.status === 'rejected' && (r.reason as { code?: string }).code === 'ClaimLost')).toBe(true);
    expect(fresh.every((r) => r.status === 'fulfilled')).toBe(true);
    // concurrent patches of one holder are all kept (the conditional UPDATE retries on a changed row)
    const e = (await store.getEntry(i.key))!;
    for (const f of fields) expect(e[f]).toBe(`new-${f}`);
    expect(e.claimedBy).toBe('run-new');
  });

  test('renewClaim keeps a claim past its first lease; the route answers false for another run', async () => {
    const i = init(`renew-${randomUUID().slice(0, 6)}`);
    expect((await store.claim(i.key, i, 'run-a', 300)).ok).toBe(true);
    expect(await store.renewClaim(i.key, 'run-b', 60_000)).toBe(false);
    expect(await store.renewClaim(i.key, 'run-a', 60_000)).toBe(true);
    await sleep(600);
    expect(await store.claim(i.key, i, 'run-b', 60_000)).toMatchObject({ ok: false, reason: 'claimed-elsewhere' });
  });
});
