/**
 * Exact Online OAuth2 (spec §1): authorization-code flow on `{base}/api/oauth2/auth` and
 * `{base}/api/oauth2/token`; client credentials in the form body; `expires_in` arrives as a
 * string ("600"); refresh tokens rotate on every use.
 *
 * These functions make exactly one HTTP call and never retry: whether a token call may be
 * repeated is the transport's decision (see transport.ts, "lost token responses").
 */
import { z } from 'zod';
import { ShopbooksError } from '../../model/errors';
import { exactErrorText } from './errors';

export type FetchLike = typeof fetch;

/** Token calls get a generous timeout: a short one is how connections get lost (spec §1.5). */
export const TOKEN_TIMEOUT_MS = 60_000;

export interface ExactTokenSet {
  accessToken: string;
  refreshToken: string;
  /**
   * Epoch ms when we RECEIVED the access token (at or after Exact issued it): the earliest
   * refresh is computed from here, so we are never early by our own round trip.
   */
  accessIssuedAt: number;
  /** Epoch ms when the access token expires, counted from when we SENT the request (conservative). */
  accessExpiresAt: number;
  /** `expires_in` in ms (600 000 at Exact). */
  expiresInMs: number;
  /** Epoch ms when the refresh token was issued (unused refresh tokens expire after 30 days). */
  refreshIssuedAt: number;
}

const TokenResponse = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  token_type: z.string().refine((t) => t.toLowerCase() === 'bearer', { message: 'token_type is not bearer' }),
  expires_in: z.union([z.string().regex(/^\d+$/), z.number().int()]),
});

export function buildAuthorizeUrl(opts: { baseUrl: string; clientId: string; redirectUri: string; state?: string; forceLogin?: boolean }): string {
  const q = new URLSearchParams({ client_id: opts.clientId, redirect_uri: opts.redirectUri, response_type: 'code' });
  if (opts.state) q.set('state', opts.state);
  if (opts.forceLogin) q.set('force_login', '1');
  return `${opts.baseUrl.replace(/\/+$/, '')}/api/oauth2/auth?${q.toString()}`;
}

/** The outcome of one token call: a token set, or a classified failure. */
export type TokenCallResult =
  | { ok: true; tokens: ExactTokenSet }
  /** Exact answered and refused: `kind` says why. */
  | { ok: false; kind: 'too-early' | 'old-refresh-token' | 'expired' | 'bad-client' | 'invalid-grant' | 'rate-limited' | 'other'; status: number; remoteMessage: string }
  /** No answer we can trust (timeout, reset, 5xx, unreadable body): the call may have been processed. */
  | { ok: false; kind: 'uncertain'; status: number | null; remoteMessage: string };

export interface TokenCallOptions {
  baseUrl: string;
  fetch: FetchLike;
  now: () => number;
  timeoutMs?: number;
}

async function tokenCall(opts: TokenCallOptions, form: Record<string, string>): Promise<TokenCallResult> {
  const sentAt = opts.now();
  let res: Response;
  let text: string;
  try {
    res = await opts.fetch(`${opts.baseUrl.replace(/\/+$/, '')}/api/oauth2/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
      signal: AbortSignal.timeout(opts.timeoutMs ?? TOKEN_TIMEOUT_MS),
    });
    text = await res.text();
  } catch (e) {
    return { ok: false, kind: 'uncertain', status: null, remoteMessage: e instanceof Error ? e.message : String(e) };
  }
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (res.status >= 500) return { ok: false, kind: 'uncertain', status: res.status, remoteMessage: exactErrorText(body) ?? text.slice(0, 200) };
  if (res.status === 429) return { ok: false, kind: 'rate-limited', status: 429, remoteMessage: exactErrorText(body) ?? 'Too Many Requests' };
  if (res.ok) {
    const parsed = TokenResponse.safeParse(body);
    if (!parsed.success) return { ok: false, kind: 'uncertain', status: res.status, remoteMessage: `unreadable token response: ${text.slice(0, 120)}` };
    const p = parsed.data;
    const expiresIn = typeof p.expires_in === 'number' ? p.expires_in : Number(p.expires_in);
    const receivedAt = opts.now();
    return {
      ok: true,
      tokens: {
        accessToken: p.access_token,
        refreshToken: p.refresh_token,
        accessIssuedAt: receivedAt,
        accessExpiresAt: sentAt + expiresIn * 1000,
        expiresInMs: expiresIn * 1000,
        refreshIssuedAt: receivedAt,
      },
    };
  }
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const error = typeof b.error === 'string' ? b.error : '';
  const description = typeof b.error_description === 'string' ? b.error_description : '';
  const remoteMessage = exactErrorText(body) ?? (text.slice(0, 200) || `HTTP ${res.status}`);
  const reason = res.headers.get('reason') ?? '';
  if (/not expired/i.test(description) || /TooEarly/i.test(reason)) return { ok: false, kind: 'too-early', status: res.status, remoteMessage };
  if (/old refresh token/i.test(description)) return { ok: false, kind: 'old-refresh-token', status: res.status, remoteMessage };
  if (/expired/i.test(description)) return { ok: false, kind: 'expired', status: res.status, remoteMessage };
  if (error === 'invalid_grant') return { ok: false, kind: 'invalid-grant', status: res.status, remoteMessage };
  if (error === 'invalid_request' && !description) return { ok: false, kind: 'bad-client', status: res.status, remoteMessage };
  if (error === 'invalid_client' || error === 'unauthorized_client') return { ok: false, kind: 'bad-client', status: res.status, remoteMessage };
  return { ok: false, kind: 'other', status: res.status, remoteMessage };
}

/** One refresh call with the given refresh token (no retries, no storage). */
export function callRefresh(opts: TokenCallOptions & { clientId: string; clientSecret: string; refreshToken: string }): Promise<TokenCallResult> {
  return tokenCall(opts, { grant_type: 'refresh_token', refresh_token: opts.refreshToken, client_id: opts.clientId, client_secret: opts.clientSecret });
}

/**
 * Exchange the single-use authorization code from the consent redirect for the first token pair
 * (for the WordPress plugin's "Connect to Exact" and the CLI's `connect`). `code` may be passed
 * URL-encoded as it arrives in the redirect (it contains `!`); it is decoded once here.
 * Persist the result with `saveExactTokens` before using it.
 */
export async function exchangeAuthorizationCode(opts: {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  code: string;
  fetch?: FetchLike;
  now?: () => number;
}): Promise<ExactTokenSet> {
  const code = /%[0-9A-Fa-f]{2}/.test(opts.code) ? decodeURIComponent(opts.code) : opts.code;
  const r = await tokenCall(
    { baseUrl: opts.baseUrl, fetch: opts.fetch ?? fetch, now: opts.now ?? Date.now },
    { grant_type: 'authorization_code', code, redirect_uri: opts.redirectUri, client_id: opts.clientId, client_secret: opts.clientSecret },
  );
  if (r.ok) return r.tokens;
  if (r.kind === 'uncertain') {
    throw new ShopbooksError('RemoteUnavailable', 'Exact did not answer the connection request. The authorization code can be used only once: start the connection again.', {
      retryable: false,
      remoteMessage: r.remoteMessage,
    });
  }
  if (r.kind === 'bad-client') {
    throw new ShopbooksError('AuthFailed', 'Exact rejected the app credentials (client id, secret or redirect URI): check them in the Exact App Center.', { remoteMessage: r.remoteMessage });
  }
  throw new ShopbooksError('AuthFailed', 'Exact did not accept the authorization code (it is valid for 3 minutes and only once): connect again.', { remoteMessage: r.remoteMessage });
}
