/**
 * Master data: tax rates (read-only, filters incl. `tax_rate_type` and `country`), ledger accounts
 * (unpaginated list, create with `rgs_code`), workflows, document styles, identities, financial
 * accounts (active only) and custom fields.
 */
import { D } from '../../../model/money';
import { badRequest, notFound, notFoundForModel, symbolic, Validation } from '../errors';
import { parseBool, parseId, parseMoney } from '../format';
import { asText, checkPermitted, isObject, type Strictness } from '../params';
import { ok, paginate, parseFilter, SCOPES, type Route, type RouteContext } from '../routing';
import type { Json } from '../seed';

const TAX_FILTER_KEYS = ['name', 'partial_name', 'percentage', 'tax_rate_type', 'country', 'show_tax', 'active', 'created_after', 'updated_after'];
const TAX_RATE_TYPES = ['all', 'sales_invoice', 'purchase_invoice', 'general_journal_document'];
const ACCOUNT_TYPES = ['non_current_assets', 'current_assets', 'equity', 'provisions', 'non_current_liabilities', 'current_liabilities', 'revenue', 'direct_costs', 'expenses', 'other_income_expenses'];

function listTaxRates(ctx: RouteContext) {
  const filter = parseFilter(ctx.query.get('filter'));
  let list: Json[] = ctx.adm.taxRates;
  if (filter) {
    for (const [key, values] of filter) {
      if (!TAX_FILTER_KEYS.includes(key)) continue;
      const v = values[0] ?? '';
      switch (key) {
        case 'name':
          list = list.filter((t) => values.includes(String(t.name)));
          break;
        case 'partial_name':
          list = list.filter((t) => String(t.name).toLowerCase().includes(v.toLowerCase()));
          break;
        case 'percentage': {
          const wanted = values.map((x) => parseMoney(x));
          if (wanted.some((w) => w === null)) throw badRequest('Percentage is not a number', { filter: 'invalid' });
          list = list.filter((t) => wanted.some((w) => w!.equals(new D(String(t.percentage)))));
          break;
        }
        case 'tax_rate_type':
          if (!values.every((x) => TAX_RATE_TYPES.includes(x))) throw badRequest('Tax rate type is not included in the list', { filter: 'invalid' });
          if (!values.includes('all')) list = list.filter((t) => values.includes(String(t.tax_rate_type)));
          break;
        case 'country':
          list = list.filter((t) => values.some((c) => (t.country ?? '') === c.toUpperCase()));
          break;
        case 'show_tax':
        case 'active': {
          const b = parseBool(v);
          if (b === null) throw badRequest(`${key} is invalid`, { filter: 'invalid' });
          list = list.filter((t) => t[key] === b);
          break;
        }
        case 'created_after':
        case 'updated_after': {
          const ts = Date.parse(v);
          if (Number.isNaN(ts)) throw badRequest(`${key} is not a valid time`, { filter: 'invalid' });
          list = list.filter((t) => Date.parse(String(key === 'created_after' ? t.created_at : t.updated_at)) > ts);
          break;
        }
      }
    }
  }
  const page = paginate(ctx, list);
  return ok(page.items, 200, page.headers);
}

/** RGS 3.5 codes start with B (balance) or W (profit & loss) followed by letters (e.g. "WOmzNopOlv"). */
const RGS_RE = /^[BW][A-Za-z]{2,}$/;

function createLedgerAccount(ctx: RouteContext, strict: Strictness) {
  const { adm } = ctx;
  checkPermitted(ctx.body, ['ledger_account', 'rgs_code'], strict);
  const attrs = ctx.body.ledger_account;
  if (!isObject(attrs)) throw badRequest('Ledger account is required', { ledger_account: 'required' });
  checkPermitted(attrs, ['name', 'account_type', 'account_id', 'parent_id', 'allowed_document_types', 'description'], strict);
  if (!('name' in attrs)) throw badRequest('Name is required', { ledger_account: { name: 'required' } });
  if (!('account_type' in attrs)) throw badRequest('Account type is required', { ledger_account: { account_type: 'required' } });
  const rgs = asText(ctx.body.rgs_code);
  if (!rgs) throw badRequest('Rgs code is required', { rgs_code: 'required' });
  if (!RGS_RE.test(rgs)) throw symbolic(404, 'Given RGS code does not belong to a taxonomy item of version 3.5', { rgs_code: 'not_found' });
  const v = new Validation();
  const name = asText(attrs.name) ?? '';
  if (name.trim() === '') v.blank('name');
  const type = asText(attrs.account_type) ?? '';
  if (!ACCOUNT_TYPES.includes(type)) v.add('account_type', 'is not included in the list', 'inclusion');
  const accountId = asText(attrs.account_id);
  if (accountId && adm.ledgerAccounts.some((l) => l.account_id === accountId)) v.add('account_id', 'has already been taken', 'taken');
  let parentId: string | null = null;
  if (attrs.parent_id !== undefined && attrs.parent_id !== null && attrs.parent_id !== '') {
    parentId = parseId(attrs.parent_id);
    if (!parentId || !adm.ledgerAccounts.some((l) => l.id === parentId)) v.add('parent_id', 'is invalid', 'invalid');
  }
  v.throwIfAny();
  const at = adm.nowIso();
  const defaults: Record<string, string[]> = {
    revenue: ['sales_invoice', 'financial_mutation', 'general_journal_document'],
    expenses: ['purchase_invoice', 'financial_mutation', 'general_journal_document'],
    direct_costs: ['purchase_invoice', 'financial_mutation', 'general_journal_document'],
  };
  const la = {
    id: adm.ids.id(),
    administration_id: adm.id,
    name,
    account_type: type,
    account_id: accountId,
    parent_id: parentId,
    active: true,
    created_at: at,
    updated_at: at,
    allowed_document_types: Array.isArray(attrs.allowed_document_types) ? attrs.allowed_document_types.map(String) : (defaults[type] ?? ['financial_mutation', 'general_journal_document']),
    taxonomy_item: { taxonomy_version: '3.5', code: rgs, name, name_english: name, reference: '0' },
    financial_account_id: null,
  };
  adm.ledgerAccounts.push(la);
  return ok(la, 201);
}

export function settingsRoutes(strict: Strictness): Route[] {
  return [
    { method: 'GET', path: 'tax_rates', scopes: SCOPES.taxRates, handler: listTaxRates },
    { method: 'GET', path: 'ledger_accounts', scopes: SCOPES.ledgerAccounts, handler: (ctx) => ok(ctx.adm.ledgerAccounts) },
    { method: 'POST', path: 'ledger_accounts', scopes: SCOPES.settings, handler: (ctx) => createLedgerAccount(ctx, strict) },
    {
      method: 'GET',
      path: 'ledger_accounts/:id',
      scopes: SCOPES.ledgerAccounts,
      handler: (ctx) => {
        const la = ctx.adm.ledgerAccounts.find((l) => l.id === parseId(ctx.params.id));
        if (!la) throw notFound('id');
        return ok(la);
      },
    },
    { method: 'GET', path: 'workflows', scopes: SCOPES.workflows, handler: (ctx) => ok(ctx.adm.workflows) },
    {
      method: 'GET',
      path: 'workflows/:id',
      scopes: SCOPES.workflows,
      handler: (ctx) => {
        const wf = ctx.adm.workflows.find((w) => w.id === parseId(ctx.params.id));
        if (!wf) throw notFoundForModel('Workflow');
        return ok(wf);
      },
    },
    { method: 'GET', path: 'document_styles', scopes: SCOPES.documentStyles, handler: (ctx) => ok(ctx.adm.documentStyles) },
    { method: 'GET', path: 'identities', scopes: SCOPES.settings, handler: (ctx) => ok(ctx.adm.identities) },
    { method: 'GET', path: 'identities/default', scopes: SCOPES.settings, handler: (ctx) => ok(ctx.adm.identities[0]) },
    { method: 'GET', path: 'financial_accounts', scopes: SCOPES.settings, handler: (ctx) => ok(ctx.adm.financialAccounts.filter((f) => f.active === true)) },
    { method: 'GET', path: 'custom_fields', scopes: SCOPES.customFields, handler: (ctx) => ok(ctx.adm.customFields) },
  ];
}
