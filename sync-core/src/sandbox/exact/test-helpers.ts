/** Helpers for the simulator's own tests: a tiny client over fetch. Not used by product code. */
import { startExactSimulator, type ExactSimulator, type ExactSimulatorOptions } from './index';

export interface Clock {
  t: number;
  now: () => number;
  advance(ms: number): void;
}

export function clock(start = Date.UTC(2026, 2, 2, 10, 0, 15)): Clock {
  const c: Clock = {
    t: start,
    now: () => c.t,
    advance(ms: number) {
      c.t += ms;
    },
  };
  return c;
}

export interface Res {
  status: number;
  headers: Headers;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function http(url: string, init: RequestInit = {}): Promise<Res> {
  const r = await fetch(url, { redirect: 'manual', ...init });
  const text = await r.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: r.status, headers: r.headers, text, json };
}

export async function tokenRequest(sim: ExactSimulator, form: Record<string, string>): Promise<Res> {
  return http(`${sim.url}/api/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
}

export async function refresh(sim: ExactSimulator, refreshToken: string, clientId = '5a4db0c5-0000-4000-8000-000000000001', clientSecret = 'sandbox-secret'): Promise<Res> {
  return tokenRequest(sim, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId, client_secret: clientSecret });
}

/** A simulator plus an access token for the default client. */
export async function connected(opts: ExactSimulatorOptions = {}): Promise<{ sim: ExactSimulator; token: string; refreshToken: string; api: Api }> {
  const sim = await startExactSimulator(opts);
  const r = await refresh(sim, sim.issueRefreshToken());
  if (r.status !== 200) throw new Error(`refresh failed: ${r.text}`);
  const token = r.json.access_token as string;
  return { sim, token, refreshToken: r.json.refresh_token as string, api: api(sim, token) };
}

export type Api = ReturnType<typeof api>;

export function api(sim: ExactSimulator, token: string, division = 1234567) {
  const u = (path: string): string => (path.startsWith('http') ? path : path.startsWith('/') ? `${sim.url}${path}` : `${sim.url}/api/v1/${division}/${path}`);
  const headers = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
  return {
    get: (path: string, extra: Record<string, string> = {}) => http(u(path), { headers: { ...headers, ...extra } }),
    post: (path: string, body: unknown) =>
      http(u(path), { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json', Prefer: 'return=representation' }, body: JSON.stringify(body) }),
    put: (path: string, body: unknown) => http(u(path), { method: 'PUT', headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
    del: (path: string) => http(u(path), { method: 'DELETE', headers }),
  };
}

/** The Dutch message of an Exact error body. */
export const message = (r: Res): string => r.json?.error?.message?.value;
