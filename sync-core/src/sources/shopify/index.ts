/**
 * Shopify source (Admin GraphQL API). Orders are read with
 * `orders(first, after, sortKey: UPDATED_AT, query: "updated_at:>='…'")`, so every change
 * (payment, refund, cancellation, edit) brings the order back; POS orders are included.
 */
import { ShopbooksError, asShopbooksError } from '../../model/errors';
import type { Order, TaxRate } from '../../model/order';
import type { OrderPage, OrderQuery, Source, SourceOrder } from '../port';
import { ShopifySourceConfig, type ShopifySourceConfigInput } from './config';
import { QueryTooCostly, ShopifyGraphqlClient } from './graphql-client';
import { mapShopifyOrder } from './map-order';
import {
  GqlOrder,
  GqlRefund,
  FIRST_REFUNDS,
  FIRST_TRANSACTIONS,
  ORDER_LINE_ITEMS_QUERY,
  ORDER_MORE_QUERY,
  OrderMoreData,
  ORDER_QUERY,
  ORDERS_COUNT_QUERY,
  ACCESS_SCOPES_QUERY,
  AccessScopesData,
  ORDERS_PAGE_QUERY,
  OrderData,
  OrderLineItemsData,
  OrdersCountData,
  OrdersPageData,
  REFUND_QUERY,
  RefundData,
  type GqlOrder as GqlOrderT,
  type GqlRefund as GqlRefundT,
} from './orders-query';

export { ShopifySourceConfig } from './config';
export { mapShopifyOrder } from './map-order';
export { verifyShopifyWebhook, shopifyWebhookOrderId } from './webhooks';

export interface ShopifySource extends Source {
  /** Requests answered THROTTLED so far, and milliseconds spent waiting for the cost bucket. */
  readonly throttledCount: number;
  readonly waitedMs: number;
}

/** Shopify search syntax for the query; dates floored to whole seconds (Shopify's precision). */
export function shopifySearchQuery(q: OrderQuery): string {
  const terms: string[] = ['status:any'];
  const sec = (iso: string) =>
    new Date(Math.floor(Date.parse(iso) / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  if (q.modifiedAfter) terms.push(`updated_at:>='${sec(q.modifiedAfter)}'`);
  if (q.modifiedBefore) terms.push(`updated_at:<='${sec(q.modifiedBefore)}'`);
  if (q.createdAfter) terms.push(`created_at:>='${sec(q.createdAfter)}'`);
  if (q.createdBefore) terms.push(`created_at:<='${sec(q.createdBefore)}'`);
  return terms.join(' ');
}

function inWindow(o: Order | null, raw: { updatedAt: string; createdAt: string }, q: OrderQuery): boolean {
  const u = Date.parse(raw.updatedAt);
  const c = Date.parse(raw.createdAt);
  if (q.modifiedAfter && !(u > Date.parse(q.modifiedAfter))) return false;
  if (q.modifiedBefore && !(u < Date.parse(q.modifiedBefore))) return false;
  if (q.createdAfter && !(c > Date.parse(q.createdAfter))) return false;
  if (q.createdBefore && !(c < Date.parse(q.createdBefore))) return false;
  if (q.statuses && o && !q.statuses.includes(o.status)) return false;
  return true;
}

export interface ShopifySourceDeps {
  /** Waits between retries (tests pass a recorder). */
  sleep?: (ms: number) => Promise<void>;
  /** The clock for the 60-day visibility check. */
  now?: () => number;
}

const SIXTY_DAYS_MS = 60 * 24 * 3600 * 1000;

export function createShopifySource(input: ShopifySourceConfigInput, deps: ShopifySourceDeps = {}): ShopifySource {
  const parsed = ShopifySourceConfig.safeParse(input);
  if (!parsed.success) {
    throw new ShopbooksError(
      'ConfigInvalid',
      `Shopify settings are not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
    );
  }
  const config = parsed.data;
  const base = (config.baseUrl ?? `https://${config.shopDomain}`).replace(/\/+$/, '');
  const client = new ShopifyGraphqlClient({
    endpoint: `${base}/admin/api/${config.apiVersion}/graphql.json`,
    accessToken: config.accessToken,
    maxAttempts: config.maxAttempts,
    timeoutMs: config.timeoutMs,
    sleep: deps.sleep,
  });
  const now = deps.now ?? Date.now;
  let scopes: Promise<Set<string>> | null = null;
  /** The token's scopes, asked once (only when it matters). */
  const grantedScopes = (): Promise<Set<string>> => {
    scopes ??= client
      .request('ShopbooksAccessScopes', ACCESS_SCOPES_QUERY, {})
      .then((d) => new Set(AccessScopesData.parse(d).currentAppInstallation.accessScopes.map((s) => s.handle)))
      .catch((e: unknown) => {
        scopes = null;
        throw e;
      });
    return scopes;
  };
  const MISSING_READ_ALL_ORDERS =
    'The Shopify access token lacks the read_all_orders scope, so Shopify shows only orders of the last 60 days';
  /**
   * Without read_all_orders Shopify silently leaves out orders created more than 60 days ago; a
   * sync that reaches back further would miss them without a word. Refuse it with the reason.
   */
  async function checkHistoryVisible(q: OrderQuery): Promise<void> {
    // The earliest order the query asks for: created after, else changed after (a first sync from
    // the start date), else everything. (Old orders changed recently are not checked: see docs.)
    const bound = q.createdAfter ?? q.modifiedAfter;
    const createdFrom = bound ? Date.parse(bound) : -Infinity;
    if (createdFrom >= now() - SIXTY_DAYS_MS) return;
    if ((await grantedScopes()).has('read_all_orders')) return;
    const since = Number.isFinite(createdFrom) ? ` (this sync reads from ${new Date(createdFrom).toISOString().slice(0, 10)})` : '';
    throw new ShopbooksError(
      'AuthFailed',
      `${MISSING_READ_ALL_ORDERS}${since}. Give the app the read_all_orders scope (Shopify admin → Apps → the Shopbooks app → API access), or set the start date within the last 60 days.`,
      { details: { missingScope: 'read_all_orders' } },
    );
  }
  const shopId = config.shopId ?? config.shopDomain;
  // The VAT-number metafield is always asked for (GraphQL has no optional fields); when the
  // setting is off its value is ignored.
  const vatVars = {
    vatNamespace: config.vatNumber.customerMetafield?.namespace ?? 'custom',
    vatKey: config.vatNumber.customerMetafield?.key ?? 'vat_number',
  };
  let pageSize = config.pageSize;
  let lineItemsPerOrder = config.lineItemsPerOrder;

  async function completeLineItems(o: GqlOrderT): Promise<GqlOrderT> {
    let conn = o.lineItems;
    const nodes = [...conn.nodes];
    while (conn.pageInfo.hasNextPage) {
      const data = OrderLineItemsData.parse(
        await client.request('ShopbooksOrderLineItems', ORDER_LINE_ITEMS_QUERY, {
          id: o.id,
          first: 50,
          after: conn.pageInfo.endCursor ?? null,
        }),
      );
      if (!data.order)
        throw new ShopbooksError(
          'RemoteNotFound',
          `Shopify order ${o.name} disappeared while reading its lines.`,
        );
      conn = data.order.lineItems;
      nodes.push(...conn.nodes);
    }
    return { ...o, lineItems: { pageInfo: { hasNextPage: false, endCursor: null }, nodes } };
  }

  /** Orders whose first batch of transactions or refund ids was full: read them all. */
  async function completeLists(o: GqlOrderT): Promise<GqlOrderT> {
    if (o.shippingLines.pageInfo.hasNextPage) {
      throw new ShopbooksError(
        'MalformedOrder',
        `Shopify order ${o.name} has more than 10 shipping lines; Shopbooks does not read that many.`,
      );
    }
    if (o.transactions.length < FIRST_TRANSACTIONS && o.refunds.length < FIRST_REFUNDS) return o;
    const data = OrderMoreData.parse(
      await client.request('ShopbooksOrderMore', ORDER_MORE_QUERY, { id: o.id }),
    );
    if (!data.order)
      throw new ShopbooksError(
        'RemoteNotFound',
        `Shopify order ${o.name} disappeared while reading its payments.`,
      );
    return { ...o, transactions: data.order.transactions, refunds: data.order.refunds };
  }

  async function loadRefunds(o: GqlOrderT): Promise<GqlRefundT[]> {
    const out: GqlRefundT[] = [];
    for (const { id } of o.refunds) {
      const data = RefundData.parse(await client.request('ShopbooksRefund', REFUND_QUERY, { id, lines: 50 }));
      if (!data.refund)
        throw new ShopbooksError(
          'RemoteNotFound',
          `Refund ${id} of Shopify order ${o.name} could not be read.`,
        );
      const r = GqlRefund.safeParse(data.refund);
      if (!r.success)
        throw new ShopbooksError(
          'RemoteBadResponse',
          `Shopify sent refund ${id} in an unexpected shape: ${r.error.issues[0]?.message ?? ''}`,
        );
      out.push(r.data);
    }
    return out;
  }

  async function toSourceOrder(rawNode: unknown): Promise<{ so: SourceOrder; node: GqlOrderT | null }> {
    const r = GqlOrder.safeParse(rawNode);
    const rec = (rawNode ?? {}) as Record<string, unknown>;
    const id = typeof rec.legacyResourceId === 'string' ? rec.legacyResourceId : String(rec.id ?? '?');
    const number = typeof rec.name === 'string' ? rec.name.replace(/^#/, '') : null;
    const modifiedAt = typeof rec.updatedAt === 'string' ? rec.updatedAt : null;
    if (!r.success) {
      const error = new ShopbooksError(
        'MalformedOrder',
        `Shopify order ${number ?? id} has an unexpected shape: ${r.error.issues
          .map((i) => `${i.path.join('.')} ${i.message}`)
          .slice(0, 3)
          .join('; ')}`,
      );
      return { so: { ok: false, id, number, modifiedAt, error }, node: null };
    }
    try {
      const full = await completeLists(await completeLineItems(r.data));
      const refunds = await loadRefunds(full);
      return {
        so: { ok: true, order: mapShopifyOrder(full, refunds, { shopId, vatNumber: config.vatNumber }) },
        node: full,
      };
    } catch (e) {
      const error = asShopbooksError(e);
      // Transport failures end the run (the cursor must not move past this order); data problems are per order.
      if (error.retryable || error.code === 'AuthFailed') throw error;
      return { so: { ok: false, id, number, modifiedAt, error }, node: r.data };
    }
  }

  async function fetchPage(vars: Record<string, unknown>) {
    for (;;) {
      try {
        return OrdersPageData.parse(
          await client.request('ShopbooksOrders', ORDERS_PAGE_QUERY, {
            ...vars,
            ...vatVars,
            first: pageSize,
            lineItems: lineItemsPerOrder,
          }),
        );
      } catch (e) {
        if (e instanceof QueryTooCostly && (pageSize > 1 || lineItemsPerOrder > 1)) {
          // Shrink the page to fit Shopify's single-query cost limit, then line items if needed.
          const factor = e.maxCost / Math.max(e.cost, 1);
          if (pageSize > 1) pageSize = Math.max(1, Math.floor(pageSize * factor * 0.9));
          else lineItemsPerOrder = Math.max(1, Math.floor(lineItemsPerOrder * factor * 0.9));
          continue;
        }
        throw e;
      }
    }
  }

  const source: ShopifySource = {
    platform: 'shopify',
    shopId,
    get callCount() {
      return client.callCount;
    },
    shopTime: () => client.clock.now(),
    get throttledCount() {
      return client.throttledCount;
    },
    get waitedMs() {
      return client.waitedMs;
    },

    async *listOrders(query: OrderQuery): AsyncIterable<OrderPage> {
      if (query.ids?.length) {
        const orders: SourceOrder[] = [];
        for (const id of query.ids) orders.push(await source.getOrder(id));
        yield { orders, page: 1, totalPages: 1, totalOrders: orders.length };
        return;
      }
      await checkHistoryVisible(query);
      const search = shopifySearchQuery(query);
      const count = OrdersCountData.parse(
        await client.request('ShopbooksOrdersCount', ORDERS_COUNT_QUERY, { query: search }),
      );
      const totalOrders = count.ordersCount?.count ?? 0;
      let after: string | null = null;
      let page = 0;
      for (;;) {
        const data = await fetchPage({ after, query: search });
        page += 1;
        const orders: SourceOrder[] = [];
        for (const node of data.orders.nodes) {
          const rec = node as { test?: unknown; updatedAt?: string; createdAt?: string };
          if (rec.test === true) continue; // test orders are never booked
          const { so } = await toSourceOrder(node);
          if (
            !inWindow(
              so.ok ? so.order : null,
              { updatedAt: rec.updatedAt ?? '', createdAt: rec.createdAt ?? '' },
              query,
            )
          )
            continue;
          orders.push(so);
        }
        const totalPages = Math.max(page, Math.ceil(totalOrders / pageSize));
        const more = data.orders.pageInfo.hasNextPage && !!data.orders.pageInfo.endCursor;
        yield { orders, page, totalPages: more ? totalPages : page, totalOrders };
        if (!more) return;
        after = data.orders.pageInfo.endCursor ?? null;
      }
    },

    async getOrder(id: string): Promise<SourceOrder> {
      const gid = id.startsWith('gid://') ? id : `gid://shopify/Order/${id}`;
      const data = OrderData.parse(
        await client.request('ShopbooksOrder', ORDER_QUERY, { id: gid, lineItems: lineItemsPerOrder, ...vatVars }),
      );
      if (!data.order) {
        const lacksScope = !(await grantedScopes()).has('read_all_orders');
        return {
          ok: false,
          id,
          number: null,
          modifiedAt: null,
          error: new ShopbooksError(
            'RemoteNotFound',
            lacksScope
              ? `Shopify does not show order ${id}. ${MISSING_READ_ALL_ORDERS}; give the app the read_all_orders scope to book older orders.`
              : `Shopify has no order ${id}.`,
          ),
        };
      }
      return (await toSourceOrder(data.order)).so;
    },

    /** Shopify has no tax-rate list in the Admin API; rates are read from each order's tax lines. */
    async listTaxRates(): Promise<TaxRate[]> {
      return [];
    },
  };
  return source;
}

/** For the CLI's `sourceFactories.shopify` (config without `platform`; validated here). */
export function shopifySourceFactory(config: Record<string, unknown>): Source {
  return createShopifySource(config as ShopifySourceConfigInput);
}
