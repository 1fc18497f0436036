/** The HTTP front of the simulator: OAuth endpoints, auth, division scope, rate limits, OData routing, faults. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { ExactHttpError, odataErrorBody, badRequest, notFound, Problems } from './errors';
import { bindEntity, checkStringLimits } from './binding';
import { OAuthServer, type Grant } from './oauth';
import { RateLimiter, ErrorBlocker } from './rate-limit';
import { evalFilter } from './odata-filter';
import { atomFeed, collectionResponse, parseQuery, renderEntity, type Rec, type RenderCtx } from './odata';
import { ENTITIES, entityByPath, isBulkOrSync, type EntityInfo, type EntityName } from './schema';
import type { DivisionData } from './store';
import { masterHandlers, type Ctx, type Handler } from './handlers-master';
import { documentHandlers } from './handlers-documents';
import { paymentHandlers } from './handlers-payments';
import { attachmentHandlers } from './handlers-attachments';
import { checkSyncQuery } from './sync-query';
import { financialLineHandlers } from './handlers-financial-lines';

export type FaultKind = '429' | '500' | 'timeoutAfterCommit' | 'dropTokenResponse' | 'tokenResponse500';
export interface FaultOptions {
  /** How many requests it hits (default 1). */
  count?: number;
  /** Only requests whose path contains this text. */
  path?: string;
  /** timeoutAfterCommit: hold the response for `delayMs` (default) or drop the socket. */
  mode?: 'hold' | 'drop';
}
interface Fault extends FaultOptions {
  kind: FaultKind;
  remaining: number;
}

export interface SimStats {
  requests: number;
  writes: number;
  tooManyRequests: number;
  byPath: Record<string, number>;
}

export interface CoreOptions {
  now: () => number;
  oauth: OAuthServer;
  rateLimiter: RateLimiter;
  errorBlocker: ErrorBlocker | null;
  divisions: Map<number, DivisionData>;
  currentDivision: () => number;
  stringLimits: Record<string, number>;
  /** The sync endpoints: served (default), or refused as by a division/licence without them. */
  syncApi: 'on' | 'forbidden' | 'notFound';
}

const HANDLERS: Partial<Record<EntityName, Handler>> = { ...masterHandlers, ...documentHandlers, ...paymentHandlers, ...attachmentHandlers, ...financialLineHandlers };
const MAX_BODY = 38 * 1024 * 1024;

class Respond {
  constructor(
    readonly status: number,
    readonly body: string | null,
    readonly headers: Record<string, string> = {},
  ) {}
}

export class ExactCore {
  readonly stats: SimStats = { requests: 0, writes: 0, tooManyRequests: 0, byPath: {} };
  readonly faultList: Fault[] = [];
  delayMs = 30000;
  private readonly held = new Set<NodeJS.Timeout>();
  private readonly sockets = new Set<Socket>();
  readonly server: Server;

  constructor(private readonly o: CoreOptions) {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  async close(): Promise<void> {
    for (const t of this.held) clearTimeout(t);
    this.held.clear();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private takeFault(kinds: FaultKind[], path: string): Fault | undefined {
    const f = this.faultList.find((x) => kinds.includes(x.kind) && x.remaining > 0 && (x.path === undefined || path.includes(x.path)));
    if (f) {
      f.remaining--;
      if (f.remaining <= 0) this.faultList.splice(this.faultList.indexOf(f), 1);
    }
    return f;
  }

  private async readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > MAX_BODY) throw new ExactHttpError(413, 'Request Entity Too Large');
      chunks.push(c as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  private send(res: ServerResponse, r: Respond): void {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(r.status, r.body === null ? r.headers : { 'Content-Length': String(Buffer.byteLength(r.body)), ...r.headers });
    res.end(r.body ?? undefined);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const path = url.pathname;
    const method = (req.method ?? 'GET').toUpperCase();
    this.stats.requests++;
    this.stats.byPath[path] = (this.stats.byPath[path] ?? 0) + 1;
    const origin = `http://${req.headers.host ?? 'localhost'}`;
    const wantsJson = /application\/json/i.test(req.headers.accept ?? '');
    let rateHeaders: Record<string, string> = {};
    let blockKey: string | null = null;
    try {
      const body = method === 'GET' || method === 'DELETE' ? '' : await this.readBody(req);
      if (path === '/api/oauth2/auth' && method === 'GET') {
        const location = this.o.oauth.authorize({
          clientId: url.searchParams.get('client_id') ?? '',
          redirectUri: url.searchParams.get('redirect_uri') ?? '',
          state: url.searchParams.get('state') ?? undefined,
          responseType: url.searchParams.get('response_type') ?? undefined,
        });
        return this.send(res, new Respond(302, null, { Location: location }));
      }
      if (path === '/api/oauth2/token') return this.token(req, res, method, body);
      if (!path.startsWith('/api/v1/')) throw notFound();

      const grant = this.o.oauth.authenticate(req.headers.authorization);
      const me = /^\/api\/v1\/current\/Me(\(guid'[^']*'\))?$/.exec(path);
      // /api/v1/{division}/[sync/|bulk/]{service}/{Resource}[(key)][/nav]
      const m = me ? null : /^\/api\/v1\/(\d+)\/(?:([Ss]ync|[Bb]ulk)\/)?([A-Za-z]+)\/([A-Za-z]+)(?:\(([^)]*)\))?(?:\/(\$count|[A-Za-z]+))?$/.exec(path);
      if (!me && !m) throw notFound();
      const division = me ? this.o.currentDivision() : Number(m![1]);
      if (!grant.divisions.includes(division) || !this.o.divisions.has(division)) {
        throw new ExactHttpError(403, 'Forbidden - User division is not within division scope');
      }
      if (this.o.errorBlocker) {
        blockKey = `${grant.clientId}|${division}|${me ? 'current/Me' : `${m![2] ? `${m![2].toLowerCase()}/` : ''}${m![3]}/${m![4]}`}`;
        const until = this.o.errorBlocker.blockedUntil(blockKey, this.o.now());
        if (until !== null) {
          blockKey = null;
          throw new ExactHttpError(429, `Too many errors on this endpoint: blocked until ${new Date(until).toISOString()}.`);
        }
      }
      const fault = this.takeFault(['429', '500'], path);
      if (fault?.kind === '429') {
        this.stats.tooManyRequests++;
        return this.send(res, new Respond(429, null, this.o.rateLimiter.minutely429(grant.clientId, division, this.o.now())));
      }
      const decision = this.o.rateLimiter.take(grant.clientId, division, this.o.now());
      if (!decision.ok) {
        this.stats.tooManyRequests++;
        return this.send(res, new Respond(429, null, decision.headers));
      }
      rateHeaders = decision.headers;
      if (fault?.kind === '500') throw new ExactHttpError(500, 'Server Unavailable');
      if ((method === 'POST' || method === 'PUT') && !/json/i.test(req.headers['content-type'] ?? '')) {
        throw new ExactHttpError(415, 'Unsupported media type: send the entity as application/json.');
      }

      const ctx: RenderCtx = { origin, division: me ? null : division };
      let result: Respond;
      if (me) {
        if (method !== 'GET') throw new ExactHttpError(405, 'Method not allowed');
        result = this.get(ENTITIES.Me, [this.meRecord(grant, division)], ctx, url, wantsJson, me[1] ? 'single' : 'collection');
      } else {
        result = this.dispatch(method, m!, body, grant, division, ctx, url, wantsJson);
      }
      const isWrite = method !== 'GET';
      if (isWrite) this.stats.writes++;
      const timeout = isWrite ? this.takeFault(['timeoutAfterCommit'], path) : undefined;
      const final = new Respond(result.status, result.body, { ...result.headers, ...rateHeaders });
      if (timeout) {
        if (timeout.mode === 'drop') {
          req.socket.destroy();
          return;
        }
        const t = setTimeout(() => {
          this.held.delete(t);
          this.send(res, final);
        }, this.delayMs);
        this.held.add(t);
        return;
      }
      return this.send(res, final);
    } catch (e) {
      const err = e instanceof ExactHttpError ? e : new ExactHttpError(500, `Internal simulator error: ${(e as Error).message}`);
      if (blockKey && [400, 401, 403, 404].includes(err.status)) this.o.errorBlocker!.record(blockKey, this.o.now());
      if (err.status === 429) this.stats.tooManyRequests++;
      const headers: Record<string, string> = { ...err.headers, ...rateHeaders };
      let text: string;
      if (err.rawBody !== undefined) {
        text = JSON.stringify(err.rawBody);
        headers['Content-Type'] = 'application/json; charset=utf-8';
      } else if (wantsJson || path.startsWith('/api/oauth2/')) {
        text = JSON.stringify(odataErrorBody(err.messages));
        headers['Content-Type'] = 'application/json; charset=utf-8';
      } else {
        const esc = err.messages.join('\r\n').replace(/&/g, '&amp;').replace(/</g, '&lt;');
        text = `<?xml version="1.0" encoding="utf-8"?><error xmlns="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata"><code></code><message xml:lang="">${esc}</message></error>`;
        headers['Content-Type'] = 'application/xml; charset=utf-8';
      }
      this.send(res, new Respond(err.status, text, headers));
    }
  }

  private token(req: IncomingMessage, res: ServerResponse, method: string, body: string): void {
    if (method !== 'POST') throw new ExactHttpError(405, 'Method not allowed', { rawBody: { error: 'invalid_request' } });
    if (!/application\/x-www-form-urlencoded/i.test(req.headers['content-type'] ?? '')) {
      throw new ExactHttpError(400, 'invalid_request', { rawBody: { error: 'invalid_request' } });
    }
    const issued = this.o.oauth.token(new URLSearchParams(body));
    // Faults after the token was issued: the client never learns the new pair.
    const fault = this.takeFault(['dropTokenResponse', 'tokenResponse500'], '/api/oauth2/token');
    if (fault?.kind === 'dropTokenResponse') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'tokenResponse500') {
      return this.send(res, new Respond(500, JSON.stringify(odataErrorBody(['Internal Server Error'])), { 'Content-Type': 'application/json; charset=utf-8' }));
    }
    this.send(res, new Respond(200, JSON.stringify(issued), { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' }));
  }

  private meRecord(grant: Grant, division: number): Rec {
    return {
      UserID: grant.userId,
      CurrentDivision: division,
      AccountingDivision: division,
      DivisionCustomer: null,
      Email: 'sandbox.user@example.nl',
      FirstName: 'Sandbox',
      LastName: 'Gebruiker',
      FullName: 'Sandbox Gebruiker',
      UserName: 'sandbox.user@example.nl',
      Language: 'NL',
      LanguageCode: 'nl-NL',
      Legislation: 1,
      PackageCode: 'ACC_ADVANCED',
      ServerTime: new Date(this.o.now()).toISOString(),
      ServerUtcOffset: '0',
      IsClientUser: false,
      IsStarterUser: false,
    };
  }

  private renderOne(entity: EntityInfo, rec: Rec, ctx: RenderCtx, wantsJson: boolean, status: number, url?: URL): Respond {
    const opts = url ? parseQuery(url.searchParams, entity) : undefined;
    const out = renderEntity(entity, rec, ctx, opts ?? { select: null, expand: new Map() });
    return wantsJson
      ? new Respond(status, JSON.stringify({ d: out }), { 'Content-Type': 'application/json; charset=utf-8', DataServiceVersion: '2.0' })
      : new Respond(status, atomFeed(entity.name, [out]), { 'Content-Type': 'application/atom+xml; charset=utf-8' });
  }

  private get(entity: EntityInfo, rows: Rec[], ctx: RenderCtx, url: URL, wantsJson: boolean, kind: 'collection' | 'single' | 'count'): Respond {
    const opts = parseQuery(url.searchParams, entity);
    if (kind === 'count') {
      const n = opts.filter ? rows.filter((r) => evalFilter(opts.filter!, r)).length : rows.length;
      return new Respond(200, String(n), { 'Content-Type': 'text/plain; charset=utf-8' });
    }
    if (kind === 'single') {
      if (!rows[0]) throw notFound();
      return this.renderOne(entity, rows[0], ctx, wantsJson, 200, url);
    }
    const d = collectionResponse(entity, rows, opts, ctx, { path: url.pathname, rawQuery: (url.search || '?').slice(1) });
    return wantsJson
      ? new Respond(200, JSON.stringify({ d }), { 'Content-Type': 'application/json; charset=utf-8', DataServiceVersion: '2.0' })
      : new Respond(200, atomFeed(entity.name, d.results as Rec[]), { 'Content-Type': 'application/atom+xml; charset=utf-8' });
  }

  private dispatch(method: string, m: RegExpExecArray, body: string, grant: Grant, division: number, ctx: RenderCtx, url: URL, wantsJson: boolean): Respond {
    const [, , variantSegment, service, resource, keyText, nav] = m;
    const entity = entityByPath(service, resource, variantSegment ? (variantSegment.toLowerCase() as 'sync' | 'bulk') : null);
    if (!entity || entity.name === 'Me') throw notFound(`Resource not found for the segment '${resource}'.`);
    if (entity.variant === 'sync') {
      // Delta reads only: one collection, no keys, no $count, no writes (methods are GET only).
      if (this.o.syncApi !== 'on') throw this.o.syncApi === 'forbidden' ? new ExactHttpError(403, 'Forbidden') : notFound(`Resource not found for the segment '${service}'.`);
      if (method === 'GET' && (keyText !== undefined || nav)) throw notFound(`Resource not found for the segment '${resource}'.`);
      if (method === 'GET') checkSyncQuery(url.searchParams);
    }
    const div = this.o.divisions.get(division)!;
    const c: Ctx = { div, now: this.o.now() };
    const handler = HANDLERS[entity.name];
    const rows = (): Rec[] =>
      entity.name === 'Divisions' ? [...this.o.divisions.values()].filter((d) => grant.divisions.includes(d.division)).map((d) => this.divisionRecord(d, division)) : handler!.list(c);

    let key: string | number | undefined;
    if (keyText !== undefined) {
      const g = /^guid'([0-9a-fA-F-]{36})'$/.exec(keyText);
      const n = /^(\d+)$/.exec(keyText);
      const keyType = entity.fields.get(entity.keyField)!.type;
      if (keyType === 'Guid' && g) key = g[1].toLowerCase();
      else if (keyType !== 'Guid' && n) key = Number(n[1]);
      else throw badRequest(`Bad Request - Error in query syntax.`);
    }
    const find = (): Rec => {
      const r = rows().find((x) => x[entity.keyField] === key);
      if (!r) throw notFound(`Resource not found for the segment '${resource}'.`);
      return r;
    };

    if (method === 'GET') {
      if (!entity.methods.get) throw new ExactHttpError(405, 'Method not allowed');
      if (isBulkOrSync(entity.path) && !url.searchParams.get('$select')) throw badRequest('It is mandatory to provide the $select query option with a selection of one or more of the resource properties.');
      if (nav === '$count') {
        if (key !== undefined) throw badRequest('Bad Request - Error in query syntax.');
        return this.get(entity, rows(), ctx, url, wantsJson, 'count');
      }
      if (key === undefined) {
        if (nav) throw notFound();
        return this.get(entity, rows(), ctx, url, wantsJson, 'collection');
      }
      const rec = find();
      if (nav) {
        const lineName = entity.lineCollections.get(nav);
        if (!lineName) throw notFound(`Resource not found for the segment '${nav}'.`);
        return this.get(ENTITIES[lineName as EntityName], (rec[nav] as Rec[]) ?? [], ctx, url, wantsJson, 'collection');
      }
      return this.get(entity, [rec], ctx, url, wantsJson, 'single');
    }
    if (nav) throw badRequest('Bad Request - Error in query syntax.');
    if (method === 'POST') {
      if (!entity.methods.post || !handler?.create) throw new ExactHttpError(405, 'Method not allowed');
      if (key !== undefined) throw badRequest('Bad Request - POST is not allowed on a single entity.');
      const raw = parseJson(body);
      this.checkLimits(entity, raw, 'POST');
      const rec = handler.create(c, raw);
      return this.renderOne(entity, rec, ctx, wantsJson, 201);
    }
    if (method === 'PUT' || method === 'MERGE' || method === 'PATCH') {
      if (method !== 'PUT' || !entity.methods.put || !handler?.update) throw new ExactHttpError(405, 'Method not allowed');
      if (key === undefined) throw badRequest('Bad Request - PUT requires a key.');
      const target = find();
      const raw = parseJson(body);
      this.checkLimits(entity, raw, 'PUT');
      handler.update(c, target, raw);
      return new Respond(204, null);
    }
    if (method === 'DELETE') {
      if (!entity.methods.delete || !handler?.remove) throw new ExactHttpError(405, 'Method not allowed');
      if (key === undefined) throw badRequest('Bad Request - DELETE requires a key.');
      handler.remove(c, find());
      return new Respond(204, null);
    }
    throw new ExactHttpError(405, 'Method not allowed');
  }

  /** Binding errors (400) first, then configured string lengths (500). */
  private checkLimits(entity: EntityInfo, raw: unknown, method: 'POST' | 'PUT'): void {
    const bound = bindEntity(entity, raw, method);
    const p = new Problems();
    checkStringLimits(entity, bound, this.o.stringLimits, p);
    p.throwIfAny();
  }

  private divisionRecord(d: DivisionData, current: number): Rec {
    return {
      Code: d.division,
      Description: d.description,
      Country: 'NL',
      Currency: d.currency,
      Legislation: 'NL',
      Current: d.division === current,
      IsMainDivision: d.division === Math.min(...this.o.divisions.keys()),
      Status: 1,
      Hid: d.division,
      Customer: randomUUIDFor(d.division),
    };
  }
}

const divisionCustomers = new Map<number, string>();
function randomUUIDFor(division: number): string {
  if (!divisionCustomers.has(division)) divisionCustomers.set(division, randomUUID());
  return divisionCustomers.get(division)!;
}

function parseJson(body: string): unknown {
  if (body.trim() === '') throw badRequest('Error processing request stream. The request should be a valid top-level resource object.');
  try {
    return JSON.parse(body);
  } catch {
    throw badRequest('Error processing request stream. JSON text specified is not valid.');
  }
}
