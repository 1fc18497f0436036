/**
 * The Shopify Admin GraphQL simulator.
 *
 * `POST /admin/api/{version}/graphql.json` with `X-Shopify-Access-Token`: queries are parsed and
 * validated against `schema.ts` by graphql-js (unknown fields → GraphQL-shaped errors with HTTP
 * 200), costed and charged to a leaky bucket (THROTTLED with HTTP 200 by default, 429 as an
 * option), and resolved over the stored orders. `POST /admin/oauth/access_token` issues 24-hour
 * client-credentials tokens. Orders older than 60 days are invisible without `read_all_orders`.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  execute,
  type FragmentDefinitionNode,
  type GraphQLError,
  Kind,
  type OperationDefinitionNode,
  parse,
  validate,
  type DocumentNode,
} from 'graphql';
import { shopifySchema } from './schema';
import { actualQueryCost, CostBucket, CostError, MAX_SINGLE_QUERY_COST, requestedQueryCost } from './cost';
import { parseOrderSearch } from './search-query';
import {
  addRefund,
  buildOrder,
  cancelOrder,
  markPaid,
  maxIso,
  type OrderSpec,
  type RefundSpec,
} from './build-order';
import type { SimCustomer, SimLineItem, SimOrder, SimRefund } from './types';
import { seedDutchShop } from './seed';
import { generateShopifyOrders } from './generate';
import {
  restOrder,
  restRefund,
  ShopifyWebhookSender,
  type ShopifyWebhookTopic,
  type WebhookDelivery,
} from './webhooks';

export interface ShopifySimulatorOptions {
  /** Access tokens accepted as-is (admin-created custom app tokens, `shpat_…`). */
  accessTokens?: string[];
  /** Credentials for the client-credentials grant (Dev Dashboard apps). */
  clientId?: string;
  clientSecret?: string;
  shopDomain?: string;
  shopName?: string;
  currency?: string;
  /** Leaky bucket (defaults: 1000 points, 50 points/s — the classic Standard plan figures). */
  bucketSize?: number;
  restoreRate?: number;
  /** Answer THROTTLED with HTTP 429 (and a Retry-After header) instead of 200. */
  throttleWith429?: boolean;
  /** Seconds in the Retry-After header of a 429 (default 1). */
  retryAfterSeconds?: number;
  /** Without it, orders created more than 60 days before `now()` are invisible. Default true. */
  readAllOrders?: boolean;
  /** Seed with the built-in Dutch orders (default true). */
  seed?: boolean;
  /** Extra orders to start with. */
  orders?: OrderSpec[];
  now?: () => number;
  /** Port on 127.0.0.1 (0 = any free port, the default; tests always use 0). */
  port?: number;
  /** Add this many generated orders (deterministic for a seed), see generate.ts. */
  generate?: { count: number; seed: number };
}

export interface ShopifySimulatorStats {
  requests: number;
  graphqlRequests: number;
  throttled: number;
  unauthorized: number;
  costCharged: number;
  lastRequestedCost: number | null;
  queries: string[];
}

export interface ShopifyShopControls {
  readonly orders: Map<string, SimOrder>;
  addOrder(spec: OrderSpec): SimOrder;
  /** Store a prebuilt order (e.g. converted from a fixture). */
  putOrder(order: SimOrder): SimOrder;
  getOrder(legacyId: string | number): SimOrder;
  refund(legacyId: string | number, spec: RefundSpec): SimRefund;
  markPaid(legacyId: string | number, at: string, gateway?: string): SimOrder;
  cancel(legacyId: string | number, at: string): SimOrder;
  /** Bump updatedAt (e.g. a note edit) without changing money. */
  touch(legacyId: string | number, at: string): SimOrder;
  lineItem(legacyId: string | number, index: number): SimLineItem;
  /** Deliver REST-shaped, HMAC-signed webhooks for this topic to `address`. */
  subscribeWebhook(topic: ShopifyWebhookTopic, address: string, secret: string): void;
  /** Wait until every delivery started so far has been answered. */
  flushWebhooks(): Promise<void>;
  readonly webhookDeliveries: WebhookDelivery[];
}

export interface ShopifySimulatorFaults {
  /** The next n GraphQL requests answer THROTTLED regardless of the bucket. */
  throttleNext(n: number): void;
  /** The next n requests answer this HTTP status (e.g. 502, 503) with an HTML-ish body. */
  failNext(n: number, status: number): void;
  /** Empty the bucket now. */
  drainBucket(): void;
  /** The next n webhook events are delivered twice with the same X-Shopify-Event-Id. */
  duplicateWebhooks(n: number): void;
}

export interface ShopifySimulator {
  url: string;
  graphqlUrl(version?: string): string;
  shopDomain: string;
  accessToken: string;
  close(): Promise<void>;
  shop: ShopifyShopControls;
  faults: ShopifySimulatorFaults;
  stats: ShopifySimulatorStats;
  bucket: CostBucket;
}

const API_VERSION_RE = /^(\d{4}-(01|04|07|10)|unstable)$/;
const SIXTY_DAYS_MS = 60 * 24 * 3600 * 1000;

function encodeCursor(parts: Array<string | number>): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}
function decodeCursor(c: string): Array<string | number> {
  try {
    const v: unknown = JSON.parse(Buffer.from(c, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2) return v as Array<string | number>;
  } catch {
    /* fall through */
  }
  throw new Error(`Invalid cursor for current pagination sort.`);
}

interface ConnArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
  reverse?: boolean | null;
}

/** Relay connection over an in-memory list, keyed by position. */
function connection<T>(
  items: T[],
  args: ConnArgs,
  view: (t: T) => unknown,
  key: (t: T, i: number) => Array<string | number>,
) {
  if (args.first == null && args.last == null) throw new Error('you must provide one of first or last');
  const list = args.reverse ? [...items].reverse() : items;
  const keyed = list.map((t, i) => ({ t, c: encodeCursor(key(t, i)) }));
  let start = 0;
  if (args.after) {
    decodeCursor(args.after);
    const idx = keyed.findIndex((k) => k.c === args.after);
    if (idx < 0) throw new Error('Invalid cursor for current pagination sort.');
    start = idx + 1;
  }
  let slice = keyed.slice(start);
  let hasNext = false;
  if (args.first != null) {
    hasNext = slice.length > args.first;
    slice = slice.slice(0, args.first);
  } else if (args.last != null) {
    slice = slice.slice(Math.max(0, slice.length - args.last));
  }
  return {
    edges: slice.map((k) => ({ cursor: k.c, node: view(k.t) })),
    nodes: slice.map((k) => view(k.t)),
    pageInfo: {
      hasNextPage: hasNext,
      hasPreviousPage: start > 0,
      startCursor: slice[0]?.c ?? null,
      endCursor: slice[slice.length - 1]?.c ?? null,
    },
  };
}

function lineItemView(li: SimLineItem) {
  return {
    ...li,
    taxLines: (args: { first?: number }) =>
      args.first != null ? li.taxLines.slice(0, args.first) : li.taxLines,
  };
}

function refundView(r: SimRefund) {
  const byIndex = <T>(_t: T, i: number) => [r.id, i];
  return {
    ...r,
    refundLineItems: (args: ConnArgs) =>
      connection(r.refundLineItems, args, (x) => ({ ...x, lineItem: lineItemView(x.lineItem) }), byIndex),
    refundShippingLines: (args: ConnArgs) => connection(r.refundShippingLines, args, (x) => x, byIndex),
    orderAdjustments: (args: ConnArgs) => connection(r.orderAdjustments, args, (x) => x, byIndex),
    transactions: (args: ConnArgs) => connection(r.transactions, args, (x) => x, byIndex),
  };
}

function customerView(c: SimCustomer | null) {
  if (!c) return null;
  return {
    ...c,
    metafield: (args: { namespace?: string | null; key: string }) =>
      c.metafields.find((m) => m.namespace === (args.namespace ?? '$app') && m.key === args.key) ?? null,
  };
}

function orderView(o: SimOrder) {
  const byIndex = <T>(_t: T, i: number) => [o.id, i];
  return {
    ...o,
    customer: customerView(o.customer),
    lineItems: (args: ConnArgs) => connection(o.lineItems, args, lineItemView, byIndex),
    shippingLines: (args: ConnArgs & { includeRemovals?: boolean }) =>
      connection(
        args.includeRemovals ? o.shippingLines : o.shippingLines.filter((s) => !s.isRemoved),
        args,
        (x) => x,
        byIndex,
      ),
    refunds: (args: { first?: number }) =>
      (args.first != null ? o.refunds.slice(0, args.first) : o.refunds).map(refundView),
    transactions: (args: { first?: number }) =>
      args.first != null ? o.transactions.slice(0, args.first) : o.transactions,
  };
}

const SORT_FIELDS: Record<string, (o: SimOrder) => string | number> = {
  UPDATED_AT: (o) => Date.parse(o.updatedAt),
  CREATED_AT: (o) => Date.parse(o.createdAt),
  PROCESSED_AT: (o) => Date.parse(o.processedAt),
  ID: (o) => Number(o.legacyResourceId),
  NUMBER: (o) => Number(o.name.replace(/\D/g, '')),
  TOTAL_PRICE: (o) => Number(o.totalPriceSet.shopMoney.amount.replace('.', '')),
};

export async function startShopifySimulator(opts: ShopifySimulatorOptions = {}): Promise<ShopifySimulator> {
  const now = opts.now ?? Date.now;
  const shopDomain = opts.shopDomain ?? 'de-groene-winkel.myshopify.com';
  const accessToken = opts.accessTokens?.[0] ?? `shpat_${randomBytes(16).toString('hex')}`;
  const staticTokens = new Set(opts.accessTokens ?? [accessToken]);
  const issued = new Map<string, number>(); // client-credentials token -> expiry (ms)
  const bucket = new CostBucket(opts.bucketSize ?? 1000, opts.restoreRate ?? 50, now);
  const readAll = opts.readAllOrders ?? true;
  const orders = new Map<string, SimOrder>();
  const stats: ShopifySimulatorStats = {
    requests: 0,
    graphqlRequests: 0,
    throttled: 0,
    unauthorized: 0,
    costCharged: 0,
    lastRequestedCost: null,
    queries: [],
  };
  let forcedThrottles = 0;
  let forcedFailures: { n: number; status: number } = { n: 0, status: 503 };

  const get = (id: string | number): SimOrder => {
    const o = orders.get(String(id));
    if (!o) throw new Error(`no simulated Shopify order ${id}`);
    return o;
  };
  const webhooks = new ShopifyWebhookSender(shopDomain, '2025-01');
  const emitOrder = (topics: ShopifyWebhookTopic[], o: SimOrder, at: string) => {
    for (const t of topics) webhooks.emit(t, o, restOrder(o), at);
  };
  const shop: ShopifyShopControls = {
    orders,
    addOrder(spec) {
      return shop.putOrder(buildOrder({ currency: opts.currency ?? 'EUR', ...spec }));
    },
    putOrder(order) {
      if (orders.has(order.legacyResourceId)) throw new Error(`order ${order.legacyResourceId} exists`);
      orders.set(order.legacyResourceId, order);
      emitOrder(
        order.displayFinancialStatus === 'PAID' ? ['orders/create', 'orders/paid'] : ['orders/create'],
        order,
        order.createdAt,
      );
      return order;
    },
    getOrder: get,
    refund: (id, spec) => {
      const o = get(id);
      const r = addRefund(o, spec);
      webhooks.emit('refunds/create', o, restRefund(o, r), spec.createdAt);
      emitOrder(['orders/updated'], o, spec.createdAt);
      return r;
    },
    markPaid(id, at, gateway) {
      const o = get(id);
      markPaid(o, at, gateway);
      emitOrder(['orders/paid', 'orders/updated'], o, at);
      return o;
    },
    cancel(id, at) {
      const o = get(id);
      cancelOrder(o, at);
      emitOrder(['orders/cancelled', 'orders/updated'], o, at);
      return o;
    },
    touch(id, at) {
      const o = get(id);
      o.updatedAt = maxIso(o.updatedAt, at);
      emitOrder(['orders/updated'], o, at);
      return o;
    },
    lineItem: (id, index) => get(id).lineItems[index],
    subscribeWebhook: (topic, address, secret) => webhooks.subscribe({ topic, address, secret }),
    flushWebhooks: () => webhooks.flush(),
    webhookDeliveries: webhooks.deliveries,
  };
  if (opts.seed ?? true) {
    seedDutchShop(shop);
  }
  for (const spec of opts.orders ?? []) shop.addOrder(spec);
  for (const g of opts.generate ? generateShopifyOrders(opts.generate.count, opts.generate.seed) : []) {
    const o = shop.addOrder(g.spec);
    if (g.refundAfterMs !== null && o.displayFinancialStatus === 'PAID') {
      const at = new Date(Date.parse(o.createdAt) + g.refundAfterMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
      shop.refund(o.legacyResourceId, {
        createdAt: at,
        note: 'Retour',
        lines: [{ lineItemId: o.lineItems[0].id, quantity: 1 }],
      });
    }
  }

  const visible = (o: SimOrder) => readAll || now() - Date.parse(o.createdAt) <= SIXTY_DAYS_MS;

  const rootValue = {
    currentAppInstallation: () => ({
      id: 'gid://shopify/AppInstallation/1',
      accessScopes: (readAll ? ['read_orders', 'read_all_orders'] : ['read_orders']).map((handle) => ({
        handle,
        description: handle === 'read_all_orders' ? 'Read all orders' : 'Read orders',
      })),
    }),
    shop: () => ({
      id: 'gid://shopify/Shop/1',
      name: opts.shopName ?? 'De Groene Winkel',
      myshopifyDomain: shopDomain,
      currencyCode: opts.currency ?? 'EUR',
      ianaTimezone: 'Europe/Amsterdam',
    }),
    order: (args: { id: string }) => {
      const m = /^gid:\/\/shopify\/Order\/(\d+)$/.exec(args.id);
      if (!m) throw new Error(`Invalid global id '${args.id}'`);
      const o = orders.get(m[1]);
      return o && visible(o) ? orderView(o) : null;
    },
    refund: (args: { id: string }) => {
      for (const o of orders.values()) {
        if (!visible(o)) continue;
        const r = o.refunds.find((x) => x.id === args.id);
        if (r) return refundView(r);
      }
      return null;
    },
    orders: (args: ConnArgs & { sortKey?: string; query?: string }, ctx: { warnings: unknown[] }) => {
      const { predicate, warnings } = parseOrderSearch(args.query);
      if (warnings.length) ctx.warnings.push({ path: ['orders'], query: args.query, warnings });
      const sortKey = args.sortKey ?? 'ID';
      const f = SORT_FIELDS[sortKey] ?? SORT_FIELDS.ID;
      const list = [...orders.values()].filter((o) => visible(o) && predicate(o));
      list.sort((a, b) => {
        const fa = f(a);
        const fb = f(b);
        if (fa !== fb) return fa < fb ? -1 : 1;
        return Number(a.legacyResourceId) - Number(b.legacyResourceId);
      });
      return connection(list, args, orderView, (o) => [f(o), Number(o.legacyResourceId)]);
    },
    ordersCount: (args: { query?: string; limit?: number }) => {
      const { predicate } = parseOrderSearch(args.query);
      const n = [...orders.values()].filter((o) => visible(o) && predicate(o)).length;
      const limit = args.limit ?? 10000;
      return { count: Math.min(n, limit), precision: n > limit ? 'AT_LEAST' : 'EXACT' };
    },
  };

  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: 1024 * 1024 });

  app.addHook('onRequest', async (req, reply) => {
    stats.requests += 1;
    if (forcedFailures.n > 0) {
      forcedFailures.n -= 1;
      return reply
        .code(forcedFailures.status)
        .type('text/html')
        .send(`<html><body>${forcedFailures.status} Service Unavailable</body></html>`);
    }
    return undefined;
  });

  app.post('/admin/oauth/access_token', async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (
      body.grant_type !== 'client_credentials' ||
      !opts.clientId ||
      body.client_id !== opts.clientId ||
      body.client_secret !== opts.clientSecret
    ) {
      return reply
        .code(400)
        .send({ error: 'invalid_client', error_description: 'Client authentication failed.' });
    }
    const token = `shpat_${randomBytes(16).toString('hex')}`;
    issued.set(token, now() + 86399 * 1000);
    return {
      access_token: token,
      scope: readAll ? 'read_orders,read_all_orders' : 'read_orders',
      expires_in: 86399,
    };
  });

  app.post('/admin/api/:version/graphql.json', async (req, reply) => {
    const { version } = req.params as { version: string };
    if (!API_VERSION_RE.test(version)) return reply.code(404).send({ errors: 'Not Found' });
    const token = req.headers['x-shopify-access-token'];
    const tokenOk =
      typeof token === 'string' && (staticTokens.has(token) || (issued.get(token) ?? 0) > now());
    if (!tokenOk) {
      stats.unauthorized += 1;
      return reply
        .code(401)
        .send({ errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
    }
    stats.graphqlRequests += 1;
    const body = req.body as { query?: unknown; variables?: unknown; operationName?: unknown } | undefined;
    if (!body || typeof body.query !== 'string' || !body.query.trim()) {
      return reply.code(400).send({ errors: { query: 'Required parameter missing or invalid' } });
    }
    stats.queries.push(body.query);
    const variables =
      body.variables && typeof body.variables === 'object' ? (body.variables as Record<string, unknown>) : {};
    let doc: DocumentNode;
    try {
      doc = parse(body.query);
    } catch (e) {
      const ge = e as GraphQLError;
      return {
        errors: [{ message: ge.message, locations: ge.locations ?? [], extensions: { code: 'parseError' } }],
      };
    }
    const schema = shopifySchema();
    const verrs = validate(schema, doc);
    if (verrs.length) {
      return {
        errors: verrs.map((v) => {
          const m = /^Cannot query field "(\w+)" on type "(\w+)"/.exec(v.message);
          return m
            ? {
                message: `Field '${m[1]}' doesn't exist on type '${m[2]}'`,
                locations: v.locations ?? [],
                path: [],
                extensions: { code: 'undefinedField', typeName: m[2], fieldName: m[1] },
              }
            : { message: v.message, locations: v.locations ?? [], extensions: { code: 'validationError' } };
        }),
      };
    }
    if (doc.definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION && d.operation !== 'query')) {
      return {
        errors: [{ message: 'The simulator only serves queries.', extensions: { code: 'NOT_SUPPORTED' } }],
      };
    }
    const ops = doc.definitions.filter(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
    const opName = typeof body.operationName === 'string' ? body.operationName : undefined;
    const op = opName ? ops.find((o) => o.name?.value === opName) : ops[0];
    if (!op) return { errors: [{ message: `Unknown operation named "${opName}".` }] };
    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
    let requested: number;
    try {
      requested = requestedQueryCost(schema, op, fragments, variables);
    } catch (e) {
      if (e instanceof CostError)
        return { errors: [{ message: e.message, extensions: { code: 'BAD_REQUEST' } }] };
      throw e;
    }
    stats.lastRequestedCost = requested;
    if (requested > MAX_SINGLE_QUERY_COST) {
      return {
        errors: [
          {
            message: `Query cost is ${requested}, which exceeds the single query max cost limit (${MAX_SINGLE_QUERY_COST}).`,
            extensions: { code: 'MAX_COST_EXCEEDED', cost: requested, maxCost: MAX_SINGLE_QUERY_COST },
          },
        ],
        extensions: {
          cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: bucket.status() },
        },
      };
    }
    if (forcedThrottles > 0 || !bucket.canSpend(requested)) {
      if (forcedThrottles > 0) forcedThrottles -= 1;
      stats.throttled += 1;
      if (opts.throttleWith429) void reply.header('Retry-After', String(opts.retryAfterSeconds ?? 1));
      return reply.code(opts.throttleWith429 ? 429 : 200).send({
        errors: [
          {
            message: 'Throttled',
            extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' },
          },
        ],
        extensions: {
          cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: bucket.status() },
        },
      });
    }
    const ctx = { warnings: [] as unknown[] };
    const result = await execute({
      schema,
      document: doc,
      rootValue,
      contextValue: ctx,
      variableValues: variables,
      operationName: opName,
    });
    const actual = Math.min(requested, actualQueryCost(result.data ?? null));
    bucket.spend(actual);
    stats.costCharged += actual;
    const out: Record<string, unknown> = {};
    if (result.errors?.length)
      out.errors = result.errors.map((e) => ({
        message: e.message,
        locations: e.locations ?? [],
        path: e.path ?? [],
      }));
    out.data = result.data ?? null;
    out.extensions = {
      cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: bucket.status() },
      ...(ctx.warnings.length ? { search: ctx.warnings } : {}),
    };
    return out;
  });

  await app.listen({ host: '127.0.0.1', port: opts.port ?? 0 });
  const addr = app.server.address() as AddressInfo;
  const url = `http://127.0.0.1:${addr.port}`;
  return {
    url,
    graphqlUrl: (v = '2025-01') => `${url}/admin/api/${v}/graphql.json`,
    shopDomain,
    accessToken,
    close: () => app.close(),
    shop,
    faults: {
      throttleNext: (n) => {
        forcedThrottles = n;
      },
      failNext: (n, status) => {
        forcedFailures = { n, status };
      },
      drainBucket: () => bucket.drain(),
      duplicateWebhooks: (n) => {
        webhooks.duplicates = n;
      },
    },
    stats,
    bucket,
  };
}
