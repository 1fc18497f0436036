/** Master data: Accounts, Items, VAT codes, G/L accounts, journals, payment conditions, periods, divisions, Me. */
import { randomUUID } from 'node:crypto';
import { Problems, validation } from './errors';
import { bindEntity, requireFields } from './binding';
import type { Rec } from './odata';
import { ENTITIES, type EntityInfo, type EntityName } from './schema';
import { nextRowVersion, padAccountCode, padVatCode, type DivisionData } from './store';

export interface Ctx {
  div: DivisionData;
  now: number;
}

export interface Handler {
  list(c: Ctx): Rec[];
  create?(c: Ctx, raw: unknown): Rec;
  update?(c: Ctx, rec: Rec, raw: unknown): void;
  remove?(c: Ctx, rec: Rec): void;
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function stamp(c: Ctx, rec: Rec, created: boolean): void {
  if (created) {
    rec.Created = c.now;
    rec.Division = c.div.division;
  }
  rec.Modified = c.now;
}

export const findVat = (d: DivisionData, code: unknown): Rec | undefined =>
  typeof code === 'string' ? d.vatCodes.find((v) => (v.Code as string).trim() === code.trim()) : undefined;
export const findGl = (d: DivisionData, id: unknown): Rec | undefined => d.glAccounts.find((g) => g.ID === id);
export const findAccount = (d: DivisionData, id: unknown): Rec | undefined => d.accounts.find((a) => a.ID === id);
export const findItem = (d: DivisionData, id: unknown): Rec | undefined => d.items.find((i) => i.ID === id);
export const findPaymentCondition = (d: DivisionData, code: unknown): Rec | undefined =>
  typeof code === 'string' ? d.paymentConditions.find((p) => p.Code === code.trim()) : undefined;

/** Key on POST: the client may send its own; it must be unique. */
function newKey(entity: EntityInfo, values: Rec, existing: Rec[]): string {
  const given = values[entity.keyField];
  if (typeof given === 'string') {
    if (existing.some((r) => r[entity.keyField] === given)) throw validation('Gegeven bestaat reeds.');
    return given;
  }
  return randomUUID();
}

function refChecks(c: Ctx, v: Rec, p: Problems): void {
  if (v.SalesVATCode != null && !findVat(c.div, v.SalesVATCode)) p.add('Ongeldige referentie: Btw-code');
  if (v.SalesVatCode != null && !findVat(c.div, v.SalesVatCode)) p.add('Ongeldige referentie: Btw-code');
  if (v.VATCode != null && !findVat(c.div, v.VATCode)) p.add('Ongeldige referentie: Btw-code');
  if (v.PaymentConditionSales != null && !findPaymentCondition(c.div, v.PaymentConditionSales)) p.add('Ongeldige referentie: Betalingsconditie');
  for (const f of ['GLAccountSales', 'GLAR', 'GLRevenue'] as const) {
    if (v[f] != null && !findGl(c.div, v[f])) p.add('Ongeldige referentie: Grootboekrekening');
  }
}

// ---------------------------------------------------------------- Accounts
function accountRules(c: Ctx, v: Rec, self: Rec | null, p: Problems): void {
  if ('Name' in v && (v.Name === null || String(v.Name).trim() === '')) p.add('Verplicht: Name');
  if (v.Status != null && !['A', 'S', 'P', 'C'].includes(v.Status as string)) p.add('Ongeldig: Status');
  if (v.Email != null && v.Email !== '' && !EMAIL_RE.test(v.Email as string)) p.add('Ongeldig: Email');
  if (typeof v.Code === 'string') {
    const t = v.Code.trim();
    if (t === '' || t.length > 18) p.add('Ongeldig: Code');
    else if (c.div.accounts.some((a) => a !== self && a.Code === padAccountCode(t))) p.add('Code: Bestaat reeds');
  }
  refChecks(c, v, p);
}

function applyAccountDerived(c: Ctx, a: Rec): void {
  if (typeof a.Code === 'string') a.Code = padAccountCode(a.Code);
  if (typeof a.SalesVATCode === 'string') a.SalesVATCode = padVatCode(a.SalesVATCode);
  a.IsSales = a.Status === 'C';
  a.IsPurchase = a.IsSupplier === true;
  a.Type = 'A';
  a.PaymentConditionSalesDescription = (findPaymentCondition(c.div, a.PaymentConditionSales)?.Description as string) ?? null;
}

const accounts: Handler = {
  list: (c) => c.div.accounts,
  create(c, raw) {
    const e = ENTITIES.Accounts;
    const b = bindEntity(e, raw, 'POST');
    const p = new Problems();
    requireFields(e, b, p);
    accountRules(c, b.values, null, p);
    p.throwIfAny();
    const rec: Rec = { Status: 'A', Blocked: false, IsSupplier: false, Email: null, ...b.values, ID: newKey(e, b.values, c.div.accounts) };
    if (rec.Code == null) {
      // Exact numbers new relations when no code is given (uncertain; spec 5.1).
      const max = c.div.accounts.reduce((m, a) => Math.max(m, /^\s*\d+$/.test(a.Code as string) ? Number(a.Code) : 0), 0);
      rec.Code = String(max + 1);
    }
    applyAccountDerived(c, rec);
    stamp(c, rec, true);
    rec.Timestamp = nextRowVersion(c.div);
    c.div.accounts.push(rec);
    return rec;
  },
  update(c, rec, raw) {
    const b = bindEntity(ENTITIES.Accounts, raw, 'PUT');
    const p = new Problems();
    accountRules(c, b.values, rec, p);
    p.throwIfAny();
    Object.assign(rec, b.values);
    applyAccountDerived(c, rec);
    stamp(c, rec, false);
    rec.Timestamp = nextRowVersion(c.div);
  },
  remove(c, rec) {
    const used =
      c.div.salesEntries.some((s) => s.Customer === rec.ID) ||
      c.div.salesInvoices.some((s) => s.OrderedBy === rec.ID || s.InvoiceTo === rec.ID) ||
      c.div.salesOrders.some((s) => s.OrderedBy === rec.ID);
    if (used) throw validation('In gebruik: Relatie');
    c.div.accounts.splice(c.div.accounts.indexOf(rec), 1);
  },
};

// ---------------------------------------------------------------- Items
function itemRules(c: Ctx, v: Rec, self: Rec | null, p: Problems): void {
  for (const f of ['Code', 'Description'] as const) if (f in v && (v[f] === null || String(v[f]).trim() === '')) p.add(`Verplicht: ${f}`);
  if (typeof v.Code === 'string' && c.div.items.some((i) => i !== self && String(i.Code).toLowerCase() === (v.Code as string).trim().toLowerCase())) {
    p.add('Gegeven bestaat reeds.');
  }
  refChecks(c, v, p);
}

function applyItemDerived(c: Ctx, i: Rec): void {
  if (typeof i.Code === 'string') i.Code = i.Code.trim();
  if (typeof i.SalesVatCode === 'string') i.SalesVatCode = padVatCode(i.SalesVatCode);
  i.SalesVatCodeDescription = (findVat(c.div, i.SalesVatCode)?.Description as string) ?? null;
  const gl = findGl(c.div, i.GLRevenue);
  i.GLRevenueCode = (gl?.Code as string) ?? null;
  i.GLRevenueDescription = (gl?.Description as string) ?? null;
}

const items: Handler = {
  list: (c) => c.div.items,
  create(c, raw) {
    const e = ENTITIES.Items;
    const b = bindEntity(e, raw, 'POST');
    const p = new Problems();
    requireFields(e, b, p);
    itemRules(c, b.values, null, p);
    p.throwIfAny();
    const rec: Rec = { IsSalesItem: true, IsPurchaseItem: false, IsStockItem: false, StartDate: null, EndDate: null, ...b.values, ID: newKey(e, b.values, c.div.items) };
    applyItemDerived(c, rec);
    stamp(c, rec, true);
    c.div.items.push(rec);
    return rec;
  },
  update(c, rec, raw) {
    const b = bindEntity(ENTITIES.Items, raw, 'PUT');
    const p = new Problems();
    itemRules(c, b.values, rec, p);
    p.throwIfAny();
    Object.assign(rec, b.values);
    applyItemDerived(c, rec);
    stamp(c, rec, false);
  },
  remove(c, rec) {
    const used =
      c.div.salesInvoices.some((s) => (s.SalesInvoiceLines as Rec[]).some((l) => l.Item === rec.ID)) ||
      c.div.salesOrders.some((s) => (s.SalesOrderLines as Rec[]).some((l) => l.Item === rec.ID));
    if (used) throw validation('In gebruik: Artikel');
    c.div.items.splice(c.div.items.indexOf(rec), 1);
  },
};

// ---------------------------------------------------------------- simple coded master data
function coded(name: EntityName, table: (d: DivisionData) => Rec[], opts: { pad?: (s: string) => string; defaults?: Rec; inUse?: (c: Ctx, r: Rec) => boolean } = {}): Handler {
  const e = ENTITIES[name];
  const pad = opts.pad ?? ((s: string) => s.trim());
  const rules = (c: Ctx, v: Rec, self: Rec | null, p: Problems): void => {
    if (typeof v.Code === 'string' && table(c.div).some((r) => r !== self && r.Code === pad(v.Code as string))) p.add('Gegeven bestaat reeds.');
    refChecks(c, v, p);
  };
  return {
    list: (c) => table(c.div),
    ...(e.methods.post && {
      create(c: Ctx, raw: unknown): Rec {
        const b = bindEntity(e, raw, 'POST');
        const p = new Problems();
        requireFields(e, b, p);
        rules(c, b.values, null, p);
        p.throwIfAny();
        const rec: Rec = { ...(opts.defaults ?? {}), ...b.values, [e.keyField]: newKey(e, b.values, table(c.div)) };
        if (typeof rec.Code === 'string') rec.Code = pad(rec.Code);
        stamp(c, rec, true);
        table(c.div).push(rec);
        return rec;
      },
    }),
    ...(e.methods.put && {
      update(c: Ctx, rec: Rec, raw: unknown): void {
        const b = bindEntity(e, raw, 'PUT');
        const p = new Problems();
        rules(c, b.values, rec, p);
        p.throwIfAny();
        Object.assign(rec, b.values);
        if (typeof rec.Code === 'string') rec.Code = pad(rec.Code);
        stamp(c, rec, false);
      },
    }),
    ...(e.methods.delete && {
      remove(c: Ctx, rec: Rec): void {
        if (opts.inUse?.(c, rec)) throw validation(`In gebruik: ${e.name}`);
        const t = table(c.div);
        t.splice(t.indexOf(rec), 1);
      },
    }),
  };
}

const allLines = (d: DivisionData): Rec[] => [
  ...d.salesEntries.flatMap((s) => s.SalesEntryLines as Rec[]),
  ...d.salesInvoices.flatMap((s) => s.SalesInvoiceLines as Rec[]),
  ...d.salesOrders.flatMap((s) => s.SalesOrderLines as Rec[]),
];

export const masterHandlers: Partial<Record<EntityName, Handler>> = {
  Accounts: accounts,
  // sync/CRM/Accounts: the same records, each with the Timestamp of its last create/update.
  SyncAccounts: { list: (c) => c.div.accounts.filter((a) => typeof a.Timestamp === 'number') },
  Items: items,
  VATCodes: coded('VATCodes', (d) => d.vatCodes, {
    pad: padVatCode,
    defaults: { Percentage: '0', Type: 'E', VATTransactionType: 'B', IsBlocked: false, Charged: false },
    inUse: (c, r) => allLines(c.div).some((l) => l.VATCode === r.Code),
  }),
  GLAccounts: coded('GLAccounts', (d) => d.glAccounts, {
    defaults: { IsBlocked: false, Type: 90, BalanceType: 'W' },
    inUse: (c, r) => allLines(c.div).some((l) => l.GLAccount === r.ID),
  }),
  Journals: coded('Journals', (d) => d.journals, {
    defaults: { AllowVAT: true, AllowVariableCurrency: false, Currency: 'EUR', IsBlocked: false },
    inUse: (c, r) => c.div.salesEntries.some((s) => s.Journal === r.Code) || c.div.salesInvoices.some((s) => s.Journal === r.Code),
  }),
  PaymentConditions: coded('PaymentConditions', (d) => d.paymentConditions, { defaults: { PaymentDays: 0 } }),
  FinancialPeriods: { list: (c) => c.div.financialPeriods },
};
