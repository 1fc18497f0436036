/**
 * The only place that talks HTTP to Shopify. POSTs GraphQL documents with X-Shopify-Access-Token,
 * paces requests by the cost bucket Shopify reports in `extensions.cost.throttleStatus`, waits out
 * THROTTLED answers (HTTP 200 with errors[].extensions.code THROTTLED, or HTTP 429), retries
 * transient failures with backoff, and maps the rest to ShopbooksError values.
 */
import axios, { type AxiosInstance } from 'axios';
import { ShopbooksError } from '../../model/errors';
import { ShopClock } from '../shop-clock';

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

interface GqlError {
  message?: string;
  extensions?: { code?: string; cost?: number; maxCost?: number };
}

interface GqlResponse {
  data?: unknown;
  errors?: GqlError[] | string | Record<string, unknown>;
  extensions?: {
    cost?: { requestedQueryCost?: number; actualQueryCost?: number | null; throttleStatus?: ThrottleStatus };
  };
}

export class QueryTooCostly extends ShopbooksError {
  constructor(
    readonly cost: number,
    readonly maxCost: number,
  ) {
    super('RemoteValidation', `Shopify refused a query costing ${cost} points (limit ${maxCost}).`, {
      details: { cost, maxCost },
    });
  }
}

export interface ShopifyClientOptions {
  endpoint: string;
  accessToken: string;
  maxAttempts: number;
  timeoutMs: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class ShopifyGraphqlClient {
  private readonly http: AxiosInstance;
  private readonly sleep: (ms: number) => Promise<void>;
  /** Last bucket state Shopify reported, and when. */
  private bucket: { status: ThrottleStatus; at: number } | null = null;
  /** Requested cost last seen per operation, to pace the next identical request. */
  private readonly lastCost = new Map<string, number>();
  callCount = 0;
  /** The shop's clock from its responses' Date headers. */
  readonly clock = new ShopClock();
  throttledCount = 0;
  waitedMs = 0;

  constructor(private readonly opts: ShopifyClientOptions) {
    this.sleep = opts.sleep ?? defaultSleep;
    this.http = axios.create({
      timeout: opts.timeoutMs,
      validateStatus: () => true,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      // Shopify money amounts are strings; never let anything parse them as floats.
      transformResponse: [(d: unknown) => d],
    });
  }

  /** Points available now by our estimate (Shopify's last figure plus what has leaked back since). */
  private estimateAvailable(): number | null {
    if (!this.bucket) return null;
    const { status, at } = this.bucket;
    return Math.min(
      status.maximumAvailable,
      status.currentlyAvailable + ((Date.now() - at) / 1000) * status.restoreRate,
    );
  }

  private async pace(opName: string): Promise<void> {
    const need = this.lastCost.get(opName);
    const avail = this.estimateAvailable();
    if (need === undefined || avail === null || !this.bucket || avail >= need) return;
    const ms = Math.ceil(((need - avail) / this.bucket.status.restoreRate) * 1000);
    await this.wait(ms);
  }

  private async wait(ms: number): Promise<void> {
    this.waitedMs += ms;
    await this.sleep(ms);
  }

  async request<T = unknown>(opName: string, query: string, variables: Record<string, unknown>): Promise<T> {
    let lastError: ShopbooksError | null = null;
    for (let attempt = 1; attempt <= this.opts.maxAttempts; attempt++) {
      await this.pace(opName);
      this.callCount += 1;
      let status: number;
      let raw: unknown;
      let headers: Record<string, unknown>;
      try {
        const res = await this.http.post(
          this.opts.endpoint,
          JSON.stringify({ query, variables, operationName: opName }),
          {
            headers: { 'X-Shopify-Access-Token': this.opts.accessToken },
          },
        );
        status = res.status;
        raw = res.data;
        headers = res.headers as Record<string, unknown>;
        this.clock.note(headers);
      } catch (e) {
        lastError = new ShopbooksError(
          'RemoteUnavailable',
          `Shopify could not be reached (${(e as Error).message}).`,
          { retryable: true, cause: e },
        );
        await this.wait(backoff(attempt));
        continue;
      }
      if (status === 401 || status === 403) {
        throw new ShopbooksError(
          'AuthFailed',
          'Shopify refused the access token. Check the Admin API access token and its read_orders scope.',
          {
            remoteMessage: typeof raw === 'string' ? raw.slice(0, 300) : undefined,
            details: { status },
          },
        );
      }
      const body = parseJson(raw);
      const cost = body?.extensions?.cost;
      if (cost?.throttleStatus) this.bucket = { status: cost.throttleStatus, at: Date.now() };
      const refused =
        Array.isArray(body?.errors) && body.errors.some((e) => e.extensions?.code === 'MAX_COST_EXCEEDED');
      if (typeof cost?.requestedQueryCost === 'number' && !refused) {
        // Never wait for more than the bucket can hold.
        const cap = cost.throttleStatus?.maximumAvailable ?? cost.requestedQueryCost;
        this.lastCost.set(opName, Math.min(cost.requestedQueryCost, cap));
      }

      const throttled =
        status === 429 ||
        (Array.isArray(body?.errors) && body.errors.some((e) => e.extensions?.code === 'THROTTLED'));
      if (throttled) {
        this.throttledCount += 1;
        lastError = new ShopbooksError(
          'RateLimited',
          'Shopify kept throttling the requests; try again later.',
          { retryable: true },
        );
        const retryAfter = Number(headers['retry-after']);
        const t = cost?.throttleStatus;
        if (t && typeof cost?.requestedQueryCost === 'number' && cost.requestedQueryCost > t.maximumAvailable) {
          // The bucket can never hold this query: waiting would not help, a smaller query will.
          throw new QueryTooCostly(cost.requestedQueryCost, t.maximumAvailable);
        }
        let ms = 0;
        if (t && typeof cost?.requestedQueryCost === 'number') {
          ms =
            Math.ceil((Math.max(0, cost.requestedQueryCost - t.currentlyAvailable) / t.restoreRate) * 1000) +
            50;
        }
        // A 429's Retry-After is Shopify's own instruction: never retry sooner.
        if (Number.isFinite(retryAfter) && retryAfter > 0) ms = Math.max(ms, retryAfter * 1000);
        if (ms === 0) ms = backoff(attempt);
        await this.wait(ms);
        continue;
      }
      if (status >= 500 || status === 408) {
        lastError = new ShopbooksError('RemoteUnavailable', `Shopify answered HTTP ${status}; will retry.`, {
          retryable: true,
          details: { status },
        });
        await this.wait(backoff(attempt));
        continue;
      }
      if (status === 404)
        throw new ShopbooksError(
          'RemoteNotFound',
          'Shopify has no GraphQL endpoint at the configured address and API version.',
          { details: { status } },
        );
      if (status !== 200 || !body) {
        throw new ShopbooksError(
          'RemoteBadResponse',
          `Shopify answered HTTP ${status} with an unexpected body.`,
          {
            details: { status },
            remoteMessage: typeof raw === 'string' ? raw.slice(0, 300) : undefined,
          },
        );
      }
      if (body.errors && !Array.isArray(body.errors)) {
        throw new ShopbooksError('RemoteValidation', 'Shopify rejected the request.', {
          remoteMessage: JSON.stringify(body.errors).slice(0, 300),
        });
      }
      const errors = (body.errors ?? []) as GqlError[];
      const tooCostly = errors.find((e) => e.extensions?.code === 'MAX_COST_EXCEEDED');
      if (tooCostly)
        throw new QueryTooCostly(
          tooCostly.extensions?.cost ?? cost?.requestedQueryCost ?? 0,
          tooCostly.extensions?.maxCost ?? 1000,
        );
      if (errors.length) {
        throw new ShopbooksError('RemoteValidation', `Shopify returned GraphQL errors for ${opName}.`, {
          remoteMessage: errors
            .map((e) => e.message ?? '')
            .join('; ')
            .slice(0, 500),
        });
      }
      return body.data as T;
    }
    throw (
      lastError ?? new ShopbooksError('RemoteUnavailable', 'Shopify request failed.', { retryable: true })
    );
  }
}

function backoff(attempt: number): number {
  return Math.min(30000, 250 * 2 ** (attempt - 1)) + Math.floor(Math.random() * 100);
}

function parseJson(raw: unknown): GqlResponse | null {
  if (typeof raw !== 'string') return raw && typeof raw === 'object' ? (raw as GqlResponse) : null;
  try {
    const v: unknown = JSON.parse(raw);
    return v && typeof v === 'object' ? (v as GqlResponse) : null;
  } catch {
    return null;
  }
}
