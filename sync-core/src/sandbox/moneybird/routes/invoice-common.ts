/**
 * What sales invoices and external sales invoices share: `details_attributes` (create, update by
 * `id`, remove with `_destroy`), payments, attachments and the list filters.
 */
import { D, type Dec } from '../../../model/money';
import { badRequest, notFound, Validation } from '../errors';
import { formatDecimal, parseBool, parseDate, parseId, parseMoney } from '../format';
import type { AdministrationState, AttachmentRecord, DetailRecord, InvoiceRecord, PaymentRecord } from '../model';
import { asText, attributesList, checkPermitted, isObject, wrapper, type Strictness } from '../params';
import { parseFilter, parsePeriod, type RouteContext } from '../routing';
import type { Json } from '../seed';

const DETAIL_PERMITTED = ['id', 'description', 'period', 'price', 'amount', 'tax_rate_id', 'ledger_account_id', 'project_id', 'product_id', 'row_order', '_destroy', 'automated_tax_enabled', 'is_optional', 'is_selected'];

/** The quantity: `1`, `"5"`, `"0.5"`, `"2 stuks"`, `"1,5 uur"` → its leading number. */
export function parseQuantity(value: unknown): { text: string | null; quantity: Dec } | null {
  if (value === undefined || value === null || value === '') return { text: null, quantity: new D(1) };
  if (typeof value === 'number') return Number.isFinite(value) ? { text: String(value), quantity: new D(String(value)) } : null;
  if (typeof value !== 'string') return null;
  const m = /^\s*(-?\d+(?:[.,]\d+)?)/.exec(value);
  if (!m) return null;
  return { text: value, quantity: new D(m[1].replace(',', '.')) };
}

/** A detail period is stored resolved, as `YYYYMMDD..YYYYMMDD` (SPEC response pattern), or null if invalid. */
function resolvePeriod(value: string, today: string): string | null {
  try {
    const [from, to] = parsePeriod(value, today);
    return `${from.replace(/-/g, '')}..${to.replace(/-/g, '')}`;
  } catch {
    return null;
  }
}

/** Applies `details_attributes` to an invoice (in place); errors are collected as `details.<field>`. */
export function applyDetails(adm: AdministrationState, inv: InvoiceRecord, raw: unknown, strict: Strictness, v: Validation): void {
  const list = attributesList(raw, 'details_attributes');
  const at = adm.nowIso();
  for (const item of list) {
    checkPermitted(item, DETAIL_PERMITTED, strict, 'details.');
    let detail: DetailRecord | undefined;
    if (item.id !== undefined && item.id !== null && item.id !== '') {
      const id = parseId(item.id);
      detail = id ? inv.details.find((d) => d.id === id) : undefined;
      if (!detail) throw notFound('id');
      if (parseBool(item._destroy) === true) {
        inv.details = inv.details.filter((d) => d !== detail);
        continue;
      }
    } else if (parseBool(item._destroy) === true) {
      continue; // destroying a detail that was never saved: nothing to do
    }
    const creating = !detail;
    const d: DetailRecord = detail ?? {
      id: adm.ids.id(),
      tax_rate_id: adm.defaultSalesTaxRate().id,
      ledger_account_id: adm.defaultRevenueLedgerAccountId,
      project_id: null,
      product_id: null,
      amount: null,
      quantity: new D(1),
      description: '',
      price: new D(0),
      period: null,
      row_order: inv.details.reduce((m, x) => Math.max(m, x.row_order + 1), 0),
      created_at: at,
      updated_at: at,
    };
    if ('description' in item) {
      const t = asText(item.description);
      if (t === null && item.description !== null) v.add('details.description', 'is invalid', 'invalid');
      else d.description = t ?? '';
    }
    if ('price' in item) {
      const p = parseMoney(item.price);
      if (p === null) v.add('details.price', 'is not a number', 'not_a_number', { value: item.price ?? null });
      else d.price = p;
    }
    if ('amount' in item) {
      const q = parseQuantity(item.amount);
      if (!q) v.add('details.amount', 'is invalid', 'invalid');
      else {
        d.amount = q.text;
        d.quantity = q.quantity;
      }
    }
    if ('tax_rate_id' in item && item.tax_rate_id !== null && item.tax_rate_id !== '') {
      const id = parseId(item.tax_rate_id);
      const rate = id ? adm.taxRates.find((t) => t.id === id) : undefined;
      // A purchase rate with the same percentage is the classic integration mistake: rejected.
      if (!rate || !rate.active || rate.tax_rate_type !== 'sales_invoice') v.add('details.tax_rate_id', 'is invalid', 'invalid');
      else d.tax_rate_id = rate.id;
    }
    if ('ledger_account_id' in item && item.ledger_account_id !== null && item.ledger_account_id !== '') {
      const id = parseId(item.ledger_account_id);
      const la = id ? adm.ledgerAccounts.find((l) => l.id === id) : undefined;
      const allowed = la && la.active === true && Array.isArray(la.allowed_document_types) && la.allowed_document_types.includes('sales_invoice');
      if (!allowed) v.add('details.ledger_account_id', 'is invalid', 'invalid');
      else d.ledger_account_id = la.id as string;
    }
    // The simulator has no projects or products: any id is unknown (SPEC 422 "details.project_id").
    if ('project_id' in item && item.project_id !== null && item.project_id !== '') v.add('details.project_id', 'is not found', 'invalid');
    if ('product_id' in item && item.product_id !== null && item.product_id !== '') v.add('details.product_id', 'is not found', 'invalid');
    if (parseBool(item.automated_tax_enabled) === true) v.add('details.automated_tax_enabled', 'requires a product', 'invalid');
    if ('is_optional' in item || 'is_selected' in item) v.add('details.is_optional', 'is only allowed on estimates', 'invalid');
    if ('period' in item) {
      const p = asText(item.period);
      if (p === null || p === '') d.period = null;
      else {
        const resolved = resolvePeriod(p, adm.today());
        if (!resolved) v.add('details.period', 'is invalid', 'invalid');
        else d.period = resolved;
      }
    }
    if ('row_order' in item) {
      const r = Number(item.row_order);
      if (!Number.isInteger(r) || r < 0) v.add('details.row_order', 'is not a number', 'not_a_number');
      else d.row_order = r;
    }
    d.updated_at = at;
    if (creating) inv.details.push(d);
  }
  inv.details.sort((a, b) => a.row_order - b.row_order);
}

const MANUAL_PAYMENT_ACTIONS: Record<string, string | null> = {
  private_payment: 'financial_account_id',
  payment_without_proof: null,
  cash_payment: 'financial_account_id',
  rounding_error: null,
  bank_transfer: 'financial_mutation_id',
  balance_settlement: 'ledger_account_id',
  invoices_settlement: 'invoice_id',
};
const PAYMENT_PERMITTED = ['payment_date', 'price', 'price_base', 'financial_account_id', 'financial_mutation_id', 'transaction_identifier', 'manual_payment_action', 'ledger_account_id', 'invoice_id'];

/** `POST …/payments` (and the deprecated `register_payment`): validates and books one payment. */
export function createPayment(adm: AdministrationState, inv: InvoiceRecord, body: Json, strict: Strictness): PaymentRecord {
  const attrs = wrapper(body, 'payment', 'Payment');
  checkPermitted(attrs, PAYMENT_PERMITTED, strict);
  const v = new Validation();
  const rawDate = attrs.payment_date;
  const date = parseDate(rawDate);
  if (rawDate === undefined || rawDate === null || rawDate === '') {
    v.add('payment_date', "can't be blank", 'blank').add('payment_date', 'is not a valid date', 'is not a valid date');
  } else if (!date) v.add('payment_date', 'is not a valid date', 'is not a valid date');
  const rawPrice = attrs.price;
  const price = parseMoney(rawPrice);
  if (rawPrice === undefined || rawPrice === null || rawPrice === '') {
    v.add('price', "can't be blank", 'blank').add('price', 'is not a number', 'not_a_number', { value: null });
  } else if (!price) v.add('price', 'is not a number', 'not_a_number', { value: rawPrice });
  let priceBase: Dec | null = null;
  if (attrs.price_base !== undefined && attrs.price_base !== null && attrs.price_base !== '') {
    priceBase = parseMoney(attrs.price_base);
    if (!priceBase) v.add('price_base', 'is not a number', 'not_a_number', { value: attrs.price_base });
  }
  const idField = (field: string, exists: (id: string) => boolean): string | null => {
    const raw = attrs[field];
    if (raw === undefined || raw === null || raw === '') return null;
    const id = parseId(raw);
    if (!id || !exists(id)) {
      v.add(field, 'is invalid', 'invalid');
      return null;
    }
    return id;
  };
  const financialAccountId = idField('financial_account_id', (id) => adm.financialAccounts.some((f) => f.id === id && f.active === true));
  // The simulator keeps no bank mutations: a financial_mutation_id can never be matched.
  const financialMutationId = idField('financial_mutation_id', () => false);
  const ledgerAccountId = idField('ledger_account_id', (id) => adm.ledgerAccounts.some((l) => l.id === id));
  const invoiceId = idField('invoice_id', (id) => adm.salesInvoices.has(id) || adm.externalSalesInvoices.has(id));
  const action = asText(attrs.manual_payment_action);
  if (action !== null && action !== '') {
    if (!(action in MANUAL_PAYMENT_ACTIONS)) v.add('manual_payment_action', 'is not included in the list', 'inclusion');
    else {
      const needs = MANUAL_PAYMENT_ACTIONS[action];
      const have: Record<string, string | null> = { financial_account_id: financialAccountId, financial_mutation_id: financialMutationId, ledger_account_id: ledgerAccountId, invoice_id: invoiceId };
      if (needs && !have[needs]) v.blank(needs);
    }
  }
  v.throwIfAny();
  if (inv.kind === 'sales' && (inv.state === 'draft' || inv.state === 'scheduled') && adm.behaviour.rejectPaymentOnDraft) {
    // [U] Integrators report an invoice must be sent before it can be paid; exact status/body unverified.
    throw new Validation().add('state', 'Payment can only be registered for a sent invoice', 'invoice_not_sent').toError();
  }
  if (inv.state === 'uncollectible') throw badRequest('Invoice is uncollectible', { invoice: 'uncollectible' });
  if (inv.state === 'new') throw new Validation().add('state', 'Payment can only be registered for a complete invoice', 'invoice_incomplete').toError();
  const at = adm.nowIso();
  const p: PaymentRecord = {
    id: adm.ids.id(),
    administration_id: adm.id,
    invoice_type: inv.kind === 'sales' ? 'SalesInvoice' : 'ExternalSalesInvoice',
    invoice_id: inv.id,
    financial_account_id: financialAccountId,
    user_id: adm.userId,
    payment_transaction_id: null,
    transaction_identifier: asText(attrs.transaction_identifier),
    price: price!,
    price_base: priceBase ?? adm.base(inv, price!),
    payment_date: date!,
    credit_invoice_id: null,
    financial_mutation_id: financialMutationId,
    ledger_account_id: ledgerAccountId ?? (financialAccountId ? null : adm.paymentsLedgerAccountId),
    linked_payment_id: null,
    manual_payment_action: action || null,
    created_at: at,
    updated_at: at,
  };
  inv.payments.push(p);
  adm.onEvent?.({ action: 'payment_registered', entityType: 'Payment', entityId: p.id, serialize: () => adm.serializePayment(p) });
  adm.settleState(inv);
  adm.touch(inv);
  return p;
}

export function deletePayment(adm: AdministrationState, inv: InvoiceRecord, rawId: string): void {
  const id = parseId(rawId);
  const p = id ? inv.payments.find((x) => x.id === id) : undefined;
  if (!p) throw notFound('id');
  inv.payments = inv.payments.filter((x) => x !== p);
  adm.onEvent?.({ action: 'payment_destroyed', entityType: 'Payment', entityId: p.id, serialize: () => adm.serializePayment(p) });
  adm.settleState(inv);
  adm.touch(inv);
}

export function addAttachment(adm: AdministrationState, inv: InvoiceRecord, ctx: RouteContext): AttachmentRecord {
  const file = ctx.files.find((f) => f.field === 'file');
  if (!file) throw badRequest('File is required', { file: 'required' });
  const a: AttachmentRecord = { id: adm.ids.id(), filename: file.filename, content_type: file.contentType, data: file.data, created_at: adm.nowIso() };
  inv.attachments.push(a);
  adm.touch(inv);
  return a;
}

export function findAttachment(inv: InvoiceRecord, rawId: string): AttachmentRecord {
  const id = parseId(rawId);
  const a = id ? inv.attachments.find((x) => x.id === id) : undefined;
  if (!a) throw notFound('id');
  return a;
}

/** `filter=` for invoice lists. `defaults` are used only when no filter is given at all. */
/**
 * Keys a list does not document are ignored, as Moneybird ignores unknown filter keys: external
 * sales invoices know only state, period and contact_id (`referenceFilter: false` also drops the
 * time and workflow filters), so a client filtering them by reference gets every invoice back.
 */
export function invoiceFilter(ctx: RouteContext, opts: { states: string[]; defaultPeriod: string | null; contactNotFound: 'empty' | '404'; referenceFilter: boolean }) {
  const given = parseFilter(ctx.query.get('filter'));
  const filter = given ?? new Map<string, string[]>(opts.defaultPeriod ? [['period', [opts.defaultPeriod]]] : []);
  const today = ctx.adm.today();
  const states = filter.get('state');
  if (states && !states.every((s) => s === 'all' || opts.states.includes(s))) throw badRequest('Status is not included in the list', { filter: 'invalid' });
  const periodRaw = filter.get('period')?.[0];
  const period = periodRaw ? parsePeriod(periodRaw, today) : null;
  const contactIds = filter.get('contact_id');
  if (contactIds && opts.contactNotFound === '404' && !contactIds.some((c) => ctx.adm.contacts.has(c))) throw notFound('contact_id');
  const time = (key: string) => {
    const raw = opts.referenceFilter ? filter.get(key)?.[0] : undefined;
    if (raw === undefined) return null;
    const t = Date.parse(raw);
    if (Number.isNaN(t)) throw badRequest(`${key} is not a valid time`, { filter: 'invalid' });
    return t;
  };
  const createdAfter = time('created_after');
  const updatedAfter = time('updated_after');
  const references = opts.referenceFilter ? filter.get('reference') : undefined;
  const workflowIds = opts.referenceFilter ? filter.get('workflow_id') : undefined;
  return (inv: InvoiceRecord): boolean => {
    if (states && !states.includes('all') && !states.includes(inv.state)) return false;
    if (period) {
      const date = inv.kind === 'sales' ? (inv.invoice_date ?? today) : inv.date;
      if (date < period[0] || date > period[1]) return false;
    }
    if (contactIds && !contactIds.includes(inv.contact_id ?? '')) return false;
    if (references && !references.includes(inv.reference ?? '')) return false;
    if (workflowIds && (inv.kind !== 'sales' || !workflowIds.includes(inv.workflow_id))) return false;
    if (createdAfter !== null && !(Date.parse(inv.created_at) > createdAfter)) return false;
    if (updatedAfter !== null && !(Date.parse(inv.updated_at) > updatedAfter)) return false;
    return true;
  };
}

export function validCurrency(v: Validation, raw: unknown): string | null {
  const c = asText(raw);
  if (!c || !/^[A-Z]{3}$/.test(c)) {
    v.add('currency', 'is not included in the list', 'inclusion');
    return null;
  }
  return c;
}

export function negatedAmountText(text: string | null, quantity: Dec): string {
  if (text && /^\s*-?\d/.test(text)) return text.trim().startsWith('-') ? text.trim().slice(1) : `-${text.trim()}`;
  return `${formatDecimal(quantity.negated()).replace(/\.0$/, '')} x`;
}

export { isObject };
