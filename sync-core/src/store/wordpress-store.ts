/**
 * The Store port over the WordPress plugin's REST routes (plugin mode): the plugin owns the
 * ledger, cursors, mappings, tokens, locks and run log in its own tables, and the sync core reaches
 * them as the dedicated sync user with an application password (HTTP Basic).
 *
 * Routes: `shopbooks/v1/store/*` (docs/rest-api.md). Requests go through `?rest_route=` so they
 * work with and without pretty permalinks.
 *
 * Atomicity lives in the plugin (row locks for claims, one `UPDATE … WHERE version = ?` for the
 * token compare-and-swap, one `INSERT … ON DUPLICATE KEY UPDATE` for locks). This adapter only
 * retries what is safe to repeat: reads, claims by the same run (re-entrant), updates (same patch),
 * locks by the same owner, unlocks. A token compare-and-swap and `startRun` are never repeated
 * blindly: their outcome would be ambiguous.
 */
import { randomUUID } from 'node:crypto';
import axios, { AxiosError, type AxiosInstance } from 'axios';
import { z } from 'zod';
import { ShopbooksError } from '../model/errors';
import type { ClaimResult, LedgerEntry, LedgerStatus, RunRecord, Store, TokenRecord } from './port';
import { claimLost } from './memory-store';
import { newProcessRunId, processRunIsAlive } from './run-id';

export interface WordPressStoreOptions {
  /** Site URL (home), e.g. `https://shop.example`. */
  url: string;
  username: string;
  applicationPassword: string;
  /** Per request (default 30 s). */
  timeoutMs?: number;
  /** Attempts for repeatable requests on network errors and 5xx (default 3). */
  maxAttempts?: number;
  /** How often `withLock` asks again while another process holds the lock (default 250 ms). */
  lockPollMs?: number;
  /** Lease of a lock taken by `withLock`; a crashed holder's lock is free after it (default 5 min). */
  lockLeaseMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const nullableString = z.string().nullable();

export const LedgerEntrySchema = z.object({
  key: z.string(),
  kind: z.enum(['order', 'refund', 'cancellation', 'payment', 'attachment']),
  shopId: z.string(),
  orderId: z.string(),
  orderNumber: z.string(),
  refundId: nullableString,
  reference: z.string(),
  status: z.enum(['claimed', 'booked', 'failed', 'skipped']),
  claimedBy: nullableString,
  claimExpiresAt: nullableString,
  writeStartedAt: nullableString,
  documentId: nullableString,
  documentType: nullableString,
  documentNumber: nullableString,
  documentUrl: nullableString,
  customerId: nullableString,
  gross: nullableString,
  vat: nullableString,
  contentHash: nullableString,
  bookedPlan: z.record(z.string(), z.unknown()).nullable().optional(),
  failedConfig: nullableString.optional(),
  attempts: z.number().int(),
  lastError: z.object({ code: z.string(), message: z.string(), remoteMessage: z.string().optional() }).nullable(),
  nextRetryAt: nullableString,
  skipReason: nullableString,
  updatedAt: z.string(),
  createdAt: z.string(),
});

const RunRecordSchema = z.object({
  id: z.string(),
  command: z.string(),
  startedAt: z.string(),
  finishedAt: nullableString,
  booked: z.number().int(),
  failed: z.number().int(),
  skipped: z.number().int(),
  message: z.string(),
});

const EntryResponse = z.object({ entry: LedgerEntrySchema.nullable() });
const ClaimResponse = z.union([
  z.object({ ok: z.literal(true), entry: LedgerEntrySchema }),
  z.object({ ok: z.literal(false), entry: LedgerEntrySchema, reason: z.enum(['booked', 'skipped', 'claimed-elsewhere']) }),
]);
const EntriesResponse = z.object({ entries: z.array(LedgerEntrySchema) });
const ValueResponse = z.object({ value: z.string().nullable() });
const OkResponse = z.object({ ok: z.literal(true) });
const TokenResponse = z.object({
  token: z.object({ value: z.record(z.string(), z.unknown()), version: z.number().int().positive() }).nullable(),
});
const CasResponse = z.object({ swapped: z.boolean(), version: z.number().int().nullable() });
const LockResponse = z.object({ acquired: z.boolean(), expiresAt: z.string().nullable() });
const UnlockResponse = z.object({ released: z.boolean() });
const LostResponse = z.object({ claimLost: z.literal(true) });
const RenewResponse = z.object({ renewed: z.boolean() });
const RunsResponse = z.object({ runs: z.array(RunRecordSchema) });

type Method = 'GET' | 'POST';

export class WordPressStore implements Store {
  private readonly http: AxiosInstance;
  private readonly maxAttempts: number;
  private readonly lockPollMs: number;
  private readonly lockLeaseMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly opts: WordPressStoreOptions) {
    this.http = axios.create({
      baseURL: opts.url.replace(/\/+$/, '') + '/',
      timeout: opts.timeoutMs ?? 30_000,
      auth: { username: opts.username, password: opts.applicationPassword },
      headers: { Accept: 'application/json', 'User-Agent': 'shopbooks-sync-core' },
      // We read every status ourselves.
      validateStatus: () => true,
      maxRedirects: 0,
    });
    this.maxAttempts = opts.maxAttempts ?? 3;
    this.lockPollMs = opts.lockPollMs ?? 250;
    this.lockLeaseMs = opts.lockLeaseMs ?? 300_000;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** One REST call; `repeatable` calls are retried on network errors and 5xx. */
  private async call<S extends z.ZodTypeAny>(
    method: Method,
    route: string,
    schema: S,
    opts: { query?: Record<string, string | number | undefined>; body?: unknown; repeatable: boolean; notFound?: () => z.infer<S>; conflict?: (code: string | undefined) => z.infer<S> },
  ): Promise<z.infer<S>> {
    const params: Record<string, string | number> = { rest_route: `/shopbooks/v1/store/${route}` };
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined && v !== '') params[k] = v;
    const attempts = opts.repeatable ? this.maxAttempts : 1;
    let lastError: ShopbooksError | null = null;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) await this.sleep(Math.min(4000, 250 * 2 ** (attempt - 2)));
      let res;
      try {
        res = await this.http.request({ method, url: '', params, data: opts.body, headers: opts.body === undefined ? {} : { 'Content-Type': 'application/json' } });
      } catch (e) {
        lastError = networkError(e, route);
        continue;
      }
      if (res.status >= 500) {
        lastError = new ShopbooksError('RemoteUnavailable', `WordPress answered HTTP ${res.status} to the sync core's ${route} request. The site may be overloaded; the run will retry later.`, {
          retryable: true,
          details: { route, status: res.status },
          remoteMessage: wpMessage(res.data),
        });
        continue;
      }
      if (res.status === 401 || res.status === 403) {
        throw new ShopbooksError(
          'AuthFailed',
          `WordPress refused the sync user "${this.opts.username}" (HTTP ${res.status}). Reconnect "WooCommerce access" in the Shopbooks settings to give the sync core a new application password.`,
          { retryable: false, details: { route, status: res.status, code: wpCode(res.data) }, remoteMessage: wpMessage(res.data) },
        );
      }
      if (res.status === 404 && opts.notFound && wpCode(res.data) !== 'rest_no_route') return opts.notFound();
      if (res.status === 409 && opts.conflict) return opts.conflict(wpCode(res.data));
      if (res.status === 404 && wpCode(res.data) === 'rest_no_route') {
        throw new ShopbooksError('RemoteNotFound', 'The Shopbooks plugin is not active on this WordPress site (its store routes are missing). Activate the plugin.', {
          retryable: false,
          details: { route },
        });
      }
      if (res.status < 200 || res.status >= 300) {
        throw new ShopbooksError('RemoteValidation', `The Shopbooks plugin refused the sync core's ${route} request: ${wpMessage(res.data) ?? `HTTP ${res.status}`}`, {
          retryable: false,
          details: { route, status: res.status, code: wpCode(res.data) },
          remoteMessage: wpMessage(res.data),
        });
      }
      const parsed = schema.safeParse(res.data);
      if (!parsed.success) {
        throw new ShopbooksError('RemoteBadResponse', `The Shopbooks plugin answered the ${route} request with data the sync core does not understand. Update the plugin and the sync core together.`, {
          retryable: false,
          details: { route, problems: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`) },
        });
      }
      return parsed.data;
    }
    throw lastError ?? new ShopbooksError('RemoteUnavailable', `WordPress could not be reached for ${route}.`, { retryable: true });
  }

  /**
   * The sync core processes of one WordPress site run on its host, so host and pid judge a run
   * dead at once when its process is gone; other runs are judged by their lease.
   */
  newRunId(): string {
    return newProcessRunId();
  }

  async isRunAlive(runId: string): Promise<boolean> {
    return processRunIsAlive(runId);
  }

  async getEntry(key: string): Promise<LedgerEntry | null> {
    const r = await this.call('GET', 'entry', EntryResponse, { query: { key }, repeatable: true });
    return r.entry as LedgerEntry | null;
  }

  async claim(key: string, init: Parameters<Store['claim']>[1], runId: string, leaseMs: number): Promise<ClaimResult> {
    // Re-claiming by the same run is allowed by the claim rule, so a lost response may be retried.
    return (await this.call('POST', 'claim', ClaimResponse, { body: { key, init, runId, leaseMs: Math.round(leaseMs) }, repeatable: true })) as ClaimResult;
  }

  async update(key: string, patch: Partial<LedgerEntry>, opts: { holder?: string } = {}): Promise<LedgerEntry> {
    const r = await this.call('POST', 'update', z.union([EntryResponse, LostResponse]), {
      body: { key, patch, ...(opts.holder !== undefined ? { holder: opts.holder } : {}) },
      repeatable: true,
      notFound: () => {
        throw new ShopbooksError('Internal', `No ledger entry ${key} in WordPress.`, { retryable: false, details: { key } });
      },
      conflict: (code) => {
        if (code !== 'shopbooks_claim_lost') throw new ShopbooksError('RemoteValidation', `The Shopbooks plugin refused the update of ${key} (HTTP 409).`, { retryable: false, details: { key, code } });
        return { claimLost: true as const };
      },
    });
    if ('claimLost' in r) {
      // A repeated request whose first attempt was applied (its response lost) finds the claim
      // already released by its own patch: the entry then holds exactly what this update wrote.
      const cur = await this.getEntry(key);
      if (cur && appliedAlready(cur, patch)) return cur;
      throw claimLost(key, opts.holder!, cur);
    }
    if (!r.entry) throw new ShopbooksError('Internal', `No ledger entry ${key} in WordPress.`, { retryable: false, details: { key } });
    return r.entry as LedgerEntry;
  }

  async renewClaim(key: string, runId: string, leaseMs: number): Promise<boolean> {
    // Repeatable: renewing twice only moves the expiry a little further.
    const r = await this.call('POST', 'claim/renew', RenewResponse, { body: { key, runId, leaseMs: Math.round(leaseMs) }, repeatable: true, notFound: () => ({ renewed: false }) });
    return r.renewed;
  }

  async listEntries(filter: { status?: LedgerStatus; shopId?: string; dueBefore?: string } = {}): Promise<LedgerEntry[]> {
    const r = await this.call('GET', 'entries', EntriesResponse, { query: { status: filter.status, shopId: filter.shopId, dueBefore: filter.dueBefore }, repeatable: true });
    return r.entries as LedgerEntry[];
  }

  async getCursor(name: string): Promise<string | null> {
    return (await this.call('GET', 'cursor', ValueResponse, { query: { name }, repeatable: true })).value;
  }

  async setCursor(name: string, value: string): Promise<void> {
    await this.call('POST', 'cursor', OkResponse, { body: { name, value }, repeatable: true });
  }

  async getMapping(namespace: string, key: string): Promise<string | null> {
    return (await this.call('GET', 'mapping', ValueResponse, { query: { namespace, key }, repeatable: true })).value;
  }

  async setMapping(namespace: string, key: string, value: string): Promise<void> {
    await this.call('POST', 'mapping', OkResponse, { body: { namespace, key, value }, repeatable: true });
  }

  async getToken(name: string): Promise<TokenRecord | null> {
    const r = await this.call('GET', 'token', TokenResponse, { query: { name }, repeatable: true });
    return r.token ? { value: r.token.value, version: r.token.version } : null;
  }

  async compareAndSwapToken(name: string, expectedVersion: number | null, value: Record<string, unknown>): Promise<boolean> {
    const r = await this.call('POST', 'token', CasResponse, { body: { name, expectedVersion, value }, repeatable: false });
    return r.swapped;
  }

  async withLock<T>(name: string, fn: () => Promise<T>, opts: { timeoutMs?: number } = {}): Promise<T> {
    const owner = `sync-core:${randomUUID()}`;
    const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
    const ttlMs = Math.max(this.lockLeaseMs, opts.timeoutMs ?? 0);
    for (;;) {
      const r = await this.call('POST', 'lock', LockResponse, { body: { name, owner, ttlMs }, repeatable: true });
      if (r.acquired) break;
      if (Date.now() >= deadline) {
        throw new ShopbooksError('Timeout', `Another sync run held the lock "${name}" for too long. The run will try again later.`, { retryable: true, details: { lock: name } });
      }
      await this.sleep(this.lockPollMs);
    }
    // Heartbeat: take the lock again (re-entrant for its owner: it extends the lease) every third
    // of its lease, so a run that takes longer than the lease keeps it.
    const heartbeat = setInterval(() => {
      this.call('POST', 'lock', LockResponse, { body: { name, owner, ttlMs }, repeatable: true }).catch(() => undefined);
    }, Math.max(10, Math.floor(ttlMs / 3)));
    heartbeat.unref?.();
    try {
      return await fn();
    } finally {
      clearInterval(heartbeat);
      await this.call('POST', 'unlock', UnlockResponse, { body: { name, owner }, repeatable: true }).catch(() => undefined);
    }
  }

  async startRun(command: string): Promise<RunRecord> {
    return (await this.call('POST', 'runs', RunRecordSchema, { body: { command }, repeatable: false })) as RunRecord;
  }

  async finishRun(run: RunRecord): Promise<void> {
    await this.call('POST', 'runs/finish', OkResponse, { body: run, repeatable: true });
  }

  async listRuns(limit: number): Promise<RunRecord[]> {
    return (await this.call('GET', 'runs', RunsResponse, { query: { limit }, repeatable: true })).runs as RunRecord[];
  }

  async close(): Promise<void> {}
}

export function createWordPressStore(opts: WordPressStoreOptions): WordPressStore {
  return new WordPressStore(opts);
}

/** Every field of `patch` already has that value in `entry` (updatedAt aside). */
function appliedAlready(entry: LedgerEntry, patch: Partial<LedgerEntry>): boolean {
  return Object.entries(patch).every(([k, v]) => k === 'updatedAt' || JSON.stringify((entry as unknown as Record<string, unknown>)[k] ?? null) === JSON.stringify(v ?? null));
}

function wpCode(data: unknown): string | undefined {
  return data && typeof data === 'object' && typeof (data as { code?: unknown }).code === 'string' ? (data as { code: string }).code : undefined;
}

function wpMessage(data: unknown): string | undefined {
  return data && typeof data === 'object' && typeof (data as { message?: unknown }).message === 'string' ? (data as { message: string }).message.slice(0, 300) : undefined;
}

function networkError(e: unknown, route: string): ShopbooksError {
  const ax = e as AxiosError;
  const timeout = ax?.code === 'ECONNABORTED' || ax?.code === 'ETIMEDOUT';
  return new ShopbooksError(
    timeout ? 'Timeout' : 'RemoteUnavailable',
    timeout ? `WordPress did not answer the sync core's ${route} request in time.` : `WordPress could not be reached for the sync core's ${route} request (${ax?.code ?? 'network error'}).`,
    { retryable: true, details: { route, code: ax?.code } },
  );
}
