/**
 * The only place that talks HTTP to CCV Shop: signs every request (signing.ts), verifies the
 * response signature, paces requests per resource+method, waits out 429s (codes 429.10 per
 * resource/method, 429.11 total), retries transient failures, and maps errors to ShopbooksError.
 */
import axios, { type AxiosInstance } from 'axios';
import { ShopbooksError } from '../../model/errors';
import { ccvDate, ccvHash, sameHash, signedUri } from './signing';
import { ShopClock } from '../shop-clock';

export interface CcvClientOptions {
  apiRoot: string;
  publicKey: string;
  secretKey: string;
  verifyResponses: boolean;
  rateLimitWaitMs: number;
  requestsPerMinute: number;
  maxAttempts: number;
  timeoutMs: number;
  sleep?: (ms: number) => Promise<void>;
  /** Clock for x-date and pacing (tests); Date.now by default. */
  now?: () => number;
}

export interface CcvCollection<T = Record<string, unknown>> {
  href?: string;
  start?: number;
  size?: number;
  first?: string | null;
  previous?: string | null;
  next?: string | null;
  items: T[];
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class CcvShopClient {
  private readonly http: AxiosInstance;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly sent = new Map<string, number[]>();
  callCount = 0;
  /** The shop's clock from its responses' Date headers. */
  readonly clock = new ShopClock();
  rateLimitedCount = 0;
  waitedMs = 0;

  constructor(private readonly opts: CcvClientOptions) {
    this.sleep = opts.sleep ?? defaultSleep;
    this.now = opts.now ?? Date.now;
    this.http = axios.create({
      timeout: opts.timeoutMs,
      validateStatus: () => true,
      responseType: 'text',
      transformResponse: [(d: unknown) => d],
    });
  }

  /** Full URL for a path below the API root ('/orders?size=10') or an href CCV returned. */
  url(pathOrHref: string): string {
    if (/^https?:\/\//.test(pathOrHref)) {
      const root = new URL(this.opts.apiRoot);
      const u = new URL(pathOrHref);
      // Follow CCV's links, but only to our own shop: the signature must never go elsewhere.
      if (u.host !== root.host)
        throw new ShopbooksError(
          'RemoteBadResponse',
          `CCV Shop returned a link to another host (${u.host}).`,
        );
      return `${this.opts.apiRoot.replace(/\/api\/rest\/v1\/?$/, '')}${u.pathname}${u.search}`;
    }
    return `${this.opts.apiRoot}${pathOrHref.startsWith('/') ? '' : '/'}${pathOrHref}`;
  }

  private async pace(key: string): Promise<void> {
    const list = this.sent.get(key) ?? [];
    const drop = () => {
      const cutoff = this.now() - 60_000;
      while (list.length && list[0] <= cutoff) list.shift();
    };
    drop();
    if (list.length >= this.opts.requestsPerMinute) {
      await this.wait(list[0] + 60_000 - this.now() + 10);
      drop();
    }
    list.push(this.now());
    this.sent.set(key, list);
  }

  private async wait(ms: number): Promise<void> {
    if (ms <= 0) return;
    this.waitedMs += ms;
    await this.sleep(ms);
  }

  async request<T = unknown>(
    method: 'GET' | 'PATCH' | 'POST' | 'PUT' | 'DELETE',
    pathOrHref: string,
    payload?: unknown,
  ): Promise<T> {
    const url = this.url(pathOrHref);
    const uri = signedUri(url);
    const body = payload === undefined ? '' : JSON.stringify(payload);
    const resource = (
      uri
        .replace(/^\/api\/rest\/v1/, '')
        .split(/[/?]/)
        .filter(Boolean)[0] ?? 'root'
    ).toLowerCase();
    let last: ShopbooksError | null = null;
    for (let attempt = 1; attempt <= this.opts.maxAttempts; attempt++) {
      await this.pace(`${resource}:${method}`);
      const date = ccvDate(this.now());
      const headers: Record<string, string> = {
        Accept: 'application/json',
        'x-public': this.opts.publicKey,
        'x-date': date,
        'x-hash': ccvHash(this.opts.secretKey, this.opts.publicKey, method, uri, body, date),
      };
      if (body) headers['Content-Type'] = 'application/json';
      this.callCount += 1;
      let status: number;
      let text: string;
      let rh: Record<string, unknown>;
      try {
        const res = await this.http.request({ method, url, data: body || undefined, headers });
        status = res.status;
        text = typeof res.data === 'string' ? res.data : '';
        rh = res.headers as Record<string, unknown>;
        this.clock.note(rh);
      } catch (e) {
        last = new ShopbooksError(
          'RemoteUnavailable',
          `CCV Shop could not be reached (${(e as Error).message}).`,
          { retryable: true, cause: e },
        );
        await this.wait(backoff(attempt));
        continue;
      }
      const parsed = parse(text);
      const code = typeof parsed?.code === 'string' ? parsed.code : '';
      const devMessage = typeof parsed?.developermessage === 'string' ? parsed.developermessage : undefined;
      if (status === 401 || status === 403) {
        throw new ShopbooksError(
          'AuthFailed',
          'CCV Shop refused the API keys. Check the public and secret key, and that the server clock is right (requests are signed with the time).',
          {
            remoteMessage: devMessage,
            details: { status, code },
          },
        );
      }
      if (status === 429) {
        this.rateLimitedCount += 1;
        last = new ShopbooksError(
          'RateLimited',
          `CCV Shop kept refusing requests for exceeding its ${code === '429.11' ? 'total' : `${resource}`} rate limit.`,
          {
            retryable: true,
            remoteMessage: devMessage,
            details: { code },
          },
        );
        const ra = Number(rh['retry-after']);
        await this.wait(Number.isFinite(ra) && ra > 0 ? ra * 1000 : this.opts.rateLimitWaitMs);
        continue;
      }
      if (status >= 500 || status === 408) {
        last = new ShopbooksError(
          'RemoteUnavailable',
          `CCV Shop answered HTTP ${status}${code ? ` (${code})` : ''}; will retry.`,
          { retryable: true, remoteMessage: devMessage, details: { status, code } },
        );
        await this.wait(backoff(attempt));
        continue;
      }
      if (this.opts.verifyResponses) {
        const xd = rh['x-date'];
        const xh = rh['x-hash'];
        const expected =
          typeof xd === 'string'
            ? ccvHash(this.opts.secretKey, this.opts.publicKey, method, uri, text, xd)
            : '';
        if (typeof xh !== 'string' || !sameHash(expected, xh.toLowerCase())) {
          last = new ShopbooksError(
            'RemoteBadResponse',
            'A CCV Shop response did not carry a valid signature; it was not trusted.',
            { retryable: true, details: { uri } },
          );
          await this.wait(backoff(attempt));
          continue;
        }
      }
      if (status === 404)
        throw new ShopbooksError('RemoteNotFound', `CCV Shop has nothing at ${uri}.`, {
          remoteMessage: devMessage,
          details: { code },
        });
      if (status === 204) return undefined as T;
      if (status < 200 || status >= 300) {
        throw new ShopbooksError(
          'RemoteValidation',
          `CCV Shop refused the request (HTTP ${status}${code ? `, ${code}` : ''}).`,
          { remoteMessage: devMessage, details: { status, code } },
        );
      }
      if (parsed === null)
        throw new ShopbooksError(
          'RemoteBadResponse',
          `CCV Shop answered ${uri} with something that is not JSON.`,
        );
      return parsed as T;
    }
    throw last ?? new ShopbooksError('RemoteUnavailable', 'CCV Shop request failed.', { retryable: true });
  }

  /** Every item of a collection, following `next` links. */
  async *collection<T = Record<string, unknown>>(path: string): AsyncIterable<T[]> {
    let next: string | null | undefined = path;
    const seen = new Set<string>();
    while (next) {
      if (seen.has(next)) throw new ShopbooksError('RemoteBadResponse', 'CCV Shop paging links loop.');
      seen.add(next);
      const page: CcvCollection<T> = await this.request<CcvCollection<T>>('GET', next);
      if (!page || !Array.isArray(page.items))
        throw new ShopbooksError(
          'RemoteBadResponse',
          `CCV Shop sent a collection without items for ${next}.`,
        );
      yield page.items;
      next = page.next;
    }
  }
}

function backoff(attempt: number): number {
  return Math.min(30_000, 200 * 2 ** (attempt - 1)) + Math.floor(Math.random() * 100);
}

function parse(text: string): Record<string, unknown> | null {
  if (!text) return null;
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
