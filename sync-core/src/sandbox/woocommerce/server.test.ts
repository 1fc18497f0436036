/** The WooCommerce simulator's REST behaviour, checked over HTTP with the official JS client. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import WooCommerceRestApi from '@woocommerce/woocommerce-rest-api';
import axios from 'axios';
import { createHmac, randomBytes } from 'node:crypto';
import { startWooCommerceSimulator, type WooSimulator } from './index';
import { dec, fixed } from '../../model/money';

const FIX = join(__dirname, '../../../../../shared/fixtures/public');
const fixture = (f: string) => JSON.parse(readFileSync(join(FIX, f), 'utf8'));

/** RFC 5849 one-legged signing, written from the RFC (not from the simulator's code). */
function rfc5849(method: string, url: string, params: Record<string, string>, key: string, secret: string, algo: 'sha1' | 'sha256') {
  const enc = (x: string) => encodeURIComponent(x).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const oauth: Record<string, string> = {
    oauth_consumer_key: key,
    oauth_nonce: randomBytes(8).toString('hex'),
    oauth_signature_method: algo === 'sha1' ? 'HMAC-SHA1' : 'HMAC-SHA256',
    oauth_timestamp: String(Math.floor(Date.now() / 1000)),
  };
  const all = { ...params, ...oauth };
  const norm = Object.keys(all)
    .map((k) => [enc(k), enc(all[k])])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const base = `${method}&${enc(url)}&${enc(norm)}`;
  return { ...oauth, oauth_signature: createHmac(algo, `${enc(secret)}&`).update(base).digest('base64') };
}

describe('WooCommerce simulator', () => {
  let sim: WooSimulator;
  let api: WooCommerceRestApi;
  beforeAll(async () => {
    sim = await startWooCommerceSimulator({ seed: 9, orderCount: 60, includeFixtures: true });
    api = new WooCommerceRestApi({ url: sim.url, ...sim.credentials, version: 'wc/v3', axiosConfig: { validateStatus: () => true } });
  });
  afterAll(() => sim.close());

  it('serves the documentation examples verbatim (order 727, order 723 and its refunds)', async () => {
    const o = await api.get('orders/727');
    expect(o.status).toBe(200);
    expect(o.data).toEqual(fixture('woocommerce-orders-list-example.json')[0]);
    expect((await api.get('orders/15')).data).toEqual(fixture('woocommerce-order-webhook-wc8-example.json'));
    const r = await api.get('orders/723/refunds');
    expect(r.data).toEqual(fixture('woocommerce-refunds-list-example.json'));
    const one = await api.get('orders/723/refunds/726');
    expect(one.data).toEqual(fixture('woocommerce-refund-example.json'));
    const taxes = await api.get('taxes', { per_page: 100 });
    const { _links: _a, ...rate75 } = taxes.data.find((t: { id: number }) => t.id === 75);
    const { _links: _b, ...expected75 } = fixture('woocommerce-tax-rates-list-example.json')[3];
    expect(rate75).toEqual(expected75);
  });

  it('OAuth 1.0a per RFC 5849: HMAC-SHA1 and HMAC-SHA256, in the query string or the Authorization header', async () => {
    const url = `${sim.url}/wp-json/wc/v3/orders`;
    const { consumerKey, consumerSecret } = sim.credentials;
    for (const algo of ['sha1', 'sha256'] as const) {
      const q = rfc5849('GET', url, { per_page: '3', status: 'completed' }, consumerKey, consumerSecret, algo);
      const viaQuery = await axios.get(url, { params: { per_page: '3', status: 'completed', ...q }, validateStatus: () => true });
      expect(viaQuery.status).toBe(200);
      expect(viaQuery.data).toHaveLength(3);
      const h = rfc5849('GET', url, { per_page: '2' }, consumerKey, consumerSecret, algo);
      const header = `OAuth ${Object.entries(h)
        .map(([k, v]) => `${k}="${encodeURIComponent(v)}"`)
        .join(', ')}`;
      const viaHeader = await axios.get(url, { params: { per_page: '2' }, headers: { Authorization: header }, validateStatus: () => true });
      expect(viaHeader.status).toBe(200);
      expect(viaHeader.data).toHaveLength(2);
    }
    // a parameter changed after signing breaks the signature
    const q = rfc5849('GET', url, { per_page: '3' }, consumerKey, consumerSecret, 'sha1');
    const changed = await axios.get(url, { params: { ...q, per_page: '4' }, validateStatus: () => true });
    expect(changed.data.message).toBe('Invalid signature - provided signature does not match.');
  });

  it('dp formats top-level money but leaves raw taxes alone', async () => {
    const o = [...sim.shop.orders.values()].find((x) => x.line_items.some((l) => l.taxes.some((t) => /\.\d{3,}/.test(t.total))));
    expect(o).toBeDefined();
    const r = (await api.get(`orders/${o!.id}`, { dp: 4 })).data;
    expect(r.total).toMatch(/^\d+\.\d{4}$/);
    const li = r.line_items.find((l: { taxes: { total: string }[] }) => l.taxes.some((t) => /\.\d{3,}/.test(t.total)));
    expect(li.total).toMatch(/\.\d{4}$/);
    const stored = o!.line_items.find((l) => l.id === li.id)!;
    expect(li.taxes.map((t: { total: string }) => t.total)).toEqual(stored.taxes.map((t) => t.total));
  });

  it('per_page beyond 100 and page 0 are refused like WordPress does', async () => {
    const r = await api.get('orders', { per_page: 101 });
    expect(r.status).toBe(400);
    expect(r.data).toEqual({
      code: 'rest_invalid_param',
      message: 'Invalid parameter(s): per_page',
      data: { status: 400, params: { per_page: 'per_page must be between 1 (inclusive) and 100 (inclusive)' }, details: { per_page: { code: 'rest_out_of_bounds', message: 'per_page must be between 1 (inclusive) and 100 (inclusive)', data: null } } },
    });
    const p0 = await api.get('orders', { page: 0 });
    expect(p0.data.data.params.page).toBe('page must be greater than or equal to 1');
    const bad = await api.get('orders', { orderby: 'total' });
    expect(bad.data.data.params.orderby).toBe('orderby is not one of date, id, include, title, slug, and modified.');
    const badDate = await api.get('orders', { modified_after: 'yesterday' });
    expect(badDate.data.data.details.modified_after).toEqual({ code: 'rest_invalid_date', message: 'Invalid date.', data: null });
  });

  it('paging headers, Link with only prev/next echoing every parameter, past-the-end page = 200 []', async () => {
    const total = [...sim.shop.orders.values()].length;
    const p2 = await api.get('orders', { per_page: 20, page: 2 });
    expect(p2.status).toBe(200);
    expect(p2.headers['x-wp-total']).toBe(String(total));
    expect(p2.headers['x-wp-totalpages']).toBe(String(Math.ceil(total / 20)));
    const link = String(p2.headers.link);
    expect(link).toMatch(/rel="prev"/);
    expect(link).toMatch(/rel="next"/);
    expect(link).not.toMatch(/rel="(first|last)"/);
    expect(link).toMatch(/oauth_consumer_key=ck_/); // credentials echoed: clients must not log it
    const past = await api.get('orders', { per_page: 20, page: 99 });
    expect(past.status).toBe(200);
    expect(past.data).toEqual([]);
    expect(past.headers['x-wp-total']).toBe(String(total));
    expect(String(past.headers.link)).toMatch(new RegExp(`page=${Math.ceil(total / 20)}[^>]*>; rel="prev"`));
  });

  it('default order is date desc with id tie-break; orderby=modified asc; the raw body escapes slashes', async () => {
    const r = await api.get('orders', { per_page: 100 });
    const dates = r.data.map((o: { date_created_gmt: string }) => o.date_created_gmt);
    expect([...dates].sort().reverse()).toEqual(dates);
    const m = await api.get('orders', { per_page: 100, orderby: 'modified', order: 'asc' });
    const mods = m.data.map((o: { date_modified_gmt: string; id: number }) => `${o.date_modified_gmt}#${String(o.id).padStart(8, '0')}`);
    expect([...mods].sort()).toEqual(mods);
    const rawApi = new WooCommerceRestApi({ url: sim.url, ...sim.credentials, version: 'wc/v3', axiosConfig: { validateStatus: () => true, transformResponse: [(x: unknown) => x] } });
    const text = String((await rawApi.get('orders/1001')).data);
    expect(text).toContain('http:\\/\\/127.0.0.1');
    expect(text).not.toContain('http://');
    expect(JSON.parse(text)._links.self[0].href).toBe(`${sim.url}/wp-json/wc/v3/orders/1001`);
  });

  it('status filter accepts arrays, CSV and any; checkout-draft under any is a knob', async () => {
    const arr = await api.get('orders', { status: ['completed', 'refunded'], per_page: 100 });
    expect(arr.data.every((o: { status: string }) => ['completed', 'refunded'].includes(o.status))).toBe(true);
    expect(Number(arr.headers['x-wp-total'])).toBe([...sim.shop.orders.values()].filter((o) => ['completed', 'refunded'].includes(o.status)).length);
    const csv = await api.get('orders', { status: 'completed,refunded', per_page: 1 });
    expect(csv.headers['x-wp-total']).toBe(arr.headers['x-wp-total']);
    const bad = await api.get('orders', { status: ['shipped'] });
    expect(bad.status).toBe(400);
    for (const draftInAny of [true, false]) {
      const s2 = await startWooCommerceSimulator({ seed: 3, orderCount: 5, checkoutDraftInAny: draftInAny });
      try {
        s2.shop.setStatus([...s2.shop.orders.keys()][0], 'checkout-draft');
        const a2 = new WooCommerceRestApi({ url: s2.url, ...s2.credentials, version: 'wc/v3', axiosConfig: { validateStatus: () => true } });
        expect((await a2.get('orders')).headers['x-wp-total']).toBe(draftInAny ? '5' : '4');
        expect((await a2.get('orders', { status: ['checkout-draft'] })).headers['x-wp-total']).toBe('1');
      } finally {
        await s2.close();
      }
    }
  });

  it('rest_route= (plain permalinks) reaches the same API; unknown routes -> rest_no_route', async () => {
    const plain = new WooCommerceRestApi({ url: sim.url, ...sim.credentials, version: 'wc/v3', axiosConfig: { validateStatus: () => true } });
    const viaQuery = await axios.get(`${sim.url}/?rest_route=/wc/v3/orders/727`, { validateStatus: () => true });
    expect(viaQuery.data.code).toBe('woocommerce_rest_cannot_view');
    const nr = await plain.get('bogus');
    expect(nr.status).toBe(404);
    expect(nr.data).toEqual(fixture('woocommerce-error-examples.json').wp_rest_api_error);
    const inv = await plain.get('orders/999999');
    expect(inv.data).toEqual({ code: 'woocommerce_rest_shop_order_invalid_id', message: 'Invalid ID.', data: { status: 404 } });
    const refundAsOrder = await plain.get('orders/726');
    expect(refundAsOrder.status).toBe(404);
  });

  it('creating refunds: validation, gateway support, remaining amount, order summary and modification date', async () => {
    const order = [...sim.shop.orders.values()].find((o) => o.refunds.length === 0 && o.status === 'processing' && o.payment_method === 'bacs' && Number(o.total) > 5);
    expect(order).toBeDefined();
    const id = order!.id;
    const before = order!.date_modified_gmt;
    expect((await api.post(`orders/${id}/refunds`, { amount: 5 })).data.data.params.amount).toBe('amount is not of type string.');
    expect((await api.post(`orders/${id}/refunds`, { amount: '-1.00' })).data).toEqual({ code: 'woocommerce_rest_invalid_order_refund', message: 'Refund amount must be greater than zero.', data: { status: 400 } });
    expect((await api.post(`orders/${id}/refunds`, { amount: '1.00' })).data).toEqual({ code: 'woocommerce_rest_cannot_create_order_refund', message: 'The payment gateway for this order does not support automatic refunds.', data: { status: 500 } });
    expect((await api.post(`orders/${id}/refunds`, { amount: '99999.00', api_refund: false })).data.message).toBe('Invalid refund amount.');
    const li = order!.line_items[0];
    const created = await api.post(`orders/${id}/refunds`, { amount: '2.00', reason: 'Kapot', api_refund: false, line_items: [{ id: li.id, quantity: 1, refund_total: '1.50', refund_tax: [{ id: li.taxes[0]?.id ?? 1, refund_total: '0.50' }] }] });
    expect(created.status).toBe(201);
    expect(created.headers.location).toMatch(new RegExp(`/wp-json/wc/v3/orders/${id}/refunds/${created.data.id}$`));
    expect(created.data).toMatchObject({ amount: '2.00', reason: 'Kapot', refunded_payment: false });
    expect(created.data.line_items[0]).toMatchObject({ quantity: -1, total: '-1.50', meta_data: [expect.objectContaining({ key: '_refunded_item_id', value: String(li.id) })] });
    const after = (await api.get(`orders/${id}`)).data;
    expect(after.refunds[0]).toEqual({ id: created.data.id, reason: 'Kapot', total: '-2.00' });
    expect(after.total).toBe((await api.get(`orders/${id}`)).data.total);
    expect(after.date_modified_gmt > before).toBe(true);
    expect(after.status).toBe('processing');
    // the rest: status becomes refunded
    const rest = (Number(order!.total) - 2).toFixed(2);
    await api.post(`orders/${id}/refunds`, { amount: rest, api_refund: false });
    expect((await api.get(`orders/${id}`)).data.status).toBe('refunded');
    // WC 9 /refunds lists refunds across orders with parent_id
    const all = await api.get('refunds', { per_page: 100 });
    expect(all.data.find((r: { id: number }) => r.id === created.data.id)).toMatchObject({ parent_id: id });
    // delete needs force=true
    expect((await api.delete(`orders/${id}/refunds/${created.data.id}`)).status).toBe(501);
    expect((await api.delete(`orders/${id}/refunds/${created.data.id}`, { force: true })).status).toBe(200);
  });

  it('setting status refunded creates the automatic "Order fully refunded." refund', async () => {
    const order = [...sim.shop.orders.values()].find((o) => o.refunds.length === 0 && o.status === 'completed');
    const r = await api.put(`orders/${order!.id}`, { status: 'refunded' });
    expect(r.status).toBe(200);
    expect(r.data.refunds).toHaveLength(1);
    expect(r.data.refunds[0]).toMatchObject({ reason: 'Order fully refunded.', total: `-${r.data.total}` });
    expect((await api.put('orders/999999', { status: 'completed' })).data).toEqual({ code: 'woocommerce_rest_shop_order_invalid_id', message: 'Invalid ID.', data: { status: 400 } });
  });

  it('HPOS view bump moves date_modified without a change; customers and products (sku=) are served', async () => {
    const o = [...sim.shop.orders.values()][3];
    const before = JSON.stringify({ ...o, date_modified_gmt: '' });
    sim.shop.viewOrder(o.id);
    expect(JSON.stringify({ ...o, date_modified_gmt: '' })).toBe(before);
    expect(o.date_modified_gmt.slice(0, 4)).toBe(String(new Date().getUTCFullYear()));
    const p = await api.get('products', { sku: 'MOK-DB' });
    expect(p.data).toHaveLength(1);
    expect(p.data[0]).toMatchObject({ id: 21, sku: 'MOK-DB', price: '14.99', tax_class: '' });
    const c = await api.get('customers', { per_page: 5 });
    expect(c.status).toBe(200);
    expect(Number(c.headers['x-wp-total'])).toBeGreaterThan(0);
  });

  it('older WooCommerce: no /refunds route before 9.0', async () => {
    const old = await startWooCommerceSimulator({ seed: 1, orderCount: 2, wcVersion: '8.9.0' });
    try {
      const a = new WooCommerceRestApi({ url: old.url, ...old.credentials, version: 'wc/v3', axiosConfig: { validateStatus: () => true } });
      expect((await a.get('refunds')).data.code).toBe('rest_no_route');
    } finally {
      await old.close();
    }
  });
});

describe('WooCommerce simulator: orders tied on date_modified (MySQL has no tie-breaker)', () => {
  /** Page through orders by modified date as a naive client does: page 1, 2, 3 … of one query. */
  async function pageByNumber(sim: WooSimulator): Promise<number[]> {
    const api = new WooCommerceRestApi({ url: sim.url, ...sim.credentials, version: 'wc/v3' });
    const rows: number[] = [];
    for (let page = 1; ; page++) {
      const r = await api.get('orders', { orderby: 'modified', order: 'asc', per_page: 7, page });
      rows.push(...(r.data as { id: number }[]).map((o) => o.id));
      if (page >= Number(r.headers['x-wp-totalpages'])) break;
    }
    return rows;
  }
  /** A bulk status change: every order saved in the same second, a minute ago. */
  async function bulkEditedShop(unstableTies?: { seed: number }): Promise<WooSimulator> {
    const sim = await startWooCommerceSimulator({ seed: 6, orderCount: 40, ...(unstableTies ? { unstableTies } : {}) });
    const realNow = sim.shop.now;
    const inOneSecond = new Date(Date.now() - 60_000);
    sim.shop.now = () => inOneSecond;
    for (const o of sim.shop.orders.values()) sim.shop.touch(o, { notify: false });
    sim.shop.now = realNow;
    return sim;
  }

  it('returns a tied run in a different order per request: page numbers repeat some orders and never show others', async () => {
    const sim = await bulkEditedShop({ seed: 1 });
    try {
      const rows = await pageByNumber(sim);
      expect(rows).toHaveLength(40);
      expect(new Set(rows).size).toBeLessThan(40);
      expect(await pageByNumber(sim)).not.toEqual(rows);
    } finally {
      await sim.close();
    }
  });

  it('is deterministic per seed, and stable (ties by id) when the option is off', async () => {
    const [a, b, off] = await Promise.all([bulkEditedShop({ seed: 3 }), bulkEditedShop({ seed: 3 }), bulkEditedShop()]);
    try {
      expect(await pageByNumber(a)).toEqual(await pageByNumber(b));
      const stable = await pageByNumber(off);
      expect(stable).toEqual([...stable].sort((x, y) => x - y));
      expect(new Set(stable).size).toBe(40);
    } finally {
      await Promise.all([a.close(), b.close(), off.close()]);
    }
  });
});

describe('WooCommerce simulator: PUT with a new address recalculates the order (README item 13)', () => {
  it('moving an NL order to a DE shipping address taxes the same nets at the German rates and rebuilds the totals', async () => {
    const sim = await startWooCommerceSimulator({ seed: 4, orderCount: 30, settings: { pricesIncludeTax: false } });
    try {
      const api = new WooCommerceRestApi({ url: sim.url, ...sim.credentials, version: 'wc/v3' });
      const nl = [...sim.shop.orders.values()].find((o) => o.shipping.country === 'NL' && o.tax_lines.length > 0 && o.coupon_lines.length === 0 && o.fee_lines.length === 0 && o.shipping_lines.length > 0)!;
      const before = (await api.get(`orders/${nl.id}`, { dp: 6 })).data as { line_items: Array<{ total: string; tax_class: string }>; shipping_lines: Array<{ total: string }> };
      const after = (await api.put(`orders/${nl.id}`, { shipping: { country: 'DE', city: 'Berlin' } })).data as Record<string, unknown> & { line_items: Array<{ total: string; taxes: Array<{ id: number; total: string }> }>; tax_lines: Array<{ rate_id: number }> };
      expect((after.shipping as { country: string; city: string }).city).toBe('Berlin');
      const rate = (cls: string) => (cls === 'reduced-rate' ? { id: 5, pct: '0.07' } : { id: 4, pct: '0.19' });
      after.line_items.forEach((li, i) => {
        const want = rate(before.line_items[i].tax_class);
        expect(li.total).toBe(fixed(before.line_items[i].total, 2));
        expect(li.taxes.map((t) => t.id)).toEqual([want.id]);
        expect(fixed(li.taxes[0].total, 4)).toBe(fixed(dec(before.line_items[i].total).times(want.pct), 4));
      });
      expect(new Set(after.tax_lines.map((t) => t.rate_id))).toEqual(new Set(after.line_items.flatMap((li) => li.taxes.map((t) => t.id))).add(4));
      const nets = [...before.line_items, ...before.shipping_lines].reduce((a, l) => a.plus(fixed(l.total, 2)), dec(0));
      expect(after.total).toBe(fixed(nets.plus(String(after.total_tax)), 2));
    } finally {
      await sim.close();
    }
  });
});
