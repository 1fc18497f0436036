/**
 * The only place that talks HTTP to Exact Online.
 *
 * - Base URL per country (`https://start.exactonline.<tld>`, overridable), `Accept: application/json`.
 * - OAuth2 access tokens with rotating refresh tokens, refreshed single-flight: in-process (one
 *   promise per transport) and across processes (`store.withLock('exact-token:<clientId>:<division>')`).
 *   Inside the lock the token is re-read from the store (another process may have refreshed),
 *   a refresh happens only when the access token is expired or within 30 s of expiry and never
 *   earlier than 570 s after issuance (Exact answers earlier refreshes with 400 "access_token not
 *   expired"), and the rotated pair is written with `compareAndSwapToken` BEFORE the new access
 *   token is used.
 * - Lost token responses (timeout, dropped socket, HTTP 5xx) — see `refreshLocked`: the old
 *   refresh token is kept, a `pendingRefresh` marker is persisted, and the refresh is retried
 *   with the old refresh token; if Exact answers "too early" (it did issue a token we never saw)
 *   we wait for that unseen token's 570 s to pass and retry then. The connection is lost only
 *   when Exact explicitly says the refresh token is superseded/expired.
 * - Rate-limit pacing from the response headers (rate-limit.ts); a 429 is waited out without
 *   spending a retry.
 * - Retries with exponential backoff and jitter only where safe: GETs on network errors, timeouts
 *   and 5xx. Writes are never repeated blindly: a POST whose outcome is uncertain (timeout,
 *   connection reset, 5xx without a validation text) is thrown as an uncertain-write error
 *   (`isUncertainWrite`) so the booking looks the document up by reference first.
 * - Errors are ShopbooksError values; Exact's own (Dutch) text is kept verbatim in `remoteMessage`.
 */
import { assertWriteAllowed } from '../../store/write-fence';
import { ShopbooksError } from '../../model/errors';
import type { Store, TokenRecord } from '../../store/port';
import { explainExactMessage, exactErrorText, isValidationMessage, uncertainWriteError } from './errors';
import { callRefresh, type ExactTokenSet, type FetchLike, type TokenCallResult } from './oauth';
import { unwrapCollection, type ODataPage } from './odata';
import { RateLimitPacer, sharedPacer, type PacerClock } from './rate-limit';

export { buildAuthorizeUrl, exchangeAuthorizationCode } from './oauth';
export type { ExactTokenSet } from './oauth';

/**
 * Exact refuses a refresh earlier than 30 s before the access token's expiry (570 s after
 * issuance for its 600 s tokens, spec §1.4). We refresh exactly then — counted from when we
 * received the token, so never early — or when the token has expired, whichever is first.
 */
export const REFRESH_MARGIN_MS = 30_000;
/** Unused refresh tokens expire after 30 days; warn from 23 days on. */
export const REFRESH_TOKEN_WARN_MS = 23 * 24 * 3600_000;

export interface StoredExactToken extends ExactTokenSet {
  /** Set while a refresh's outcome is unknown: when it was sent (epoch ms). */
  pendingRefreshSince?: number | null;
}

export interface ExactTransportOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  division: number;
  /** Seed refresh token, used only when the store has no token for this connection yet. */
  seedRefreshToken?: string;
  store: Store;
  timeoutMs: number;
  fetch?: FetchLike;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Share the rate-limit pacer with other transports of this app+division in this process (default true). */
  sharePacer?: boolean;
  /** Calls left in a minute that are kept for other processes (default: 5 % of the limit, at least 2). */
  rateLimitReserve?: number;
  /** GET retries on network errors/5xx (default 3). */
  maxRetries?: number;
  log?: (event: string, data?: Record<string, unknown>) => void;
}

export interface CallStats {
  read: number;
  write: number;
  token: number;
  retried: number;
  waitedMs: number;
  tooManyRequests: number;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export function tokenName(clientId: string, division: number): string {
  return `exact:${clientId}:${division}`;
}
export function tokenLockName(clientId: string, division: number): string {
  return `exact-token:${clientId}:${division}`;
}

function parseStored(rec: TokenRecord | null): StoredExactToken | null {
  if (!rec) return null;
  const v = rec.value;
  if (typeof v.accessToken !== 'string' || typeof v.refreshToken !== 'string' || typeof v.accessExpiresAt !== 'number' || typeof v.accessIssuedAt !== 'number') return null;
  return {
    accessToken: v.accessToken,
    refreshToken: v.refreshToken,
    accessIssuedAt: v.accessIssuedAt,
    accessExpiresAt: v.accessExpiresAt,
    expiresInMs: typeof v.expiresInMs === 'number' ? v.expiresInMs : v.accessExpiresAt - v.accessIssuedAt,
    refreshIssuedAt: typeof v.refreshIssuedAt === 'number' ? v.refreshIssuedAt : v.accessIssuedAt,
    pendingRefreshSince: typeof v.pendingRefreshSince === 'number' ? v.pendingRefreshSince : null,
  };
}

/**
 * Store the first token pair after `exchangeAuthorizationCode` (plugin "Connect", CLI `connect`).
 * Overwrites whatever was stored (a new consent supersedes the old chain).
 */
export async function saveExactTokens(store: Store, clientId: string, division: number, tokens: ExactTokenSet): Promise<void> {
  const name = tokenName(clientId, division);
  await store.withLock(tokenLockName(clientId, division), async () => {
    for (let i = 0; i < 5; i++) {
      const cur = await store.getToken(name);
      if (await store.compareAndSwapToken(name, cur?.version ?? null, { ...tokens, pendingRefreshSince: null })) return;
    }
    throw new ShopbooksError('Internal', 'Could not save the Exact tokens (the token store kept changing).', { retryable: true });
  });
}

/** The earliest moment Exact accepts a refresh of this pair: received + expires_in − 30 s. */
export function earliestRefreshAt(t: Pick<ExactTokenSet, 'accessIssuedAt' | 'expiresInMs'>): number {
  return t.accessIssuedAt + Math.max(0, t.expiresInMs - REFRESH_MARGIN_MS);
}

/** When to refresh: at the earliest allowed moment, or at expiry if that comes first (slow round trips). */
export function refreshDueAt(t: Pick<ExactTokenSet, 'accessIssuedAt' | 'accessExpiresAt' | 'expiresInMs'>): number {
  return Math.min(earliestRefreshAt(t), t.accessExpiresAt);
}

interface RawResponse {
  status: number;
  body: unknown;
  text: string;
  headers: Headers;
}

export class ExactTransport {
  readonly baseUrl: string;
  readonly division: number;
  private readonly fetchImpl: FetchLike;
  /** The clock the transport paces and refreshes by (epoch ms). */
  readonly now: () => number;
  private readonly sleepImpl: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly pacer: RateLimitPacer;
  private cached: StoredExactToken | null = null;
  private inflightToken: Promise<StoredExactToken> | null = null;
  readonly stats: CallStats = { read: 0, write: 0, token: 0, retried: 0, waitedMs: 0, tooManyRequests: 0 };

  constructor(private readonly opts: ExactTransportOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.division = opts.division;
    this.fetchImpl = opts.fetch ?? fetch;
    this.now = opts.now ?? Date.now;
    this.sleepImpl = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = opts.random ?? Math.random;
    const clock: PacerClock = { now: this.now, sleep: this.sleepImpl };
    const pacerOpts = opts.rateLimitReserve !== undefined ? { reserve: opts.rateLimitReserve } : {};
    this.pacer = opts.sharePacer === false ? new RateLimitPacer(clock, pacerOpts) : sharedPacer(`${this.baseUrl}|${opts.clientId}|${opts.division}`, clock, pacerOpts);
  }

  private log(event: string, data?: Record<string, unknown>): void {
    this.opts.log?.(event, data);
  }

  private async sleep(ms: number): Promise<void> {
    if (ms <= 0) return;
    await this.sleepImpl(ms);
  }

  // ---------------------------------------------------------------- tokens

  private get tokenName() {
    return tokenName(this.opts.clientId, this.opts.division);
  }

  /**
   * A usable access token. `rejected` is an access token Exact just answered 401 for: it is not
   * used again even if its expiry says it is still valid.
   */
  async accessToken(rejected?: string): Promise<string> {
    const c = this.cached;
    if (c && c.accessToken !== rejected && this.now() < refreshDueAt(c)) return c.accessToken;
    if (!this.inflightToken) {
      this.inflightToken = this.opts.store
        // The holder may need up to 3 token calls of up to 60 s each (lost answers): wait long enough.
        .withLock(tokenLockName(this.opts.clientId, this.opts.division), () => this.refreshLocked(rejected), { timeoutMs: 240_000 })
        .catch((e: unknown) => {
          if (e instanceof ShopbooksError) throw e;
          throw new ShopbooksError('RemoteUnavailable', 'Another Shopbooks process is busy renewing the Exact Online connection; trying again later.', { retryable: true, cause: e });
        })
        .finally(() => {
          this.inflightToken = null;
        });
    }
    const t = await this.inflightToken;
    if (t.accessToken === rejected) return this.accessToken(rejected);
    return t.accessToken;
  }

  /** Runs holding the cross-process token lock. */
  private async refreshLocked(rejected: string | undefined): Promise<StoredExactToken> {
    const rec = await this.opts.store.getToken(this.tokenName);
    const stored = parseStored(rec);
    const now = this.now();
    if (stored && now - stored.refreshIssuedAt > REFRESH_TOKEN_WARN_MS) {
      // Unused refresh tokens die after 30 days; say so while there is time to act.
      this.log('exact.token.refresh-token-ageing', { issuedAt: new Date(stored.refreshIssuedAt).toISOString() });
    }
    if (stored && stored.accessToken !== rejected && !stored.pendingRefreshSince && now < refreshDueAt(stored)) {
      // Another process (or transport) refreshed while we waited for the lock.
      this.cached = stored;
      return stored;
    }
    let refreshToken: string;
    if (stored) refreshToken = stored.refreshToken;
    else if (rec === null && this.opts.seedRefreshToken) refreshToken = this.opts.seedRefreshToken;
    else {
      throw new ShopbooksError('AuthFailed', 'Shopbooks is not connected to Exact Online yet: connect it (authorize the app) first.', { retryable: false });
    }

    if (stored && !stored.pendingRefreshSince && now < refreshDueAt(stored) && stored.accessToken === rejected) {
      // Exact rejected an access token that should still be valid, and the store holds no newer
      // one. A refresh now would be refused as too early (and count towards Exact's error
      // limit), so do not refresh early: report it and retry when a refresh is allowed.
      throw new ShopbooksError('AuthFailed', 'Exact rejected the current access token although it has not expired; the connection may have been revoked in Exact. Shopbooks will try again when a new token may be requested.', {
        retryable: true,
        details: { retryAt: new Date(refreshDueAt(stored)).toISOString() },
      });
    }
    if (stored?.pendingRefreshSince && stored.accessExpiresAt > now && stored.accessToken !== rejected) {
      // A refresh's answer was lost, but the access token we still hold is valid: keep using it.
      this.cached = stored;
      return stored;
    }

    // Mark the refresh as in flight before sending it, so a crash or a lost answer is known to
    // every process (and to us on the next attempt).
    let version = rec?.version ?? null;
    const pendingSince = stored?.pendingRefreshSince ?? now;
    if (stored && !stored.pendingRefreshSince) {
      const marked = { ...stored, pendingRefreshSince: now };
      if (!(await this.opts.store.compareAndSwapToken(this.tokenName, version, { ...marked }))) {
        // Someone wrote without the lock; start over with what is stored now.
        return this.refreshLocked(rejected);
      }
      version = (version ?? 0) + 1;
    }

    const result = await this.refreshWithRecovery(refreshToken);
    if (result.ok) {
      const next: StoredExactToken = { ...result.tokens, pendingRefreshSince: null };
      // Persist BEFORE use: the old refresh token is dead from now on.
      let saved = await this.opts.store.compareAndSwapToken(this.tokenName, version, { ...next });
      if (!saved) {
        // Only a writer bypassing the lock gets here. Our pair is the newest issued by Exact:
        // store it on top of whatever is there.
        this.log('exact.token.cas-conflict');
        for (let i = 0; i < 5 && !saved; i++) {
          const cur = await this.opts.store.getToken(this.tokenName);
          saved = await this.opts.store.compareAndSwapToken(this.tokenName, cur?.version ?? null, { ...next });
        }
        if (!saved) throw new ShopbooksError('Internal', 'Could not save the rotated Exact token (the token store kept changing).', { retryable: true });
      }
      this.cached = next;
      this.log('exact.token.refreshed', { expiresAt: new Date(next.accessExpiresAt).toISOString() });
      return next;
    }
    return this.refreshFailed(result, pendingSince, stored);
  }

  /**
   * One refresh, repeated with the SAME refresh token only when Exact's answer was lost
   * (timeout/socket/5xx). Exact keeps the previous refresh token valid until the new one has
   * been used (spec §1.4 nuance), so repeating with the old token is the way back; if the lost
   * call did issue a token, the repeat is refused as "too early" and handled by the caller.
   */
  private async refreshWithRecovery(refreshToken: string): Promise<TokenCallResult> {
    let last: TokenCallResult | null = null;
    for (let attempt = 0; attempt < 3; attempt++) {
      if (attempt > 0) {
        this.stats.retried++;
        await this.sleep(this.backoff(attempt));
      }
      this.stats.token++;
      last = await callRefresh({ baseUrl: this.baseUrl, fetch: this.fetchImpl, now: this.now, clientId: this.opts.clientId, clientSecret: this.opts.clientSecret, refreshToken });
      if (last.ok || (last.kind !== 'uncertain' && last.kind !== 'rate-limited')) return last;
      this.log('exact.token.uncertain', { attempt, status: last.ok ? null : last.status });
    }
    return last as TokenCallResult;
  }

  private refreshFailed(result: Exclude<TokenCallResult, { ok: true }>, pendingSince: number, stored: StoredExactToken | null): never {
    const remoteMessage = result.remoteMessage;
    switch (result.kind) {
      case 'too-early': {
        // Exact issued an access token less than 570 s ago that we do not have (a lost answer,
        // ours or another process's). Our refresh token stays valid until the unseen one is used;
        // try again once its 570 s are over.
        const lifetime = stored?.expiresInMs ?? 600_000;
        const retryAt = Math.max(pendingSince, stored?.accessIssuedAt ?? 0) + Math.max(0, lifetime - REFRESH_MARGIN_MS);
        throw new ShopbooksError('AuthFailed', `Exact says a new access token was issued moments ago that Shopbooks did not receive; the connection is kept and Shopbooks retries after ${new Date(retryAt).toISOString()}.`, {
          retryable: true,
          remoteMessage,
          details: { retryAt: new Date(retryAt).toISOString() },
        });
      }
      case 'uncertain':
      case 'rate-limited':
        throw new ShopbooksError('RemoteUnavailable', 'Exact did not answer the token refresh; the connection is kept and Shopbooks will try again.', { retryable: true, remoteMessage });
      case 'old-refresh-token':
        throw new ShopbooksError('TokenRevoked', 'Exact no longer accepts the stored refresh token (a newer one replaced it): reconnect Shopbooks to Exact Online.', { retryable: false, remoteMessage });
      case 'expired':
        throw new ShopbooksError('TokenRevoked', 'The Exact Online connection expired (refresh tokens expire after 30 days without use): reconnect Shopbooks to Exact Online.', { retryable: false, remoteMessage });
      case 'bad-client':
        throw new ShopbooksError('AuthFailed', 'Exact rejected the app credentials (client id or secret): check them in settings.', { retryable: false, remoteMessage });
      default:
        throw new ShopbooksError('AuthFailed', 'Exact refused to refresh the connection: reconnect Shopbooks to Exact Online.', { retryable: false, remoteMessage });
    }
  }

  // ---------------------------------------------------------------- requests

  private backoff(attempt: number): number {
    // Exponential backoff with full jitter: 0.5 s, 1 s, 2 s, ... capped at 8 s.
    const cap = Math.min(8000, 500 * 2 ** (attempt - 1));
    return Math.round(cap / 2 + (this.random() * cap) / 2);
  }

  /** `crm/Accounts` → `{base}/api/v1/{division}/crm/Accounts`; `current/Me` has no division; absolute URLs (`__next`) pass. */
  url(path: string): string {
    if (/^https?:\/\//.test(path)) return path;
    const p = path.replace(/^\/+/, '');
    if (p.startsWith('api/')) return `${this.baseUrl}/${p}`;
    if (p.startsWith('current/')) return `${this.baseUrl}/api/v1/${p}`;
    return `${this.baseUrl}/api/v1/${this.division}/${p}`;
  }

  private async send(method: HttpMethod, url: string, body: unknown, token: string): Promise<RawResponse> {
    const headers: Record<string, string> = { Accept: 'application/json', Authorization: `Bearer ${token}` };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      headers.Prefer = 'return=representation';
    }
    const res = await this.fetchImpl(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.opts.timeoutMs),
    });
    const text = await res.text();
    let parsed: unknown = null;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined; // not JSON
      }
    }
    return { status: res.status, body: parsed, text, headers: res.headers };
  }

  /**
   * One API call with pacing, auth, 429 waits and (for GET) retries. Returns the parsed JSON body
   * (null for 204).
   */
  async request(method: HttpMethod, path: string, body?: unknown): Promise<unknown> {
    const url = this.url(path);
    const isRead = method === 'GET';
    const maxRetries = this.opts.maxRetries ?? 3;
    let attempt = 0;
    let waits429 = 0;
    let rejected: string | undefined;
    let authRetried = false;
    for (;;) {
      // Pace first, then take the token: a token taken before a long pacing wait could expire
      // on the way (token calls do not count towards the API rate limits).
      const waitedBefore = this.pacer.waitedMs;
      await this.pacer.acquire();
      let token: string;
      try {
        token = await this.accessToken(rejected);
      } catch (e) {
        this.pacer.release(null);
        this.stats.waitedMs += this.pacer.waitedMs - waitedBefore;
        throw e;
      }
      if (!isRead) {
        // The booking's claim must still be held before anything is written (store/write-fence.ts).
        try {
          assertWriteAllowed();
        } catch (e) {
          this.pacer.release(null);
          throw e;
        }
      }
      let res: RawResponse;
      try {
        if (isRead) this.stats.read++;
        else this.stats.write++;
        res = await this.send(method, url, body, token);
      } catch (e) {
        this.pacer.release(null);
        this.stats.waitedMs += this.pacer.waitedMs - waitedBefore;
        const why = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError') ? `no answer within ${this.opts.timeoutMs} ms` : `connection failed: ${e instanceof Error ? e.message : String(e)}`;
        if (!isRead) throw uncertainWriteError(path.split('?')[0], why, e);
        if (attempt < maxRetries) {
          attempt++;
          this.stats.retried++;
          await this.sleep(this.backoff(attempt));
          continue;
        }
        throw new ShopbooksError(why.startsWith('no answer') ? 'Timeout' : 'RemoteUnavailable', `Exact Online did not answer (${why}); Shopbooks will try again later.`, { retryable: true, cause: e });
      }
      this.pacer.release((n) => res.headers.get(n));
      this.stats.waitedMs += this.pacer.waitedMs - waitedBefore;

      if (res.status === 429) {
        // Not processed by Exact: wait for the window to reset and send again without spending a retry.
        this.stats.tooManyRequests++;
        if (++waits429 > 5) throw new ShopbooksError('RateLimited', 'Exact keeps answering "Too Many Requests": another application probably uses the same API quota. Shopbooks will try again later.', { retryable: true });
        const before = this.pacer.waitedMs;
        await this.pacer.on429((n) => res.headers.get(n));
        this.stats.waitedMs += this.pacer.waitedMs - before;
        continue;
      }
      if (res.status === 401 && !authRetried) {
        // The access token was refused: re-read the store (another process may have rotated it)
        // and refresh only if due.
        authRetried = true;
        rejected = token;
        continue;
      }
      if (res.status >= 200 && res.status < 300) {
        if (res.status === 204 || !res.text) return null;
        if (res.body === undefined) throw new ShopbooksError('RemoteBadResponse', `Exact answered ${method} ${path.split('?')[0]} with something other than JSON.`, { retryable: isRead });
        return res.body;
      }
      const remote = exactErrorText(res.body) ?? (res.text.trim().slice(0, 500) || `HTTP ${res.status}`);
      const transient = res.status >= 500 && !isValidationMessage(remote);
      if (transient) {
        if (!isRead) throw uncertainWriteError(path.split('?')[0], `HTTP ${res.status}: ${remote.slice(0, 200)}`);
        if (attempt < maxRetries) {
          attempt++;
          this.stats.retried++;
          await this.sleep(this.backoff(attempt));
          continue;
        }
        throw new ShopbooksError('RemoteUnavailable', `Exact Online is not available (HTTP ${res.status}); Shopbooks will try again later.`, { retryable: true, remoteMessage: remote });
      }
      throw this.httpError(method, path, res.status, remote);
    }
  }

  private httpError(method: HttpMethod, path: string, status: number, remote: string): ShopbooksError {
    const where = `${method} ${path.split('?')[0]}`;
    const details = { status, request: where };
    if (status === 401) return new ShopbooksError('AuthFailed', 'Exact refused the access token twice: reconnect Shopbooks to Exact Online if this continues.', { retryable: true, remoteMessage: remote, details });
    if (status === 403) {
      return new ShopbooksError('AuthFailed', `Exact refused access to administration ${this.division}: it is not within the administrations you allowed when connecting, or your Exact user lacks the rights or licence for this. Reconnect and select this administration.`, {
        retryable: false,
        remoteMessage: remote,
        details,
      });
    }
    if (status === 404) return new ShopbooksError('RemoteNotFound', `Exact does not know ${where}.`, { retryable: false, remoteMessage: remote, details });
    return new ShopbooksError('RemoteValidation', explainExactMessage(remote), { retryable: false, remoteMessage: remote, details });
  }

  async get(path: string): Promise<unknown> {
    return this.request('GET', path);
  }

  async post(path: string, body: unknown): Promise<unknown> {
    return this.request('POST', path, body);
  }

  /**
   * One page of a collection and its `__next` link. The link is followed verbatim, but only on our
   * own host: the bearer token goes with it.
   */
  async getPage(path: string): Promise<ODataPage<Record<string, unknown>>> {
    const p = unwrapCollection(await this.get(path));
    if (p.next && !p.next.startsWith(`${this.baseUrl}/`)) {
      throw new ShopbooksError('RemoteBadResponse', `Exact sent a next-page link to another host (${p.next.split('/').slice(0, 3).join('/')}); not following it.`);
    }
    return p;
  }

  /** All rows of a collection, following `__next` verbatim. `maxPages` guards against runaway paging. */
  async getAll(path: string, maxPages = 200): Promise<Record<string, unknown>[]> {
    const rows: Record<string, unknown>[] = [];
    let next: string | null = path;
    for (let page = 0; next; page++) {
      if (page >= maxPages) throw new ShopbooksError('RemoteBadResponse', `Exact returned more than ${maxPages} pages for ${path.split('?')[0]}.`);
      const p = await this.getPage(next);
      rows.push(...p.results);
      next = p.next;
    }
    return rows;
  }

  /** The first page only (for `$top=1` style lookups). */
  async getFirst(path: string): Promise<Record<string, unknown>[]> {
    return unwrapCollection(await this.get(path)).results;
  }
}
