/**
 * Contract: the simulator's totals against a real WooCommerce 9.4.3
 * (../shared/fixtures/real-woocommerce). Each captured order's inputs — products at their entered
 * prices (the SKU carries them in cents: MOK-413 = 4.13), quantities, tax classes, the customer's
 * country, the shipping cost, the fee, the coupon, how it was created — go through computeOrder and
 * the REST rendering, and every money field must equal the captured response: line subtotals,
 * totals and taxes (raw, 6 decimals), `price` as PHP prints the float, shipping and fee taxes, tax
 * lines, coupon discounts, cart/shipping/total tax and the total. Written from the captures, not
 * from the simulator's code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeOrder, type DraftOrder } from './totals';
import type { WcTaxRate } from './tax-rates';
import { restOrder, restRefund } from './rest';
import { buildRefund, type RefundRequest } from './refunds';
import { DEFAULT_SHOP_SETTINGS, type WcOrderRecord, type WcShopSettings } from './types';
import { startWooCommerceSimulator, type WooSimulator } from './server';

type Json = Record<string, unknown>;
type Captured = Json & {
  id: number;
  created_via: string;
  shipping: { country: string };
  line_items: Array<
    Json & { name: string; product_id: number; sku: string; quantity: number; tax_class: string }
  >;
  shipping_lines: Array<
    Json & { method_id: string; method_title: string; instance_id: string; total: string }
  >;
  fee_lines: Array<Json & { name: string; total: string; tax_class: string; tax_status: string }>;
  coupon_lines: Array<Json & { code: string; discount_type: string; nominal_amount: number }>;
};

const dir = join(__dirname, '../../../../../shared/fixtures/real-woocommerce');
const read = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8'));
const examples = read('examples-by-mode.json') as Record<string, Record<string, { order: Captured }>>;
const table = (read('taxes.json').body as Array<WcTaxRate & { _links?: unknown }>).map(
  ({ _links, ...r }) => r as WcTaxRate,
);

const modeSettings = (mode: string): WcShopSettings => ({
  ...DEFAULT_SHOP_SETTINGS,
  pricesIncludeTax: mode.startsWith('incl'),
  roundAtSubtotal: mode.endsWith('round-at-subtotal'),
  baseCountry: 'NL',
  timezone: 'UTC',
});
const entered = (sku: string) => {
  const cents = /-(\d+)$/.exec(sku)![1];
  return `${cents.slice(0, -2) || '0'}.${cents.slice(-2)}`;
};

/** The inputs a shop manager or a customer gave: nothing WooCommerce computed. */
function draftOf(o: Captured): DraftOrder {
  return {
    items: o.line_items.map((li) => ({
      name: li.name,
      productId: li.product_id,
      sku: li.sku,
      quantity: li.quantity,
      unitPrice: entered(li.sku),
      taxClass: (li.tax_class || 'standard') as 'standard',
    })),
    shipping: o.shipping_lines.map((s) => ({
      methodId: s.method_id,
      methodTitle: s.method_title,
      instanceId: s.instance_id,
      cost: s.total,
    })),
    fees: o.fee_lines.map((f) => ({
      name: f.name,
      amount: f.total,
      taxClass: (f.tax_class || 'standard') as 'standard',
      taxable: f.tax_status === 'taxable',
    })),
    ...(o.coupon_lines[0]
      ? {
          coupon: {
            // the coupon's post id, from the shop (the one input not on the order line itself)
            id: (
              JSON.parse(
                String((o.coupon_lines[0].meta_data as Json[]).find((m) => m.key === 'coupon_info')!.value),
              ) as number[]
            )[0],
            code: o.coupon_lines[0].code,
            type: o.coupon_lines[0].discount_type as 'percent',
            amount: String(o.coupon_lines[0].nominal_amount),
          },
        }
      : {}),
    country: o.shipping.country,
    vatExempt: false,
    createdVia: o.created_via === 'rest-api' ? 'rest-api' : 'checkout',
  };
}

function simulated(mode: string, o: Captured): Json {
  const s = modeSettings(mode);
  let id = 1000;
  const c = computeOrder(draftOf(o), table, s, () => id++);
  const record = {
    ...c,
    id: o.id,
    parent_id: 0,
    customer_id: 0,
    date_created_gmt: '2026-12-04T01:00:00',
    date_modified_gmt: '2026-12-04T01:00:00',
    date_paid_gmt: null,
    date_completed_gmt: null,
    created_via: o.created_via,
    prices_include_tax: s.pricesIncludeTax,
    status: 'processing',
    currency: 'EUR',
    refunds: [],
    meta_data: [],
    billing: o.billing,
    shipping: o.shipping,
  } as unknown as WcOrderRecord;
  return restOrder(record, { homeUrl: 'http://shop', settings: s, dp: 2 });
}

/** The money fields of an order response, by path. */
function moneyFields(o: Json): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of [
    'discount_total',
    'discount_tax',
    'shipping_total',
    'shipping_tax',
    'cart_tax',
    'total',
    'total_tax',
  ])
    out[k] = o[k];
  const lines = (name: string, fields: string[]) =>
    (o[name] as Json[]).forEach((l, i) => {
      for (const f of fields) out[`${name}[${i}].${f}`] = l[f];
      if (Array.isArray(l.taxes))
        (l.taxes as Json[]).forEach(
          (t, j) =>
            (out[`${name}[${i}].taxes[${j}]`] =
              `${String(t.id)}: ${String(t.total)} / ${String(t.subtotal)}`),
        );
    });
  lines('line_items', ['subtotal', 'subtotal_tax', 'total', 'total_tax', 'price']);
  lines('shipping_lines', ['total', 'total_tax']);
  lines('fee_lines', ['amount', 'total', 'total_tax']);
  lines('coupon_lines', ['discount', 'discount_tax']);
  for (const name of ['shipping_lines', 'coupon_lines'])
    (o[name] as Json[]).forEach(
      (l, i) =>
        (out[`${name}[${i}].meta_data`] = (l.meta_data as Json[]).map(
          (m) => `${String(m.key)}=${String(m.value)}`,
        )),
    );
  lines('tax_lines', ['rate_id', 'rate_percent', 'tax_total', 'shipping_tax_total']);
  return out;
}

const cases = Object.entries(examples).flatMap(([mode, byName]) =>
  Object.keys(byName).map((name) => [mode, name] as const),
);

describe('simulator totals = real WooCommerce 9.4.3, field by field', () => {
  it.each(cases)('%s %s', (mode, name) => {
    const real = examples[mode][name].order;
    expect(moneyFields(simulated(mode, real))).toEqual(moneyFields(real));
  });
});

/** The captured order as a simulator record (its REST money fields as stored values). */
function recordOf(mode: string, o: Captured): WcOrderRecord {
  const lines = o.line_items.map((li) => ({ ...li, variation_id: 0, parent_name: null, meta_data: [] }));
  const shipping = o.shipping_lines.map((sl) => ({ ...sl, meta_data: [] }));
  const fees = o.fee_lines.map((f) => ({ ...f, meta_data: [] }));
  return {
    ...o,
    prices_include_tax: mode.startsWith('incl'),
    line_items: lines,
    shipping_lines: shipping,
    fee_lines: fees,
    refunds: [],
  } as unknown as WcOrderRecord;
}

const capturedRefunds = read('refunds-of-examples.json') as Record<
  string,
  { body: Array<Json & { line_items: Json[]; shipping_lines: Json[]; fee_lines: Json[] }> }
>;
const refundCases = cases.filter(([mode, name]) => capturedRefunds[String(examples[mode][name].order.id)]);

/** A refund's money fields and tax lines, without the item ids WooCommerce hands out. */
function refundFields(r: Json): Record<string, unknown> {
  const out: Record<string, unknown> = { amount: r.amount };
  for (const name of ['line_items', 'shipping_lines', 'fee_lines'])
    (r[name] as Json[]).forEach((l, i) => {
      for (const f of ['quantity', 'subtotal', 'subtotal_tax', 'total', 'total_tax'])
        if (f in l) out[`${name}[${i}].${f}`] = l[f];
      (l.taxes as Json[]).forEach(
        (t, j) => (out[`${name}[${i}].taxes[${j}]`] = `${String(t.id)}: ${String(t.total)}`),
      );
    });
  (r.tax_lines as Json[]).forEach((t, i) => {
    for (const f of [
      'rate_code',
      'rate_id',
      'label',
      'compound',
      'tax_total',
      'shipping_tax_total',
      'rate_percent',
    ])
      out[`tax_lines[${i}].${f}`] = t[f];
  });
  return out;
}

describe('simulator refunds = real WooCommerce 9.4.3: per-rate tax_lines', () => {
  it.each(refundCases)('%s %s: the refund made in wp-admin, rebuilt from its request', (mode, name) => {
    const real = examples[mode][name].order;
    const s = modeSettings(mode);
    for (const captured of capturedRefunds[String(real.id)].body) {
      // what wp-admin's refund form sent: the refunded item, quantity, net and tax per rate
      const request: RefundRequest = {
        amount: String(captured.amount),
        reason: String(captured.reason),
        line_items: [...captured.line_items, ...captured.shipping_lines, ...captured.fee_lines].map((l) => ({
          id: Number((l.meta_data as Json[]).find((m) => m.key === '_refunded_item_id')!.value),
          quantity: Math.abs(Number(l.quantity ?? 0)),
          refund_total: String(l.total).replace('-', ''),
          refund_tax: (l.taxes as Json[]).map((t) => ({
            id: Number(t.id),
            refund_total: String(t.total).replace('-', ''),
          })),
        })),
      };
      let id = 5000;
      const built = buildRefund(
        recordOf(mode, real),
        request,
        { refundId: Number(captured.id), nextItemId: () => id++, nowGmt: String(captured.date_created_gmt) },
        s,
      );
      expect(refundFields(restRefund(built, { homeUrl: 'http://shop', settings: s, dp: 2 }))).toEqual(
        refundFields(captured),
      );
    }
  });
});

describe('simulator response headers = real WooCommerce 9.4.3', () => {
  /** Status and headers of a captured raw response (`*.http`), names lower-cased. */
  function capturedHead(file: string): { status: number; headers: Record<string, string> } {
    const text = readFileSync(join(dir, file), 'utf8');
    const [statusLine, ...lines] = text
      .slice(0, text.indexOf('\n\n') >= 0 ? text.indexOf('\n\n') : text.indexOf('\r\n\r\n'))
      .split(/\r?\n/);
    const headers: Record<string, string> = {};
    for (const l of lines)
      headers[l.slice(0, l.indexOf(':')).toLowerCase()] = l.slice(l.indexOf(':') + 1).trim();
    return { status: Number(statusLine.split(' ')[1]), headers };
  }
  const SAME = [
    'content-type',
    'x-robots-tag',
    'x-content-type-options',
    'access-control-expose-headers',
    'access-control-allow-headers',
    'allow',
    'expires',
    'cache-control',
  ];
  const pick = (h: Record<string, string>, origin: string) => ({
    ...Object.fromEntries(SAME.filter((k) => k in h).map((k) => [k, h[k]])),
    link: (h.link ?? '').replace(origin, 'ORIGIN'),
  });

  let sim: WooSimulator;
  beforeAll(async () => {
    sim = await startWooCommerceSimulator({ seed: 2, orderCount: 3, assumeHttps: true });
  });
  afterAll(() => sim.close());
  const simOrigin = () => sim.url.replace('http:', 'https:');
  const basic = (secret: string) =>
    `Basic ${Buffer.from(`${sim.credentials.consumerKey}:${secret}`).toString('base64')}`;
  const headersOf = (r: Response) => Object.fromEntries([...r.headers].map(([k, v]) => [k.toLowerCase(), v]));

  it('a single order (order-15.http): the API root Link, Allow, no-cache headers', async () => {
    const real = capturedHead('order-15.http');
    const id = [...sim.shop.orders.keys()][0];
    const r = await fetch(`${sim.url}/wp-json/wc/v3/orders/${id}`, {
      headers: { Authorization: basic(sim.credentials.consumerSecret) },
    });
    expect(r.status).toBe(real.status);
    expect(pick(headersOf(r), simOrigin())).toEqual(pick(real.headers, 'https://127.0.0.1:18890'));
  });

  it('a list (GET /orders/{id}/refunds, captured): Allow GET, POST and the API root Link', async () => {
    const real = capturedRefunds['32'] as unknown as { headers: Record<string, string> };
    const id = [...sim.shop.orders.keys()][0];
    const r = await fetch(`${sim.url}/wp-json/wc/v3/orders/${id}/refunds?per_page=100`, {
      headers: { Authorization: basic(sim.credentials.consumerSecret) },
    });
    expect(pick(headersOf(r), simOrigin())).toEqual(pick(real.headers, 'http://127.0.0.1:18980'));
  });

  it('a wrong secret (auth-401.http): 401, the API root Link, no Allow or cache headers, the same error body', async () => {
    const real = capturedHead('auth-401.http');
    const raw = readFileSync(join(dir, 'auth-401.http'), 'utf8');
    const r = await fetch(`${sim.url}/wp-json/wc/v3/orders`, {
      headers: { Authorization: basic('cs_wrong') },
    });
    expect(r.status).toBe(real.status);
    expect(pick(headersOf(r), simOrigin())).toEqual(pick(real.headers, 'https://127.0.0.1:18890'));
    expect(await r.json()).toEqual(JSON.parse(raw.slice(raw.indexOf('{'))));
  });
});
