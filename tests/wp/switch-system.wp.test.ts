/**
 * Issue 12, item 6: switching from Exact Online to Moneybird says what happens. Ledger, mapping and
 * log belong to one connection; the switch asks what to do with the history (book from a date in
 * the new system, or nothing before today); the log never mixes the two systems.
 */
import { api, wpEval, wpJson } from './helpers';

const scope = () => wpJson<{ shopId: string }>("echo wp_json_encode(array('shopId' => Shopbooks\\Sync_Config::build()['source']['shopId']));").shopId;
const EXACT_MAPPING = { journal: '70', glAccounts: { revenue: '8000', shipping: '8090', fees: '8000', discount: '8100', rounding: '8900' }, vatMap: { 'domestic:21': '2' }, defaultVatCode: '' };

let savedSettings: string;
beforeAll(() => {
  savedSettings = wpEval("echo wp_json_encode(array('s' => get_option('shopbooks_settings'), 'c' => get_option('shopbooks_connection', null), 'e' => get_option('shopbooks_endpoints', null)));").trim();
  // The site's own shop (no shop id given), like a real install.
  wpEval("$o = get_option('shopbooks_endpoints', array()); unset($o['source']['shopId']); update_option('shopbooks_endpoints', $o);");
});
afterAll(() => {
  wpEval(`$v = json_decode('${savedSettings.replace(/'/g, "\\'")}', true); update_option('shopbooks_settings', $v['s']); if ($v['c'] === null) delete_option('shopbooks_connection'); else update_option('shopbooks_connection', $v['c']); if ($v['e'] === null) delete_option('shopbooks_endpoints'); else update_option('shopbooks_endpoints', $v['e']);`);
});

test('switching Exact → Moneybird asks about the history, starts a ledger and mapping of its own, and the log does not mix', async () => {
  expect((await api('POST', '/settings', { body: { target: 'exact', mapping: EXACT_MAPPING } })).status).toBe(200);
  const exactScope = scope();
  // An order booked in Exact Online.
  wpEval(`$k = '${exactScope}:order:sw-1'; Shopbooks\\Store_Db::claim($k, array('kind' => 'order', 'shopId' => '${exactScope}', 'orderId' => 'sw-1', 'orderNumber' => 'SW1', 'refundId' => null, 'reference' => 'SW1', 'contentHash' => null), 'run-sw', 60000); Shopbooks\\Store_Db::update_entry($k, array('status' => 'booked', 'documentNumber' => '70001'));`);
  const listed = async () => ((await api('GET', '/ledger', { query: { perPage: '100', search: 'SW1' } })).body as { entries: Array<{ shopId: string; orderNumber: string }> }).entries;
  expect((await listed()).map((e) => e.orderNumber)).toContain('SW1');

  // Without a choice the switch is refused with what happens, in plain words.
  const ask = await api('POST', '/settings', { body: { target: 'moneybird' } });
  expect(ask.status).toBe(409);
  expect((ask.body as { code: string }).code).toBe('shopbooks_switch_needs_choice');
  expect((ask.body as { message: string }).message).toMatch(/Exact Online/);
  expect((await api('GET', '/settings')).body).toMatchObject({ target: 'exact' });
  const bad = await api('POST', '/settings', { body: { target: 'moneybird', switch: { history: 'fromDate', fromDate: 'yesterday' } } });
  expect(bad.status).toBe(400);

  const sw = await api('POST', '/settings', { body: { target: 'moneybird', switch: { history: 'fromDate', fromDate: '2026-01-01' } } });
  expect(sw.status).toBe(200);
  const s = sw.body as { target: string; rules: { startDate: string }; mapping: { journal: string; glAccounts: Record<string, string>; vatMap: Record<string, string> } };
  expect(s.target).toBe('moneybird');
  expect(s.rules.startDate).toBe('2026-01-01');
  // Exact's accounts and VAT codes are not carried into Moneybird.
  expect(s.mapping.glAccounts.revenue).toBe('');
  expect(s.mapping.vatMap).toEqual({});
  // A ledger of its own: the order booked in Exact is not "done" for Moneybird, and the log shows only Moneybird's.
  const mbScope = scope();
  expect(mbScope).not.toBe(exactScope);
  expect(wpJson("echo wp_json_encode(Shopbooks\\Store_Db::get_entry(str_replace('" + exactScope + "', '" + mbScope + "', '" + exactScope + ":order:sw-1')));")).toBeNull();
  expect((await listed()).map((e) => e.orderNumber)).not.toContain('SW1');

  // Switching back restores Exact's mapping and its ledger; "nothing" books nothing before today.
  const back = await api('POST', '/settings', { body: { target: 'exact', switch: { history: 'none' } } });
  expect(back.status).toBe(200);
  const b = back.body as { rules: { startDate: string }; mapping: typeof EXACT_MAPPING };
  expect(b.rules.startDate).toBe(new Date().toISOString().slice(0, 10));
  expect(b.mapping.glAccounts.revenue).toBe('8000');
  expect(b.mapping.vatMap).toEqual({ 'domestic:21': '2' });
  expect(scope()).toBe(exactScope);
  expect((await listed()).map((e) => e.orderNumber)).toContain('SW1');
});
