/**
 * WooCommerce REST authentication (class-wc-rest-authentication.php) and WordPress application
 * passwords, as the simulator applies them:
 * - HTTPS only: `consumer_key`/`consumer_secret` query parameters (checked first), then HTTP Basic
 *   with a `ck_`/`cs_` pair. Unknown key -> not authenticated (no error); wrong secret -> 401.
 * - Otherwise (or when Basic gave no user) OAuth 1.0a one-legged: HMAC-SHA1/HMAC-SHA256, params in
 *   query, form body or `Authorization: OAuth` header, ±15 min timestamp, nonce replay check.
 * - WordPress application passwords: Basic `user:app password`, only when the site supports them
 *   (HTTPS, or environment type "local").
 * - Key permissions read / write / read_write checked before dispatch.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { type PhpArray, type PhpValue, parseStr, rawurlencode } from './php-params';

export type KeyPermission = 'read' | 'write' | 'read_write';

export interface ApiKey {
  keyId: number;
  userId: number;
  consumerKey: string;
  consumerSecret: string;
  permissions: KeyPermission;
  /** timestamp -> nonce, as WooCommerce stores them (one nonce per timestamp). */
  nonces: Map<number, string>;
}

export interface WpUser {
  id: number;
  login: string;
  email: string;
  /** manage_woocommerce / read_private_shop_orders etc. */
  canManageWoocommerce: boolean;
  appPasswords: { name: string; password: string }[];
}

export interface WcError {
  status: number;
  code: string;
  message: string;
  data?: Record<string, unknown>;
  headers?: Record<string, string>;
}

export type AuthMethod = 'basic' | 'query' | 'oauth1' | 'app-password' | 'none';

export interface AuthResult {
  user: WpUser | null;
  key: ApiKey | null;
  method: AuthMethod;
  error: WcError | null;
}

export interface AuthRequest {
  method: string;
  /** Path without query, e.g. /wp-json/wc/v3/orders. */
  path: string;
  query: PhpArray;
  /** Form-encoded body parameters ($_POST). */
  form: PhpArray;
  authorization: string | undefined;
  https: boolean;
  /** Home URL without scheme, e.g. "127.0.0.1:8080". */
  homeHost: string;
  nowSeconds: number;
}

export interface AuthDirectory {
  keys: ApiKey[];
  users: WpUser[];
  environmentType: 'production' | 'local' | 'staging' | 'development';
}

const authError = (message: string, code = 'woocommerce_rest_authentication_error'): WcError => ({ status: 401, code, message });

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function basicCredentials(header: string | undefined): [string, string] | null {
  if (!header || !/^basic /i.test(header)) return null;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return null;
  return [decoded.slice(0, i), decoded.slice(i + 1)];
}

/** WC_REST_Authentication::parse_header */
function parseOAuthHeader(header: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!/^oauth /i.test(header.trim())) return out;
  const body = header.trim().slice(6);
  for (const part of body.split(',')) {
    const m = /^\s*([^=\s]+)\s*=\s*"?([^"]*)"?\s*$/.exec(part);
    if (m && m[1].startsWith('oauth_')) out.set(m[1], decodeURIComponent(m[2]));
  }
  return out;
}

function encodeDeep(v: PhpValue): PhpValue {
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, encodeDeep(x)]));
  return rawurlencode(v);
}

/** WC_REST_Authentication::join_with_equals_sign */
function joinWithEquals(params: PhpArray, out: string[] = [], key = ''): string[] {
  for (const [k0, v] of params) {
    const k = key ? `${key}%5B${k0}%5D` : k0;
    if (v instanceof Map) joinWithEquals(v, out, k);
    else out.push(rawurlencode(`${k}=${v}`));
  }
  return out;
}

function strcmp(a: string, b: string): number {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return Buffer.compare(x, y);
}

/** The OAuth 1.0a signature WooCommerce expects for these parameters (oauth_signature removed). */
export function wooOAuthSignature(method: string, baseUrl: string, params: PhpArray, secret: string, signatureMethod: 'HMAC-SHA1' | 'HMAC-SHA256'): string {
  const sorted = new Map([...params].filter(([k]) => k !== 'oauth_signature').sort(([a], [b]) => strcmp(a, b)));
  const normalised: PhpArray = new Map([...sorted].map(([k, v]) => [rawurlencode(k), encodeDeep(v)]));
  const base = `${method.toUpperCase()}&${rawurlencode(baseUrl)}&${joinWithEquals(normalised).join('%26')}`;
  return createHmac(signatureMethod === 'HMAC-SHA1' ? 'sha1' : 'sha256', `${secret}&`)
    .update(base)
    .digest('base64');
}

function findKey(dir: AuthDirectory, consumerKey: string): ApiKey | undefined {
  return dir.keys.find((k) => safeEqual(k.consumerKey, consumerKey));
}

function userOf(dir: AuthDirectory, key: ApiKey): WpUser | null {
  return dir.users.find((u) => u.id === key.userId) ?? null;
}

const OAUTH_PARAMS = ['oauth_consumer_key', 'oauth_timestamp', 'oauth_nonce', 'oauth_signature', 'oauth_signature_method'];

function oauth(req: AuthRequest, dir: AuthDirectory): AuthResult | null {
  const params: PhpArray = new Map([...req.query, ...req.form]);
  if (req.authorization) for (const [k, v] of parseOAuthHeader(req.authorization)) params.set(k, v);
  const missing = OAUTH_PARAMS.filter((p) => {
    const v = params.get(p);
    return v === undefined || v === '' || v instanceof Map;
  });
  if (missing.length === OAUTH_PARAMS.length) return null; // not trying OAuth
  const fail = (e: WcError): AuthResult => ({ user: null, key: null, method: 'oauth1', error: e });
  if (missing.length) {
    return fail(authError(`${missing.length === 1 ? 'Missing OAuth parameter' : 'Missing OAuth parameters'} ${missing.join(', ')}`, 'woocommerce_rest_authentication_missing_parameter'));
  }
  const get = (k: string) => params.get(k) as string;
  const key = findKey(dir, get('oauth_consumer_key'));
  if (!key) return fail(authError('Consumer key is invalid.'));
  const sigMethod = get('oauth_signature_method');
  const baseUrl = `${req.https ? 'https' : 'http'}://${req.homeHost}${req.path}`;
  if (sigMethod !== 'HMAC-SHA1' && sigMethod !== 'HMAC-SHA256') return fail(authError('Invalid signature - signature method is invalid.'));
  const consumerSignature = get('oauth_signature').replace(/ /g, '+');
  const expected = wooOAuthSignature(req.method, baseUrl, params, key.consumerSecret, sigMethod);
  if (!safeEqual(expected, consumerSignature)) return fail(authError('Invalid signature - provided signature does not match.'));
  const ts = Number(get('oauth_timestamp'));
  const window = 15 * 60;
  if (!Number.isFinite(ts) || ts < req.nowSeconds - window || ts > req.nowSeconds + window) return fail(authError('Invalid timestamp.'));
  const nonce = get('oauth_nonce');
  if ([...key.nonces.values()].includes(nonce)) return fail(authError('Invalid nonce - nonce has already been used.'));
  key.nonces.set(ts, nonce);
  for (const t of [...key.nonces.keys()]) if (t < req.nowSeconds - window) key.nonces.delete(t);
  return { user: userOf(dir, key), key, method: 'oauth1', error: null };
}

export const BASIC_REALM = 'WooCommerce API. Use a consumer key in the username field and a consumer secret in the password field.';

/** Run the authentication WordPress + WooCommerce run before dispatching a REST request. */
export function authenticate(req: AuthRequest, dir: AuthDirectory): AuthResult {
  const none: AuthResult = { user: null, key: null, method: 'none', error: null };
  const basic = basicCredentials(req.authorization);
  // 1. WooCommerce Basic / query-string keys, HTTPS only.
  if (req.https) {
    const qk = req.query.get('consumer_key');
    const qs = req.query.get('consumer_secret');
    let ck: string | null = null;
    let cs: string | null = null;
    let method: AuthMethod = 'basic';
    if (typeof qk === 'string' && qk !== '' && typeof qs === 'string' && qs !== '') {
      ck = qk;
      cs = qs;
      method = 'query';
    } else if (basic && basic[0] !== '' && basic[1] !== '') {
      [ck, cs] = basic;
    }
    if (ck && cs) {
      const key = findKey(dir, ck);
      if (key) {
        if (!safeEqual(key.consumerSecret, cs)) {
          return { user: null, key: null, method, error: { ...authError('Consumer secret is invalid.'), headers: { 'WWW-Authenticate': `Basic realm="${BASIC_REALM}"` } } };
        }
        return { user: userOf(dir, key), key, method, error: null };
      }
    }
  }
  // 2. OAuth 1.0a.
  const o = oauth(req, dir);
  if (o) return o;
  // 3. WordPress application passwords (Basic with a WordPress user name).
  if (basic && !basic[0].startsWith('ck_') && dir.users.some((u) => u.appPasswords.length > 0)) {
    const [login, password] = basic;
    const user = dir.users.find((u) => u.login === login) ?? (login.includes('@') ? dir.users.find((u) => u.email === login) : undefined);
    const fail = (code: string, message: string): AuthResult => ({ user: null, key: null, method: 'app-password', error: { status: 401, code, message } });
    if (!user) {
      return login.includes('@')
        ? fail('invalid_email', '<strong>Error:</strong> Unknown email address. Check again or try your username.')
        : fail('invalid_username', `<strong>Error:</strong> The username <strong>${login}</strong> is not registered on this site. If you are unsure of your username, try your email address instead.`);
    }
    if (!(req.https || dir.environmentType === 'local')) return fail('application_passwords_disabled', 'Application passwords are not available.');
    const given = password.replace(/[^a-z\d]/gi, '');
    if (!user.appPasswords.some((p) => safeEqual(p.password.replace(/[^a-z\d]/gi, ''), given))) {
      return fail('incorrect_password', 'The provided password is an invalid application password.');
    }
    return { user, key: null, method: 'app-password', error: null };
  }
  return none;
}

/** WC_REST_Authentication::check_user_permissions (rest_pre_dispatch). */
export function checkKeyPermissions(key: ApiKey | null, method: string): WcError | null {
  if (!key) return null;
  const m = method.toUpperCase();
  if ((m === 'HEAD' || m === 'GET') && key.permissions === 'write') return authError('The API key provided does not have read permissions.');
  if (['POST', 'PUT', 'PATCH', 'DELETE'].includes(m) && key.permissions === 'read') return authError('The API key provided does not have write permissions.');
  return null;
}

export { parseStr };
