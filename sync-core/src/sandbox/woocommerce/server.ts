/**
 * A faithful local WooCommerce REST API (wc/v3) on 127.0.0.1, built from shops.md §2 and §6:
 * orders (list + single + status update), order refunds (list, single, create, delete), WC 9
 * `/refunds`, `/taxes`, `/customers`, `/products`, both `/wp-json/...` and `?rest_route=` URLs,
 * WooCommerce/WordPress authentication (auth.ts), WordPress parameter validation and error bodies,
 * pagination headers, and fault injection for client tests.
 */
import { createHash } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AuthMethod, type WcError, authenticate, checkKeyPermissions } from './auth';
import { gmtToLocal, parseFilterDate } from './dates';
import docsExamples from './seed/docs-examples.json';
import { recordFromRest } from './fixtures';
import { generateShop, seededRandom } from './generate';
import { recalculateOrder } from './totals';
import { type PhpArray, type PhpValue, buildQuery, paramList, paramString, parseStr } from './php-params';
import { type Json, restOrder, restRefund, wpJsonEncode } from './rest';
import { WooShop } from './shop';
import type { WcTaxRate } from './tax-rates';
import type { WcOrderRecord, WcRefundRecord, WcShopSettings } from './types';
import type { RefundRequest } from './refunds';
import { WebhookDispatcher } from './webhooks';

export const SANDBOX_CONSUMER_KEY = `ck_${createHash('sha1').update('shopbooks-sandbox-consumer-key').digest('hex')}`;
export const SANDBOX_CONSUMER_SECRET = `cs_${createHash('sha1').update('shopbooks-sandbox-consumer-secret').digest('hex')}`;

export interface WooSimulatorOptions {
  /** Default 0 (a free port). */
  port?: number;
  seed?: number;
  /** Generated orders (default 50; 0 for an empty shop). */
  orderCount?: number;
  startDate?: Date | string;
  settings?: Partial<WcShopSettings>;
  /** Also serve the public documentation examples (orders 727, 723 with refunds, 15). */
  includeFixtures?: boolean;
  /** The site is reached over HTTPS (e.g. behind a TLS proxy): enables Basic and query-string keys. */
  assumeHttps?: boolean;
  /** WordPress environment type; application passwords over plain HTTP need 'local'. */
  environmentType?: 'production' | 'local' | 'staging' | 'development';
  /** WooCommerce version: < 5.8 ignores modified_after/modified_before/dates_are_gmt, < 9.0 has no /refunds. */
  wcVersion?: string;
  /** Whether status=any includes checkout-draft orders (true before WC PR #63743). */
  checkoutDraftInAny?: boolean;
  /** API keys; default one read_write key (SANDBOX_CONSUMER_KEY / SANDBOX_CONSUMER_SECRET). */
  keys?: { consumerKey: string; consumerSecret: string; permissions?: 'read' | 'write' | 'read_write'; userId?: number }[];
  /** Application passwords for WordPress users ('admin' can manage WooCommerce, 'klant' cannot). */
  appPasswords?: { user: string; password: string }[];
  now?: () => Date;
  /**
   * Rows that tie on the ORDER BY column come back in a different order on every list request, as
   * real WooCommerce on MySQL does (no tie-breaker: paging 25 by modified date returned 92 rows for
   * 88 distinct orders, some repeated, some never shown). `seed` makes the orders deterministic.
   * Off by default (ties then sort by id).
   */
  unstableTies?: { seed: number };
}

export type FaultKind = 'http-500-html' | 'http-502' | 'http-503-maintenance' | 'wp-critical-error' | 'non-json' | 'truncated' | 'slow' | 'reset' | 'strip-paging-headers';

export interface Fault {
  kind: FaultKind;
  /** How many matching requests get it (default 1). */
  times?: number;
  /** For 'slow' (default 2000 ms). */
  delayMs?: number;
  /** Only requests whose route contains this string / matches this pattern. */
  match?: string | RegExp;
}

export interface RequestLogEntry {
  method: string;
  route: string;
  /** Query parameters with credentials and signatures removed. */
  query: Record<string, string>;
  status: number;
  auth: AuthMethod;
  fault: FaultKind | null;
}

export interface WooSimulator {
  /** Base URL of the site, e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  shop: WooShop;
  /** The default API key. */
  credentials: { consumerKey: string; consumerSecret: string };
  faults: { inject(f: Fault): void; clear(): void; readonly pending: number };
  /** WooCommerce webhooks: add one (it is pinged), then order saves deliver to it; flush() waits. */
  webhooks: WebhookDispatcher;
  requests: { readonly count: number; readonly log: RequestLogEntry[]; clear(): void };
  close(): Promise<void>;
}

class HttpError {
  constructor(readonly e: WcError) {}
}

const err = (status: number, code: string, message: string, data: Record<string, unknown> = {}): HttpError => new HttpError({ status, code, message, data });

function versionLt(v: string, than: string): boolean {
  const a = v.split('.').map(Number);
  const b = than.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) < (b[i] ?? 0);
  }
  return false;
}

/** wp_sprintf_l: "a", "a and b", "a, b, and c". */
function listL(xs: string[]): string {
  if (xs.length <= 1) return xs.join('');
  if (xs.length === 2) return `${xs[0]} and ${xs[1]}`;
  return `${xs.slice(0, -1).join(', ')}, and ${xs[xs.length - 1]}`;
}

type ParamSpec =
  | { type: 'integer'; min?: number; max?: number; default?: number }
  | { type: 'enum'; values: string[]; default?: string }
  | { type: 'array-enum'; values: string[] }
  | { type: 'array-int' }
  | { type: 'date' }
  | { type: 'boolean'; default?: boolean }
  | { type: 'string' };

type Params = Record<string, string | number | boolean | string[] | number[] | undefined>;

/** WP_REST_Request::has_valid_params + sanitize for the params a route declares. */
function validate(query: PhpArray, specs: Record<string, ParamSpec>): Params {
  const out: Params = {};
  const problems: Record<string, { code: string; message: string }> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const raw: PhpValue | undefined = query.get(name);
    if (raw === undefined) {
      if ('default' in spec && spec.default !== undefined) out[name] = spec.default;
      continue;
    }
    const bad = (code: string, message: string) => (problems[name] = { code, message });
    switch (spec.type) {
      case 'integer': {
        const s = paramString(raw);
        if (s === undefined || !/^-?\d+(\.0*)?$/.test(s.trim())) {
          bad('rest_invalid_type', `${name} is not of type integer.`);
          break;
        }
        const n = Number(s);
        if (spec.min !== undefined && spec.max !== undefined && (n < spec.min || n > spec.max)) bad('rest_out_of_bounds', `${name} must be between ${spec.min} (inclusive) and ${spec.max} (inclusive)`);
        else if (spec.min !== undefined && n < spec.min) bad('rest_out_of_bounds', `${name} must be greater than or equal to ${spec.min}`);
        else out[name] = n;
        break;
      }
      case 'enum': {
        const s = paramString(raw);
        if (s === undefined || !spec.values.includes(s)) bad('rest_not_in_enum', `${name} is not one of ${listL(spec.values)}.`);
        else out[name] = s;
        break;
      }
      case 'array-enum': {
        const xs = paramList(raw) ?? [];
        const i = xs.findIndex((x) => !spec.values.includes(x));
        if (i >= 0) bad('rest_not_in_enum', `${name}[${i}] is not one of ${listL(spec.values)}.`);
        else out[name] = xs;
        break;
      }
      case 'array-int': {
        const xs = paramList(raw) ?? [];
        const i = xs.findIndex((x) => !/^\d+$/.test(x));
        if (i >= 0) bad('rest_invalid_type', `${name}[${i}] is not of type integer.`);
        else out[name] = xs.map(Number);
        break;
      }
      case 'date': {
        const s = paramString(raw);
        if (s === undefined || parseFilterDate(s, true, 'UTC') === null) bad('rest_invalid_date', 'Invalid date.');
        else out[name] = s;
        break;
      }
      case 'boolean': {
        const s = paramString(raw)?.toLowerCase();
        if (s === undefined || !['true', 'false', '1', '0'].includes(s)) bad('rest_invalid_type', `${name} is not of type boolean.`);
        else out[name] = s === 'true' || s === '1';
        break;
      }
      case 'string': {
        const s = paramString(raw);
        if (s === undefined) bad('rest_invalid_type', `${name} is not of type string.`);
        else out[name] = s;
        break;
      }
    }
  }
  const names = Object.keys(problems);
  if (names.length) {
    throw err(400, 'rest_invalid_param', `Invalid parameter(s): ${names.join(', ')}`, {
      params: Object.fromEntries(names.map((n) => [n, problems[n].message])),
      details: Object.fromEntries(names.map((n) => [n, { code: problems[n].code, message: problems[n].message, data: null }])),
    });
  }
  return out;
}

const collectionParams = (orderbyValues: string[], orderDefault: 'asc' | 'desc', orderbyDefault: string): Record<string, ParamSpec> => ({
  context: { type: 'enum', values: ['view', 'edit'], default: 'view' },
  page: { type: 'integer', min: 1, default: 1 },
  per_page: { type: 'integer', min: 1, max: 100, default: 10 },
  offset: { type: 'integer' },
  search: { type: 'string' },
  include: { type: 'array-int' },
  exclude: { type: 'array-int' },
  order: { type: 'enum', values: ['asc', 'desc'], default: orderDefault },
  orderby: { type: 'enum', values: orderbyValues, default: orderbyDefault },
  dp: { type: 'integer', min: 0 },
});

interface Page<T> {
  items: T[];
  total: number;
  totalPages: number;
  page: number;
}

function paginate<T>(all: T[], p: Params): Page<T> {
  const perPage = p.per_page as number;
  const page = p.page as number;
  const start = typeof p.offset === 'number' ? p.offset : (page - 1) * perPage;
  const total = all.length;
  return { items: all.slice(start, start + perPage), total, totalPages: Math.ceil(total / perPage), page };
}

function cmp(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface Handled {
  status: number;
  body: unknown;
  headers?: Record<string, string | string[]>;
}

interface Ctx {
  method: string;
  route: string;
  query: PhpArray;
  json: Json | null;
  user: { canManageWoocommerce: boolean } | null;
  homeUrl: string;
  restBase: (route: string) => string;
}

const WC_PERMISSION: Record<string, [string, string]> = {
  list: ['woocommerce_rest_cannot_view', 'Sorry, you cannot list resources.'],
  view: ['woocommerce_rest_cannot_view', 'Sorry, you cannot view this resource.'],
  create: ['woocommerce_rest_cannot_create', 'Sorry, you are not allowed to create resources.'],
  edit: ['woocommerce_rest_cannot_edit', 'Sorry, you are not allowed to edit this resource.'],
  delete: ['woocommerce_rest_cannot_delete', 'Sorry, you are not allowed to delete this resource.'],
};

/** The permission callback: 401 when not logged in, 403 when logged in without the capability. */
function requireCap(ctx: Ctx, what: keyof typeof WC_PERMISSION): void {
  if (ctx.user?.canManageWoocommerce) return;
  const [code, message] = WC_PERMISSION[what];
  throw err(ctx.user ? 403 : 401, code, message);
}

export async function startWooCommerceSimulator(opts: WooSimulatorOptions = {}): Promise<WooSimulator> {
  const generated = generateShop({ seed: opts.seed ?? 1, count: opts.orderCount ?? 50, startDate: opts.startDate, settings: opts.settings });
  const taxTable: WcTaxRate[] = [...generated.taxRates];
  const shop = new WooShop(generated.settings, taxTable, { nextId: generated.nextId, nextItemId: generated.nextItemId });
  if (opts.now) shop.now = opts.now;
  for (const o of generated.orders) shop.addOrder(o);
  shop.seedCatalog(generated.customers);
  if (opts.includeFixtures) {
    const ex = docsExamples as unknown as { orders: Json[]; refunds: Record<string, Json[]>; taxes: WcTaxRate[]; customers: Json[] };
    for (const o of ex.orders) shop.addOrder(recordFromRest(o, ex.refunds[String(o.id)] ?? []));
    for (const t of ex.taxes) taxTable.push(t);
  }
  for (const k of opts.keys ?? [{ consumerKey: SANDBOX_CONSUMER_KEY, consumerSecret: SANDBOX_CONSUMER_SECRET, permissions: 'read_write' as const }]) shop.addKey(k);
  for (const a of opts.appPasswords ?? []) shop.addAppPassword(a.user, a.password);

  const wcVersion = opts.wcVersion ?? '9.4.2';
  const hasModifiedFilters = !versionLt(wcVersion, '5.8');
  const hasRefundsRoute = !versionLt(wcVersion, '9.0');
  const draftInAny = opts.checkoutDraftInAny ?? true;
  const faults: { kind: FaultKind; times: number; delayMs: number; match?: string | RegExp }[] = [];
  const log: RequestLogEntry[] = [];
  let hostPort = '';

  const tz = () => shop.settings.timezone;
  const restCtx = (homeUrl: string, dp?: number) => ({ homeUrl, settings: shop.settings, dp });

  // ---- list helpers -------------------------------------------------------------------------
  function filterByDates<T>(all: T[], p: Params, createdGmt: (x: T) => string, modifiedGmt: (x: T) => string): T[] {
    const gmt = p.dates_are_gmt === true;
    const col = (v: string) => (gmt ? v : gmtToLocal(v, tz()));
    const bound = (name: string) => (typeof p[name] === 'string' ? parseFilterDate(p[name] as string, gmt, tz()) : null);
    const after = bound('after');
    const before = bound('before');
    const mAfter = hasModifiedFilters ? bound('modified_after') : null;
    const mBefore = hasModifiedFilters ? bound('modified_before') : null;
    return all.filter((x) => {
      if (after && !(col(createdGmt(x)) > after)) return false;
      if (before && !(col(createdGmt(x)) < before)) return false;
      if (mAfter && !(col(modifiedGmt(x)) > mAfter)) return false;
      if (mBefore && !(col(modifiedGmt(x)) < mBefore)) return false;
      return true;
    });
  }

  let listRequests = 0;
  function sortCrud<T>(all: T[], p: Params, id: (x: T) => number, created: (x: T) => string, modified: (x: T) => string): T[] {
    const dir = p.order === 'asc' ? 1 : -1;
    const orderby = p.orderby as string;
    const include = (p.include as number[] | undefined) ?? [];
    const key = orderby === 'date' ? created : orderby === 'modified' ? modified : null;
    const sorted = [...all].sort((a, b) => {
      if (orderby === 'include' && include.length) return include.indexOf(id(a)) - include.indexOf(id(b));
      const c = key ? cmp(key(a), key(b)) : 0;
      return dir * (c !== 0 ? c : id(a) - id(b));
    });
    listRequests += 1;
    if (!opts.unstableTies || !key) return sorted;
    // MySQL without a tie-breaker: each query may return a tied run in any order
    const random = seededRandom((opts.unstableTies.seed * 7919 + listRequests * 104729) >>> 0);
    for (let start = 0; start < sorted.length; ) {
      let end = start + 1;
      while (end < sorted.length && key(sorted[end]) === key(sorted[start])) end++;
      for (let i = end - 1; i > start; i--) {
        const j = start + Math.floor(random() * (i - start + 1));
        [sorted[i], sorted[j]] = [sorted[j], sorted[i]];
      }
      start = end;
    }
    return sorted;
  }

  function pageHeaders(ctx: Ctx, pg: Page<unknown>): Record<string, string | string[]> {
    const headers: Record<string, string | string[]> = { 'X-WP-Total': String(pg.total), 'X-WP-TotalPages': String(pg.totalPages) };
    const links: string[] = [];
    const base = ctx.restBase(ctx.route);
    const withPage = (n: number) => {
      const q = new Map(ctx.query);
      q.delete('rest_route');
      q.set('page', String(n));
      const qs = buildQuery(q);
      return `${base}${base.includes('?') ? '&' : '?'}${qs}`;
    };
    if (pg.page > 1) links.push(`<${withPage(Math.min(pg.page - 1, Math.max(pg.totalPages, 1)))}>; rel="prev"`);
    if (pg.totalPages > pg.page) links.push(`<${withPage(pg.page + 1)}>; rel="next"`);
    if (links.length) headers.Link = links;
    return headers;
  }

  // ---- routes ---------------------------------------------------------------------------------
  function listOrders(ctx: Ctx): Handled {
    const statuses = shop.statuses();
    const specs: Record<string, ParamSpec> = {
      ...collectionParams(['date', 'id', 'include', 'title', 'slug', ...(hasModifiedFilters ? ['modified'] : [])], 'desc', 'date'),
      after: { type: 'date' },
      before: { type: 'date' },
      ...(hasModifiedFilters ? { modified_after: { type: 'date' } as ParamSpec, modified_before: { type: 'date' } as ParamSpec, dates_are_gmt: { type: 'boolean', default: false } as ParamSpec } : {}),
      parent: { type: 'array-int' },
      parent_exclude: { type: 'array-int' },
      status: { type: 'array-enum', values: ['any', 'trash', ...statuses] },
      customer: { type: 'integer' },
      product: { type: 'integer' },
    };
    const p = validate(ctx.query, specs);
    requireCap(ctx, 'list');
    const wanted = (p.status as string[] | undefined) ?? ['any'];
    const anySet = statuses.filter((s) => draftInAny || s !== 'checkout-draft');
    const allowed = new Set(wanted.flatMap((s) => (s === 'any' ? anySet : [s])));
    let all = [...shop.orders.values()].filter((o) => allowed.has(o.status));
    const include = p.include as number[] | undefined;
    if (include?.length) all = all.filter((o) => include.includes(o.id));
    const exclude = p.exclude as number[] | undefined;
    if (exclude?.length) all = all.filter((o) => !exclude.includes(o.id));
    const parent = p.parent as number[] | undefined;
    if (parent?.length) all = all.filter((o) => parent.includes(o.parent_id));
    if (typeof p.customer === 'number') all = all.filter((o) => o.customer_id === p.customer);
    if (typeof p.product === 'number') all = all.filter((o) => o.line_items.some((li) => li.product_id === p.product));
    if (typeof p.search === 'string' && p.search) {
      const s = (p.search as string).toLowerCase();
      all = all.filter((o) => JSON.stringify([o.billing, o.shipping, o.number]).toLowerCase().includes(s));
    }
    all = filterByDates(
      all,
      p,
      (o) => o.date_created_gmt,
      (o) => o.date_modified_gmt,
    );
    all = sortCrud(
      all,
      p,
      (o) => o.id,
      (o) => o.date_created_gmt,
      (o) => o.date_modified_gmt,
    );
    const pg = paginate(all, p);
    const dp = p.dp as number | undefined;
    return { status: 200, body: pg.items.map((o) => restOrder(o, restCtx(ctx.homeUrl, dp))), headers: pageHeaders(ctx, pg) };
  }

  function orderOr404(idStr: string, status = 404): WcOrderRecord {
    const o = shop.getOrder(Number(idStr));
    if (!o) throw err(status, 'woocommerce_rest_shop_order_invalid_id', 'Invalid ID.');
    return o;
  }

  function getOrder(ctx: Ctx, id: string): Handled {
    const p = validate(ctx.query, { context: { type: 'enum', values: ['view', 'edit'], default: 'view' }, dp: { type: 'integer', min: 0 } });
    requireCap(ctx, 'view');
    return { status: 200, body: restOrder(orderOr404(id), restCtx(ctx.homeUrl, p.dp as number | undefined)) };
  }

  function updateOrder(ctx: Ctx, id: string): Handled {
    const body = ctx.json ?? {};
    if (body.status !== undefined && (typeof body.status !== 'string' || !shop.statuses().includes(body.status))) {
      const msg = `status is not one of ${listL(shop.statuses())}.`;
      throw err(400, 'rest_invalid_param', 'Invalid parameter(s): status', { params: { status: msg }, details: { status: { code: 'rest_not_in_enum', message: msg, data: null } } });
    }
    requireCap(ctx, 'edit');
    const o = orderOr404(id, 400);
    const patch: Partial<WcOrderRecord> = {};
    for (const k of ['customer_note', 'transaction_id'] as const) if (typeof body[k] === 'string') patch[k] = body[k] as string;
    // a changed address: WooCommerce's REST controller recalculates the order's totals (calculate_totals)
    const address = (k: 'billing' | 'shipping') => (typeof body[k] === 'object' && body[k] !== null ? { ...o[k], ...Object.fromEntries(Object.entries(body[k] as Json).map(([f, v]) => [f, String(v ?? '')])) } : null);
    const billing = address('billing');
    const shipping = address('shipping');
    if (billing) patch.billing = billing as WcOrderRecord['billing'];
    if (shipping) patch.shipping = shipping as WcOrderRecord['shipping'];
    if (Object.keys(patch).length) shop.updateOrder(o.id, patch);
    if (billing || shipping) recalculateOrder(o, taxTable, shop.settings, () => shop.newItemId());
    if (typeof body.status === 'string' && body.status !== o.status) shop.setStatus(o.id, body.status);
    else if (!Object.keys(patch).length) shop.touch(o);
    return { status: 200, body: restOrder(o, restCtx(ctx.homeUrl)) };
  }

  function listRefunds(ctx: Ctx, orderId: string | null): Handled {
    const specs: Record<string, ParamSpec> = {
      ...collectionParams(['date', 'id', 'include', 'title', 'slug', 'modified'], 'desc', 'date'),
      after: { type: 'date' },
      before: { type: 'date' },
      modified_after: { type: 'date' },
      modified_before: { type: 'date' },
      dates_are_gmt: { type: 'boolean', default: false },
      parent: { type: 'array-int' },
    };
    const p = validate(ctx.query, specs);
    requireCap(ctx, 'list');
    let all: { order: WcOrderRecord; refund: WcRefundRecord }[];
    if (orderId !== null) {
      const o = shop.getOrder(Number(orderId));
      if (!o) throw err(404, 'woocommerce_rest_invalid_order_id', 'Invalid order ID.');
      all = o.refunds.map((refund) => ({ order: o, refund }));
    } else {
      all = [...shop.orders.values()].flatMap((order) => order.refunds.map((refund) => ({ order, refund })));
      const parent = p.parent as number[] | undefined;
      if (parent?.length) all = all.filter((x) => parent.includes(x.order.id));
    }
    const include = p.include as number[] | undefined;
    if (include?.length) all = all.filter((x) => include.includes(x.refund.id));
    all = filterByDates(
      all,
      p,
      (x) => x.refund.date_created_gmt,
      (x) => x.refund.date_created_gmt,
    );
    all = sortCrud(
      all,
      p,
      (x) => x.refund.id,
      (x) => x.refund.date_created_gmt,
      (x) => x.refund.date_created_gmt,
    );
    const pg = paginate(all, p);
    return { status: 200, body: pg.items.map((x) => restRefund(x.refund, restCtx(ctx.homeUrl, p.dp as number | undefined), orderId === null)), headers: pageHeaders(ctx, pg) };
  }

  function refundOr404(orderId: string, refundId: string): { order: WcOrderRecord; refund: WcRefundRecord } {
    const o = shop.getOrder(Number(orderId));
    if (!o) throw err(404, 'woocommerce_rest_invalid_order_id', 'Invalid order ID.');
    const refund = o.refunds.find((r) => r.id === Number(refundId));
    if (!refund) throw err(404, 'woocommerce_rest_shop_order_refund_invalid_id', 'Invalid ID.');
    return { order: o, refund };
  }

  function createRefund(ctx: Ctx, orderId: string): Handled {
    const body = ctx.json ?? {};
    const problems: Record<string, string> = {};
    if (body.amount !== undefined && typeof body.amount !== 'string') problems.amount = 'amount is not of type string.';
    if (body.reason !== undefined && typeof body.reason !== 'string') problems.reason = 'reason is not of type string.';
    if (body.api_refund !== undefined && typeof body.api_refund !== 'boolean') problems.api_refund = 'api_refund is not of type boolean.';
    if (body.line_items !== undefined && !Array.isArray(body.line_items)) problems.line_items = 'line_items is not of type array.';
    if (Object.keys(problems).length) {
      throw err(400, 'rest_invalid_param', `Invalid parameter(s): ${Object.keys(problems).join(', ')}`, {
        params: problems,
        details: Object.fromEntries(Object.entries(problems).map(([k, m]) => [k, { code: 'rest_invalid_type', message: m, data: null }])),
      });
    }
    requireCap(ctx, 'create');
    if (typeof body.amount === 'string' && body.amount.trim() !== '' && !/^-?\d+(\.\d+)?$/.test(body.amount.trim())) {
      throw err(400, 'woocommerce_rest_invalid_order_refund', 'Refund amount must be greater than zero.');
    }
    const req: RefundRequest = {
      amount: typeof body.amount === 'string' && body.amount.trim() !== '' ? body.amount.trim() : undefined,
      reason: typeof body.reason === 'string' ? body.reason : '',
      refunded_by: typeof body.refunded_by === 'number' ? body.refunded_by : 1,
      line_items: ((body.line_items as Json[] | undefined) ?? []).map((l) => ({
        id: Number(l.id),
        quantity: typeof l.quantity === 'number' ? l.quantity : Number(l.quantity ?? 0),
        refund_total: l.refund_total === undefined ? undefined : String(l.refund_total),
        refund_tax: Array.isArray(l.refund_tax) ? (l.refund_tax as Json[]).map((t) => ({ id: Number(t.id), refund_total: String(t.refund_total ?? '0') })) : [],
      })),
    };
    const r = shop.createRefund(Number(orderId), req, { apiRefund: body.api_refund !== false });
    if ('code' in r) throw new HttpError(r);
    const json = restRefund(r, restCtx(ctx.homeUrl));
    return { status: 201, body: json, headers: { Location: `${ctx.restBase(`/wc/v3/orders/${orderId}/refunds/${r.id}`)}` } };
  }

  function taxJson(t: WcTaxRate, ctx: Ctx): Json {
    return { ...t, _links: { self: [{ href: ctx.restBase(`/wc/v3/taxes/${t.id}`) }], collection: [{ href: ctx.restBase('/wc/v3/taxes') }] } };
  }

  function listTaxes(ctx: Ctx): Handled {
    const p = validate(ctx.query, {
      ...collectionParams(['id', 'order', 'priority'], 'asc', 'order'),
      class: { type: 'enum', values: ['standard', ...new Set(taxTable.map((t) => String(t.class)).filter((c) => c !== 'standard'))] },
    });
    requireCap(ctx, 'list');
    let all = taxTable.filter((t) => !p.class || t.class === p.class);
    const key = (t: WcTaxRate) => (p.orderby === 'id' ? t.id : p.orderby === 'priority' ? t.priority : t.order);
    all = [...all].sort((a, b) => (p.order === 'desc' ? -1 : 1) * (cmp(key(a), key(b)) || a.id - b.id));
    const pg = paginate(all, p);
    return { status: 200, body: pg.items.map((t) => taxJson(t, ctx)), headers: pageHeaders(ctx, pg) };
  }

  function customerJson(c: (typeof shop.customers)[number], ctx: Ctx): Json {
    return {
      id: c.id,
      date_created: gmtToLocal(c.date_created_gmt, tz()),
      date_created_gmt: c.date_created_gmt,
      date_modified: gmtToLocal(c.date_modified_gmt, tz()),
      date_modified_gmt: c.date_modified_gmt,
      email: c.email,
      first_name: c.first_name,
      last_name: c.last_name,
      role: c.role,
      username: c.username,
      billing: c.billing,
      shipping: c.shipping,
      is_paying_customer: c.is_paying_customer,
      avatar_url: `https://secure.gravatar.com/avatar/${createHash('md5').update(c.email).digest('hex')}?s=96&d=mm&r=g`,
      meta_data: [],
      _links: { self: [{ href: ctx.restBase(`/wc/v3/customers/${c.id}`) }], collection: [{ href: ctx.restBase('/wc/v3/customers') }] },
    };
  }

  function listCustomers(ctx: Ctx): Handled {
    const p = validate(ctx.query, {
      ...collectionParams(['id', 'include', 'name', 'registered_date'], 'asc', 'name'),
      email: { type: 'string' },
      role: { type: 'enum', values: ['all', 'administrator', 'editor', 'author', 'contributor', 'subscriber', 'customer', 'shop_manager'], default: 'customer' },
    });
    requireCap(ctx, 'list');
    let all = shop.customers.filter((c) => p.role === 'all' || c.role === p.role);
    if (typeof p.email === 'string') all = all.filter((c) => c.email.toLowerCase() === (p.email as string).toLowerCase());
    const include = p.include as number[] | undefined;
    if (include?.length) all = all.filter((c) => include.includes(c.id));
    if (typeof p.search === 'string' && p.search) all = all.filter((c) => `${c.email} ${c.first_name} ${c.last_name}`.toLowerCase().includes((p.search as string).toLowerCase()));
    const key = (c: (typeof all)[number]) => (p.orderby === 'name' ? c.username : p.orderby === 'registered_date' ? c.date_created_gmt : c.id);
    all = [...all].sort((a, b) => (p.order === 'desc' ? -1 : 1) * (cmp(key(a), key(b)) || a.id - b.id));
    const pg = paginate(all, p);
    return { status: 200, body: pg.items.map((c) => customerJson(c, ctx)), headers: pageHeaders(ctx, pg) };
  }

  function productJson(pr: (typeof shop.products)[number], ctx: Ctx): Json {
    return {
      id: pr.id,
      name: pr.name,
      slug: pr.name.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
      permalink: `${ctx.homeUrl}/product/${pr.id}/`,
      date_modified: gmtToLocal(pr.date_modified_gmt, tz()),
      date_modified_gmt: pr.date_modified_gmt,
      type: pr.type,
      status: pr.status,
      sku: pr.sku,
      price: pr.price,
      regular_price: pr.regular_price,
      sale_price: pr.sale_price,
      tax_status: pr.tax_status,
      tax_class: pr.tax_class,
      _links: { self: [{ href: ctx.restBase(`/wc/v3/products/${pr.id}`) }], collection: [{ href: ctx.restBase('/wc/v3/products') }] },
    };
  }

  function listProducts(ctx: Ctx): Handled {
    const p = validate(ctx.query, {
      ...collectionParams(['date', 'id', 'include', 'title', 'slug', 'modified'], 'desc', 'date'),
      sku: { type: 'string' },
      type: { type: 'enum', values: ['simple', 'grouped', 'external', 'variable'] },
      status: { type: 'enum', values: ['any', 'future', 'trash', 'draft', 'pending', 'private', 'publish'], default: 'any' },
      tax_class: { type: 'string' },
    });
    requireCap(ctx, 'list');
    let all = shop.products.filter((x) => x.type !== 'variation');
    if (typeof p.sku === 'string') {
      const skus = (p.sku as string).split(',').map((s) => s.trim());
      all = shop.products.filter((x) => skus.includes(x.sku));
    }
    if (typeof p.type === 'string') all = all.filter((x) => x.type === p.type);
    if (p.status !== 'any') all = all.filter((x) => x.status === p.status);
    const include = p.include as number[] | undefined;
    if (include?.length) all = all.filter((x) => include.includes(x.id));
    all = [...all].sort((a, b) => (p.order === 'asc' ? 1 : -1) * (p.orderby === 'title' ? cmp(a.name, b.name) || a.id - b.id : a.id - b.id));
    const pg = paginate(all, p);
    return { status: 200, body: pg.items.map((x) => productJson(x, ctx)), headers: pageHeaders(ctx, pg) };
  }

  /** The route table: [method, pattern, handler]. */
  const routes: [string, RegExp, (ctx: Ctx, m: RegExpExecArray) => Handled][] = [
    ['GET', /^\/wc\/v3\/orders\/?$/, (c) => listOrders(c)],
    ['GET', /^\/wc\/v3\/orders\/(\d+)\/?$/, (c, m) => getOrder(c, m[1])],
    ['PUT', /^\/wc\/v3\/orders\/(\d+)\/?$/, (c, m) => updateOrder(c, m[1])],
    ['POST', /^\/wc\/v3\/orders\/(\d+)\/?$/, (c, m) => updateOrder(c, m[1])],
    ['PATCH', /^\/wc\/v3\/orders\/(\d+)\/?$/, (c, m) => updateOrder(c, m[1])],
    ['GET', /^\/wc\/v3\/orders\/(\d+)\/refunds\/?$/, (c, m) => listRefunds(c, m[1])],
    ['POST', /^\/wc\/v3\/orders\/(\d+)\/refunds\/?$/, (c, m) => createRefund(c, m[1])],
    [
      'GET',
      /^\/wc\/v3\/orders\/(\d+)\/refunds\/(\d+)\/?$/,
      (c, m) => {
        const p = validate(c.query, { dp: { type: 'integer', min: 0 } });
        requireCap(c, 'view');
        return { status: 200, body: restRefund(refundOr404(m[1], m[2]).refund, restCtx(c.homeUrl, p.dp as number | undefined)) };
      },
    ],
    [
      'DELETE',
      /^\/wc\/v3\/orders\/(\d+)\/refunds\/(\d+)\/?$/,
      (c, m) => {
        const p = validate(c.query, { force: { type: 'boolean', default: false } });
        requireCap(c, 'delete');
        const { refund } = refundOr404(m[1], m[2]);
        if (p.force !== true) throw err(501, 'woocommerce_rest_trash_not_supported', 'The shop_order_refund does not support trashing.');
        const before = restRefund(refund, restCtx(c.homeUrl));
        shop.deleteRefund(Number(m[1]), refund.id);
        return { status: 200, body: before };
      },
    ],
    ...(hasRefundsRoute ? [['GET', /^\/wc\/v3\/refunds\/?$/, (c: Ctx) => listRefunds(c, null)] as [string, RegExp, (ctx: Ctx, m: RegExpExecArray) => Handled]] : []),
    ['GET', /^\/wc\/v3\/taxes\/?$/, (c) => listTaxes(c)],
    [
      'GET',
      /^\/wc\/v3\/taxes\/(\d+)\/?$/,
      (c, m) => {
        requireCap(c, 'view');
        const t = taxTable.find((x) => x.id === Number(m[1]));
        if (!t) throw err(404, 'woocommerce_rest_invalid_id', 'Invalid resource ID.');
        return { status: 200, body: taxJson(t, c) };
      },
    ],
    ['GET', /^\/wc\/v3\/customers\/?$/, (c) => listCustomers(c)],
    [
      'GET',
      /^\/wc\/v3\/customers\/(\d+)\/?$/,
      (c, m) => {
        requireCap(c, 'view');
        const cu = shop.customers.find((x) => x.id === Number(m[1]));
        if (!cu) throw err(404, 'woocommerce_rest_invalid_id', 'Invalid resource ID.');
        return { status: 200, body: customerJson(cu, c) };
      },
    ],
    ['GET', /^\/wc\/v3\/products\/?$/, (c) => listProducts(c)],
    [
      'GET',
      /^\/wc\/v3\/products\/(\d+)\/?$/,
      (c, m) => {
        requireCap(c, 'view');
        const pr = shop.products.find((x) => x.id === Number(m[1]));
        if (!pr) throw err(404, 'woocommerce_rest_product_invalid_id', 'Invalid ID.');
        return { status: 200, body: productJson(pr, c) };
      },
    ],
  ];

  // ---- HTTP -----------------------------------------------------------------------------------
  function readBody(req: IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > 2_000_000) {
          reject(new Error('body too large'));
          req.destroy();
          return;
        }
        chunks.push(c);
      });
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });
  }

  function takeFault(route: string): (typeof faults)[number] | null {
    for (let i = 0; i < faults.length; i++) {
      const f = faults[i];
      const ok = !f.match || (typeof f.match === 'string' ? route.includes(f.match) : f.match.test(route));
      if (!ok) continue;
      f.times -= 1;
      if (f.times <= 0) faults.splice(i, 1);
      return { ...f };
    }
    return null;
  }

  /** The `Allow` header WordPress sends: the methods registered for the matched route (WC 9.4). */
  function allowedMethods(route: string): string {
    if (/^\/wc\/v3\/orders\/\d+\/refunds\/\d+\/?$/.test(route)) return 'GET, DELETE';
    if (/^\/wc\/v3\/refunds\/?$/.test(route)) return 'GET';
    if (/^\/wc\/v3\/[a-z_-]+\/\d+\/?$/.test(route)) return 'GET, POST, PUT, PATCH, DELETE';
    return 'GET, POST';
  }

  const HTML_500 = '<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1><p>The server encountered an internal error or misconfiguration and was unable to complete your request.</p></body></html>\n';
  const HTML_502 = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
  const HTML_503 = '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Maintenance</title></head><body><h1>Briefly unavailable for scheduled maintenance. Check back in a minute.</h1></body></html>\n';

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query = parseStr(url.search.slice(1));
    const https = opts.assumeHttps === true;
    const homeUrl = `${https ? 'https' : 'http'}://${hostPort}`;
    let route: string | null = null;
    let prettyUrls = true;
    if (url.pathname.startsWith('/wp-json/')) route = url.pathname.slice('/wp-json'.length);
    else if ((url.pathname === '/' || url.pathname === '/index.php') && typeof query.get('rest_route') === 'string') {
      route = query.get('rest_route') as string;
      prettyUrls = false;
    }
    const entry: RequestLogEntry = { method, route: route ?? url.pathname, query: redact(query), status: 0, auth: 'none', fault: null };
    log.push(entry);

    const send = (status: number, body: string, headers: Record<string, string | string[]> = {}, contentType = 'application/json; charset=UTF-8') => {
      entry.status = status;
      // every REST answer names the API root (rest_output_link_header) beside any paging links
      const apiLink = `<${homeUrl}/wp-json/>; rel="https://api.w.org/"`;
      const restHeaders: Record<string, string | string[]> =
        route === null ? {} : { Link: [apiLink, ...(headers.Link === undefined ? [] : Array.isArray(headers.Link) ? headers.Link : [headers.Link])], 'Access-Control-Allow-Headers': 'Authorization, X-WP-Nonce, Content-Disposition, Content-MD5, Content-Type' };
      res.writeHead(status, { 'Content-Type': contentType, 'X-Robots-Tag': 'noindex', 'X-Content-Type-Options': 'nosniff', 'Access-Control-Expose-Headers': 'X-WP-Total, X-WP-TotalPages, Link', ...headers, ...restHeaders });
      res.end(body);
    };
    const sendError = (e: WcError) => send(e.status, wpJsonEncode({ code: e.code, message: e.message, data: { status: e.status, ...(e.data ?? {}) } }), e.headers ?? {});

    const fault = takeFault(entry.route);
    if (fault) {
      entry.fault = fault.kind;
      if (fault.kind === 'slow') await new Promise((r) => setTimeout(r, fault.delayMs));
      else if (fault.kind === 'reset') {
        entry.status = -1;
        req.socket.destroy();
        return;
      } else if (fault.kind === 'http-500-html') return send(500, HTML_500, {}, 'text/html; charset=iso-8859-1');
      else if (fault.kind === 'http-502') return send(502, HTML_502, {}, 'text/html');
      else if (fault.kind === 'http-503-maintenance') return send(503, HTML_503, { 'Retry-After': '600' }, 'text/html; charset=utf-8');
      else if (fault.kind === 'wp-critical-error') {
        return send(500, wpJsonEncode({ code: 'internal_server_error', message: '<p>There has been a critical error on this website.</p><p><a href="https://wordpress.org/documentation/article/faq-troubleshooting/">Learn more about troubleshooting WordPress.</a></p>', data: { status: 500 }, additional_errors: [] }));
      }
    }

    let bodyText = '';
    try {
      bodyText = await readBody(req);
    } catch {
      return send(413, wpJsonEncode({ code: 'rest_body_too_large', message: 'Request body too large.', data: { status: 413 } }));
    }
    if (route === null) {
      return send(404, '<!DOCTYPE html><html><head><title>Pagina niet gevonden</title></head><body><h1>Oeps! Deze pagina kan niet gevonden worden.</h1></body></html>', {}, 'text/html; charset=UTF-8');
    }
    const ctype = String(req.headers['content-type'] ?? '');
    const form = /application\/x-www-form-urlencoded/i.test(ctype) ? parseStr(bodyText) : new Map<string, PhpValue>();
    let json: Json | null = null;
    if (/json/i.test(ctype) && bodyText.trim() !== '') {
      try {
        const parsed: unknown = JSON.parse(bodyText);
        json = typeof parsed === 'object' && parsed !== null ? (parsed as Json) : null;
      } catch {
        return sendError({ status: 400, code: 'rest_invalid_json', message: 'Invalid JSON body passed.', data: { json_error_code: 4, json_error_message: 'Syntax error' } });
      }
    }

    const auth = authenticate(
      { method, path: url.pathname, query, form, authorization: req.headers.authorization, https, homeHost: hostPort, nowSeconds: Math.floor(shop.now().getTime() / 1000) },
      { keys: shop.keys, users: shop.users, environmentType: opts.environmentType ?? 'production' },
    );
    entry.auth = auth.method;
    const restBase = (r: string) => (prettyUrls ? `${homeUrl}/wp-json${r}` : `${homeUrl}/?rest_route=${r}`);
    const reply = (h: Handled) => {
      let text = wpJsonEncode(h.body);
      if (fault?.kind === 'non-json') {
        text = `<br />\n<b>Deprecated</b>:  Creation of dynamic property WC_Gateway_Legacy::$notice is deprecated in <b>/var/www/html/wp-content/plugins/legacy-gateway/gateway.php</b> on line <b>42</b><br />\n${text}`;
      }
      if (fault?.kind === 'truncated') {
        entry.status = h.status;
        res.writeHead(h.status, { 'Content-Type': 'application/json; charset=UTF-8', ...(h.headers ?? {}) });
        res.end(text.slice(0, Math.floor(text.length / 2)));
        return;
      }
      let headers: Record<string, string | string[]> = { ...(h.headers ?? {}), Allow: allowedMethods(route as string) };
      // a logged-in request (any REST authentication) gets WordPress's no-cache headers (wp_get_nocache_headers)
      if (auth.user) Object.assign(headers, { Expires: 'Wed, 11 Jan 1984 05:00:00 GMT', 'Cache-Control': 'no-cache, must-revalidate, max-age=0, no-store, private' });
      if (fault?.kind === 'strip-paging-headers') {
        // a proxy or cache that drops X-WP-Total / X-WP-TotalPages / Link
        headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !/^(x-wp-total|x-wp-totalpages|link)$/i.test(k)));
      }
      send(h.status, text, headers);
    };
    try {
      if (auth.error) throw new HttpError(auth.error);
      const perm = checkKeyPermissions(auth.key, method);
      if (perm) throw new HttpError(perm);
      const matching = routes.filter(([, re]) => re.test(route as string));
      const r = matching.find(([m]) => m === method);
      if (!r) throw err(404, 'rest_no_route', 'No route was found matching the URL and request method');
      const m = r[1].exec(route) as RegExpExecArray;
      reply(r[2]({ method, route, query, json, user: auth.user, homeUrl, restBase }, m));
    } catch (e) {
      if (e instanceof HttpError) return sendError(e.e);
      return send(500, wpJsonEncode({ code: 'internal_server_error', message: `<p>There has been a critical error on this website.</p>`, data: { status: 500 }, additional_errors: [] }));
    }
  }

  function redact(q: PhpArray): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of q) {
      if (/^(consumer_key|consumer_secret|oauth_signature|oauth_consumer_key|oauth_nonce)$/.test(k)) continue;
      out[k] = v instanceof Map ? [...v.values()].filter((x) => typeof x === 'string').join(',') : v;
    }
    return out;
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  hostPort = `127.0.0.1:${port}`;
  const webhooks = new WebhookDispatcher(shop, () => restCtx(`${opts.assumeHttps ? 'https' : 'http'}://${hostPort}`), wcVersion);

  return {
    url: `http://${hostPort}`,
    shop,
    webhooks,
    credentials: { consumerKey: shop.keys[0]?.consumerKey ?? '', consumerSecret: shop.keys[0]?.consumerSecret ?? '' },
    faults: {
      inject(f: Fault) {
        faults.push({ kind: f.kind, times: f.times ?? 1, delayMs: f.delayMs ?? 2000, match: f.match });
      },
      clear() {
        faults.length = 0;
      },
      get pending() {
        return faults.reduce((a, f) => a + f.times, 0);
      },
    },
    requests: {
      get count() {
        return log.length;
      },
      get log() {
        return log;
      },
      clear() {
        log.length = 0;
      },
    },
    close: () =>
      new Promise<void>((resolve) => {
        shop.listeners.length = 0;
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
