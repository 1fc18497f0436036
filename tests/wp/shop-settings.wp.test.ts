/**
 * Issue 12, item 3: the shop's own settings reach the plan. The configuration the plugin builds on
 * the real WordPress (Sync_Config::build) is handed to the core's planner, as the runner does:
 * WooCommerce's base country and currency, WordPress' time zone, the accepted currencies (a setting),
 * the discount mode, the tax rounding, and the collective-debtor rule.
 */
import { planOrder } from '../../sync-core/src/plan';
import { wcOrder } from '../../sync-core/src/plan/test-orders';
import { api, wpEval, wpJson } from './helpers';

const BE_RATES = [
  { id: '1', percent: '21.0000', country: 'BE' },
  { id: '2', percent: '6.0000', country: 'BE' },
  { id: '3', percent: '21.0000', country: 'NL' },
];

interface Built {
  plan: Record<string, unknown>;
  source: Record<string, unknown>;
}
const built = () => wpJson<Built>('echo wp_json_encode(Shopbooks\\Sync_Config::build());');

let saved: string;
beforeAll(() => {
  saved = wpEval("echo wp_json_encode(array_map(fn($o) => get_option($o, null), array('woocommerce_default_country' => 'woocommerce_default_country', 'woocommerce_currency' => 'woocommerce_currency', 'timezone_string' => 'timezone_string', 'gmt_offset' => 'gmt_offset', 'woocommerce_tax_round_at_subtotal' => 'woocommerce_tax_round_at_subtotal', 'shopbooks_settings' => 'shopbooks_settings')));").trim();
});
afterAll(() => {
  wpEval(`foreach (json_decode('${saved.replace(/'/g, "\\'")}', true) as $k => $v) { if ($v === null) delete_option($k); else update_option($k, $v); }`);
});

test('a Belgian shop: a domestic 21 % sale is domestic, not OSS', () => {
  wpEval("update_option('woocommerce_default_country', 'BE:VAN'); update_option('woocommerce_currency', 'EUR'); update_option('timezone_string', 'Europe/Brussels');");
  const c = built();
  expect(c.plan).toMatchObject({ shopCountry: 'BE', baseCurrency: 'EUR', timeZone: 'Europe/Brussels' });
  const out = planOrder(wcOrder({ country: 'BE', rates: BE_RATES, lines: [{ name: 'Frieten', price: '10.00', qty: 2, rateId: '1' }] }), c.plan);
  expect(out.ok).toBe(true);
  if (out.ok) expect(out.plan.lines[0].vatInfo.key).toBe('domestic:21');
});

test('a GBP administration books GBP orders; other currencies only when accepted (a setting)', async () => {
  wpEval("update_option('woocommerce_default_country', 'GB'); update_option('woocommerce_currency', 'GBP'); update_option('timezone_string', 'Europe/London');");
  const gbpOrder = wcOrder({ country: 'GB', currency: 'GBP', rates: [{ id: '1', percent: '20.0000', country: 'GB' }], lines: [{ name: 'Tea', price: '5.00', qty: 1, rateId: '1' }] });
  const eurOrder = wcOrder({ country: 'GB', currency: 'EUR', rates: [{ id: '1', percent: '20.0000', country: 'GB' }], lines: [{ name: 'Tea', price: '5.00', qty: 1, rateId: '1' }] });
  let c = built();
  expect(c.plan).toMatchObject({ shopCountry: 'GB', baseCurrency: 'GBP', timeZone: 'Europe/London' });
  expect(planOrder(gbpOrder, c.plan).ok).toBe(true);
  const refused = planOrder(eurOrder, c.plan);
  expect(refused.ok).toBe(false);
  if (!refused.ok) expect(refused.error.message).toMatch(/accepted currencies/);

  // The setting the error message talks about exists, is validated, and reaches the plan.
  const bad = await api('POST', '/settings', { body: { rules: { acceptedCurrencies: ['euro'] } } });
  expect(bad.status).toBe(400);
  const ok = await api('POST', '/settings', { body: { rules: { acceptedCurrencies: ['eur', 'USD'] } } });
  expect(ok.status).toBe(200);
  expect((ok.body as { rules: { acceptedCurrencies: string[] } }).rules.acceptedCurrencies).toEqual(['EUR', 'USD']);
  c = built();
  expect(c.plan.acceptedCurrencies).toEqual(['EUR', 'USD']);
  expect(planOrder(eurOrder, c.plan).ok).toBe(true);
});

test('a POS-style order without e-mail books on the collective debtor', async () => {
  wpEval("update_option('woocommerce_default_country', 'NL'); update_option('woocommerce_currency', 'EUR');");
  const pos = wcOrder({ email: '', lines: [{ name: 'Koffie', price: '3.00', qty: 1, rateId: '2' }] });
  expect((await api('POST', '/settings', { body: { rules: { customerMode: 'perCustomer' } } })).status).toBe(200);
  const per = planOrder(pos, built().plan);
  expect(per.ok).toBe(false);
  if (!per.ok) expect(per.error.code).toBe('CustomerEmailMissing');
  expect((await api('POST', '/settings', { body: { rules: { customerMode: 'collective', collectiveCustomer: '1000' } } })).status).toBe(200);
  const c = built();
  expect(c.plan.requireCustomerEmail).toBe(false);
  expect(planOrder(pos, c.plan).ok).toBe(true);
});

test('time zone from a UTC offset, discount mode and tax rounding reach the configuration', async () => {
  wpEval("update_option('timezone_string', ''); update_option('gmt_offset', 2); update_option('woocommerce_tax_round_at_subtotal', 'yes');");
  expect((await api('POST', '/settings', { body: { rules: { discountMode: 'separate' } } })).status).toBe(200);
  const c = built();
  expect(c.plan).toMatchObject({ timeZone: 'Etc/GMT-2', discountMode: 'separate' });
  expect(c.source.roundTaxAtSubtotal).toBe(true);
  expect((await api('POST', '/settings', { body: { rules: { discountMode: 'sometimes' } } })).status).toBe(400);
});
