/** Runtime view of the generated field table: per entity its fields, key, metadata type and line collections. */
import { ENTITY_ROWS } from './entities';
import type { EdmType } from './entity-table';

export interface FieldInfo {
  readonly name: string;
  readonly type: EdmType;
  readonly key: boolean;
  readonly required: boolean;
  readonly get: boolean;
  readonly post: boolean;
  readonly put: boolean;
}

export interface EntityInfo {
  readonly name: EntityName;
  readonly path: string;
  /** The OData service segment (`crm`, `salesentry`, ...; `CRM` for `sync/CRM/Accounts`, `Financial` for `bulk/Financial/TransactionLines`). */
  readonly service: string;
  /** `sync` for the delta endpoints (`/api/v1/{division}/sync/{Service}/{Resource}`), `bulk` for the bulk reads, else null. */
  readonly variant: 'sync' | 'bulk' | null;
  readonly pageSize: number;
  readonly methods: { get: boolean; post: boolean; put: boolean; delete: boolean };
  readonly fields: ReadonlyMap<string, FieldInfo>;
  readonly keyField: string;
  /** `__metadata.type`. Exact's namespaces vary; the simulator uses Exact.Web.Api.Models.<Singular>. */
  readonly metadataType: string;
  /** Collection-valued field -> entity name of its rows (only line collections the simulator serves). */
  readonly lineCollections: ReadonlyMap<string, string>;
}

const SINGULAR: Record<string, string> = {
  Me: 'System.Me',
  Divisions: 'System.Division',
  Accounts: 'Account',
  SyncAccounts: 'Sync.CRM.Account',
  Items: 'Item',
  VATCodes: 'VATCode',
  GLAccounts: 'GLAccount',
  Journals: 'Journal',
  FinancialPeriods: 'FinancialPeriod',
  PaymentConditions: 'PaymentCondition',
  SalesEntries: 'SalesEntry',
  SalesEntryLines: 'SalesEntryLine',
  SalesInvoices: 'SalesInvoice',
  SalesInvoiceLines: 'SalesInvoiceLine',
  SalesInvoiceOrderChargeLines: 'SalesInvoiceOrderChargeLine',
  PrintedSalesInvoices: 'PrintedSalesInvoice',
  SalesOrders: 'SalesOrder',
  SalesOrderLines: 'SalesOrderLine',
  CashEntries: 'CashEntry',
  CashEntryLines: 'CashEntryLine',
  BankEntries: 'BankEntry',
  BankEntryLines: 'BankEntryLine',
  Receivables: 'Receivable',
  Documents: 'Document',
  DocumentAttachments: 'DocumentAttachment',
  TransactionLines: 'TransactionLine',
};

const LINES: Record<string, Record<string, string>> = {
  SalesEntries: { SalesEntryLines: 'SalesEntryLines' },
  SalesInvoices: { SalesInvoiceLines: 'SalesInvoiceLines', SalesInvoiceOrderChargeLines: 'SalesInvoiceOrderChargeLines' },
  SalesOrders: { SalesOrderLines: 'SalesOrderLines' },
  CashEntries: { CashEntryLines: 'CashEntryLines' },
  BankEntries: { BankEntryLines: 'BankEntryLines' },
};

export type EntityName =
  | 'Me'
  | 'Divisions'
  | 'Accounts'
  | 'SyncAccounts'
  | 'Items'
  | 'VATCodes'
  | 'GLAccounts'
  | 'Journals'
  | 'FinancialPeriods'
  | 'PaymentConditions'
  | 'SalesEntries'
  | 'SalesEntryLines'
  | 'SalesInvoices'
  | 'SalesInvoiceLines'
  | 'SalesInvoiceOrderChargeLines'
  | 'PrintedSalesInvoices'
  | 'SalesOrders'
  | 'SalesOrderLines'
  | 'CashEntries'
  | 'CashEntryLines'
  | 'BankEntries'
  | 'BankEntryLines'
  | 'Receivables'
  | 'Documents'
  | 'DocumentAttachments'
  | 'TransactionLines';

/** `bulk/...` and `sync/...` endpoints: 1 000 rows a page, `$select` mandatory (spec §4.3, §4.4). */
export function isBulkOrSync(path: string): boolean {
  return /^(bulk|sync)\//i.test(path);
}

function build(): Record<EntityName, EntityInfo> {
  const out = {} as Record<EntityName, EntityInfo>;
  for (const row of ENTITY_ROWS) {
    const fields = new Map<string, FieldInfo>();
    for (const [name, type, access, flags] of row.fields) {
      fields.set(name, {
        name,
        type,
        key: flags.includes('K'),
        required: flags.includes('R'),
        get: access.includes('G'),
        post: access.includes('P'),
        put: access.includes('U'),
      });
    }
    const keyField = [...fields.values()].find((f) => f.key)?.name;
    if (!keyField) throw new Error(`entity ${row.name} has no key`);
    // bulk rows are named with their service (`Financial/TransactionLines`): the resource is the last segment
    const name = row.name.split('/').pop() as EntityName;
    const parts = row.path.split('/');
    const variant = parts.length === 3 && (parts[0] === 'sync' || parts[0] === 'bulk') ? parts[0] : null;
    out[name] = {
      name,
      path: row.path,
      service: parts[parts.length - 2],
      variant,
      // The generated table carries the generator's default of 60 for every endpoint; Exact's
      // reference text of the bulk and sync endpoints and spec §4.4 say pages of 1 000 there.
      pageSize: isBulkOrSync(row.path) ? 1000 : row.pageSize,
      methods: {
        get: row.methods.includes('G'),
        post: row.methods.includes('P'),
        put: row.methods.includes('U'),
        delete: row.methods.includes('D'),
      },
      fields,
      keyField,
      metadataType: `Exact.Web.Api.Models.${SINGULAR[name] ?? name}`,
      lineCollections: new Map(Object.entries(LINES[name] ?? {})),
    };
  }
  return out;
}

export const ENTITIES: Record<EntityName, EntityInfo> = build();

/**
 * Entity by its path below the division (`crm/Accounts`, or `CRM/Accounts` with variant `sync`);
 * the service segment is matched case-insensitively, the resource name exactly.
 */
export function entityByPath(service: string, resource: string, variant: 'sync' | 'bulk' | null = null): EntityInfo | undefined {
  return Object.values(ENTITIES).find((e) => e.variant === variant && e.service.toLowerCase() === service.toLowerCase() && e.path.endsWith(`/${resource}`));
}
