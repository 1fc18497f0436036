/**
 * Tokens: personal API tokens (non-expiring) and OAuth2 authorization-code grants with refresh
 * (`/oauth/authorize`, `/oauth/token`, `/oauth/revoke`), as Moneybird's Doorkeeper-based server does.
 * Access tokens may expire (`tokenExpiresInSec`); refresh tokens rotate on use, so a client that does
 * not persist the new refresh token fails on its next refresh. Error bodies follow RFC 6749 §5.2.
 */
import { randomBytes } from 'node:crypto';
import { ALL_SCOPES, type Scope } from './routing';

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

export interface TokenRecord {
  token: string;
  kind: 'personal' | 'oauth';
  scopes: Set<string>;
  expiresAt: number | null;
  revoked: boolean;
  clientId: string | null;
  refreshToken: string | null;
}

interface CodeRecord {
  code: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  expiresAt: number;
  used: boolean;
}

interface RefreshRecord {
  refreshToken: string;
  clientId: string;
  scopes: string[];
  accessToken: string;
  revoked: boolean;
}

export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
  body(): Record<string, string> {
    return { error: this.error, error_description: this.description };
  }
}

const INVALID_GRANT =
  'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.';
const INVALID_CLIENT = 'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.';

export class TokenAuthority {
  readonly tokens = new Map<string, TokenRecord>();
  private readonly codes = new Map<string, CodeRecord>();
  private readonly refresh = new Map<string, RefreshRecord>();
  readonly clients: OAuthClient[];

  constructor(
    personal: Array<{ token: string; scopes?: string[] }>,
    clients: OAuthClient[],
    private readonly now: () => number,
    private readonly expiresInSec: number | undefined,
  ) {
    this.clients = clients;
    for (const p of personal) {
      this.tokens.set(p.token, { token: p.token, kind: 'personal', scopes: new Set(p.scopes ?? ALL_SCOPES), expiresAt: null, revoked: false, clientId: null, refreshToken: null });
    }
  }

  /** The token behind an Authorization header, or why it is not usable. */
  authenticate(header: string | undefined): { ok: true; token: TokenRecord } | { ok: false; reason: 'missing' | 'invalid' | 'expired' } {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (!m) return { ok: false, reason: 'missing' };
    const t = this.tokens.get(m[1]);
    if (!t || t.revoked) return { ok: false, reason: 'invalid' };
    if (t.expiresAt !== null && this.now() >= t.expiresAt) return { ok: false, reason: 'expired' };
    return { ok: true, token: t };
  }

  private client(clientId: string | undefined, secret?: string): OAuthClient {
    const c = this.clients.find((x) => x.clientId === clientId);
    if (!c || (secret !== undefined && c.clientSecret !== secret)) throw new OAuthError(401, 'invalid_client', INVALID_CLIENT);
    return c;
  }

  private parseScopes(raw: string | undefined | null): string[] {
    // Moneybird grants `sales_invoices` when no scope is requested (research notes §1.2, [S]).
    const list = (raw ?? '').split(/[\s+]+/).filter(Boolean);
    if (list.length === 0) return ['sales_invoices'];
    for (const s of list) if (!ALL_SCOPES.includes(s as Scope)) throw new OAuthError(400, 'invalid_scope', 'The requested scope is invalid, unknown, or malformed.');
    return list;
  }

  /** The consent screen, approved: returns the redirect URL with `code` (and `state`). */
  authorize(p: { clientId: string; redirectUri: string; state?: string; scope?: string; responseType?: string }): string {
    const c = this.clients.find((x) => x.clientId === p.clientId);
    if (!c) throw new OAuthError(401, 'invalid_client', INVALID_CLIENT);
    if (p.redirectUri !== c.redirectUri) throw new OAuthError(400, 'invalid_redirect_uri', "The requested redirect uri is malformed or doesn't match client redirect URI.");
    const url = new URL(c.redirectUri);
    if (p.responseType !== undefined && p.responseType !== 'code') {
      url.searchParams.set('error', 'unsupported_response_type');
      if (p.state !== undefined) url.searchParams.set('state', p.state);
      return url.toString();
    }
    let scopes: string[];
    try {
      scopes = this.parseScopes(p.scope);
    } catch (e) {
      url.searchParams.set('error', (e as OAuthError).error);
      if (p.state !== undefined) url.searchParams.set('state', p.state);
      return url.toString();
    }
    const code = randomBytes(20).toString('hex');
    this.codes.set(code, { code, clientId: c.clientId, redirectUri: c.redirectUri, scopes, expiresAt: this.now() + 10 * 60 * 1000, used: false });
    url.searchParams.set('code', code);
    if (p.state !== undefined) url.searchParams.set('state', p.state);
    return url.toString();
  }

  private issue(clientId: string, scopes: string[]) {
    const access = randomBytes(32).toString('hex');
    const refresh = randomBytes(32).toString('hex');
    const expiresAt = this.expiresInSec ? this.now() + this.expiresInSec * 1000 : null;
    this.tokens.set(access, { token: access, kind: 'oauth', scopes: new Set(scopes), expiresAt, revoked: false, clientId, refreshToken: refresh });
    this.refresh.set(refresh, { refreshToken: refresh, clientId, scopes, accessToken: access, revoked: false });
    return {
      access_token: access,
      token_type: 'Bearer',
      ...(this.expiresInSec ? { expires_in: this.expiresInSec } : {}),
      refresh_token: refresh,
      scope: scopes.join(' '),
      created_at: Math.floor(this.now() / 1000),
    };
  }

  /** POST /oauth/token (form-encoded; client credentials in the body or HTTP Basic). */
  token(params: URLSearchParams, basic: { id: string; secret: string } | null): Record<string, unknown> {
    const clientId = basic?.id ?? params.get('client_id') ?? undefined;
    const secret = basic?.secret ?? params.get('client_secret') ?? '';
    const grant = params.get('grant_type');
    if (!grant) throw new OAuthError(400, 'invalid_request', 'Missing required parameter: grant_type.');
    if (grant !== 'authorization_code' && grant !== 'refresh_token') throw new OAuthError(400, 'unsupported_grant_type', 'The authorization grant type is not supported by the authorization server.');
    const client = this.client(clientId, secret);
    if (grant === 'authorization_code') {
      const code = params.get('code');
      if (!code) throw new OAuthError(400, 'invalid_request', 'Missing required parameter: code.');
      const rec = this.codes.get(code);
      if (!rec || rec.used || rec.clientId !== client.clientId || rec.expiresAt <= this.now() || params.get('redirect_uri') !== rec.redirectUri) {
        throw new OAuthError(400, 'invalid_grant', INVALID_GRANT);
      }
      rec.used = true;
      return this.issue(client.clientId, rec.scopes);
    }
    const rt = params.get('refresh_token');
    if (!rt) throw new OAuthError(400, 'invalid_request', 'Missing required parameter: refresh_token.');
    const rec = this.refresh.get(rt);
    if (!rec || rec.revoked || rec.clientId !== client.clientId) throw new OAuthError(400, 'invalid_grant', INVALID_GRANT);
    rec.revoked = true; // rotation: the old refresh token is spent
    return this.issue(client.clientId, rec.scopes);
  }

  /** POST /oauth/revoke: revokes an access token or refresh token with its pair; 200 even when unknown. */
  revoke(params: URLSearchParams, basic: { id: string; secret: string } | null): void {
    const clientId = basic?.id ?? params.get('client_id') ?? undefined;
    const secret = basic?.secret ?? params.get('client_secret') ?? '';
    this.client(clientId, secret);
    const token = params.get('token');
    if (!token) return;
    const access = this.tokens.get(token);
    if (access && access.kind === 'oauth' && access.clientId === clientId) {
      access.revoked = true;
      const r = access.refreshToken ? this.refresh.get(access.refreshToken) : undefined;
      if (r) r.revoked = true;
    }
    const r = this.refresh.get(token);
    if (r && r.clientId === clientId) {
      r.revoked = true;
      const a = this.tokens.get(r.accessToken);
      if (a) a.revoked = true;
    }
  }
}
