/**
 * The OData v2 `$filter` subset Exact documents: eq ne gt ge lt le and or not, parentheses,
 * literals 'text' (with '' escaping), guid'...', datetime'...', integers (optional L suffix),
 * decimals (optional M/D suffix), true/false/null, and substringof / startswith / endswith.
 * Operands are type-checked against the entity's Edm types as WCF Data Services does: a Guid
 * property compares only with guid'...', a DateTime only with datetime'...', and so on.
 * No navigation properties, no field-to-field comparison (spec 4.3).
 */
import { D } from '../../model/money';
import { badRequest } from './errors';
import type { EntityInfo } from './schema';
import type { EdmType } from './entity-table';
import { GUID_RE, parseDate } from './values';

type LitKind = 'string' | 'guid' | 'datetime' | 'int' | 'decimal' | 'bool' | 'null';
type Token =
  | { t: 'lit'; kind: LitKind; value: unknown; pos: number }
  | { t: 'id'; name: string; pos: number }
  | { t: 'op'; op: string; pos: number }
  | { t: '('; pos: number }
  | { t: ')'; pos: number }
  | { t: ','; pos: number };

export type FilterNode =
  | { k: 'and' | 'or'; l: FilterNode; r: FilterNode }
  | { k: 'not'; e: FilterNode }
  | { k: 'cmp'; op: string; field: string; type: EdmType; lit: { kind: LitKind; value: unknown } }
  | { k: 'fn'; fn: 'substringof' | 'startswith' | 'endswith'; field: string; text: string };

const CMP = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const CLR: Record<string, string> = {
  string: 'System.String',
  guid: 'System.Guid',
  datetime: 'System.DateTime',
  int: 'System.Int32',
  decimal: 'System.Decimal',
  bool: 'System.Boolean',
  null: 'null',
};

function syntax(pos: number, what = 'Syntax error'): Error {
  return badRequest(`${what} at position ${pos}.`);
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ') {
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      out.push({ t: c, pos: i } as Token);
      i++;
      continue;
    }
    const prefixed = /^(guid|datetime|datetimeoffset)'/i.exec(src.slice(i));
    if (c === "'" || prefixed) {
      const start = i;
      i += prefixed ? prefixed[0].length : 1;
      let text = '';
      for (;;) {
        if (i >= src.length) throw syntax(start, 'Unterminated string literal');
        if (src[i] === "'") {
          if (src[i + 1] === "'") {
            text += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += src[i++];
      }
      if (!prefixed) out.push({ t: 'lit', kind: 'string', value: text, pos: start });
      else if (prefixed[1].toLowerCase() === 'guid') {
        if (!GUID_RE.test(text)) throw syntax(start, `Unrecognized 'Edm.Guid' literal 'guid'${text}''`);
        out.push({ t: 'lit', kind: 'guid', value: text.toLowerCase(), pos: start });
      } else {
        const t = parseDate(text);
        if (t === null) throw syntax(start, `Unrecognized 'Edm.DateTime' literal 'datetime'${text}''`);
        out.push({ t: 'lit', kind: 'datetime', value: t, pos: start });
      }
      continue;
    }
    const num = /^-?\d+(\.\d+)?([LlMmDdFf])?/.exec(src.slice(i));
    if (num && (c === '-' || /\d/.test(c))) {
      const isDec = num[1] !== undefined || (num[2] !== undefined && /[MmDdFf]/.test(num[2]));
      const digits = num[0].replace(/[LlMmDdFf]$/, '');
      out.push({ t: 'lit', kind: isDec ? 'decimal' : 'int', value: new D(digits).toFixed(), pos: i });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_/]*/.exec(src.slice(i));
    if (id) {
      const w = id[0];
      const lower = w.toLowerCase();
      if (lower === 'true' || lower === 'false') out.push({ t: 'lit', kind: 'bool', value: lower === 'true', pos: i });
      else if (lower === 'null') out.push({ t: 'lit', kind: 'null', value: null, pos: i });
      else if (CMP.has(w) || w === 'and' || w === 'or' || w === 'not') out.push({ t: 'op', op: w, pos: i });
      else out.push({ t: 'id', name: w, pos: i });
      i += w.length;
      continue;
    }
    throw syntax(i);
  }
  return out;
}

function compatible(type: EdmType, kind: LitKind): boolean {
  if (kind === 'null') return true;
  switch (type) {
    case 'Guid':
      return kind === 'guid';
    case 'DateTime':
      return kind === 'datetime';
    case 'Int16':
    case 'Int32':
    case 'Int64':
    case 'Byte':
      return kind === 'int';
    case 'Double':
      return kind === 'int' || kind === 'decimal';
    case 'Boolean':
      return kind === 'bool';
    case 'UTF8String':
    case 'UTF8CodeString':
    case null:
      return kind === 'string';
    default:
      return false;
  }
}

const EDM_NAME: Record<string, string> = {
  Guid: 'System.Guid',
  DateTime: 'System.DateTime',
  Int16: 'System.Int16',
  Int32: 'System.Int32',
  Int64: 'System.Int64',
  Byte: 'System.Byte',
  Double: 'System.Double',
  Boolean: 'System.Boolean',
  UTF8String: 'System.String',
  UTF8CodeString: 'System.String',
};

export function parseFilter(src: string, entity: EntityInfo): FilterNode {
  const toks = tokenize(src);
  let p = 0;
  const peek = (): Token | undefined => toks[p];
  const end = (): number => (toks.length ? toks[toks.length - 1].pos + 1 : 0);

  const field = (tok: Token): { name: string; type: EdmType } => {
    if (tok.t !== 'id') throw syntax(tok.pos, 'Expression expected');
    if (tok.name.includes('/')) throw syntax(tok.pos, 'Filtering on navigation properties is not supported');
    const f = entity.fields.get(tok.name);
    if (!f || !f.get) throw syntax(tok.pos, `No property '${tok.name}' exists in type '${entity.metadataType}'`);
    if (f.type === 'Collection' || f.type === 'Binary') throw syntax(tok.pos, `Property '${tok.name}' cannot be used in a filter`);
    return { name: f.name, type: f.type };
  };
  const expect = (t: Token['t']): Token => {
    const tok = toks[p];
    if (!tok || tok.t !== t) throw syntax(tok ? tok.pos : end(), `'${t}' expected`);
    p++;
    return tok;
  };
  const stringLit = (): string => {
    const tok = toks[p++];
    if (!tok || tok.t !== 'lit' || tok.kind !== 'string') throw syntax(tok ? tok.pos : end(), 'String literal expected');
    return tok.value as string;
  };

  const primary = (): FilterNode => {
    const tok = toks[p];
    if (!tok) throw syntax(end(), 'Expression expected');
    if (tok.t === '(') {
      p++;
      const e = or();
      expect(')');
      return e;
    }
    if (tok.t === 'op' && tok.op === 'not') {
      p++;
      return { k: 'not', e: primary() };
    }
    if (tok.t === 'id' && ['substringof', 'startswith', 'endswith'].includes(tok.name)) {
      p++;
      expect('(');
      let text: string;
      let fieldTok: Token;
      if (tok.name === 'substringof') {
        text = stringLit();
        expect(',');
        fieldTok = toks[p++];
      } else {
        fieldTok = toks[p++];
        expect(',');
        text = stringLit();
      }
      if (!fieldTok) throw syntax(end(), 'Expression expected');
      const f = field(fieldTok);
      if (f.type !== 'UTF8String' && f.type !== 'UTF8CodeString' && f.type !== null) {
        throw syntax(fieldTok.pos, `No applicable function found for '${tok.name}' with the specified arguments`);
      }
      expect(')');
      const fnNode: FilterNode = { k: 'fn', fn: tok.name as 'substringof', field: f.name, text };
      // `substringof('x', F) eq true` is the usual spelling.
      const nxt = peek();
      if (nxt && nxt.t === 'op' && (nxt.op === 'eq' || nxt.op === 'ne')) {
        p++;
        const b = toks[p++];
        if (!b || b.t !== 'lit' || b.kind !== 'bool') throw syntax(b ? b.pos : end(), 'Boolean literal expected');
        return (b.value === true) === (nxt.op === 'eq') ? fnNode : { k: 'not', e: fnNode };
      }
      return fnNode;
    }
    if (tok.t === 'id') {
      p++;
      const f = field(tok);
      const opTok = toks[p++];
      if (!opTok || opTok.t !== 'op' || !CMP.has(opTok.op)) throw syntax(opTok ? opTok.pos : end(), 'Comparison operator expected');
      const lit = toks[p++];
      if (!lit) throw syntax(end(), 'Expression expected');
      if (lit.t === 'id') throw syntax(lit.pos, 'Comparing two properties is not supported');
      if (lit.t !== 'lit') throw syntax(lit.pos, 'Expression expected');
      if (!compatible(f.type, lit.kind)) {
        throw syntax(opTok.pos, `Operator '${opTok.op}' incompatible with operand types '${EDM_NAME[f.type ?? 'UTF8String']}' and '${CLR[lit.kind]}'`);
      }
      return { k: 'cmp', op: opTok.op, field: f.name, type: f.type, lit: { kind: lit.kind, value: lit.value } };
    }
    throw syntax(tok.pos, 'Expression expected');
  };
  const and = (): FilterNode => {
    let l = primary();
    for (let t = peek(); t && t.t === 'op' && t.op === 'and'; t = peek()) {
      p++;
      l = { k: 'and', l, r: primary() };
    }
    return l;
  };
  const or = (): FilterNode => {
    let l = and();
    for (let t = peek(); t && t.t === 'op' && t.op === 'or'; t = peek()) {
      p++;
      l = { k: 'or', l, r: and() };
    }
    return l;
  };
  const ast = or();
  if (p < toks.length) throw syntax(toks[p].pos);
  return ast;
}

/**
 * Compare stored value and literal. Strings compare case-insensitively (Exact runs on SQL Server
 * with a case-insensitive collation; uncertain) but never trim: an Account Code matches only
 * with its leading spaces.
 */
function compare(type: EdmType, stored: unknown, lit: unknown): number {
  switch (type) {
    case 'Double':
    case 'Int16':
    case 'Int32':
    case 'Int64':
    case 'Byte':
      return new D(String(stored)).comparedTo(new D(String(lit)));
    case 'DateTime':
      return (stored as number) - (lit as number);
    case 'Boolean':
      return Number(stored) - Number(lit);
    default: {
      const a = String(stored).toLowerCase();
      const b = String(lit).toLowerCase();
      return a < b ? -1 : a > b ? 1 : 0;
    }
  }
}

export function evalFilter(node: FilterNode, rec: Record<string, unknown>): boolean {
  switch (node.k) {
    case 'and':
      return evalFilter(node.l, rec) && evalFilter(node.r, rec);
    case 'or':
      return evalFilter(node.l, rec) || evalFilter(node.r, rec);
    case 'not':
      return !evalFilter(node.e, rec);
    case 'fn': {
      const v = rec[node.field];
      if (typeof v !== 'string') return false;
      const a = v.toLowerCase();
      const b = node.text.toLowerCase();
      return node.fn === 'substringof' ? a.includes(b) : node.fn === 'startswith' ? a.startsWith(b) : a.endsWith(b);
    }
    case 'cmp': {
      const v = rec[node.field] ?? null;
      const lit = node.lit.value;
      if (v === null || lit === null) {
        const same = v === null && lit === null;
        if (node.op === 'eq') return same;
        if (node.op === 'ne') return !same;
        return false;
      }
      const c = compare(node.type, v, lit);
      switch (node.op) {
        case 'eq':
          return c === 0;
        case 'ne':
          return c !== 0;
        case 'gt':
          return c > 0;
        case 'ge':
          return c >= 0;
        case 'lt':
          return c < 0;
        default:
          return c <= 0;
      }
    }
  }
}
