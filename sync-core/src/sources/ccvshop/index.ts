/**
 * CCV Shop source (REST API v1, HMAC-SHA512 signed). CCV has no "modified since" filter, so
 * changed orders are found by the strategy in changes.ts and docs/sources.md: every run re-reads
 * the orders created recently, the unpaid orders, orders named by webhooks, and (every few hours)
 * the tracked orders that are still open, and hands out those whose fingerprint changed.
 */
import { ShopbooksError, asShopbooksError } from '../../model/errors';
import type { TaxRate } from '../../model/order';
import type { Store } from '../../store/port';
import type { OrderPage, OrderQuery, Source, SourceOrder } from '../port';
import { CcvShopSourceConfig, type CcvShopSourceConfigInput } from './config';
import { CcvShopClient } from './client';
import { CcvChangeTracker, type TrackedOrder } from './changes';
import { mapCcvOrder } from './map-order';

export { CcvShopSourceConfig } from './config';
export { mapCcvOrder, mapCcvState, ccvStatusName } from './map-order';
export { CcvChangeTracker, fingerprint } from './changes';
export { ccvHash, signRequest, ccvDate } from './signing';

type Json = Record<string, unknown>;

export interface CcvShopSourceDeps {
  /** Where the change tracker keeps its state across runs (the engine's store). */
  store?: Store;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Clock for request signing and pacing (tests with a simulated clock); Date.now by default. */
  clientNow?: () => number;
}

export interface CcvShopSource extends Source {
  /** Feed a webhook delivery (`orders.created`, `orders.updated.*`) so the order is re-read next run. */
  noteWebhook(event: string, payload: unknown): Promise<void>;
  readonly rateLimitedCount: number;
}

const DAY = 24 * 3600 * 1000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function createCcvShopSource(
  input: CcvShopSourceConfigInput,
  deps: CcvShopSourceDeps = {},
): CcvShopSource {
  const parsed = CcvShopSourceConfig.safeParse(input);
  if (!parsed.success) {
    throw new ShopbooksError(
      'ConfigInvalid',
      `CCV Shop settings are not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
    );
  }
  const cfg = parsed.data;
  const now = deps.now ?? Date.now;
  const base = cfg.baseUrl.replace(/\/+$/, '').replace(/\/api\/rest\/v1$/, '');
  const shopId = cfg.shopId ?? new URL(base).host;
  const client = new CcvShopClient({
    apiRoot: `${base}/api/rest/v1`,
    publicKey: cfg.publicKey,
    secretKey: cfg.secretKey,
    verifyResponses: cfg.verifyResponses,
    rateLimitWaitMs: cfg.rateLimitWaitMs,
    requestsPerMinute: cfg.requestsPerMinute,
    maxAttempts: cfg.maxAttempts,
    timeoutMs: cfg.timeoutMs,
    sleep: deps.sleep,
    now: deps.clientNow,
  });
  const tracker = new CcvChangeTracker(shopId, deps.store ?? null);

  const ordersPath = (params: Record<string, string>) =>
    `/orders/?${new URLSearchParams({ ...params, start: '0', size: String(cfg.pageSize) }).toString()}`;

  async function rowsOf(id: string): Promise<Json[]> {
    const rows: Json[] = [];
    for await (const items of client.collection<Json>(`/orders/${id}/orderrows/`)) rows.push(...items);
    return rows;
  }

  async function toSourceOrder(order: Json, rec: TrackedOrder): Promise<SourceOrder> {
    const id = String(order.id);
    const number = (order.ordernumber_full ?? order.ordernumber ?? null) as string | number | null;
    try {
      const rows = await rowsOf(id);
      return { ok: true, order: mapCcvOrder(order, rows, { shopId, modifiedAt: rec.d, paidAt: rec.p }) };
    } catch (e) {
      const error = asShopbooksError(e);
      if (error.retryable || error.code === 'AuthFailed') throw error;
      return { ok: false, id, number: number === null ? null : String(number), modifiedAt: rec.d, error };
    }
  }

  async function fetchById(id: string): Promise<Json | null> {
    try {
      return await client.request<Json>('GET', `/orders/${id}/`);
    } catch (e) {
      if (e instanceof ShopbooksError && e.code === 'RemoteNotFound') return null;
      throw e;
    }
  }

  const source: CcvShopSource = {
    platform: 'ccvshop',
    shopId,
    get callCount() {
      return client.callCount;
    },
    shopTime: () => client.clock.now(),
    get rateLimitedCount() {
      return client.rateLimitedCount;
    },

    async *listOrders(query: OrderQuery): AsyncIterable<OrderPage> {
      const runNow = iso(now());
      const st = await tracker.load();
      const candidates = new Map<string, Json>();
      const addAll = async (path: string) => {
        for await (const items of client.collection<Json>(path))
          for (const o of items) candidates.set(String(o.id), o);
      };
      if (query.ids?.length) {
        for (const id of query.ids) {
          const o = await fetchById(id);
          if (o) candidates.set(String(o.id), o);
        }
      } else if (!query.modifiedAfter) {
        // Backfill / first run: everything in the creation window.
        const p: Record<string, string> = { orderby: 'id' };
        if (query.createdAfter) p.min_create_date = query.createdAfter;
        if (query.createdBefore) p.max_create_date = query.createdBefore;
        await addAll(ordersPath(p));
      } else {
        const cursor = Date.parse(query.modifiedAfter);
        const t = now();
        await addAll(
          ordersPath({ min_create_date: iso(Math.min(cursor, t - cfg.recentDays * DAY)), orderby: 'id' }),
        );
        await addAll(
          ordersPath({ is_paid: 'false', min_create_date: iso(t - cfg.unpaidDays * DAY), orderby: 'id' }),
        );
        const byId = new Set<string>(Object.keys(st.hints));
        // Versions handed out after the cursor but perhaps never booked (a crash): hand them out again.
        for (const [id, rec] of Object.entries(st.orders)) if (Date.parse(rec.d) > cursor) byId.add(id);
        const rescanDue =
          !st.lastOpenRescan || t - Date.parse(st.lastOpenRescan) >= cfg.openRescanHours * 3600 * 1000;
        if (rescanDue) {
          for (const [id, rec] of Object.entries(st.orders)) if (rec.open) byId.add(id);
          st.lastOpenRescan = runNow;
        }
        for (const id of byId) {
          if (candidates.has(id)) continue;
          const o = await fetchById(id);
          if (o) candidates.set(id, o);
          else {
            delete st.orders[id];
            delete st.hints[id];
          }
        }
      }

      const cursor = query.modifiedAfter ? Date.parse(query.modifiedAfter) : null;
      const selected: Array<{ order: Json; rec: TrackedOrder }> = [];
      for (const order of candidates.values()) {
        if (order.is_completed === false) continue;
        const rec = await tracker.observe(order, runNow);
        if (cursor !== null && !(Date.parse(rec.d) > cursor)) continue;
        if (query.modifiedBefore && !(Date.parse(rec.d) < Date.parse(query.modifiedBefore))) continue;
        const created = Date.parse(String(order.create_date));
        if (query.createdAfter && !(created > Date.parse(query.createdAfter))) continue;
        if (query.createdBefore && !(created < Date.parse(query.createdBefore))) continue;
        if (query.statuses && !query.statuses.includes(String(order.status))) continue;
        selected.push({ order, rec });
      }
      if (cursor !== null)
        await tracker.prune(now() - Math.max(cfg.recentDays, cfg.unpaidDays) * DAY, cursor);
      // Persist what was seen before anything is handed out (see changes.ts).
      await tracker.save();

      selected.sort(
        (a, b) => Date.parse(a.rec.d) - Date.parse(b.rec.d) || Number(a.order.id) - Number(b.order.id),
      );
      const totalPages = Math.max(1, Math.ceil(selected.length / cfg.pageSize));
      for (let i = 0; i < selected.length || i === 0; i += cfg.pageSize) {
        const orders: SourceOrder[] = [];
        for (const { order, rec } of selected.slice(i, i + cfg.pageSize))
          orders.push(await toSourceOrder(order, rec));
        yield { orders, page: i / cfg.pageSize + 1, totalPages, totalOrders: selected.length };
        if (!selected.length) break;
      }
    },

    async getOrder(id: string): Promise<SourceOrder> {
      const order = await fetchById(id);
      if (!order)
        return {
          ok: false,
          id,
          number: null,
          modifiedAt: null,
          error: new ShopbooksError('RemoteNotFound', `CCV Shop has no order ${id}.`),
        };
      const rec = await tracker.observe(order, iso(now()));
      await tracker.save();
      return toSourceOrder(order, rec);
    },

    /** CCV Shop exposes no tax-rate list; rates come from each row's percentage. */
    async listTaxRates(): Promise<TaxRate[]> {
      return [];
    },

    async noteWebhook(event: string, payload: unknown): Promise<void> {
      const p = (payload ?? {}) as Json;
      const id = p.id;
      if ((typeof id !== 'number' && typeof id !== 'string') || !/^\d+$/.test(String(id))) {
        throw new ShopbooksError('MalformedOrder', `The CCV Shop webhook (${event}) carries no order id.`);
      }
      await tracker.hint({
        id: String(id),
        event,
        triggeredAt: typeof p.triggered_at === 'string' ? p.triggered_at : null,
        paid: typeof p.paid === 'boolean' ? p.paid : null,
      });
    },
  };
  return source;
}

/**
 * For the CLI's `sourceFactories.ccvshop` (config without `platform`; validated here). Pass the
 * engine's store so the change tracker survives between runs; without it, it lives in memory.
 */
export function ccvShopSourceFactory(config: Record<string, unknown>, store?: Store): Source {
  return createCcvShopSource(config as CcvShopSourceConfigInput, store ? { store } : {});
}
