/**
 * The WooCommerce source: reads orders, refunds and tax rates over the WooCommerce REST API (wc/v3)
 * with `@woocommerce/woocommerce-rest-api`, and maps them to canonical Orders (map-order.ts).
 *
 * - Auth: Basic over HTTPS, OAuth 1.0a over HTTP (the library signs), or a WordPress application
 *   password. Plain-HTTP Basic / application passwords only to 127.0.0.1 / localhost.
 * - Listing: orderby=modified&order=asc&dates_are_gmt=true&modified_after=…, per_page=100, always
 *   page 1, walked by keyset: the next request starts one second before the last order's
 *   `date_modified` (`modified_after` is exclusive and the column has whole seconds) and sends the
 *   ids already seen in that second as `exclude`. Why not page numbers: real WooCommerce on MySQL
 *   (9.4.3, HPOS) returns orders that share a `date_modified` second in a different order on every
 *   request — no tie-breaker, whatever the docs say — so pages 1, 2, 3 of "the same" query repeat
 *   some of them and never show others (92 rows for 88 orders, paging 25 by modified date); and an
 *   order saved during the run leaves its place and shifts every later page. With `exclude` each
 *   answer starts with the unseen rest of the tie second, in whatever order, before any later
 *   second, so a full page either finishes that second or holds only unseen orders of it: no order
 *   is skipped, nothing depends on the order of ties, and each request makes progress. The
 *   `exclude` list holds only one second's orders (a bulk edit of thousands in one second makes a
 *   long URL; the REST API offers no id keyset to page such a second otherwise).
 * - Refunds are fetched per order when its `refunds[]` summary is non-empty; `/taxes` is cached.
 * - Transient failures (5xx, timeouts, resets, non-JSON or truncated bodies) are retried with
 *   backoff; authentication errors are not and become ShopbooksError('AuthFailed').
 * - Keys never appear in errors or logs (URLs, the Link header and axios errors carry them).
 */
import WooCommerceRestApi from '@woocommerce/woocommerce-rest-api';
import type { AxiosError, AxiosResponse } from 'axios';
import pRetry, { AbortError } from 'p-retry';
import { ShopbooksError } from '../../model/errors';
import type { TaxRate } from '../../model/order';
import type { OrderPage, OrderQuery, Source, SourceOrder } from '../port';
import type { Order } from '../../model/order';
import { WooCommerceSourceConfig, type WooCommerceSourceConfigInput } from './config';
import { fetchShopInvoicePdf } from './invoice-pdf';
import { ShopClock } from '../shop-clock';
import { mapWooOrder } from './map-order';

type Json = Record<string, unknown>;

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** An ISO instant -> WooCommerce's GMT filter format (seconds, no offset). */
export function toWooGmt(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new ShopbooksError('ConfigInvalid', `"${iso}" is not a date-time.`);
  return d.toISOString().slice(0, 19);
}

function addSecondsIso(gmt: string, s: number): string {
  return new Date(new Date(`${gmt}Z`).getTime() + s * 1000).toISOString().slice(0, 19);
}

interface RemoteErrorBody {
  code?: unknown;
  message?: unknown;
}

function plainRemote(message: unknown): string {
  return String(message ?? '')
    .replace(/<[^>]+>/g, '')
    .trim();
}

/** Turn a failed call into a ShopbooksError (no URLs, no keys). */
export function wooHttpError(e: unknown, what: string): ShopbooksError {
  const ax = e as AxiosError<unknown>;
  const res = ax?.response;
  if (!res) {
    const code = ax?.code ?? '';
    if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(ax?.message ?? '')) {
      return new ShopbooksError('Timeout', `The shop did not answer in time while ${what}.`, { retryable: true, details: { code } });
    }
    return new ShopbooksError('RemoteUnavailable', `The shop could not be reached while ${what} (${code || 'network error'}).`, { retryable: true, details: { code } });
  }
  const status = res.status;
  const body = (typeof res.data === 'object' && res.data !== null ? res.data : {}) as RemoteErrorBody;
  const remoteCode = typeof body.code === 'string' ? body.code : '';
  const remoteMessage = plainRemote(body.message) || undefined;
  const details = { status, remoteCode };
  if (status === 401 || status === 403) {
    let message: string;
    if (remoteMessage === 'Invalid timestamp.') message = "WooCommerce refused the request because this computer's clock differs more than 15 minutes from the shop's. Correct the clock and try again.";
    else if (remoteCode === 'woocommerce_rest_authentication_error' || remoteCode === 'woocommerce_rest_authentication_missing_parameter')
      message = `WooCommerce did not accept the API key: ${remoteMessage ?? 'authentication failed'} Check the consumer key and secret (WooCommerce → Settings → Advanced → REST API).`;
    else if (['invalid_username', 'invalid_email', 'incorrect_password'].includes(remoteCode)) message = `WordPress did not accept the user name or application password: ${remoteMessage ?? ''}`.trim();
    else if (remoteCode === 'application_passwords_disabled') message = 'WordPress application passwords are not available on this site (they need HTTPS).';
    else if (status === 403) message = `The WordPress user behind these credentials may not read WooCommerce orders (${remoteMessage ?? 'forbidden'}). Use an administrator or shop manager.`;
    else message = `WooCommerce did not accept the credentials (${remoteMessage ?? 'unauthorised'}): the API key is unknown, was deleted, or its user may not read orders.`;
    return new ShopbooksError('AuthFailed', message, { retryable: false, remoteMessage, details });
  }
  if (status === 404) {
    if (remoteCode === 'rest_no_route') {
      return new ShopbooksError('RemoteNotFound', `The WooCommerce REST API was not found at this address while ${what}. Check the shop URL, that WooCommerce is active, and that this WooCommerce version supports it.`, { remoteMessage, details });
    }
    if (!remoteCode) return new ShopbooksError('RemoteNotFound', `The shop URL does not lead to a WordPress REST API (HTTP 404 while ${what}). Check the shop URL.`, { details });
    return new ShopbooksError('RemoteNotFound', `WooCommerce could not find it while ${what}: ${remoteMessage ?? remoteCode}`, { remoteMessage, details });
  }
  if (status === 429) return new ShopbooksError('RateLimited', `The shop asked us to slow down while ${what}.`, { retryable: true, remoteMessage, details });
  if (status >= 500) {
    const text = remoteMessage ?? (typeof res.data === 'string' ? 'the web server sent an error page' : 'server error');
    return new ShopbooksError('RemoteUnavailable', `The shop had a server error (HTTP ${status}) while ${what}: ${text.slice(0, 200)}`, { retryable: true, remoteMessage, details });
  }
  if (status === 400 && remoteCode === 'rest_invalid_param') {
    return new ShopbooksError('RemoteValidation', `WooCommerce refused the request while ${what}: ${remoteMessage}. The shop's WooCommerce may be too old (5.8 or newer is needed).`, { remoteMessage, details });
  }
  return new ShopbooksError('RemoteValidation', `WooCommerce refused the request while ${what} (HTTP ${status}): ${remoteMessage ?? remoteCode}`, { remoteMessage, details });
}

/**
 * X-WP-TotalPages, or — when a proxy stripped the header — "one more page" while pages come back full.
 */
function totalPagesOf(headers: AxiosResponse['headers'], got: number, perPage: number, page: number): number {
  const h = headers['x-wp-totalpages'];
  if (h !== undefined && h !== null && /^\d+$/.test(String(h))) return Number(h);
  return got >= perPage ? page + 1 : page;
}

export interface WooCommerceSource extends Source {
  /** Refunds of one order (all pages). */
  listRefunds(orderId: string): Promise<Json[]>;
  /** The shop's own invoice PDF of an order (`invoicePdfUrl`), or null when not configured / none. */
  invoicePdf?(order: Pick<Order, 'id' | 'number'>): Promise<{ filename: string; data: Uint8Array } | null>;
}

export function createWooCommerceSource(input: WooCommerceSourceConfig | WooCommerceSourceConfigInput): WooCommerceSource {
  const parsed = WooCommerceSourceConfig.safeParse(input);
  if (!parsed.success) {
    throw new ShopbooksError('ConfigInvalid', `The WooCommerce settings are not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  }
  const config = parsed.data;
  const url = new URL(config.url);
  const https = url.protocol === 'https:';
  const local = LOCAL_HOSTS.has(url.hostname);
  const shopId = config.shopId ?? url.host.toLowerCase();

  // Which credentials go how.
  let mode: 'basic' | 'oauth' | 'app-password';
  if (config.auth === 'application-password') mode = 'app-password';
  else if (config.auth === 'basic') mode = 'basic';
  else if (config.auth === 'oauth') mode = 'oauth';
  else mode = https ? 'basic' : 'oauth';
  if (!https && (mode === 'basic' || mode === 'app-password') && !local) {
    throw new ShopbooksError(
      'ConfigInvalid',
      `The shop address ${url.host} uses plain http://, so ${mode === 'basic' ? 'the API key' : 'the application password'} would travel unencrypted. Use the https:// address of the shop${mode === 'basic' ? ', or auth "auto" (OAuth 1.0a over HTTP)' : ''}.`,
    );
  }
  if (https && mode === 'oauth') {
    throw new ShopbooksError('ConfigInvalid', 'OAuth 1.0a is only used over plain http://; for an https:// shop use auth "auto" or "basic".');
  }

  const axiosConfig: Json = { timeout: config.timeoutMs, maxRedirects: 0 };
  if (mode === 'app-password') axiosConfig.auth = { username: config.username, password: config.applicationPassword };
  if (!https && mode !== 'oauth') {
    // the library would sign with OAuth over http: send Basic instead, no OAuth parameters
    if (mode === 'basic') axiosConfig.auth = { username: config.consumerKey, password: config.consumerSecret };
    axiosConfig.params = {};
  }
  const api = new WooCommerceRestApi({
    url: config.url,
    consumerKey: config.consumerKey ?? 'application-password',
    consumerSecret: config.consumerSecret ?? 'application-password',
    version: 'wc/v3',
    queryStringAuth: config.queryStringAuth,
    timeout: config.timeoutMs,
    axiosConfig,
  });

  let calls = 0;
  let taxCache: Json[] | null = null;
  const clock = new ShopClock();

  /** One GET with retries; returns the parsed JSON body and headers. */
  async function get(endpoint: string, params: Json, what: string): Promise<{ data: unknown; headers: AxiosResponse['headers'] }> {
    return pRetry(
      async () => {
        calls += 1;
        let res: AxiosResponse;
        try {
          res = await api.get(endpoint, params);
        } catch (e) {
          const se = wooHttpError(e, what);
          if (!se.retryable) throw new AbortError(se);
          throw se;
        }
        if (typeof res.data === 'string' || res.data === undefined || res.data === null) {
          // WordPress printed something that is not JSON (PHP notices, a cut-off page, an HTML page)
          throw new ShopbooksError('RemoteBadResponse', `The shop sent a response that is not valid JSON while ${what} (a PHP warning or a cut-off page).`, { retryable: true, details: { status: res.status } });
        }
        clock.note(res.headers as Record<string, unknown>);
        return { data: res.data, headers: res.headers };
      },
      {
        retries: config.retries,
        factor: 2,
        minTimeout: config.retryBaseMs,
        maxTimeout: 30_000,
        randomize: true,
      },
    ).catch((e: unknown) => {
      if (e instanceof ShopbooksError) throw e;
      const inner = (e as { originalError?: unknown })?.originalError;
      if (inner instanceof ShopbooksError) throw inner;
      throw new ShopbooksError('Internal', `Unexpected failure while ${what}.`, { retryable: true });
    });
  }

  function asArray(data: unknown, what: string): Json[] {
    if (!Array.isArray(data)) throw new ShopbooksError('RemoteBadResponse', `The shop sent an unexpected answer while ${what} (expected a list).`, { retryable: true });
    return data as Json[];
  }

  async function getAll(endpoint: string, params: Json, what: string): Promise<Json[]> {
    const out: Json[] = [];
    for (let page = 1; ; page++) {
      const { data, headers } = await get(endpoint, { ...params, per_page: 100, page }, what);
      const items = asArray(data, what);
      out.push(...items);
      if (!(page < totalPagesOf(headers, items.length, 100, page))) break;
    }
    return out;
  }

  async function taxes(): Promise<Json[]> {
    if (!taxCache) taxCache = await getAll('taxes', {}, 'reading the tax rates');
    return taxCache;
  }

  async function listRefunds(orderId: string): Promise<Json[]> {
    return getAll(`orders/${encodeURIComponent(orderId)}/refunds`, {}, `reading the refunds of order ${orderId}`);
  }

  async function mapOne(raw: Json): Promise<SourceOrder> {
    const summary = Array.isArray(raw.refunds) ? raw.refunds : [];
    let refunds: Json[] = [];
    let refundsError: ShopbooksError | undefined;
    try {
      refunds = summary.length ? await listRefunds(String(raw.id)) : [];
    } catch (e) {
      // one order's refunds fetch failing is that order's refunds' failure; the run goes on
      refundsError = e instanceof ShopbooksError ? e : new ShopbooksError('RemoteBadResponse', `Reading the refunds of order ${String(raw.id)} failed.`, { retryable: true });
    }
    return mapWooOrder(raw, { shopId, refunds, ...(refundsError ? { refundsError } : {}), taxRates: await taxes(), roundTaxAtSubtotal: config.roundTaxAtSubtotal });
  }

  async function* listOrders(query: OrderQuery): AsyncIterable<OrderPage> {
    const base: Json = { orderby: 'modified', order: 'asc', dates_are_gmt: 'true' };
    if (query.modifiedBefore) base.modified_before = toWooGmt(query.modifiedBefore);
    if (query.createdAfter) base.after = toWooGmt(query.createdAfter);
    if (query.createdBefore) base.before = toWooGmt(query.createdBefore);
    if (query.statuses?.length) base.status = query.statuses;
    // a comma list, as for `exclude` below: WordPress parses it for array arguments, and an array
    // (include[0]…include[10]) is signed by the OAuth library in another key order than
    // WooCommerce checks it once there are more than ten ids
    if (query.ids?.length) base.include = query.ids.map((x) => Number(x)).join(',');
    let after = query.modifiedAfter ? toWooGmt(query.modifiedAfter) : null;
    /** Ids already read whose date_modified is the second just after `after` (the tie second). */
    let tieSecond: string | null = null;
    let tieIds: number[] = [];
    let reported = 0;
    let totalPages = 0;
    let totalOrders = 0;
    const seen = new Set<string>();
    for (;;) {
      const params: Json = { ...base, per_page: config.perPage, page: 1 };
      if (after) params.modified_after = after;
      // one comma list (WordPress parses it into the array): a short URL and a plain OAuth 1.0a base string
      if (tieIds.length) params.exclude = tieIds.join(',');
      const { data, headers } = await get('orders', params, 'listing orders');
      const raw = asArray(data, 'listing orders');
      if (reported === 0) {
        totalOrders = Number(headers['x-wp-total'] ?? raw.length) || raw.length;
        totalPages = totalPagesOf(headers, raw.length, config.perPage, 1);
      }
      const fresh = raw.filter((o) => {
        const key = `${String(o.id)}@${String(o.date_modified_gmt)}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
      const orders: SourceOrder[] = [];
      for (const o of fresh) orders.push(await mapOne(o));
      reported += 1;
      if (orders.length) yield { orders, page: reported, totalPages: Math.max(totalPages, reported), totalOrders };
      if (raw.length < config.perPage) break;
      // keyset: continue one second before the last order's modification, without the ids of that second already read
      const lastMod = String(raw[raw.length - 1].date_modified_gmt ?? '');
      if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(lastMod)) {
        // no usable date to continue from: stay where we are and leave out everything read so far
        for (const o of raw) tieIds.push(Number(o.id));
        continue;
      }
      if (lastMod !== tieSecond) {
        tieSecond = lastMod;
        tieIds = [];
      }
      for (const o of raw) if (String(o.date_modified_gmt) === lastMod && !tieIds.includes(Number(o.id))) tieIds.push(Number(o.id));
      after = addSecondsIso(lastMod, -1);
    }
  }

  async function getOrder(id: string): Promise<SourceOrder> {
    try {
      const { data } = await get(`orders/${encodeURIComponent(id)}`, {}, `reading order ${id}`);
      if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new ShopbooksError('RemoteBadResponse', `The shop sent an unexpected answer while reading order ${id}.`, { retryable: true });
      return await mapOne(data as Json);
    } catch (e) {
      if (e instanceof ShopbooksError && e.code === 'RemoteNotFound' && e.details.remoteCode === 'woocommerce_rest_shop_order_invalid_id') {
        return { ok: false, id, number: null, modifiedAt: null, error: new ShopbooksError('RemoteNotFound', `WooCommerce has no order ${id} (it may have been deleted).`, { details: { orderId: id } }) };
      }
      throw e;
    }
  }

  async function listTaxRates(): Promise<TaxRate[]> {
    const table = await taxes();
    return table.flatMap((t) => {
      const rate = String(t.rate ?? '');
      if (!/^\d+(\.\d+)?$/.test(rate)) return [];
      return [{ id: String(t.id), percent: rate.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, ''), label: String(t.name ?? ''), country: String(t.country ?? '').toUpperCase(), taxClass: t.class === 'standard' ? '' : String(t.class ?? ''), compound: t.compound === true }];
    });
  }

  return {
    platform: 'woocommerce',
    shopId,
    listOrders,
    getOrder,
    listTaxRates,
    listRefunds,
    ...(config.invoicePdfUrl
      ? {
          invoicePdf: (order: Pick<Order, 'id' | 'number'>) => {
            calls += 1;
            const basic = mode === 'app-password' ? { username: config.username!, password: config.applicationPassword! } : mode === 'basic' ? { username: config.consumerKey!, password: config.consumerSecret! } : null;
            return fetchShopInvoicePdf({ template: config.invoicePdfUrl!, basic, timeoutMs: config.timeoutMs }, order);
          },
        }
      : {}),
    get callCount() {
      return calls;
    },
    shopTime: () => clock.now(),
  };
}

export { WooCommerceSourceConfig } from './config';
export { mapWooOrder } from './map-order';
