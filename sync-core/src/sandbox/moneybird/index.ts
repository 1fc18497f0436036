/**
 * A strict local Moneybird API v2 simulator (see README.md beside this file). It is product code:
 * it rejects what the real API rejects so the Moneybird target is tested, not flattered.
 *
 *   const sim = await startMoneybirdSimulator();
 *   // Authorization: Bearer sandbox-moneybird-api-token-0001
 *   // GET `${sim.url}/api/v2/${sim.administrationId}/tax_rates.json`
 *   await sim.close();
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Busboy from 'busboy';
import { MoneybirdHttpError, symbolic } from './errors';
import { IdGenerator, parseJsonKeepingBigInts } from './format';
import type { VatRoundingOptions } from './invoice-math';
import { AdministrationState, type InvoiceRecord, type SalesInvoiceRecord } from './model';
import { OAuthError, TokenAuthority, type OAuthClient, type TokenRecord } from './oauth';
import { isObject } from './params';
import { SlidingWindowLimiter, type RateLimitOptions } from './rate-limit';
import { contactRoutes } from './routes/contacts';
import { externalSalesInvoiceRoutes } from './routes/external-sales-invoices';
import { salesInvoiceRoutes, sendScheduled } from './routes/sales-invoices';
import { settingsRoutes } from './routes/settings';
import { WebhookHub, type WebhookDelivery, type WebhookOptions } from './routes/webhooks';
import type { Route, RouteContext, RouteResult, UploadedFile } from './routing';
import { seedAdministration, type AdministrationSeed, type Json } from './seed';

export type { AdministrationSeed } from './seed';
export type { VatRoundingOptions } from './invoice-math';
export { computeTotals } from './invoice-math';
export { formatDecimal, parseMoney } from './format';

export interface MoneybirdSimulatorOptions {
  port?: number;
  host?: string;
  /** Injectable clock (epoch ms). Drives "today", `late`, token expiry and the rate-limit window. */
  now?: () => number;
  /** Personal API tokens. Default: one token 'sandbox-moneybird-api-token-0001' with all scopes. */
  tokens?: Array<{ token: string; scopes?: string[] }>;
  oauthClients?: OAuthClient[];
  rateLimit?: RateLimitOptions & { bucket?: 'token' | 'global' };
  retryAfterFormat?: 'epoch' | 'seconds';
  /** Default: one NL/EUR administration (must-have 3). */
  administrations?: AdministrationSeed[];
  /** When set, OAuth access tokens expire after this many seconds (`expires_in`). Default: never. */
  tokenExpiresInSec?: number;
  /** VAT rounding (default per rate, half-up). */
  vatRounding?: VatRoundingOptions;
  /** Exchange rates to the administration currency for `_base` amounts. Default { USD: '0.8', GBP: '1.15' }. */
  exchangeRates?: Record<string, string>;
  /** Reject payments on draft/scheduled sales invoices with a 422 (default true; [U] exact body). */
  rejectPaymentOnDraft?: boolean;
  /** 422 when a contact's customer_id is already taken (default true; [U]). */
  uniqueCustomerId?: boolean;
  /** 422 on attributes the SPEC does not list (`unevaluatedProperties: false`; default true; [U]). */
  strictParams?: boolean;
  /** Status for an administration id the token has no access to (default 404). */
  unknownAdministrationStatus?: 401 | 404;
  /** Also send RateLimit-* headers on successful responses (default false: Moneybird documents them on 429). */
  rateLimitHeadersOnEveryResponse?: boolean;
  /** Webhook delivery settings (verification at registration, retry delays, timeout). */
  webhooks?: WebhookOptions;
}

export type FaultKind = '429' | '500' | 'timeoutAfterCommit';
export interface FaultOptions {
  /** How many matching requests fail (default 1). */
  count?: number;
  /** Only requests whose path contains this string (or matches this RegExp). */
  path?: string | RegExp;
  method?: string;
}

export interface SimulatorStateView {
  contacts: Json[];
  salesInvoices: Json[];
  externalSalesInvoices: Json[];
  payments: Json[];
  taxRates: Json[];
  ledgerAccounts: Json[];
  workflows: Json[];
  documentStyles: Json[];
  financialAccounts: Json[];
}

export interface MoneybirdSimulatorStats {
  requests: number;
  writes: number;
  tooManyRequests: number;
  byPath: Record<string, number>;
}

export interface MoneybirdSimulator {
  url: string;
  administrationId: string;
  close(): Promise<void>;
  authorize(p: { clientId: string; redirectUri: string; state?: string; scope?: string }): string;
  /** Read access for assertions: the default administration's records in response shape, plus any administration by id. */
  state: SimulatorStateView & { forAdministration(id: string): SimulatorStateView };
  faults: { inject(kind: FaultKind, opts?: FaultOptions): void; clear(): void; delayMs: number };
  stats: MoneybirdSimulatorStats;
  /** Webhook deliveries made so far (every attempt), and a way to wait for those in flight. */
  webhooks: { deliveries: WebhookDelivery[]; settle(): Promise<void> };
  /** What a user does in Moneybird behind Shopbooks' back (tests of reconciliation and drift). */
  behindTheBack: MoneybirdBehindTheBack;
}

export interface MoneybirdBehindTheBack {
  /** Delete the (external) sales invoices carrying this reference. Returns how many. */
  deleteDocuments(reference: string): number;
  /** Change the price of the first line of the document with this reference by `delta`. */
  changeFirstLinePrice(reference: string, delta: string): boolean;
}

interface ActiveFault {
  kind: FaultKind;
  remaining: number;
  path?: string | RegExp;
  method?: string;
}

const JSON_TYPE = 'application/json; charset=utf-8';

function matchRoute(routes: Route[], segments: string[]): { route: Route; params: Record<string, string> }[] {
  const out: { route: Route; params: Record<string, string>; literals: number }[] = [];
  for (const route of routes) {
    const parts = route.path.split('/');
    if (parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let literals = 0;
    let okMatch = true;
    for (let i = 0; i < parts.length; i += 1) {
      if (parts[i].startsWith(':')) params[parts[i].slice(1)] = segments[i];
      else if (parts[i] === segments[i]) literals += 1;
      else {
        okMatch = false;
        break;
      }
    }
    if (okMatch) out.push({ route, params, literals });
  }
  out.sort((a, b) => b.literals - a.literals);
  return out;
}

function readBody(req: http.IncomingMessage, limit = 30 * 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new MoneybirdHttpError(413, { error: 'Request entity too large' }));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseMultipart(req: http.IncomingMessage, raw: Buffer): Promise<UploadedFile[]> {
  return new Promise((resolve, reject) => {
    let bb: ReturnType<typeof Busboy>;
    try {
      bb = Busboy({ headers: req.headers });
    } catch {
      reject(symbolic(400, 'File is required', { file: 'required' }));
      return;
    }
    const files: UploadedFile[] = [];
    bb.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => files.push({ field, filename: info.filename ?? 'upload', contentType: info.mimeType, data: Buffer.concat(chunks) }));
    });
    bb.on('close', () => resolve(files));
    bb.on('error', () => reject(symbolic(400, 'Multipart body is malformed', { file: 'invalid' })));
    bb.end(raw);
  });
}

function basicAuth(header: string | undefined): { id: string; secret: string } | null {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return null;
  return { id: decodeURIComponent(decoded.slice(0, i)), secret: decodeURIComponent(decoded.slice(i + 1)) };
}

export async function startMoneybirdSimulator(opts: MoneybirdSimulatorOptions = {}): Promise<MoneybirdSimulator> {
  const now = opts.now ?? (() => Date.now());
  const clock = { now };
  const ids = new IdGenerator();
  const strict = { strictParams: opts.strictParams ?? true };
  const behaviour = {
    vatRounding: opts.vatRounding ?? {},
    exchangeRates: opts.exchangeRates ?? { USD: '0.8', GBP: '1.15' },
    rejectPaymentOnDraft: opts.rejectPaymentOnDraft ?? true,
    uniqueCustomerId: opts.uniqueCustomerId ?? true,
  };
  let baseUrl = '';
  const administrations = new Map<string, AdministrationState>();
  for (const seed of opts.administrations ?? [{}]) {
    const s = seedAdministration(seed, ids, now());
    administrations.set(s.administration.id, new AdministrationState(s, ids, clock, behaviour, seed.salesInvoicesPerMonthLimit, () => baseUrl));
  }
  const defaultAdm = [...administrations.values()][0];
  const authority = new TokenAuthority(
    opts.tokens ?? [{ token: 'sandbox-moneybird-api-token-0001' }],
    opts.oauthClients ?? [{ clientId: '5a4db0c5-0000-4000-8000-000000000001', clientSecret: 'sandbox-secret', redirectUri: 'http://127.0.0.1/callback' }],
    now,
    opts.tokenExpiresInSec,
  );
  const limiter = new SlidingWindowLimiter(opts.rateLimit ?? {}, opts.retryAfterFormat ?? 'epoch');
  const bucketOf = (t: TokenRecord) => (opts.rateLimit?.bucket === 'global' ? 'global' : t.kind === 'oauth' ? `oauth:${t.clientId}` : `token:${t.token}`);
  const faults: ActiveFault[] = [];
  const faultControl = {
    delayMs: 0,
    inject(kind: FaultKind, o: FaultOptions = {}) {
      faults.push({ kind, remaining: o.count ?? 1, path: o.path, method: o.method?.toUpperCase() });
    },
    clear() {
      faults.length = 0;
      faultControl.delayMs = 0;
    },
  };
  const stats: MoneybirdSimulatorStats = { requests: 0, writes: 0, tooManyRequests: 0, byPath: {} };
  const storageUrl = (adm: AdministrationState, attachmentId: string) => `${baseUrl}/storage/${adm.id}/${attachmentId}`;
  const hub = new WebhookHub(opts.webhooks ?? {}, clock);
  for (const adm of administrations.values()) hub.attach(adm);
  const routes: Route[] = [
    ...settingsRoutes(strict),
    ...contactRoutes(strict),
    ...salesInvoiceRoutes(strict, storageUrl),
    ...externalSalesInvoiceRoutes(strict, storageUrl),
    ...hub.routes(strict),
  ];

  const refreshAll = (adm: AdministrationState) => {
    const sendNow = (inv: SalesInvoiceRecord) => sendScheduled(adm, inv);
    for (const inv of adm.salesInvoices.values()) adm.refresh(inv, sendNow);
    for (const inv of adm.externalSalesInvoices.values()) adm.refresh(inv, sendNow);
  };

  const takeFault = (kinds: FaultKind[], method: string, path: string): ActiveFault | null => {
    const f = faults.find(
      (x) => x.remaining > 0 && kinds.includes(x.kind) && (!x.method || x.method === method) && (!x.path || (typeof x.path === 'string' ? path.includes(x.path) : x.path.test(path))),
    );
    if (!f) return null;
    f.remaining -= 1;
    if (f.remaining <= 0) faults.splice(faults.indexOf(f), 1);
    return f;
  };

  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    if (status === 204) {
      res.writeHead(204, headers);
      res.end();
      return;
    }
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': JSON_TYPE, 'Content-Length': String(Buffer.byteLength(text)), ...headers });
    res.end(text);
  };

  async function handleApi(req: http.IncomingMessage, res: http.ServerResponse, url: URL, raw: Buffer): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    stats.requests += 1;
    const rest = url.pathname.slice('/api/v2/'.length).split('/').filter((s) => s !== '');
    // Strip the format suffix (`.json`, `.xml`, or none) from the last segment.
    let format = 'json';
    if (rest.length) {
      const last = rest[rest.length - 1];
      const m = /^(.*)\.(json|xml)$/.exec(last);
      if (m) {
        rest[rest.length - 1] = m[1];
        format = m[2];
      }
    }
    const segments = rest.map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
    const auth = authority.authenticate(req.headers.authorization);
    if (!auth.ok) {
      const body =
        auth.reason === 'missing'
          ? { error: 'No access token provided', symbolic: { request: 'authorization_required' } }
          : { error: 'token is invalid', symbolic: { request: 'invalid_grant' } };
      send(res, 401, body, { 'WWW-Authenticate': 'Bearer realm="Moneybird"' });
      return;
    }
    const token = auth.token;
    const bucket = bucketOf(token);
    const injected429 = takeFault(['429'], method, url.pathname);
    const decision = injected429 ? { allowed: false, headers: limiter.headers(bucket, now(), true) } : limiter.take(bucket, now());
    if (!decision.allowed) {
      stats.tooManyRequests += 1;
      send(res, 429, 'Retry later', decision.headers);
      return;
    }
    const rlHeaders = opts.rateLimitHeadersOnEveryResponse ? decision.headers : {};
    if (faultControl.delayMs > 0) await new Promise((r) => setTimeout(r, faultControl.delayMs));
    if (takeFault(['500'], method, url.pathname)) {
      send(res, 500, { error: 'Internal server error' }, rlHeaders);
      return;
    }
    if (format === 'xml') {
      send(res, 406, { error: 'The simulator only serves JSON', symbolic: { format: 'not_acceptable' } }, rlHeaders);
      return;
    }
    try {
      if (segments.length === 1 && segments[0] === 'administrations') {
        stats.byPath[`${method} /administrations`] = (stats.byPath[`${method} /administrations`] ?? 0) + 1;
        if (method !== 'GET') throw new MoneybirdHttpError(405, { error: 'Method not allowed' });
        send(res, 200, [...administrations.values()].map((a) => a.administration), rlHeaders);
        return;
      }
      const adm = administrations.get(segments[0] ?? '');
      if (!adm) {
        const status = opts.unknownAdministrationStatus ?? 404;
        throw status === 401 ? symbolic(401, 'No access to administration') : symbolic(404, 'record not found', { administration_id: 'not_found' });
      }
      const candidates = matchRoute(routes, segments.slice(1));
      const found = candidates.find((c) => c.route.method === method);
      if (!found) {
        if (candidates.length) throw new MoneybirdHttpError(405, { error: 'Method not allowed' });
        throw symbolic(404, 'record not found', { route: 'not_found' });
      }
      const key = `${method} /${found.route.path}`;
      stats.byPath[key] = (stats.byPath[key] ?? 0) + 1;
      if (!found.route.scopes.some((s) => token.scopes.has(s))) {
        throw symbolic(401, `No access to ${found.route.scopes.join(' and ')}`);
      }
      let body: Json = {};
      let hasBody = false;
      let files: UploadedFile[] = [];
      const contentType = String(req.headers['content-type'] ?? '').toLowerCase();
      if (found.route.multipart) {
        if (contentType.startsWith('multipart/form-data')) files = await parseMultipart(req, raw);
      } else if (raw.length > 0 && /^application\/([a-z.+-]*\+)?json/.test(contentType)) {
        // Only JSON bodies are read as JSON: a body without the JSON content type is, as in Rails,
        // not parsed, so the wrapper key is "required".
        let parsed: unknown;
        try {
          parsed = parseJsonKeepingBigInts(raw.toString('utf8'));
        } catch {
          throw symbolic(400, 'Request body is not valid JSON', { body: 'invalid' });
        }
        if (!isObject(parsed)) throw symbolic(400, 'Request body must be a JSON object', { body: 'invalid' });
        body = parsed;
        hasBody = true;
      }
      const ctx: RouteContext = {
        adm,
        params: found.params,
        query: url.searchParams,
        body,
        hasBody,
        files,
        requestUrl: url,
        refreshAll: () => refreshAll(adm),
      };
      const result: RouteResult = await found.route.handler(ctx);
      if (method !== 'GET' && result.status < 400) stats.writes += 1;
      if (takeFault(['timeoutAfterCommit'], method, url.pathname)) {
        // The change is committed; the client never hears about it.
        req.socket.destroy();
        return;
      }
      const headers = { ...rlHeaders, ...(result.headers ?? {}) };
      if (result.location) headers.Location = result.location;
      send(res, result.status, result.body, headers);
    } catch (e) {
      if (e instanceof MoneybirdHttpError) {
        send(res, e.status, e.body, rlHeaders);
        return;
      }
      send(res, 500, { error: 'Internal server error' }, rlHeaders);
      // Surface simulator bugs in test output instead of hiding them behind a 500.
      process.emitWarning(`Moneybird simulator error on ${method} ${url.pathname}: ${(e as Error).stack ?? String(e)}`);
    }
  }

  function handleOAuth(req: http.IncomingMessage, res: http.ServerResponse, url: URL, raw: Buffer): void {
    const method = (req.method ?? 'GET').toUpperCase();
    stats.requests += 1;
    const key = `${method} ${url.pathname}`;
    stats.byPath[key] = (stats.byPath[key] ?? 0) + 1;
    // Faults apply to the token endpoints too, e.g. a refresh whose answer is lost after the old
    // refresh token was already spent (the client must then re-authorize, not loop).
    if (takeFault(['500'], method, url.pathname)) {
      send(res, 500, { error: 'server_error', error_description: 'The authorization server encountered an unexpected condition.' });
      return;
    }
    try {
      if (url.pathname === '/oauth/authorize' && method === 'GET') {
        const q = url.searchParams;
        const location = authority.authorize({
          clientId: q.get('client_id') ?? '',
          redirectUri: q.get('redirect_uri') ?? '',
          state: q.get('state') ?? undefined,
          scope: q.get('scope') ?? undefined,
          responseType: q.get('response_type') ?? '',
        });
        res.writeHead(302, { Location: location });
        res.end();
        return;
      }
      const contentType = String(req.headers['content-type'] ?? '').toLowerCase();
      let params = new URLSearchParams();
      if (contentType.startsWith('application/x-www-form-urlencoded')) params = new URLSearchParams(raw.toString('utf8'));
      else if (contentType.includes('json') && raw.length) {
        const parsed = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
        for (const [k, v] of Object.entries(parsed)) if (v !== null && v !== undefined) params.set(k, String(v));
      }
      const basic = basicAuth(req.headers.authorization);
      const committedButLost = () => {
        if (!takeFault(['timeoutAfterCommit'], method, url.pathname)) return false;
        req.socket.destroy();
        return true;
      };
      if (url.pathname === '/oauth/token' && method === 'POST') {
        const answer = authority.token(params, basic);
        if (committedButLost()) return;
        send(res, 200, answer, { 'Cache-Control': 'no-store', Pragma: 'no-cache' });
        return;
      }
      if (url.pathname === '/oauth/revoke' && method === 'POST') {
        authority.revoke(params, basic);
        if (committedButLost()) return;
        send(res, 200, {});
        return;
      }
      send(res, 404, { error: 'Not found' });
    } catch (e) {
      if (e instanceof OAuthError) send(res, e.status, e.body());
      else send(res, 400, { error: 'invalid_request', error_description: (e as Error).message });
    }
  }

  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', baseUrl || 'http://127.0.0.1');
      let raw: Buffer;
      try {
        raw = await readBody(req);
      } catch (e) {
        if (e instanceof MoneybirdHttpError) send(res, e.status, e.body);
        return;
      }
      if (url.pathname.startsWith('/api/v2/')) return handleApi(req, res, url, raw);
      if (url.pathname.startsWith('/oauth/')) return handleOAuth(req, res, url, raw);
      const storage = /^\/storage\/(\d+)\/(\d+)$/.exec(url.pathname);
      if (storage && req.method === 'GET') {
        const adm = administrations.get(storage[1]);
        const invoices: InvoiceRecord[] = adm ? [...adm.salesInvoices.values(), ...adm.externalSalesInvoices.values()] : [];
        const a = invoices.flatMap((i) => i.attachments).find((x) => x.id === storage[2]);
        if (a) {
          res.writeHead(200, { 'Content-Type': a.content_type, 'Content-Length': String(a.data.length), 'Content-Disposition': `attachment; filename="${a.filename}"` });
          res.end(a.data);
          return;
        }
      }
      send(res, 404, { error: 'Not found' });
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  baseUrl = `http://${host}:${addr.port}`;

  const view = (adm: AdministrationState): SimulatorStateView => {
    refreshAll(adm);
    const sales = [...adm.salesInvoices.values()];
    const external = [...adm.externalSalesInvoices.values()];
    return {
      contacts: [...adm.contacts.values()].map((c) => ({ ...c })),
      salesInvoices: sales.map((i) => adm.serializeSalesInvoice(i)),
      externalSalesInvoices: external.map((i) => adm.serializeExternalSalesInvoice(i)),
      payments: [...sales, ...external].flatMap((i) => i.payments.map((p) => adm.serializePayment(p))),
      taxRates: adm.taxRates.map((t) => ({ ...t })),
      ledgerAccounts: adm.ledgerAccounts.map((l) => ({ ...l })),
      workflows: adm.workflows.map((w) => ({ ...w })),
      documentStyles: adm.documentStyles.map((d) => ({ ...d })),
      financialAccounts: adm.financialAccounts.map((f) => ({ ...f })),
    };
  };
  const state = {
    forAdministration(id: string): SimulatorStateView {
      const adm = administrations.get(id);
      if (!adm) throw new Error(`Unknown administration ${id}`);
      return view(adm);
    },
  } as MoneybirdSimulator['state'];
  for (const key of ['contacts', 'salesInvoices', 'externalSalesInvoices', 'payments', 'taxRates', 'ledgerAccounts', 'workflows', 'documentStyles', 'financialAccounts'] as const) {
    Object.defineProperty(state, key, { enumerable: true, get: () => view(defaultAdm)[key] });
  }

  return {
    url: baseUrl,
    administrationId: defaultAdm.id,
    close: () =>
      new Promise<void>((resolve) => {
        hub.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    authorize: (p) => authority.authorize({ ...p, responseType: 'code' }),
    state,
    faults: faultControl,
    stats,
    webhooks: { deliveries: hub.deliveries, settle: () => hub.settle() },
    behindTheBack: tamperWith(defaultAdm),
  };
}

function tamperWith(adm: AdministrationState): MoneybirdBehindTheBack {
  const maps = [adm.salesInvoices, adm.externalSalesInvoices] as Array<Map<string, InvoiceRecord>>;
  const byRef = (ref: string) => maps.flatMap((m) => [...m.values()].filter((i) => i.reference === ref).map((i) => ({ m, i })));
  return {
    deleteDocuments(reference) {
      const hits = byRef(reference);
      for (const { m, i } of hits) m.delete(i.id);
      return hits.length;
    },
    changeFirstLinePrice(reference, delta) {
      const hit = byRef(reference)[0];
      const line = hit?.i.details[0];
      if (!hit || !line) return false;
      line.price = line.price.plus(delta);
      adm.touch(hit.i);
      return true;
    },
  };
}
