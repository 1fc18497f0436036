/**
 * Exact Online OAuth2 (spec section 1, must-haves 2-6).
 *
 * - Authorization codes: 3 minutes, single use, contain `!`.
 * - Token responses: `{"access_token","token_type":"bearer","expires_in":"600","refresh_token"}`
 *   with `expires_in` a string.
 * - Access tokens expire after exactly the lifetime.
 * - Refresh tokens rotate. Reusing a superseded one: 401 unauthorized_client "Old refresh token used.".
 *   Refreshing less than (lifetime - 30 s) after the presented token's pair was issued:
 *   400 access_denied "Rate limit exceeded: access_token not expired" plus a `Reason` header.
 *   Unused for 30 days: 400 invalid_request "The refresh token expired at ... and it is now ...".
 *   Bad client id/secret or malformed request: 400 {"error":"invalid_request"}.
 * - Race mode (deterministic): a refresh token may be redeemed again while none of the pairs issued
 *   from it has been used; the first pair that is used (API call with its access token, or refresh
 *   with its refresh token) wins and every sibling pair dies (Exact's "only one chain survives").
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { ExactHttpError } from './errors';

export interface ClientRegistration {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

export interface Grant {
  id: string;
  clientId: string;
  userId: string;
  divisions: number[];
}

interface RefreshToken {
  token: string;
  grantId: string;
  issuedAt: number;
  /** When the access token issued together with this refresh token was issued (null = none). */
  pairIssuedAt: number | null;
  parent: RefreshToken | null;
  children: RefreshToken[];
  /** Redeemed at least once. */
  redeemed: boolean;
  /** One of the pairs issued from it has been used: no more redemptions, siblings are dead. */
  settled: boolean;
  dead: boolean;
  used: boolean;
}

interface AccessToken {
  token: string;
  grantId: string;
  expiresAt: number;
  refresh: RefreshToken;
}

interface AuthCode {
  code: string;
  clientId: string;
  redirectUri: string;
  issuedAt: number;
  used: boolean;
  divisions: number[];
}

export interface OAuthOptions {
  now: () => number;
  tokenLifetimeSec: number;
  defaultDivisions: number[];
  /** Deterministic refresh race mode (see file comment). */
  raceMode: boolean;
  /** Optional cap on token-endpoint calls per app per user per UTC day (Exact: 200). */
  tokenCallsPerDay?: number;
}

export interface TokenResponse {
  access_token: string;
  token_type: 'bearer';
  expires_in: string;
  refresh_token: string;
}

const CODE_TTL_MS = 3 * 60 * 1000;
const REFRESH_TTL_MS = 30 * 24 * 3600 * 1000;
const EARLY_MARGIN_MS = 30 * 1000;

function oauthError(status: number, body: Record<string, string>, headers: Record<string, string> = {}): ExactHttpError {
  return new ExactHttpError(status, body.error_description ?? body.error, { rawBody: body, headers });
}

const b64 = (n: number): string => randomBytes(n).toString('base64url');

export class OAuthServer {
  readonly clients = new Map<string, ClientRegistration>();
  readonly grants = new Map<string, Grant>();
  private readonly codes = new Map<string, AuthCode>();
  private readonly refreshTokens = new Map<string, RefreshToken>();
  private readonly accessTokens = new Map<string, AccessToken>();
  private readonly tokenCalls = new Map<string, { day: number; count: number }>();
  /** The single simulated user who consents. */
  readonly userId = randomUUID();

  constructor(readonly opts: OAuthOptions) {}

  private client(clientId: unknown, clientSecret?: unknown): ClientRegistration {
    const c = typeof clientId === 'string' ? this.clients.get(clientId) : undefined;
    if (!c || (clientSecret !== undefined && c.clientSecret !== clientSecret)) throw oauthError(400, { error: 'invalid_request' });
    return c;
  }

  /** The consent screen: returns the redirect URL with `code` (URL-encoded) and `state`. */
  authorize(q: { clientId: string; redirectUri: string; state?: string; responseType?: string; divisions?: number[] }): string {
    const c = this.clients.get(q.clientId);
    if (!c) throw oauthError(400, { error: 'invalid_request', error_description: 'Unknown client_id.' });
    if (q.redirectUri !== c.redirectUri) throw oauthError(400, { error: 'invalid_request', error_description: 'redirect_uri does not match the registered redirect URI.' });
    if ((q.responseType ?? 'code') !== 'code') throw oauthError(400, { error: 'unsupported_response_type' });
    const code = `stampNL001.${b64(6)}!IAAA${b64(24)}`;
    this.codes.set(code, {
      code,
      clientId: c.clientId,
      redirectUri: c.redirectUri,
      issuedAt: this.opts.now(),
      used: false,
      divisions: q.divisions ?? this.opts.defaultDivisions,
    });
    const url = new URL(c.redirectUri);
    url.searchParams.set('code', code);
    if (q.state !== undefined) url.searchParams.set('state', q.state);
    return url.toString();
  }

  private newGrant(clientId: string, divisions: number[]): Grant {
    const g: Grant = { id: randomUUID(), clientId, userId: this.userId, divisions: [...divisions] };
    this.grants.set(g.id, g);
    return g;
  }

  private issue(grant: Grant, parent: RefreshToken | null): TokenResponse {
    const now = this.opts.now();
    const rt: RefreshToken = {
      token: `Gcp7!IAAA${b64(40)}`,
      grantId: grant.id,
      issuedAt: now,
      pairIssuedAt: now,
      parent,
      children: [],
      redeemed: false,
      settled: false,
      dead: false,
      used: false,
    };
    if (parent) parent.children.push(rt);
    this.refreshTokens.set(rt.token, rt);
    const at: AccessToken = { token: `AAEAA${b64(180)}`, grantId: grant.id, expiresAt: now + this.opts.tokenLifetimeSec * 1000, refresh: rt };
    this.accessTokens.set(at.token, at);
    return { access_token: at.token, token_type: 'bearer', expires_in: String(this.opts.tokenLifetimeSec), refresh_token: rt.token };
  }

  /** Seed a refresh token as if the user had just consented (no access token issued yet). */
  seedRefreshToken(clientId: string, divisions?: number[]): string {
    const c = this.clients.get(clientId);
    if (!c) throw new Error(`unknown client ${clientId}`);
    const g = this.newGrant(clientId, divisions ?? this.opts.defaultDivisions);
    const now = this.opts.now();
    const rt: RefreshToken = {
      token: `Gcp7!IAAA${b64(40)}`,
      grantId: g.id,
      issuedAt: now,
      pairIssuedAt: null,
      parent: null,
      children: [],
      redeemed: false,
      settled: false,
      dead: false,
      used: false,
    };
    this.refreshTokens.set(rt.token, rt);
    return rt.token;
  }

  /** A pair was used for the first time: settle its parent, killing the sibling pairs. */
  private markUsed(rt: RefreshToken): void {
    if (rt.used) return;
    rt.used = true;
    const p = rt.parent;
    if (p && !p.settled) {
      p.settled = true;
      for (const sib of p.children) if (sib !== rt) this.kill(sib);
    }
  }

  private kill(rt: RefreshToken): void {
    rt.dead = true;
    for (const c of rt.children) this.kill(c);
  }

  private countTokenCall(clientId: string): void {
    const cap = this.opts.tokenCallsPerDay;
    if (cap === undefined) return;
    const day = Math.floor(this.opts.now() / 86400000);
    const key = `${clientId}|${this.userId}`;
    const e = this.tokenCalls.get(key);
    const cur = e && e.day === day ? e : { day, count: 0 };
    cur.count++;
    this.tokenCalls.set(key, cur);
    if (cur.count > cap) {
      throw oauthError(400, { error: 'access_denied', error_description: 'Rate limit exceeded: maximum number of token requests per day reached' });
    }
  }

  /** POST /api/oauth2/token with the parsed form. */
  token(form: URLSearchParams): TokenResponse {
    const grantType = form.get('grant_type');
    const c = this.client(form.get('client_id') ?? undefined, form.get('client_secret') ?? '');
    this.countTokenCall(c.clientId);
    const now = this.opts.now();
    if (grantType === 'authorization_code') {
      const code = form.get('code') ?? '';
      const ac = this.codes.get(code);
      if (!ac || ac.clientId !== c.clientId) throw oauthError(400, { error: 'invalid_grant', error_description: 'The authorization code is invalid.' });
      if (ac.used) throw oauthError(400, { error: 'invalid_grant', error_description: 'The authorization code has already been used.' });
      if (now > ac.issuedAt + CODE_TTL_MS) throw oauthError(400, { error: 'invalid_grant', error_description: 'The authorization code has expired.' });
      if (form.get('redirect_uri') !== ac.redirectUri) throw oauthError(400, { error: 'invalid_request' });
      ac.used = true;
      return this.issue(this.newGrant(c.clientId, ac.divisions), null);
    }
    if (grantType === 'refresh_token') {
      const rt = this.refreshTokens.get(form.get('refresh_token') ?? '');
      const g = rt ? this.grants.get(rt.grantId) : undefined;
      if (!rt || !g || g.clientId !== c.clientId) // Text as Exact returned it for an unusable refresh token (websmurf/laravel-exact-online#25).
        throw oauthError(400, { error: 'invalid_grant', error_description: 'Token is not allowed, because of invalid or empty chainId' });
      if (rt.dead) throw oauthError(401, { error: 'unauthorized_client', error_description: 'Old refresh token used.' });
      if (rt.redeemed && (!this.opts.raceMode || rt.settled)) {
        throw oauthError(401, { error: 'unauthorized_client', error_description: 'Old refresh token used.' });
      }
      const expiresAt = rt.issuedAt + REFRESH_TTL_MS;
      if (now > expiresAt) {
        throw oauthError(400, {
          error: 'invalid_request',
          error_description: `The refresh token expired at ${new Date(expiresAt).toISOString()} and it is now ${new Date(now).toISOString()}.`,
        });
      }
      const earliest = rt.pairIssuedAt === null ? -Infinity : rt.pairIssuedAt + this.opts.tokenLifetimeSec * 1000 - EARLY_MARGIN_MS;
      if (now < earliest) {
        throw oauthError(
          400,
          { error: 'access_denied', error_description: 'Rate limit exceeded: access_token not expired' },
          { Reason: `TooEarlyToRefreshTokens: the access token can be refreshed from ${new Date(earliest).toISOString()}` },
        );
      }
      this.markUsed(rt);
      rt.redeemed = true;
      return this.issue(g, rt);
    }
    throw oauthError(400, { error: 'invalid_request' });
  }

  /** Validate `Authorization: Bearer <token>`; returns the grant or throws 401. */
  authenticate(header: string | undefined): Grant {
    const m = /^bearer\s+(\S+)$/i.exec(header ?? '');
    const at = m ? this.accessTokens.get(m[1]) : undefined;
    if (!at || at.refresh.dead || this.opts.now() >= at.expiresAt) {
      throw new ExactHttpError(401, 'Unauthorized', { headers: { 'WWW-Authenticate': 'Bearer' } });
    }
    this.markUsed(at.refresh);
    return this.grants.get(at.grantId)!;
  }
}
