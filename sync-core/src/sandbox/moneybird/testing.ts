/**
 * A tiny HTTP client for the simulator's own tests (and for anyone poking at it by hand): sends JSON
 * with a Bearer token and returns status, headers and the parsed body.
 */
export interface SimResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export async function request<T = any>( // eslint-disable-line @typescript-eslint/no-explicit-any
  url: string,
  init: { method?: string; token?: string | null; body?: unknown; rawBody?: string | FormData; contentType?: string | null } = {},
): Promise<SimResponse<T>> {
  const headers: Record<string, string> = {};
  if (init.token !== null) headers.Authorization = `Bearer ${init.token ?? 'sandbox-moneybird-api-token-0001'}`;
  let body: string | FormData | undefined;
  if (init.rawBody !== undefined) body = init.rawBody;
  else if (init.body !== undefined) body = JSON.stringify(init.body);
  if (body !== undefined && typeof body === 'string' && init.contentType !== null) headers['Content-Type'] = init.contentType ?? 'application/json';
  const res = await fetch(url, { method: init.method ?? 'GET', headers, body, redirect: 'manual' });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  return { status: res.status, headers: res.headers, body: parsed as T, text };
}
