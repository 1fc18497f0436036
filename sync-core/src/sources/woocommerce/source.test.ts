/**
 * Contract tests: the WooCommerce source against the WooCommerce simulator over real HTTP.
 */
import WooCommerceRestApi from '@woocommerce/woocommerce-rest-api';
import axios from 'axios';
import { ShopbooksError } from '../../model/errors';
import { startWooCommerceSimulator, type WooSimulator } from '../../sandbox/woocommerce';
import type { OrderPage, SourceOrder } from '../port';
import { createWooCommerceSource } from './index';

async function collect(it: AsyncIterable<OrderPage>): Promise<{ pages: OrderPage[]; orders: SourceOrder[] }> {
  const pages: OrderPage[] = [];
  for await (const p of it) pages.push(p);
  return { pages, orders: pages.flatMap((p) => p.orders) };
}

async function failure(p: Promise<unknown>): Promise<ShopbooksError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ShopbooksError) return e;
    throw e;
  }
  throw new Error('expected a failure');
}

const idsOf = (orders: SourceOrder[]) => orders.map((o) => (o.ok ? o.order.id : o.id));

describe('WooCommerce source ↔ simulator: listing', () => {
  let sim: WooSimulator;
  beforeAll(async () => {
    sim = await startWooCommerceSimulator({ seed: 5, orderCount: 250 });
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.requests.clear());

  const source = (extra: Record<string, unknown> = {}) => createWooCommerceSource({ url: sim.url, ...sim.credentials, retryBaseMs: 5, ...extra });

  it('reads 250 orders in 3 list requests (per_page=100, OAuth over HTTP), each order once, in modification order', async () => {
    const src = source();
    const { pages, orders } = await collect(src.listOrders({}));
    expect(orders).toHaveLength(250);
    expect(orders.every((o) => o.ok)).toBe(true);
    expect(new Set(idsOf(orders)).size).toBe(250);
    const lists = sim.requests.log.filter((r) => r.route === '/wc/v3/orders');
    expect(lists).toHaveLength(3);
    expect(pages.map((p) => p.page)).toEqual([1, 2, 3]);
    expect(pages[0]).toMatchObject({ totalPages: 3, totalOrders: 250 });
    for (const r of lists) {
      expect(r.auth).toBe('oauth1');
      expect(r.query).toMatchObject({ per_page: '100', orderby: 'modified', order: 'asc', dates_are_gmt: 'true' });
      expect(JSON.stringify(r.query)).not.toMatch(/cs_|ck_/);
    }
    const mods = orders.map((o) => (o.ok ? o.order.modifiedAt : ''));
    expect([...mods].sort()).toEqual(mods);
    // refunds are fetched only for orders that have them
    const refundCalls = sim.requests.log.filter((r) => /\/refunds$/.test(r.route)).length;
    expect(refundCalls).toBe([...sim.shop.orders.values()].filter((o) => o.refunds.length > 0).length);
    expect(sim.requests.log.filter((r) => r.route === '/wc/v3/taxes')).toHaveLength(1);
    expect(src.callCount).toBe(sim.requests.count);
  });

  it('the cursor: modified_after is exclusive and compared in GMT', async () => {
    const all = [...sim.shop.orders.values()].sort((a, b) => (a.date_modified_gmt < b.date_modified_gmt ? -1 : 1));
    const pivot = all[120].date_modified_gmt;
    const expected = all.filter((o) => o.date_modified_gmt > pivot).map((o) => String(o.id));
    const { orders } = await collect(source().listOrders({ modifiedAfter: `${pivot}Z` }));
    expect(idsOf(orders).sort()).toEqual(expected.sort());
    expect(idsOf(orders)).not.toContain(String(all[120].id));
    // the same instant written with an offset means the same thing
    const local = new Date(`${pivot}Z`);
    const withOffset = new Date(local.getTime()).toISOString();
    const again = await collect(source().listOrders({ modifiedAfter: withOffset }));
    expect(idsOf(again.orders).sort()).toEqual(expected.sort());
  });

  it('without dates_are_gmt WooCommerce compares local (Europe/Amsterdam) time: the source must not rely on that', async () => {
    const api = new WooCommerceRestApi({ url: sim.url, ...sim.credentials, version: 'wc/v3', axiosConfig: { validateStatus: () => true } });
    const all = [...sim.shop.orders.values()].sort((a, b) => (a.date_modified_gmt < b.date_modified_gmt ? -1 : 1));
    const pivot = all[200].date_modified_gmt;
    const gmt = await api.get('orders', { modified_after: pivot, dates_are_gmt: 'true', per_page: 100 });
    const local = await api.get('orders', { modified_after: pivot, per_page: 100 });
    expect(Number(gmt.headers['x-wp-total'])).toBe(all.filter((o) => o.date_modified_gmt > pivot).length);
    expect(Number(local.headers['x-wp-total'])).toBeGreaterThan(Number(gmt.headers['x-wp-total']));
  });

  it('status and id filters', async () => {
    const { orders } = await collect(source().listOrders({ statuses: ['completed', 'processing'] }));
    const expected = [...sim.shop.orders.values()].filter((o) => ['completed', 'processing'].includes(o.status));
    expect(orders).toHaveLength(expected.length);
    expect(orders.every((o) => o.ok && ['completed', 'processing'].includes(o.order.status))).toBe(true);
    const some = expected.slice(0, 3).map((o) => String(o.id));
    const byId = await collect(source().listOrders({ ids: some }));
    expect(idsOf(byId.orders).sort()).toEqual([...some].sort());
  });

  it('a dozen ids at once (sync --order …) are signed as WooCommerce checks them', async () => {
    // include[0]…include[11] as array keys: WooCommerce sorts only the top-level keys before it
    // signs, the OAuth library sorts include[10] before include[2]; the signatures then differ
    const twelve = [...sim.shop.orders.values()].slice(0, 12).map((o) => String(o.id));
    const byId = await collect(source().listOrders({ ids: twelve }));
    expect(idsOf(byId.orders).sort()).toEqual([...twelve].sort());
  });

  it('an order modified while the run pages through is not skipped', async () => {
    const src = source();
    const seen: string[] = [];
    let first = true;
    for await (const p of src.listOrders({})) {
      seen.push(...idsOf(p.orders));
      if (first) {
        first = false;
        // an order from page 1 changes: under page-number paging everything after it would shift by one
        // (generated orders are from 2025; the simulator's clock is now, so it moves to the end)
        const id = Number(idsOf(p.orders)[10]);
        sim.shop.setStatus(id, 'completed');
      }
    }
    expect(new Set(seen).size).toBe(250);
    // it comes again at the end, with its new modification date
    expect(seen.length).toBe(251);
  });

  it('a proxy that strips X-WP-TotalPages does not end the listing early', async () => {
    sim.faults.inject({ kind: 'strip-paging-headers', times: 50, match: '/wc/v3/orders' });
    try {
      const { orders } = await collect(source().listOrders({}));
      expect(new Set(idsOf(orders)).size).toBe(250);
      expect(sim.requests.log.filter((r) => r.fault === 'strip-paging-headers').length).toBeGreaterThanOrEqual(3);
    } finally {
      sim.faults.clear();
    }
  });

  it('getOrder returns the order with its refunds, and a clear error for an unknown id', async () => {
    const withRefunds = [...sim.shop.orders.values()].find((o) => o.refunds.length > 1);
    expect(withRefunds).toBeDefined();
    const r = await source().getOrder(String(withRefunds?.id));
    expect(r.ok && r.order.refunds.length).toBe(withRefunds?.refunds.length);
    const missing = await source().getOrder('999999');
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.error).toMatchObject({ code: 'RemoteNotFound' });
  });

  it('lists tax rates from /taxes (cached)', async () => {
    const src = source();
    const rates = await src.listTaxRates();
    expect(rates.find((r) => r.id === '1')).toEqual({ id: '1', percent: '21', label: 'BTW', country: 'NL', taxClass: '', compound: false });
    expect(rates.find((r) => r.id === '9')).toMatchObject({ percent: '5.5', country: 'FR', taxClass: 'reduced-rate' });
    await src.listTaxRates();
    expect(src.callCount).toBe(1);
  });
});

describe('WooCommerce source ↔ simulator: authentication', () => {
  let sim: WooSimulator;
  let https: WooSimulator;
  beforeAll(async () => {
    sim = await startWooCommerceSimulator({
      seed: 6,
      orderCount: 5,
      keys: [
        { consumerKey: 'ck_readwrite', consumerSecret: 'cs_readwrite', permissions: 'read_write' },
        { consumerKey: 'ck_readonly', consumerSecret: 'cs_readonly', permissions: 'read' },
        { consumerKey: 'ck_writeonly', consumerSecret: 'cs_writeonly', permissions: 'write' },
      ],
    });
    https = await startWooCommerceSimulator({
      seed: 6,
      orderCount: 5,
      assumeHttps: true,
      keys: [{ consumerKey: 'ck_readwrite', consumerSecret: 'cs_readwrite' }],
      appPasswords: [
        { user: 'admin', password: 'abcd EFGH 1234 ijkl MNOP 5678' },
        { user: 'klant', password: 'zzzz zzzz zzzz zzzz zzzz zzzz' },
      ],
    });
  });
  afterAll(async () => {
    await sim.close();
    await https.close();
  });

  const oauth = (consumerKey: string, consumerSecret: string) => createWooCommerceSource({ url: sim.url, consumerKey, consumerSecret, retryBaseMs: 5 });

  it('OAuth with the right key works; a wrong secret is a bad signature (AuthFailed, not retried)', async () => {
    expect((await collect(oauth('ck_readwrite', 'cs_readwrite').listOrders({}))).orders).toHaveLength(5);
    const src = oauth('ck_readwrite', 'cs_wrong');
    const e = await failure(collect(src.listOrders({})));
    expect(e.code).toBe('AuthFailed');
    expect(e.remoteMessage).toBe('Invalid signature - provided signature does not match.');
    expect(e.message).not.toMatch(/cs_wrong|ck_readwrite/);
    expect(src.callCount).toBe(1);
  });

  it('an unknown key under OAuth: "Consumer key is invalid."', async () => {
    const e = await failure(collect(oauth('ck_nope', 'cs_nope').listOrders({})));
    expect(e).toMatchObject({ code: 'AuthFailed', remoteMessage: 'Consumer key is invalid.' });
  });

  it('a stale timestamp (clocks 20 minutes apart) gets a message about the clock', async () => {
    sim.shop.now = () => new Date(Date.now() + 20 * 60 * 1000);
    try {
      const e = await failure(collect(oauth('ck_readwrite', 'cs_readwrite').listOrders({})));
      expect(e).toMatchObject({ code: 'AuthFailed', remoteMessage: 'Invalid timestamp.' });
      expect(e.message).toMatch(/clock/);
    } finally {
      sim.shop.now = () => new Date();
    }
  });

  it('raw OAuth: a tampered signature, a replayed nonce, an unknown signature method, missing parameters', async () => {
    const api = new WooCommerceRestApi({ url: sim.url, consumerKey: 'ck_readwrite', consumerSecret: 'cs_readwrite', version: 'wc/v3', axiosConfig: { validateStatus: () => true } });
    const first = await api.get('orders', { per_page: 2 });
    expect(first.status).toBe(200);
    const signedUrl = axios.getUri(first.config);
    const replay = await axios.get(signedUrl, { validateStatus: () => true });
    expect(replay.status).toBe(401);
    expect(replay.data).toEqual({ code: 'woocommerce_rest_authentication_error', message: 'Invalid nonce - nonce has already been used.', data: { status: 401 } });
    const u = new URL(signedUrl);
    u.searchParams.set('oauth_nonce', 'fresh-nonce-1');
    const tampered = await axios.get(u.toString(), { validateStatus: () => true });
    expect(tampered.data.message).toBe('Invalid signature - provided signature does not match.');
    u.searchParams.set('oauth_signature_method', 'PLAINTEXT');
    expect((await axios.get(u.toString(), { validateStatus: () => true })).data.message).toBe('Invalid signature - signature method is invalid.');
    const partial = await axios.get(`${sim.url}/wp-json/wc/v3/orders?oauth_consumer_key=ck_readwrite`, { validateStatus: () => true });
    expect(partial.status).toBe(401);
    expect(partial.data).toMatchObject({ code: 'woocommerce_rest_authentication_missing_parameter', message: 'Missing OAuth parameters oauth_timestamp, oauth_nonce, oauth_signature, oauth_signature_method' });
    // no credentials at all: the permission check answers
    const anon = await axios.get(`${sim.url}/wp-json/wc/v3/orders`, { validateStatus: () => true });
    expect(anon.status).toBe(401);
    expect(anon.data).toEqual({ code: 'woocommerce_rest_cannot_view', message: 'Sorry, you cannot list resources.', data: { status: 401 } });
    // Basic is not even tried over plain HTTP
    const basic = await axios.get(`${sim.url}/wp-json/wc/v3/orders`, { auth: { username: 'ck_readwrite', password: 'cs_readwrite' }, validateStatus: () => true });
    expect(basic.data.code).toBe('woocommerce_rest_cannot_view');
  });

  it('key permissions: read-only key cannot POST, write-only key cannot GET', async () => {
    const ro = new WooCommerceRestApi({ url: sim.url, consumerKey: 'ck_readonly', consumerSecret: 'cs_readonly', version: 'wc/v3', axiosConfig: { validateStatus: () => true } });
    const order = [...sim.shop.orders.values()][0];
    const post = await ro.post(`orders/${order.id}/refunds`, { amount: '1.00', api_refund: false });
    expect(post.status).toBe(401);
    expect(post.data).toEqual({ code: 'woocommerce_rest_authentication_error', message: 'The API key provided does not have write permissions.', data: { status: 401 } });
    const e = await failure(collect(oauth('ck_writeonly', 'cs_writeonly').listOrders({})));
    expect(e).toMatchObject({ code: 'AuthFailed', remoteMessage: 'The API key provided does not have read permissions.' });
  });

  it('HTTPS (behind a TLS proxy): Basic works; a wrong secret gives "Consumer secret is invalid." with WWW-Authenticate; unknown key -> permission error', async () => {
    const ok = createWooCommerceSource({ url: https.url, consumerKey: 'ck_readwrite', consumerSecret: 'cs_readwrite', auth: 'basic', retryBaseMs: 5 });
    expect((await collect(ok.listOrders({}))).orders).toHaveLength(5);
    expect(https.requests.log.at(-1)?.auth).toBe('basic');
    const raw = await axios.get(`${https.url}/wp-json/wc/v3/orders`, { auth: { username: 'ck_readwrite', password: 'wrong' }, validateStatus: () => true });
    expect(raw.status).toBe(401);
    expect(raw.data).toEqual({ code: 'woocommerce_rest_authentication_error', message: 'Consumer secret is invalid.', data: { status: 401 } });
    expect(raw.headers['www-authenticate']).toMatch(/^Basic realm="WooCommerce API/);
    const e = await failure(collect(createWooCommerceSource({ url: https.url, consumerKey: 'ck_readwrite', consumerSecret: 'wrong', auth: 'basic', retryBaseMs: 5 }).listOrders({})));
    expect(e).toMatchObject({ code: 'AuthFailed', remoteMessage: 'Consumer secret is invalid.' });
    const unknown = await failure(collect(createWooCommerceSource({ url: https.url, consumerKey: 'ck_unknown', consumerSecret: 'cs_x', auth: 'basic', retryBaseMs: 5 }).listOrders({})));
    expect(unknown).toMatchObject({ code: 'AuthFailed', remoteMessage: 'Sorry, you cannot list resources.' });
    // query-string keys are read first
    const qs = await axios.get(`${https.url}/wp-json/wc/v3/orders?consumer_key=ck_readwrite&consumer_secret=cs_readwrite`, { auth: { username: 'ck_readwrite', password: 'wrong' }, validateStatus: () => true });
    expect(qs.status).toBe(200);
    const src = createWooCommerceSource({ url: https.url, consumerKey: 'ck_readwrite', consumerSecret: 'cs_readwrite', auth: 'basic', queryStringAuth: false, retryBaseMs: 5 });
    expect((await src.listTaxRates()).length).toBeGreaterThan(0);
  });

  it('application passwords: admin works, a customer account is forbidden (403), wrong password and HTTP are refused', async () => {
    const app = (username: string, applicationPassword: string, url = https.url) => createWooCommerceSource({ url, auth: 'application-password', username, applicationPassword, retryBaseMs: 5 });
    expect((await collect(app('admin', 'abcd EFGH 1234 ijkl MNOP 5678').listOrders({}))).orders).toHaveLength(5);
    expect(https.requests.log.at(-1)?.auth).toBe('app-password');
    const forbidden = await failure(collect(app('klant', 'zzzz zzzz zzzz zzzz zzzz zzzz').listOrders({})));
    expect(forbidden).toMatchObject({ code: 'AuthFailed', details: { status: 403 } });
    const wrong = await failure(collect(app('admin', 'nope nope nope').listOrders({})));
    expect(wrong).toMatchObject({ code: 'AuthFailed', remoteMessage: 'The provided password is an invalid application password.' });
    const unknownUser = await failure(collect(app('ghost', 'abcd').listOrders({})));
    expect(unknownUser.remoteMessage).toMatch(/The username ghost is not registered/);
    // over plain HTTP to a remote host the source refuses to send the password at all
    expect(() => app('admin', 'x', 'http://winkel.example.nl')).toThrow(/unencrypted/);
    // plain HTTP to a production site: WordPress has application passwords switched off
    const plain = await startWooCommerceSimulator({ seed: 1, orderCount: 1, appPasswords: [{ user: 'admin', password: 'abcd EFGH 1234 ijkl MNOP 5678' }] });
    try {
      const e = await failure(collect(app('admin', 'abcd EFGH 1234 ijkl MNOP 5678', plain.url).listOrders({})));
      expect(e).toMatchObject({ code: 'AuthFailed', remoteMessage: 'Application passwords are not available.' });
    } finally {
      await plain.close();
    }
  });

  it('configuration: Basic over plain HTTP to a remote host and missing keys are refused with plain messages', () => {
    expect(() => createWooCommerceSource({ url: 'http://winkel.example.nl', consumerKey: 'ck', consumerSecret: 'cs', auth: 'basic' })).toThrow(/unencrypted/);
    expect(() => createWooCommerceSource({ url: 'https://winkel.example.nl', consumerKey: 'ck', consumerSecret: 'cs', auth: 'oauth' })).toThrow(/only used over plain http/);
    expect(() => createWooCommerceSource({ url: 'https://winkel.example.nl' } as never)).toThrow(/consumerKey is required/);
    expect(createWooCommerceSource({ url: 'https://Winkel.Example.nl:8443/', consumerKey: 'ck', consumerSecret: 'cs' }).shopId).toBe('winkel.example.nl:8443');
  });
});

describe('WooCommerce source ↔ simulator: errors and faults', () => {
  let sim: WooSimulator;
  beforeAll(async () => {
    sim = await startWooCommerceSimulator({ seed: 8, orderCount: 30 });
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    sim.faults.clear();
    sim.requests.clear();
  });
  const source = (extra: Record<string, unknown> = {}) => createWooCommerceSource({ url: sim.url, ...sim.credentials, retryBaseMs: 5, retries: 3, ...extra });

  it.each(['http-500-html', 'http-502', 'http-503-maintenance', 'wp-critical-error', 'non-json', 'truncated', 'reset'] as const)('%s is retried and the run succeeds', async (kind) => {
    sim.faults.inject({ kind, times: 2, match: '/wc/v3/orders' });
    const src = source();
    const { orders } = await collect(src.listOrders({}));
    expect(orders).toHaveLength(30);
    expect(sim.faults.pending).toBe(0);
    expect(sim.requests.log.filter((r) => r.fault === kind)).toHaveLength(2);
  });

  it('one order\'s refunds fetch failing after the retries is that order\'s refund read error; the listing goes on (issue 11 item 3)', async () => {
    const all = (await collect(source().listOrders({}))).orders;
    const withRefunds = all.find((o) => o.ok && o.order.refunds.length > 0);
    if (!withRefunds?.ok) throw new Error('the seed has an order with refunds');
    const id = withRefunds.order.id;
    sim.faults.clear();
    sim.faults.inject({ kind: 'http-500-html', times: 4, match: `/wc/v3/orders/${id}/refunds` });
    const { orders } = await collect(source().listOrders({}));
    expect(orders).toHaveLength(all.length);
    const again = orders.find((o) => o.ok && o.order.id === id);
    expect(again?.ok && again.order.refunds).toEqual([]);
    expect(again?.ok && again.refundErrors?.map((r) => r.id).sort()).toEqual(withRefunds.order.refunds.map((r) => r.id).sort());
    expect(again?.ok && again.refundErrors?.[0].error).toMatchObject({ code: 'RemoteBadResponse', retryable: true });
    expect(again?.ok && again.refundErrors?.[0].error.message).toMatch(/HTTP 500/);
  });

  it('a slow answer beyond the timeout is retried', async () => {
    sim.faults.inject({ kind: 'slow', delayMs: 1500, match: '/wc/v3/taxes' });
    const src = source({ timeoutMs: 1000 });
    expect((await src.listTaxRates()).length).toBeGreaterThan(0);
    expect(src.callCount).toBe(2);
  });

  it('a persistent 500 ends as RemoteUnavailable after the retries; a persistent non-JSON page as RemoteBadResponse', async () => {
    sim.faults.inject({ kind: 'http-500-html', times: 10 });
    const e = await failure(collect(source().listOrders({})));
    expect(e).toMatchObject({ code: 'RemoteUnavailable', retryable: true });
    expect(e.message).toMatch(/HTTP 500/);
    expect(sim.requests.count).toBe(4);
    sim.faults.clear();
    sim.faults.inject({ kind: 'truncated', times: 10 });
    const t = await failure(source().listTaxRates());
    expect(t).toMatchObject({ code: 'RemoteBadResponse', retryable: true });
  });

  it('a wrong base URL: 404 rest_no_route becomes RemoteNotFound, not retried', async () => {
    const src = createWooCommerceSource({ url: `${sim.url}/winkel`, ...sim.credentials, retryBaseMs: 5 });
    const e = await failure(src.listTaxRates());
    expect(e.code).toBe('RemoteNotFound');
    expect(src.callCount).toBe(1);
  });

  it('WooCommerce older than 5.8 (no modified_after, no orderby=modified): a clear validation error', async () => {
    const old = await startWooCommerceSimulator({ seed: 1, orderCount: 3, wcVersion: '5.5.0' });
    try {
      const e = await failure(collect(createWooCommerceSource({ url: old.url, ...old.credentials, retryBaseMs: 5 }).listOrders({})));
      expect(e).toMatchObject({ code: 'RemoteValidation' });
      expect(e.message).toMatch(/5\.8/);
    } finally {
      await old.close();
    }
  });
});

describe('WooCommerce source: many orders saved in one second, tied rows in a different order per request', () => {
  let sim: WooSimulator;
  afterEach(() => sim.close());

  /** A bulk status change: every `every`-th order saved in the same second, a minute ago. */
  function bulkEdit(every: number, second = new Date(Date.now() - 60_000)): void {
    const realNow = sim.shop.now;
    sim.shop.now = () => second;
    [...sim.shop.orders.values()].forEach((o, i) => i % every === 0 && sim.shop.touch(o, { notify: false }));
    sim.shop.now = realNow;
  }

  it.each([
    ['all 60 orders in one second, per_page 5', 1, 5],
    ['every third order in one second, the rest spread out, per_page 4', 3, 4],
    ['one second holding exactly a page (10 orders, per_page 10)', 6, 10],
  ])('sees every order once: %s', async (_what, every, perPage) => {
    sim = await startWooCommerceSimulator({ seed: 21, orderCount: 60, unstableTies: { seed: every * 31 + perPage } });
    bulkEdit(every);
    const src = createWooCommerceSource({ url: sim.url, ...sim.credentials, retryBaseMs: 5, perPage });
    const { orders } = await collect(src.listOrders({ modifiedAfter: '2000-01-01T00:00:00Z' }));
    const ids = idsOf(orders);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...sim.shop.orders.keys()].map(String).sort());
  });
});
