/**
 * The only place that talks HTTP to Moneybird.
 *
 * - Auth: a personal Bearer token, or OAuth2 (authorize URL, code exchange and refresh are
 *   exported for the plugin and CLI). A refresh runs once at a time (in-process single-flight
 *   plus `store.withLock` across processes) and the rotated tokens are persisted with
 *   `store.compareAndSwapToken` before the new access token is used.
 * - Pacing: `RateLimitPacer` keeps us under 150 requests / 5 minutes so a 429 never happens in
 *   normal operation; `RateLimit-*` and `Retry-After` (epoch or seconds) are obeyed. Waiting on a
 *   429 does not spend a retry.
 * - Retries with exponential backoff and jitter only for reads (GET) on network errors and 5xx.
 *   A write whose outcome is unknown (timeout, connection reset, 5xx) is NOT repeated: it fails
 *   with `details.uncertain = true` so the booking looks the document up before writing again.
 * - Responses are parsed with `parseJsonKeepingIds` (18-digit ids stay strings) and validated
 *   with zod; errors become `ShopbooksError` with Moneybird's body verbatim in `remoteMessage`.
 */
import type { z } from 'zod';
import { ShopbooksError } from '../../model/errors';
import { assertWriteAllowed } from '../../store/write-fence';
import type { Store } from '../../store/port';
import type { MoneybirdTargetConfig } from './config';
import { moneybirdTokenName } from './config';
import { parseJsonKeepingIds } from './json';
import { RateLimitPacer, parseRetryAfter } from './pacing';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface TransportDeps {
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface CallStats {
  read: number;
  write: number;
  token: number;
  retried: number;
  waitedMs: number;
  throttled: number;
}

export interface RequestOptions<T> {
  query?: Record<string, string | number | undefined>;
  /** JSON body (ids and money must already be strings). */
  body?: unknown;
  /** multipart/form-data body (attachments). */
  form?: FormData;
  /** Validates the parsed response. */
  schema?: z.ZodType<T>;
  /** Path is relative to /api/v2 instead of /api/v2/{administration_id}. */
  global?: boolean;
  /** What the call does, for error messages ("create the sales invoice"). */
  what: string;
}

export interface OAuthTokenValue {
  accessToken: string;
  refreshToken: string | null;
  /** Epoch ms; null when Moneybird did not say the token expires. */
  expiresAt: number | null;
  scope: string | null;
  obtainedAt: number;
  [k: string]: unknown;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** True for a ShopbooksError raised by a write whose effect on Moneybird is unknown. */
export function isUncertainWrite(e: unknown): e is ShopbooksError {
  return e instanceof ShopbooksError && e.details.uncertain === true;
}

export class MoneybirdTransport {
  readonly stats: CallStats = { read: 0, write: 0, token: 0, retried: 0, waitedMs: 0, throttled: 0 };
  private readonly fetchFn: typeof fetch;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  readonly pacer: RateLimitPacer;
  private store: Store | null = null;
  private refreshing: Promise<string> | null = null;

  constructor(
    private readonly config: MoneybirdTargetConfig,
    deps: TransportDeps = {},
  ) {
    this.fetchFn = deps.fetch ?? fetch;
    this.now = deps.now ?? Date.now;
    this.sleep = deps.sleep ?? defaultSleep;
    this.random = deps.random ?? Math.random;
    this.pacer = new RateLimitPacer(config.rateLimit.limit, config.rateLimit.windowSec * 1000, {
      now: this.now,
      sleep: this.sleep,
    });
  }

  /** The store holding OAuth tokens (set from the TargetContext on every call). */
  useStore(store: Store): void {
    this.store = store;
  }

  /** Every PACER_CHECKPOINT_EVERY requests the pacing window is written to the store. */
  static readonly PACER_CHECKPOINT_EVERY = 10;
  private pacerSeeded = false;
  private sinceCheckpoint = 0;

  /**
   * A killed process took its view of the rate window with it; a restarted one would believe the
   * window empty and could provoke 429s. The window is checkpointed in the store every few
   * requests and read back (with the few requests since the checkpoint assumed) on start.
   */
  private async seedPacer(): Promise<void> {
    if (this.pacerSeeded || !this.store) return;
    this.pacerSeeded = true;
    const saved = await this.store.getMapping('moneybird-pacer', String(this.config.administrationId));
    if (!saved) return;
    try {
      const ts = JSON.parse(saved) as unknown;
      if (Array.isArray(ts)) this.pacer.seed(ts.filter((t): t is number => typeof t === 'number'), MoneybirdTransport.PACER_CHECKPOINT_EVERY - 1);
    } catch {
      /* an unreadable checkpoint is ignored */
    }
  }

  private checkpointed = false;
  private async checkpointPacer(): Promise<void> {
    if (!this.store) return;
    this.sinceCheckpoint++;
    // after the first request of a process, then every PACER_CHECKPOINT_EVERY requests: a process
    // killed at any point leaves at most PACER_CHECKPOINT_EVERY - 1 requests unrecorded
    if (this.checkpointed && this.sinceCheckpoint < MoneybirdTransport.PACER_CHECKPOINT_EVERY) return;
    this.checkpointed = true;
    this.sinceCheckpoint = 0;
    await this.store.setMapping('moneybird-pacer', String(this.config.administrationId), JSON.stringify(this.pacer.history()));
  }

  apiUrl(path: string, global = false): string {
    const p = path.startsWith('/') ? path : `/${path}`;
    return global
      ? `${this.config.baseUrl}/api/v2${p}`
      : `${this.config.baseUrl}/api/v2/${this.config.administrationId}${p}`;
  }

  get<T>(path: string, opts: RequestOptions<T>): Promise<T> {
    return this.request('GET', path, opts);
  }
  post<T>(path: string, opts: RequestOptions<T>): Promise<T> {
    return this.request('POST', path, opts);
  }
  patch<T>(path: string, opts: RequestOptions<T>): Promise<T> {
    return this.request('PATCH', path, opts);
  }
  delete(path: string, what: string): Promise<unknown> {
    return this.request('DELETE', path, { what });
  }

  /** GET and follow `page` until a short page; Moneybird's maximum is 100 per page. */
  async getAllPages<T>(path: string, opts: RequestOptions<T[]> & { maxPages?: number }): Promise<T[]> {
    const all: T[] = [];
    const perPage = 100;
    for (let page = 1; page <= (opts.maxPages ?? 100); page++) {
      const rows = await this.get<T[]>(path, { ...opts, query: { ...opts.query, page, per_page: perPage } });
      all.push(...rows);
      if (rows.length < perPage) break;
    }
    return all;
  }

  async request<T>(method: HttpMethod, path: string, opts: RequestOptions<T>): Promise<T> {
    const url = new URL(this.apiUrl(path, opts.global));
    for (const [k, v] of Object.entries(opts.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    const isRead = method === 'GET';
    let attempt = 0;
    let throttles = 0;
    let authRetried = false;
    for (;;) {
      attempt++;
      const token = await this.accessToken();
      await this.seedPacer();
      const waited = await this.pacer.acquire();
      this.stats.waitedMs += waited;
      if (!isRead) {
        // The booking's claim must still be held before anything is written (store/write-fence.ts).
        try {
          assertWriteAllowed();
        } catch (e) {
          this.pacer.release();
          throw e;
        }
      }
      if (isRead) this.stats.read++;
      else this.stats.write++;
      let res: Response;
      try {
        const headers: Record<string, string> = {
          Authorization: `Bearer ${token}`,
          Accept: 'application/json',
        };
        let body: string | FormData | undefined;
        if (opts.form) body = opts.form;
        else if (opts.body !== undefined) {
          headers['Content-Type'] = 'application/json';
          body = JSON.stringify(opts.body);
        }
        res = await this.fetchFn(url, {
          method,
          headers,
          body,
          signal: AbortSignal.timeout(this.config.timeoutMs),
        });
      } catch (e) {
        this.pacer.release();
        await this.checkpointPacer();
        const refused = connectionRefused(e);
        const timedOut = isAbort(e);
        if (isRead && attempt < this.config.maxReadAttempts) {
          await this.backoff(attempt);
          continue;
        }
        throw new ShopbooksError(
          timedOut ? 'Timeout' : 'RemoteUnavailable',
          timedOut
            ? `Moneybird did not answer within ${Math.round(this.config.timeoutMs / 1000)} s while trying to ${opts.what}.`
            : `Could not reach Moneybird while trying to ${opts.what}: ${e instanceof Error ? e.message : String(e)}.`,
          { retryable: true, cause: e, details: { method, path, uncertain: !isRead && !refused } },
        );
      }
      this.pacer.release();
      await this.checkpointPacer();
      this.pacer.observe(res.headers);
      const text = await res.text().catch(() => '');

      if (res.status === 429) {
        // Throttled: the request was not executed, so waiting costs no retry (but never loop forever).
        this.stats.throttled++;
        throttles++;
        const until =
          parseRetryAfter(res.headers.get('retry-after'), this.now()) ??
          parseRetryAfter(res.headers.get('ratelimit-reset'), this.now()) ??
          this.now() + 60_000;
        this.pacer.blockUntil(until + 250 + Math.floor(this.random() * 250));
        if (throttles > 20) {
          throw new ShopbooksError(
            'RateLimited',
            `Moneybird kept answering "too many requests" while trying to ${opts.what}.`,
            {
              retryable: true,
              remoteMessage: text,
              details: { method, path },
            },
          );
        }
        attempt--;
        continue;
      }
      if (res.status === 401 && this.config.auth.kind === 'oauth' && !authRetried) {
        authRetried = true;
        await this.refreshAccessToken(token);
        attempt--;
        continue;
      }
      if (res.status >= 500) {
        if (isRead && attempt < this.config.maxReadAttempts) {
          await this.backoff(attempt);
          continue;
        }
        throw new ShopbooksError(
          'RemoteUnavailable',
          `Moneybird had a server error (${res.status}) while trying to ${opts.what}.`,
          {
            retryable: true,
            remoteMessage: text,
            details: { method, path, status: res.status, uncertain: !isRead },
          },
        );
      }
      if (res.status >= 400) throw mapClientError(res.status, text, opts.what, method, path);

      if (!opts.schema) return (text ? safeParse(text) : null) as T;
      const parsed = text ? safeParse(text) : null;
      const r = opts.schema.safeParse(parsed);
      if (!r.success) {
        throw new ShopbooksError(
          'RemoteBadResponse',
          `Moneybird's answer to "${opts.what}" did not have the expected shape.`,
          {
            retryable: false,
            remoteMessage: text.slice(0, 2000),
            details: {
              method,
              path,
              issues: r.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`),
            },
          },
        );
      }
      return r.data;
    }
  }

  private async backoff(attempt: number): Promise<void> {
    this.stats.retried++;
    const base = Math.min(8000, 250 * 2 ** (attempt - 1));
    const ms = Math.floor(base / 2 + this.random() * base); // "equal jitter"
    this.stats.waitedMs += ms;
    await this.sleep(ms);
  }

  // ---------------------------------------------------------------- auth

  private async accessToken(): Promise<string> {
    const auth = this.config.auth;
    if (auth.kind === 'token') return auth.token;
    const store = this.requireStore();
    const rec = await store.getToken(moneybirdTokenName(this.config));
    const v = rec?.value as Partial<OAuthTokenValue> | undefined;
    if (v?.accessToken && !(typeof v.expiresAt === 'number' && v.expiresAt - 60_000 <= this.now()))
      return v.accessToken;
    return this.refreshAccessToken(v?.accessToken ?? null);
  }

  /**
   * Refresh once, even when several requests (or processes) find the token stale together: the
   * store lock serialises processes, and inside it we re-read the token: if another holder
   * already replaced `staleAccessToken`, we use theirs instead of refreshing again.
   */
  refreshAccessToken(staleAccessToken: string | null): Promise<string> {
    if (this.refreshing) return this.refreshing;
    const auth = this.config.auth;
    if (auth.kind !== 'oauth') return Promise.resolve(auth.token);
    const store = this.requireStore();
    const name = moneybirdTokenName(this.config);
    this.refreshing = store
      .withLock(`token-refresh:${name}`, async () => {
        const cur = await store.getToken(name);
        const curValue = cur?.value as Partial<OAuthTokenValue> | undefined;
        if (
          curValue?.accessToken &&
          curValue.accessToken !== staleAccessToken &&
          !(typeof curValue.expiresAt === 'number' && curValue.expiresAt - 60_000 <= this.now())
        ) {
          return curValue.accessToken;
        }
        const refreshToken = curValue?.refreshToken ?? auth.refreshToken;
        if (!refreshToken) {
          throw new ShopbooksError(
            'AuthFailed',
            'Shopbooks is not connected to Moneybird yet (no refresh token). Connect Moneybird in the settings.',
            {
              retryable: false,
            },
          );
        }
        this.stats.token++;
        const value = await requestToken(
          {
            baseUrl: this.config.baseUrl,
            clientId: auth.clientId,
            clientSecret: auth.clientSecret,
            fetch: this.fetchFn,
            now: this.now,
            timeoutMs: this.config.timeoutMs,
          },
          { grant_type: 'refresh_token', refresh_token: refreshToken },
          refreshToken,
        );
        // Persist the rotated tokens before anyone uses the new access token.
        const swapped = await store.compareAndSwapToken(name, cur?.version ?? null, value);
        if (!swapped) {
          const again = await store.getToken(name);
          const a = again?.value as Partial<OAuthTokenValue> | undefined;
          if (a?.accessToken) return a.accessToken;
          throw new ShopbooksError(
            'Internal',
            'The Moneybird token changed while it was being refreshed; try again.',
            { retryable: true },
          );
        }
        return value.accessToken;
      })
      .finally(() => {
        this.refreshing = null;
      });
    return this.refreshing;
  }

  private requireStore(): Store {
    if (!this.store)
      throw new ShopbooksError('Internal', 'The Moneybird OAuth connection needs a store for its tokens.', {
        retryable: false,
      });
    return this.store;
  }
}

function safeParse(text: string): unknown {
  try {
    return parseJsonKeepingIds(text);
  } catch {
    return text;
  }
}

function isAbort(e: unknown): boolean {
  return e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
}

function connectionRefused(e: unknown): boolean {
  const cause = e instanceof Error ? (e as Error & { cause?: { code?: string } }).cause : undefined;
  return cause?.code === 'ECONNREFUSED' || cause?.code === 'ENOTFOUND';
}

/** Turn Moneybird's two error shapes into a sentence a shop owner can act on. */
export function explainMoneybirdError(body: unknown): string {
  if (typeof body === 'string') return body;
  if (body && typeof body === 'object' && 'error' in body) {
    const err = (body as { error: unknown }).error;
    if (typeof err === 'string') return err;
    if (err && typeof err === 'object') {
      return Object.entries(err as Record<string, unknown>)
        .map(
          ([field, msgs]) =>
            `${field.replace(/_/g, ' ')} ${Array.isArray(msgs) ? msgs.join(' and ') : String(msgs)}`,
        )
        .join('; ');
    }
  }
  return 'no explanation given';
}

function mapClientError(
  status: number,
  text: string,
  what: string,
  method: string,
  path: string,
): ShopbooksError {
  const body = safeParse(text);
  const reason = explainMoneybirdError(body);
  const details = { method, path, status };
  switch (status) {
    case 401:
    case 403:
      return new ShopbooksError(
        'AuthFailed',
        `Moneybird refused access while trying to ${what} (${reason}). Reconnect Moneybird or check the token's permissions.`,
        {
          retryable: false,
          remoteMessage: text,
          details,
        },
      );
    case 402:
      return new ShopbooksError(
        'RemoteValidation',
        `Moneybird's subscription limit was reached while trying to ${what} (${reason}).`,
        {
          retryable: true,
          remoteMessage: text,
          details,
        },
      );
    case 404:
      return new ShopbooksError(
        'RemoteNotFound',
        `Moneybird could not find what was needed to ${what} (${reason}).`,
        { retryable: false, remoteMessage: text, details },
      );
    case 422:
      return new ShopbooksError('RemoteValidation', `Moneybird refused to ${what}: ${reason}.`, {
        retryable: false,
        remoteMessage: text,
        details,
      });
    default:
      return new ShopbooksError(
        'RemoteValidation',
        `Moneybird rejected the request to ${what} (${status}: ${reason}).`,
        {
          retryable: false,
          remoteMessage: text,
          details,
        },
      );
  }
}

// ---------------------------------------------------------------- OAuth helpers (plugin / CLI)

export const MONEYBIRD_SCOPES = ['sales_invoices', 'settings'] as const;

/** The consent URL to send the shop owner to. */
export function buildAuthorizeUrl(opts: {
  baseUrl?: string;
  clientId: string;
  redirectUri: string;
  state: string;
  scope?: readonly string[];
}): string {
  const u = new URL(`${(opts.baseUrl ?? 'https://moneybird.com').replace(/\/+$/, '')}/oauth/authorize`);
  u.searchParams.set('client_id', opts.clientId);
  u.searchParams.set('redirect_uri', opts.redirectUri);
  u.searchParams.set('response_type', 'code');
  u.searchParams.set('scope', (opts.scope ?? MONEYBIRD_SCOPES).join(' '));
  u.searchParams.set('state', opts.state);
  return u.toString();
}

interface TokenEndpoint {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  fetch?: typeof fetch;
  now?: () => number;
  timeoutMs?: number;
}

async function requestToken(
  ep: TokenEndpoint,
  params: Record<string, string>,
  previousRefreshToken: string | null,
): Promise<OAuthTokenValue> {
  const f = ep.fetch ?? fetch;
  const now = ep.now ?? Date.now;
  const form = new URLSearchParams({ ...params, client_id: ep.clientId, client_secret: ep.clientSecret });
  let res: Response;
  try {
    res = await f(`${ep.baseUrl.replace(/\/+$/, '')}/oauth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: form.toString(),
      signal: AbortSignal.timeout(ep.timeoutMs ?? 30000),
    });
  } catch (e) {
    throw new ShopbooksError(
      'RemoteUnavailable',
      `Could not reach Moneybird to renew the connection: ${e instanceof Error ? e.message : String(e)}.`,
      {
        retryable: true,
        cause: e,
      },
    );
  }
  const text = await res.text();
  if (res.status === 400 || res.status === 401) {
    throw new ShopbooksError(
      'TokenRevoked',
      'Moneybird no longer accepts the saved connection (the authorisation was revoked or expired). Reconnect Moneybird in the settings.',
      {
        retryable: false,
        remoteMessage: text,
      },
    );
  }
  if (!res.ok) {
    throw new ShopbooksError(
      'RemoteUnavailable',
      `Moneybird could not renew the connection (${res.status}).`,
      { retryable: res.status >= 500, remoteMessage: text },
    );
  }
  const body = safeParse(text) as Record<string, unknown>;
  if (typeof body?.access_token !== 'string') {
    throw new ShopbooksError(
      'RemoteBadResponse',
      'Moneybird answered the token request without an access token.',
      { retryable: false, remoteMessage: text },
    );
  }
  const expiresIn =
    typeof body.expires_in === 'number'
      ? body.expires_in
      : typeof body.expires_in === 'string' && /^\d+$/.test(body.expires_in)
        ? Number(body.expires_in)
        : null;
  const t = now();
  return {
    accessToken: body.access_token,
    refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : previousRefreshToken,
    expiresAt: expiresIn !== null ? t + expiresIn * 1000 : null,
    scope: typeof body.scope === 'string' ? body.scope : null,
    obtainedAt: t,
  };
}

/**
 * Exchange the code from the consent redirect and save the tokens under `tokenName`
 * (use `moneybirdTokenName(config)`). Returns the stored value.
 */
export async function exchangeAuthorizationCode(
  opts: TokenEndpoint & { redirectUri: string; code: string },
  store: Store,
  tokenName: string,
): Promise<OAuthTokenValue> {
  const value = await requestToken(
    opts,
    { grant_type: 'authorization_code', code: opts.code, redirect_uri: opts.redirectUri },
    null,
  );
  for (let i = 0; i < 5; i++) {
    const cur = await store.getToken(tokenName);
    if (await store.compareAndSwapToken(tokenName, cur?.version ?? null, value)) return value;
  }
  throw new ShopbooksError(
    'Internal',
    'Could not save the Moneybird connection (the token record kept changing).',
    { retryable: true },
  );
}
