/**
 * Helpers for the tests against the real WordPress that tests/wp/run.sh starts. They read
 * $WP_DIR/env (written by bin/wp-local.sh up) and $WP_DIR/test-users.json (written by run.sh).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const REPO = join(__dirname, '..', '..');

function readEnv(): Record<string, string> {
  const dir = process.env.WP_DIR ?? join(REPO, '.wp-local', 'test');
  let text: string;
  try {
    text = readFileSync(join(dir, 'env'), 'utf8');
  } catch {
    throw new Error(`No WordPress is running for the tests (${dir}/env is missing). Run: bash tests/wp/run.sh`);
  }
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) env[line.slice(0, i)] = line.slice(i + 1);
  }
  env.WP_DIR = dir;
  return env;
}

export const env = readEnv();
export const WP_URL = env.WP_URL;

export interface TestUser {
  login: string;
  password: string;
  appPassword: string;
}
export type Role = 'administrator' | 'shop_manager' | 'subscriber';

export const users: Record<Role, TestUser> = JSON.parse(readFileSync(join(env.WP_DIR, 'test-users.json'), 'utf8'));

export type Auth = 'anonymous' | Role | { cookie: string; nonce?: string };

export interface ApiResponse {
  status: number;
  body: unknown;
  text: string;
  headers: Headers;
}

/** A REST call to shopbooks/v1 (or any route when `path` starts with "/wp/" or "/"). */
export async function api(method: string, path: string, opts: { auth?: Auth; body?: unknown; query?: Record<string, string> } = {}): Promise<ApiResponse> {
  const route = path.startsWith('/shopbooks/') || path.startsWith('/wp/') ? path : `/shopbooks/v1${path}`;
  const u = new URL(`${WP_URL}/`);
  u.searchParams.set('rest_route', route);
  for (const [k, v] of Object.entries(opts.query ?? {})) u.searchParams.set(k, v);
  const headers: Record<string, string> = { Accept: 'application/json' };
  const auth = opts.auth ?? 'administrator';
  if (typeof auth === 'string' && auth !== 'anonymous') {
    const user = users[auth];
    headers.Authorization = 'Basic ' + Buffer.from(`${user.login}:${user.appPassword}`).toString('base64');
  } else if (typeof auth === 'object') {
    headers.Cookie = auth.cookie;
    if (auth.nonce) headers['X-WP-Nonce'] = auth.nonce;
  }
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(u, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body), redirect: 'manual' });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  return { status: res.status, body, text, headers: res.headers };
}

/** Log in through wp-login.php like a browser; returns the Cookie header value. */
export async function login(role: Role): Promise<string> {
  const user = users[role];
  const jar = new Map<string, string>([['wordpress_test_cookie', 'WP%20Cookie%20check']]);
  const res = await fetch(`${WP_URL}/wp-login.php`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: 'wordpress_test_cookie=WP%20Cookie%20check' },
    body: new URLSearchParams({ log: user.login, pwd: user.password, testcookie: '1', 'wp-submit': 'Log In', redirect_to: '/wp-admin/' }).toString(),
    redirect: 'manual',
  });
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const i = pair.indexOf('=');
    const v = pair.slice(i + 1);
    if (v && v !== 'deleted' && !/expires=Thu, 01-Jan-1970/i.test(c)) jar.set(pair.slice(0, i), v);
  }
  if (![...jar.keys()].some((k) => k.startsWith('wordpress_logged_in_'))) throw new Error(`login as ${role} failed (HTTP ${res.status})`);
  return [...jar.entries()].map(([k, v]) => `${k}=${v}`).join('; ');
}

/** The REST nonce for a cookie session (what the settings page gets from wp_localize_script). */
export async function restNonce(cookie: string): Promise<string> {
  const res = await fetch(`${WP_URL}/wp-admin/admin-ajax.php?action=rest-nonce`, { headers: { Cookie: cookie } });
  const nonce = (await res.text()).trim();
  if (!/^[a-f0-9]{10}$/.test(nonce)) throw new Error(`no REST nonce (got ${nonce.slice(0, 40)})`);
  return nonce;
}

/** Fetch a wp-admin page with a cookie session. */
export async function adminPage(cookie: string, path: string): Promise<{ status: number; html: string }> {
  const res = await fetch(`${WP_URL}/wp-admin/${path}`, { headers: { Cookie: cookie }, redirect: 'manual' });
  return { status: res.status, html: await res.text() };
}

/** Run PHP inside WordPress as user 1 (the wp-cli stand-in of bin/wp-local.sh). */
export function wpEval(php: string): string {
  // Same as `bash bin/wp-local.sh eval`, without the shell script around it.
  return execFileSync('php', ['-d', 'display_errors=stderr', '-d', 'error_reporting=E_ALL & ~E_DEPRECATED', join(env.WP_DIR, 'bin', 'wp-eval.php'), join(env.WP_DIR, 'site'), WP_URL, php], {
    env: { ...process.env, WP_DIR: env.WP_DIR },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** wpEval that prints JSON. */
export function wpJson<T = unknown>(php: string): T {
  const out = wpEval(php);
  return JSON.parse(out.trim().split('\n').pop() ?? 'null') as T;
}

/** Run due WP-Cron events now (GET /wp-cron.php, DISABLE_WP_CRON is set for the tests). */
export async function runCron(): Promise<void> {
  wpEval("delete_transient('doing_cron');");
  const res = await fetch(`${WP_URL}/wp-cron.php`);
  await res.text();
  if (res.status !== 200) throw new Error(`wp-cron.php answered ${res.status}`);
}

/** Every string found anywhere inside a JSON value. */
export function allStrings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => allStrings(x, out));
  else if (v && typeof v === 'object') Object.values(v).forEach((x) => allStrings(x, out));
  return out;
}
