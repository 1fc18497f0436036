/**
 * The CCV Shop REST API simulator (`/api/rest/v1/…`).
 *
 * - Every request must carry `x-public`, `x-date` and `x-hash` = hex(HMAC-SHA512(secret,
 *   public|METHOD|uri|body|x-date)) over the exact uri (with query string) and raw body; a stale
 *   `x-date` (beyond `maxClockSkewMs`) or a wrong hash is refused with 401.
 * - Responses are signed with `x-date`/`x-hash` over the response body.
 * - Per resource+method per-minute limits (429 with code 429.10) and a total limit (429.11).
 * - `GET /orders` with the documented filters (is_completed defaults to true), offset paging with
 *   `start`/`size` and `first`/`previous`/`next` links; `GET /orders/{id}`, `/orders/{id}/orderrows`,
 *   `/orderrows/{id}`, `PATCH /orders/{id}` (status, paid).
 */
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { expectedHash, hashMatches, readClientDate, serverDate } from './signature';
import { buildCcvOrder, type CcvJson, type CcvOrderSpec, type CcvStoredOrder } from './build-order';
import { dutchCcvOrderSpecs } from './seed';
import { generateCcvOrders } from './generate';

export interface CcvRateLimits {
  /** Requests per window per `${resource}:${METHOD}` (e.g. 'orders:GET'); default 150 GET, 100 writes. */
  perResource?: Record<string, number>;
  defaultGet?: number;
  defaultWrite?: number;
  /** Total requests per window across the API. */
  total?: number;
  /** Window length (60 000 ms in production). */
  windowMs?: number;
}

export interface CcvShopSimulatorOptions {
  publicKey?: string;
  secretKey?: string;
  /** Largest accepted difference between x-date and the simulator clock (default 5 minutes ⚠). */
  maxClockSkewMs?: number;
  /** The error code used for authentication failures (CCV's real code is not documented). */
  authErrorCode?: string;
  limits?: CcvRateLimits;
  seed?: boolean;
  orders?: CcvOrderSpec[];
  now?: () => number;
  /** Port on 127.0.0.1 (0 = any free port, the default; tests always use 0). */
  port?: number;
  /** Add this many generated orders (deterministic for a seed), see generate.ts. */
  generate?: { count: number; seed: number };
}

export interface CcvShopControls {
  readonly orders: Map<number, CcvStoredOrder>;
  addOrder(spec: CcvOrderSpec): CcvStoredOrder;
  /** Store raw resources as-is (e.g. the public fixture). */
  putRaw(order: CcvJson, rows: CcvJson[]): CcvStoredOrder;
  setStatus(id: number, status: number): CcvStoredOrder;
  setPaid(id: number, paid: boolean): CcvStoredOrder;
  /** Replace rows of a non-completed order and recompute its totals (like PATCH with orderrows). */
  editRows(id: number, rows: CcvOrderSpec['rows']): CcvStoredOrder;
  /** The slim webhook payload CCV would POST for an event. */
  webhookPayload(id: number, event: CcvWebhookEvent, previousStatus?: number): CcvJson;
  /**
   * Deliver the slim webhook payloads for `event` to `address`. ⚠ CCV's signing recipe for
   * deliveries is not documented; the simulator sends `x-hash` = hex(HMAC-SHA512(key, body)).
   */
  subscribeWebhook(event: CcvWebhookEvent, address: string, key: string): void;
  flushWebhooks(): Promise<void>;
  readonly webhookDeliveries: Array<{
    event: CcvWebhookEvent;
    address: string;
    status: number | null;
    error: string | null;
  }>;
}

export type CcvWebhookEvent =
  'orders.created' | 'orders.updated.ispaid' | 'orders.updated.status' | 'orders.updated.trackandtrace';

export interface CcvShopFaults {
  /** Sign the next n responses with a wrong hash. */
  badResponseSignature(n: number): void;
  /** Answer the next n requests with this status and a CCV error body. */
  failNext(n: number, status: number): void;
  /** Exhaust the current window of this resource+method ('orders:GET') or the total ('total'). */
  exhaust(key: string): void;
}

export interface CcvShopStats {
  requests: number;
  authFailures: Array<{ reason: string; uri: string }>;
  rateLimited: { '429.10': number; '429.11': number };
  byResource: Record<string, number>;
  uris: string[];
}

export interface CcvShopSimulator {
  url: string;
  apiRoot: string;
  publicKey: string;
  secretKey: string;
  close(): Promise<void>;
  shop: CcvShopControls;
  faults: CcvShopFaults;
  stats: CcvShopStats;
}

const PREFIX = '/api/rest/v1';

function errorBody(href: string, code: string, status: number, developermessage: string): CcvJson {
  return { href, code, status, developermessage, moreinfo: 'https://demo.ccvshop.nl/API/Docs/' };
}

export async function startCcvShopSimulator(opts: CcvShopSimulatorOptions = {}): Promise<CcvShopSimulator> {
  const now = opts.now ?? Date.now;
  const publicKey = opts.publicKey ?? 'pk_9f1c3a7e52b04d6e';
  const secretKey = opts.secretKey ?? 'sk_4e8a2d1b7c9f0e3a5b6d8c1f2e4a7b9c';
  const maxSkew = opts.maxClockSkewMs ?? 5 * 60 * 1000;
  const authCode = opts.authErrorCode ?? '401.10';
  const windowMs = opts.limits?.windowMs ?? 60_000;
  const orders = new Map<number, CcvStoredOrder>();
  const stats: CcvShopStats = {
    requests: 0,
    authFailures: [],
    rateLimited: { '429.10': 0, '429.11': 0 },
    byResource: {},
    uris: [],
  };
  let badSigs = 0;
  let failures = { n: 0, status: 503 };
  const counters = new Map<string, { window: number; count: number }>();
  let url = '';
  let apiRoot = '';

  const app = Fastify({ logger: false });
  // Keep the raw body: the signature covers the exact text sent.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  const send = (req: FastifyRequest, reply: FastifyReply, status: number, payload: unknown) => {
    const body = JSON.stringify(payload);
    const date = serverDate(now());
    let hash = expectedHash(secretKey, { publicKey, method: req.method, uri: req.url, body, date });
    if (badSigs > 0) {
      badSigs -= 1;
      hash = hash.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    }
    return reply
      .code(status)
      .header('content-type', 'application/json')
      .header('x-date', date)
      .header('x-hash', hash)
      .send(body);
  };

  const limitFor = (key: string, method: string): number => {
    const per = opts.limits?.perResource?.[key];
    if (per !== undefined) return per;
    return method === 'GET' ? (opts.limits?.defaultGet ?? 150) : (opts.limits?.defaultWrite ?? 100);
  };
  const hit = (key: string): number => {
    const w = Math.floor(now() / windowMs);
    const c = counters.get(key);
    if (!c || c.window !== w) {
      counters.set(key, { window: w, count: 1 });
      return 1;
    }
    c.count += 1;
    return c.count;
  };

  app.addHook('preHandler', async (req, reply) => {
    stats.requests += 1;
    stats.uris.push(req.url);
    if (failures.n > 0) {
      failures.n -= 1;
      return send(
        req,
        reply,
        failures.status,
        errorBody(`${url}${req.url}`, `${failures.status}.00`, failures.status, 'Temporary failure'),
      );
    }
    const pub = req.headers['x-public'];
    const date = req.headers['x-date'];
    const hash = req.headers['x-hash'];
    const fail = (reason: string) => {
      stats.authFailures.push({ reason, uri: req.url });
      return send(req, reply, 401, errorBody(`${url}${req.url}`, authCode, 401, reason));
    };
    if (typeof pub !== 'string' || typeof date !== 'string' || typeof hash !== 'string')
      return fail('Missing x-public, x-date or x-hash header.');
    if (pub !== publicKey) return fail('Unknown public key.');
    const t = readClientDate(date.trim());
    if (t === null) return fail('x-date is not an ISO-8601 date.');
    if (Math.abs(now() - t) > maxSkew) return fail('x-date is too far from the server time.');
    const body = typeof req.body === 'string' ? req.body : '';
    if (!hashMatches(secretKey, { publicKey, method: req.method, uri: req.url, body, date }, hash)) return fail('Hash does not match.');
    // Rate limits: per resource+method, then the total.
    const resource = (req.url.slice(PREFIX.length).split(/[/?]/).filter(Boolean)[0] ?? 'root').toLowerCase();
    const key = `${resource}:${req.method}`;
    stats.byResource[key] = (stats.byResource[key] ?? 0) + 1;
    if (hit(key) > limitFor(key, req.method)) {
      stats.rateLimited['429.10'] += 1;
      return send(
        req,
        reply,
        429,
        errorBody(
          `${url}${req.url}`,
          '429.10',
          429,
          `Rate limit for ${req.method} ${resource} exceeded (${limitFor(key, req.method)} per minute).`,
        ),
      );
    }
    const total = opts.limits?.total ?? 1000;
    if (hit('total') > total) {
      stats.rateLimited['429.11'] += 1;
      return send(
        req,
        reply,
        429,
        errorBody(`${url}${req.url}`, '429.11', 429, `Total rate limit exceeded (${total} per minute).`),
      );
    }
    return undefined;
  });

  const notFound = (req: FastifyRequest, reply: FastifyReply, what: string) =>
    send(req, reply, 404, errorBody(`${url}${req.url}`, '404.30', 404, `${what} not found.`));
  const getOrder = (id: string) => orders.get(Number(id));

  app.get(`${PREFIX}/`, async (req, reply) =>
    send(req, reply, 200, {
      href: `${apiRoot}/`,
      items: ['orders', 'orderrows', 'invoices', 'webhooks'].map((r) => ({
        href: `${apiRoot}/${r}/`,
        name: r,
      })),
    }),
  );

  const listOrders = async (req: FastifyRequest, reply: FastifyReply) => {
    const q = req.query as Record<string, string | undefined>;
    const start = Math.max(0, Number(q.start ?? 0) || 0);
    const size = Math.min(250, Math.max(1, Number(q.size ?? 25) || 25)); // ⚠ max believed 250
    const isCompleted =
      q.is_completed === undefined ? true : q.is_completed === 'true' || q.is_completed === '1';
    let list = [...orders.values()].map((s) => s.order).filter((o) => o.is_completed === isCompleted);
    if (q.status !== undefined) list = list.filter((o) => String(o.status) === q.status);
    if (q.is_paid !== undefined)
      list = list.filter((o) => o.paid === (q.is_paid === 'true' || q.is_paid === '1'));
    if (q.ordernumber !== undefined) list = list.filter((o) => String(o.ordernumber) === q.ordernumber);
    if (q.min_create_date !== undefined) {
      const t = Date.parse(q.min_create_date);
      if (Number.isNaN(t))
        return send(
          req,
          reply,
          400,
          errorBody(`${url}${req.url}`, '400.10', 400, 'min_create_date is not a date.'),
        );
      list = list.filter((o) => Date.parse(String(o.create_date)) >= t);
    }
    if (q.max_create_date !== undefined) {
      const t = Date.parse(q.max_create_date);
      if (Number.isNaN(t))
        return send(
          req,
          reply,
          400,
          errorBody(`${url}${req.url}`, '400.10', 400, 'max_create_date is not a date.'),
        );
      list = list.filter((o) => Date.parse(String(o.create_date)) <= t);
    }
    const orderby = q.orderby ?? 'id';
    const m = /^(id|ordernumber|create_date|deliver_date)(_desc)?$/.exec(orderby);
    if (!m)
      return send(
        req,
        reply,
        400,
        errorBody(
          `${url}${req.url}`,
          '400.10',
          400,
          `orderby must be id, ordernumber, create_date or deliver_date (optionally _desc).`,
        ),
      );
    const field = m[1];
    const dir = m[2] ? -1 : 1;
    const val = (o: CcvJson) =>
      field === 'create_date' || field === 'deliver_date'
        ? Date.parse(String(o[field] ?? '')) || 0
        : Number(o[field] ?? 0);
    list.sort((a, b) => (val(a) - val(b) || Number(a.id) - Number(b.id)) * dir);
    const page = list.slice(start, start + size);
    const link = (s: number) => {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(q))
        if (v !== undefined && k !== 'start' && k !== 'size') params.set(k, v);
      params.set('start', String(s));
      params.set('size', String(size));
      return `${apiRoot}/orders/?${params.toString()}`;
    };
    return send(req, reply, 200, {
      href: `${url}${req.url}`,
      start,
      size,
      first: link(0),
      previous: start > 0 ? link(Math.max(0, start - size)) : null,
      next: start + size < list.length ? link(start + size) : null,
      items: page,
    });
  };
  app.get(`${PREFIX}/orders`, listOrders);
  app.get(`${PREFIX}/orders/`, listOrders);

  const oneOrder = async (req: FastifyRequest, reply: FastifyReply) => {
    const o = getOrder((req.params as { id: string }).id);
    return o ? send(req, reply, 200, o.order) : notFound(req, reply, 'Order');
  };
  app.get(`${PREFIX}/orders/:id`, oneOrder);
  app.get(`${PREFIX}/orders/:id/`, oneOrder);

  const rowsOf = async (req: FastifyRequest, reply: FastifyReply) => {
    const o = getOrder((req.params as { id: string }).id);
    if (!o) return notFound(req, reply, 'Order');
    return send(req, reply, 200, {
      href: `${url}${req.url}`,
      start: 0,
      size: o.rows.length,
      first: null,
      previous: null,
      next: null,
      items: o.rows,
    });
  };
  app.get(`${PREFIX}/orders/:id/orderrows`, rowsOf);
  app.get(`${PREFIX}/orders/:id/orderrows/`, rowsOf);

  const oneRow = async (req: FastifyRequest, reply: FastifyReply) => {
    const id = Number((req.params as { id: string }).id);
    for (const o of orders.values()) {
      const r = o.rows.find((x) => x.id === id);
      if (r) return send(req, reply, 200, r);
    }
    return notFound(req, reply, 'Orderrow');
  };
  app.get(`${PREFIX}/orderrows/:id`, oneRow);
  app.get(`${PREFIX}/orderrows/:id/`, oneRow);

  const patchOrder = async (req: FastifyRequest, reply: FastifyReply) => {
    const o = getOrder((req.params as { id: string }).id);
    if (!o) return notFound(req, reply, 'Order');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(typeof req.body === 'string' ? req.body : '') as Record<string, unknown>;
    } catch {
      return send(req, reply, 400, errorBody(`${url}${req.url}`, '400.10', 400, 'Body is not valid JSON.'));
    }
    if (body.status !== undefined) {
      if (!Number.isInteger(body.status) || (body.status as number) < 1 || (body.status as number) > 14) {
        return send(
          req,
          reply,
          400,
          errorBody(`${url}${req.url}`, '400.10', 400, 'status must be an integer from 1 to 14.'),
        );
      }
      o.order.status = body.status;
    }
    if (body.paid !== undefined) {
      if (typeof body.paid !== 'boolean')
        return send(req, reply, 400, errorBody(`${url}${req.url}`, '400.10', 400, 'paid must be a boolean.'));
      o.order.paid = body.paid;
    }
    const date = serverDate(now());
    return reply
      .code(204)
      .header('x-date', date)
      .header('x-hash', expectedHash(secretKey, { publicKey, method: req.method, uri: req.url, body: '', date }))
      .send();
  };
  app.patch(`${PREFIX}/orders/:id`, patchOrder);
  app.patch(`${PREFIX}/orders/:id/`, patchOrder);

  app.setNotFoundHandler((req, reply) =>
    send(req, reply, 404, errorBody(`${url}${req.url}`, '404.20', 404, 'Invalid resource name.')),
  );

  await app.listen({ host: '127.0.0.1', port: opts.port ?? 0 });
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  apiRoot = `${url}${PREFIX}`;

  const get = (id: number) => {
    const o = orders.get(id);
    if (!o) throw new Error(`no simulated CCV order ${id}`);
    return o;
  };
  const specs = new Map<number, CcvOrderSpec>();
  const subscriptions: Array<{ event: CcvWebhookEvent; address: string; key: string }> = [];
  const deliveries: CcvShopControls['webhookDeliveries'] = [];
  let pending: Promise<unknown>[] = [];
  const emit = (event: CcvWebhookEvent, id: number, previousStatus?: number) => {
    for (const sub of subscriptions.filter((x) => x.event === event)) {
      const body = JSON.stringify(shop.webhookPayload(id, event, previousStatus));
      const d = { event, address: sub.address, status: null as number | null, error: null as string | null };
      deliveries.push(d);
      pending.push(
        fetch(sub.address, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'x-hash': createHmac('sha512', sub.key).update(body).digest('hex'),
          },
          body,
        })
          .then(async (res) => {
            d.status = res.status;
            await res.arrayBuffer();
          })
          .catch((e: Error) => {
            d.error = e.message;
          }),
      );
    }
  };
  const shop: CcvShopControls = {
    orders,
    addOrder(spec) {
      if (orders.has(spec.id)) throw new Error(`order ${spec.id} exists`);
      const built = buildCcvOrder(spec, apiRoot);
      orders.set(spec.id, built);
      specs.set(spec.id, spec);
      if (built.order.is_completed === true) emit('orders.created', spec.id);
      return built;
    },
    putRaw(order, rows) {
      const s = { order, rows };
      orders.set(Number(order.id), s);
      return s;
    },
    setStatus(id, status) {
      const o = get(id);
      const previous = Number(o.order.status);
      o.order.status = status;
      emit('orders.updated.status', id, previous);
      return o;
    },
    setPaid(id, paid) {
      const o = get(id);
      o.order.paid = paid;
      if (paid && !o.order.transaction_id) o.order.transaction_id = `tr_${id}`;
      emit('orders.updated.ispaid', id);
      return o;
    },
    editRows(id, rows) {
      const old = get(id);
      const spec = specs.get(id);
      if (!spec) throw new Error('only orders added from a spec can be edited');
      if (old.order.status === 7) throw new Error('order rows of a completed order cannot be changed');
      const next = { ...spec, rows, status: Number(old.order.status), paid: old.order.paid === true };
      const built = buildCcvOrder(next, apiRoot);
      specs.set(id, next);
      orders.set(id, built);
      return built;
    },
    subscribeWebhook(event, address, key) {
      subscriptions.push({ event, address, key });
    },
    async flushWebhooks() {
      const p = pending;
      pending = [];
      await Promise.all(p);
    },
    webhookDeliveries: deliveries,
    webhookPayload(id, event, previousStatus) {
      const o = get(id).order;
      const customer = o.customer as { email?: string };
      const base: CcvJson = {
        triggered_at: new Date(now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        href: `${apiRoot}/orders/${id}`,
        id,
        order_number: o.ordernumber,
        ordernumber_prefix: o.ordernumber_prefix,
        ordernumber_full: o.ordernumber_full,
        total_price: o.total_price,
      };
      if (event === 'orders.updated.status')
        Object.assign(base, { previous_status: previousStatus ?? 1, status: o.status });
      if (event === 'orders.updated.ispaid') Object.assign(base, { paid: o.paid });
      if (event === 'orders.updated.trackandtrace')
        Object.assign(base, {
          track_and_trace_code: o.track_and_trace_code,
          track_and_trace_carrier: o.track_and_trace_carrier,
        });
      return { ...base, customer_email: customer.email ?? '', customer_mobile: '' };
    },
  };
  if (opts.seed ?? true) for (const spec of dutchCcvOrderSpecs()) shop.addOrder(spec);
  for (const spec of opts.orders ?? []) shop.addOrder(spec);
  for (const spec of opts.generate ? generateCcvOrders(opts.generate.count, opts.generate.seed) : [])
    shop.addOrder(spec);

  return {
    url,
    apiRoot,
    publicKey,
    secretKey,
    close: () => app.close(),
    shop,
    faults: {
      badResponseSignature: (n) => {
        badSigs = n;
      },
      failNext: (n, status) => {
        failures = { n, status };
      },
      exhaust: (key) => {
        counters.set(key, { window: Math.floor(now() / windowMs), count: Number.MAX_SAFE_INTEGER / 2 });
      },
    },
    stats,
  };
}
