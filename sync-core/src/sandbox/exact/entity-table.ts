/**
 * The field table of the Exact Online entities this simulator serves, in a compact form derived
 * from Exact's REST reference pages (via ../shared/specs/exact-online-entities.json; the test
 * `entities.test.ts` proves `entities.ts` equals what `deriveEntityTable` makes of that file).
 * Product code never reads ../shared: it only reads the generated `entities.ts`.
 */

/** Edm type names as the reference pages spell them (null where the page gives none). */
export type EdmType =
  | 'Guid'
  | 'UTF8String'
  | 'UTF8CodeString'
  | 'Int16'
  | 'Int32'
  | 'Int64'
  | 'Byte'
  | 'Double'
  | 'Boolean'
  | 'DateTime'
  | 'Binary'
  | 'Collection'
  | null;

/** [name, type, access letters (G get, P post, U put, D delete), flags: K = key, R = required]. */
export type FieldRow = readonly [string, EdmType, string, '' | 'R' | 'K' | 'KR'];

export interface EntityRow {
  /** Path below `/api/v1/{division}/` (or `/api/v1/` for current/Me). */
  readonly path: string;
  /** The entity's resource name (last path segment; `Sync<segment>` for a sync/ endpoint, whose spec name is `CRM/Accounts`). */
  readonly name: string;
  readonly pageSize: number;
  /** Supported methods as letters G P U D. */
  readonly methods: string;
  readonly fields: readonly FieldRow[];
}

/** The endpoints served by the simulator, as they appear in the spec file. */
export const SERVED_ENDPOINTS = [
  '/api/v1/current/Me',
  '/api/v1/{division}/system/Divisions',
  '/api/v1/{division}/crm/Accounts',
  '/api/v1/{division}/sync/CRM/Accounts',
  '/api/v1/{division}/logistics/Items',
  '/api/v1/{division}/vat/VATCodes',
  '/api/v1/{division}/financial/GLAccounts',
  '/api/v1/{division}/financial/Journals',
  '/api/v1/{division}/financial/FinancialPeriods',
  '/api/v1/{division}/cashflow/PaymentConditions',
  '/api/v1/{division}/salesentry/SalesEntries',
  '/api/v1/{division}/salesentry/SalesEntryLines',
  '/api/v1/{division}/salesinvoice/SalesInvoices',
  '/api/v1/{division}/salesinvoice/SalesInvoiceLines',
  '/api/v1/{division}/salesinvoice/SalesInvoiceOrderChargeLines',
  '/api/v1/{division}/salesinvoice/PrintedSalesInvoices',
  '/api/v1/{division}/salesorder/SalesOrders',
  '/api/v1/{division}/salesorder/SalesOrderLines',
  '/api/v1/{division}/financialtransaction/CashEntries',
  '/api/v1/{division}/financialtransaction/CashEntryLines',
  '/api/v1/{division}/financialtransaction/BankEntries',
  '/api/v1/{division}/financialtransaction/BankEntryLines',
  '/api/v1/{division}/cashflow/Receivables',
  '/api/v1/{division}/documents/Documents',
  '/api/v1/{division}/documents/DocumentAttachments',
  '/api/v1/{division}/bulk/Financial/TransactionLines',
] as const;

const METHOD_LETTER: Record<string, string> = { GET: 'G', POST: 'P', PUT: 'U', DELETE: 'D' };

interface SpecField {
  name: string;
  type: string | null;
  key: boolean;
  required: boolean;
  methods: string[];
}
interface SpecEntity {
  endpoint: string;
  name: string;
  pageSize: number;
  methods: string[];
  fields: SpecField[];
}

function letters(methods: string[]): string {
  return methods.map((m) => METHOD_LETTER[m] ?? '?').join('');
}

/** Derive the compact table from the parsed spec file (`{ entities: SpecEntity[] }`). */
export function deriveEntityTable(spec: { entities: SpecEntity[] }): EntityRow[] {
  return SERVED_ENDPOINTS.map((endpoint) => {
    const e = spec.entities.find((x) => x.endpoint === endpoint);
    if (!e) throw new Error(`spec has no entity ${endpoint}`);
    return {
      path: endpoint.replace(/^\/api\/v1\/(\{division\}\/)?/, ''),
      name: endpoint.includes('/sync/') ? `Sync${e.name.split('/').pop()}` : e.name,
      pageSize: e.pageSize,
      methods: letters(e.methods),
      fields: e.fields.map((f): FieldRow => [f.name, f.type as EdmType, letters(f.methods), ((f.key ? 'K' : '') + (f.required ? 'R' : '')) as FieldRow[3]]),
    };
  });
}

/** Render the table as the source of `entities.ts`. */
export function renderEntityTable(rows: EntityRow[], source: string): string {
  const out: string[] = [];
  out.push('/* eslint-disable */');
  out.push('// GENERATED from ../shared/specs/exact-online-entities.json by entities.test.ts');
  out.push('// (UPDATE_EXACT_ENTITIES=1 npx jest sync-core/src/sandbox/exact/entities.test.ts). Do not edit.');
  out.push(`// Source: ${source}`);
  out.push("import type { EntityRow } from './entity-table';");
  out.push('');
  out.push('export const ENTITY_ROWS: readonly EntityRow[] = [');
  for (const r of rows) {
    out.push(`  {`);
    out.push(`    path: ${JSON.stringify(r.path)},`);
    out.push(`    name: ${JSON.stringify(r.name)},`);
    out.push(`    pageSize: ${r.pageSize},`);
    out.push(`    methods: ${JSON.stringify(r.methods)},`);
    out.push(`    fields: [`);
    for (const f of r.fields) out.push(`      [${JSON.stringify(f[0])}, ${JSON.stringify(f[1])}, ${JSON.stringify(f[2])}, ${JSON.stringify(f[3])}],`);
    out.push(`    ],`);
    out.push(`  },`);
  }
  out.push('];');
  out.push('');
  return out.join('\n');
}
