/**
 * OData v2 verbose JSON as Exact serves it: query options, `__metadata`, `__deferred` line
 * collections, 60-row pages with an absolute `__next` carrying `$skiptoken=guid'<last key>'`,
 * `__count` with `$inlinecount=allpages`.
 */
import { badRequest } from './errors';
import { evalFilter, parseFilter, type FilterNode } from './odata-filter';
import type { EntityInfo } from './schema';
import { ENTITIES } from './schema';
import { renderValue, GUID_RE } from './values';
import { D } from '../../model/money';

export type Rec = Record<string, unknown>;

export interface QueryOptions {
  filter?: FilterNode;
  /** Selected top-level fields, or null = all. */
  select: Set<string> | null;
  /** Per expanded collection: selected line fields, or null = all. */
  expand: Map<string, Set<string> | null>;
  orderby: Array<{ field: string; desc: boolean }>;
  top?: number;
  skip?: number;
  skiptoken?: string;
  inlinecount: boolean;
}

const KNOWN = new Set(['$filter', '$select', '$expand', '$orderby', '$top', '$skip', '$skiptoken', '$inlinecount', '$format']);

export function parseQuery(params: URLSearchParams, entity: EntityInfo): QueryOptions {
  for (const k of params.keys()) {
    if (k.startsWith('$') && !KNOWN.has(k)) {
      throw badRequest(`The query parameter '${k}' begins with a system-reserved '$' character but is not recognized.`);
    }
  }
  const format = params.get('$format');
  if (format !== null && format !== 'json') throw badRequest(`Unsupported $format value '${format}'.`);
  const opts: QueryOptions = { select: null, expand: new Map(), orderby: [], inlinecount: false };

  const expand = params.get('$expand');
  if (expand) {
    for (const raw of expand.split(',')) {
      const name = raw.trim();
      if (!entity.lineCollections.has(name)) {
        throw badRequest(`Could not find a property named '${name}' on type '${entity.metadataType}'.`);
      }
      opts.expand.set(name, null);
    }
  }
  const select = params.get('$select');
  if (select !== null) {
    const top = new Set<string>();
    const lineSel = new Map<string, Set<string>>();
    let star = false;
    for (const raw of select.split(',')) {
      const item = raw.trim();
      if (item === '*') {
        star = true;
        continue;
      }
      const [head, sub, ...rest] = item.split('/');
      const f = entity.fields.get(head);
      if (!f || !f.get || rest.length) throw badRequest(`Ongeldige request: onbekende eigenschap '${item}' in $select.`);
      if (sub !== undefined) {
        const lineEntity = entity.lineCollections.get(head);
        if (!lineEntity || !opts.expand.has(head)) {
          throw badRequest(`Ongeldige request: '${item}' in $select vereist $expand=${head}.`);
        }
        const lf = ENTITIES[lineEntity as keyof typeof ENTITIES].fields.get(sub);
        if (!lf || !lf.get) throw badRequest(`Ongeldige request: onbekende eigenschap '${item}' in $select.`);
        if (!lineSel.has(head)) lineSel.set(head, new Set());
        lineSel.get(head)!.add(sub);
      }
      top.add(head);
    }
    opts.select = star ? null : top;
    for (const [k, v] of lineSel) opts.expand.set(k, v);
  }
  const filter = params.get('$filter');
  if (filter !== null) opts.filter = parseFilter(filter, entity);

  const orderby = params.get('$orderby');
  if (orderby) {
    for (const raw of orderby.split(',')) {
      const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)(?:\s+(asc|desc))?\s*$/.exec(raw);
      const f = m ? entity.fields.get(m[1]) : undefined;
      if (!m || !f || !f.get || f.type === 'Collection') throw badRequest(`Ongeldige request: $orderby '${raw.trim()}'.`);
      opts.orderby.push({ field: m[1], desc: m[2] === 'desc' });
    }
  }
  for (const k of ['$top', '$skip'] as const) {
    const v = params.get(k);
    if (v === null) continue;
    if (!/^\d+$/.test(v)) throw badRequest(`Invalid integer value '${v}' for ${k}.`);
    if (k === '$top') opts.top = Number(v);
    else opts.skip = Number(v);
  }
  const token = params.get('$skiptoken');
  if (token !== null) {
    const m = /^guid'([^']*)'$/.exec(token) ?? /^(\d+)$/.exec(token);
    if (!m || (m[0].startsWith('guid') && !GUID_RE.test(m[1]))) throw badRequest(`Invalid $skiptoken '${token}'.`);
    opts.skiptoken = m[1].toLowerCase();
  }
  const ic = params.get('$inlinecount');
  if (ic !== null) {
    if (ic !== 'allpages' && ic !== 'none') throw badRequest(`Invalid value '${ic}' for $inlinecount.`);
    opts.inlinecount = ic === 'allpages';
  }
  return opts;
}

export interface RenderCtx {
  /** `http://host:port` as the client addressed us. */
  origin: string;
  /** Division in the URL (null for current/Me). */
  division: number | null;
}

export function entityUri(entity: EntityInfo, rec: Rec, ctx: RenderCtx): string {
  const key = rec[entity.keyField];
  const k = entity.fields.get(entity.keyField)!.type === 'Guid' ? `guid'${String(key)}'` : String(key);
  const base = ctx.division === null ? `${ctx.origin}/api/v1/${entity.path}` : `${ctx.origin}/api/v1/${ctx.division}/${entity.path}`;
  return `${base}(${k})`;
}

/** One entity in verbose JSON: `__metadata`, readable fields in reference order, line collections deferred or expanded. */
export function renderEntity(entity: EntityInfo, rec: Rec, ctx: RenderCtx, opts?: Pick<QueryOptions, 'select' | 'expand'>): Rec {
  const uri = entityUri(entity, rec, ctx);
  const out: Rec = { __metadata: { uri, type: entity.metadataType } };
  for (const f of entity.fields.values()) {
    if (!f.get) continue;
    if (opts?.select && !opts.select.has(f.name)) continue;
    if (f.type === 'Collection') {
      const lineName = entity.lineCollections.get(f.name);
      const sub = opts?.expand.get(f.name);
      if (lineName && opts?.expand.has(f.name)) {
        const lineEntity = ENTITIES[lineName as keyof typeof ENTITIES];
        const rows = (rec[f.name] as Rec[] | undefined) ?? [];
        out[f.name] = { results: rows.map((r) => renderEntity(lineEntity, r, ctx, { select: sub ?? null, expand: new Map() })) };
      } else {
        out[f.name] = { __deferred: { uri: `${uri}/${f.name}` } };
      }
      continue;
    }
    out[f.name] = renderValue(f.type, rec[f.name]);
  }
  return out;
}

function compareValues(a: unknown, b: unknown, type: string | null): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (type === 'Double') return new D(String(a)).comparedTo(new D(String(b)));
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const x = String(a).toLowerCase();
  const y = String(b).toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Filter, order and page a collection. Returns the `d` object. */
export function collectionResponse(
  entity: EntityInfo,
  all: Rec[],
  opts: QueryOptions,
  ctx: RenderCtx,
  requestUrl: { path: string; rawQuery: string },
): Rec {
  const keyType = entity.fields.get(entity.keyField)!.type;
  let rows = opts.filter ? all.filter((r) => evalFilter(opts.filter!, r)) : [...all];
  const order = [...opts.orderby, { field: entity.keyField, desc: false }];
  rows.sort((a, b) => {
    for (const o of order) {
      const c = compareValues(a[o.field], b[o.field], entity.fields.get(o.field)!.type);
      if (c !== 0) return o.desc ? -c : c;
    }
    return 0;
  });
  const count = rows.length;
  if (opts.skip) rows = rows.slice(opts.skip);
  if (opts.skiptoken !== undefined) {
    const idx = rows.findIndex((r) => String(r[entity.keyField]) === opts.skiptoken);
    if (idx >= 0) rows = rows.slice(idx + 1);
    else if (opts.orderby.length === 0) {
      // The row was deleted meanwhile: continue after its key position.
      const tok = keyType === 'Guid' ? opts.skiptoken : Number(opts.skiptoken);
      rows = rows.filter((r) => compareValues(r[entity.keyField], tok, keyType) > 0);
    } else rows = [];
  }
  if (opts.top !== undefined) rows = rows.slice(0, opts.top);
  const page = rows.slice(0, entity.pageSize);
  const d: Rec = { results: page.map((r) => renderEntity(entity, r, ctx, opts)) };
  if (opts.inlinecount) d.__count = String(count);
  if (rows.length > page.length) {
    const last = page[page.length - 1][entity.keyField];
    const tokenText = keyType === 'Guid' ? `guid'${String(last)}'` : String(last);
    const kept = requestUrl.rawQuery
      .split('&')
      .filter((p) => p && !/^(\$|%24)(skiptoken|top)=/i.test(p));
    if (opts.top !== undefined) kept.push(`$top=${opts.top - page.length}`);
    kept.push(`$skiptoken=${tokenText}`);
    d.__next = `${ctx.origin}${requestUrl.path}?${kept.join('&')}`;
  }
  return d;
}

/** Minimal Atom rendering, served when the client does not ask for JSON (Exact's default is Atom XML). */
export function atomFeed(title: string, entries: Rec[]): string {
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const body = entries
    .map((e) => {
      const props = Object.entries(e)
        .filter(([k, v]) => !k.startsWith('__') && (v === null || typeof v !== 'object'))
        .map(([k, v]) => (v === null ? `<d:${k} m:null="true" />` : `<d:${k}>${esc(String(v))}</d:${k}>`))
        .join('');
      const meta = e.__metadata as { uri: string } | undefined;
      return `<entry><id>${esc(meta?.uri ?? '')}</id><content type="application/xml"><m:properties>${props}</m:properties></content></entry>`;
    })
    .join('');
  return `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" xmlns:d="http://schemas.microsoft.com/ado/2007/08/dataservices" xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata"><title type="text">${esc(title)}</title>${body}</feed>`;
}
