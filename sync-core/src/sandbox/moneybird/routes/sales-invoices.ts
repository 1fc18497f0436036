/**
 * Sales invoices (must-haves 9–13, 15–17, 20): draft on create with defaults from the workflow,
 * document style, default tax rate and revenue account; `send_invoice` (Email / Manual / Peppol /
 * scheduled) assigning `YYYY-NNNN`; the state machine on the injectable clock; payments; credit
 * invoices; lookups, filters, paging and synchronization. No idempotency: identical POSTs duplicate.
 */
import { D } from '../../../model/money';
import { badRequest, notFound, symbolic, Validation } from '../errors';
import { parseBool, parseDate, parseId, parseMoney } from '../format';
import type { AdministrationState, PaymentRecord, SalesInvoiceRecord } from '../model';
import { asText, attributesList, checkPermitted, customFieldNotFound, isObject, wrapper, type Strictness } from '../params';
import { noContent, ok, paginate, SCOPES, type Route, type RouteContext } from '../routing';
import type { Json } from '../seed';
import { MAX_STRING, syncIds } from './contacts';
import { addAttachment, applyDetails, createPayment, deletePayment, findAttachment, invoiceFilter, negatedAmountText, validCurrency } from './invoice-common';

const CREATE_PERMITTED = [
  'contact_id',
  'contact_person_id',
  'original_estimate_id',
  'document_style_id',
  'workflow_id',
  'reference',
  'invoice_sequence_id',
  'invoice_date',
  'first_due_interval',
  'currency',
  'prices_are_incl_tax',
  'payment_conditions',
  'discount',
  'time_entry_ids',
  'details_attributes',
  'custom_fields_attributes',
];
const UPDATE_PERMITTED = [...CREATE_PERMITTED, 'update_contact', 'remove_invoice_sequence_id'];
const SENDING_PERMITTED = ['delivery_method', 'sending_scheduled', 'deliver_ubl', 'mergeable', 'email_address', 'email_message', 'invoice_date'];
const STATES = ['draft', 'open', 'scheduled', 'pending_payment', 'late', 'reminded', 'paid', 'uncollectible'];
const DEFAULT_PAYMENT_CONDITIONS =
  'We verzoeken u vriendelijk het bovenstaande bedrag van {document.total_price} voor {document.due_date} te voldoen op onze bankrekening onder vermelding van de omschrijving {document.payment_reference}. Voor vragen kunt u contact opnemen per e-mail.';

export function findSalesInvoice(ctx: RouteContext, raw: string): SalesInvoiceRecord {
  const id = parseId(raw);
  const inv = id ? ctx.adm.salesInvoices.get(id) : undefined;
  if (!inv) throw notFound('id');
  return inv;
}

function checkPlanLimit(adm: AdministrationState): void {
  if (adm.salesInvoicesPerMonthLimit === null) return;
  const month = adm.today().slice(0, 7);
  const n = adm.salesInvoicesCreatedByMonth.get(month) ?? 0;
  if (n >= adm.salesInvoicesPerMonthLimit) throw symbolic(402, 'creating sales invoices is limited', { administration: 'limit_reached' });
  adm.salesInvoicesCreatedByMonth.set(month, n + 1);
}

function applyCustomFields(adm: AdministrationState, inv: SalesInvoiceRecord, raw: unknown, strict: Strictness): void {
  for (const item of attributesList(raw, 'custom_fields_attributes')) {
    checkPermitted(item, ['id', 'value'], strict, 'custom_fields_attributes.');
    const id = parseId(item.id);
    const field = id ? adm.customFields.find((f) => f.id === id) : undefined;
    if (!field) throw customFieldNotFound(item.id);
    const existing = inv.custom_fields.find((f) => f.id === field.id);
    const value = asText(item.value) ?? '';
    if (existing) existing.value = value;
    else inv.custom_fields.push({ id: field.id as string, name: field.name as string, value });
  }
}

/** Header attributes shared by create and update. */
function applyHeader(ctx: RouteContext, inv: SalesInvoiceRecord, attrs: Json, v: Validation, creating: boolean): void {
  const { adm } = ctx;
  if ('contact_id' in attrs) {
    const id = parseId(attrs.contact_id);
    if (attrs.contact_id === null || attrs.contact_id === '') inv.contact_id = null;
    // [U] The SPEC documents no 400 for sales invoice create (unlike external invoices' "Contact ID is
    // invalid"), so an unknown contact is a validation error here.
    else if (!id || !adm.contacts.has(id)) v.add('contact_id', 'is invalid', 'invalid');
    else inv.contact_id = id;
  }
  if ('contact_person_id' in attrs && attrs.contact_person_id !== null && attrs.contact_person_id !== '') {
    const id = parseId(attrs.contact_person_id);
    const people = inv.contact_id ? ((adm.contacts.get(inv.contact_id)?.contact_people as Json[]) ?? []) : [];
    if (!inv.contact_id) v.add('contact_id', "can't be blank", 'blank');
    else if (!id || !people.some((p) => p.id === id)) v.add('contact_person_id', 'is invalid', 'invalid');
    else inv.contact_person_id = id;
  }
  if ('workflow_id' in attrs && attrs.workflow_id !== null && attrs.workflow_id !== '') {
    const id = parseId(attrs.workflow_id);
    const wf = id ? adm.workflows.find((w) => w.id === id && w.type === 'InvoiceWorkflow' && w.active === true) : undefined;
    if (!wf) v.add('workflow_id', 'is invalid', 'invalid');
    else inv.workflow_id = wf.id as string;
  }
  if ('document_style_id' in attrs && attrs.document_style_id !== null && attrs.document_style_id !== '') {
    const id = parseId(attrs.document_style_id);
    const ds = id ? adm.documentStyles.find((d) => d.id === id) : undefined;
    if (!ds) v.add('document_style_id', 'is invalid', 'invalid');
    else {
      inv.document_style_id = ds.id as string;
      inv.identity_id = ds.identity_id as string;
    }
  }
  const wf = adm.workflows.find((w) => w.id === inv.workflow_id)!;
  if (creating) {
    // Defaults come from the (possibly just chosen) workflow.
    inv.currency = wf.currency as string;
    inv.prices_are_incl_tax = wf.prices_are_incl_tax as boolean;
    inv.language = wf.language as string;
    inv.first_due_interval = ((wf.steps as Json[])[0]?.due_interval as number) ?? 14;
  }
  if ('reference' in attrs) {
    const ref = asText(attrs.reference);
    if (ref !== null && ref.length > MAX_STRING) v.add('reference', `is too long (maximum is ${MAX_STRING} characters)`, 'too_long', { count: MAX_STRING });
    else inv.reference = ref;
  }
  if ('invoice_date' in attrs) {
    if (attrs.invoice_date === null || attrs.invoice_date === '') inv.invoice_date = null;
    else {
      const d = parseDate(attrs.invoice_date);
      if (!d) v.add('invoice_date', 'is not a valid date', 'is not a valid date');
      else inv.invoice_date = d;
    }
  }
  if ('first_due_interval' in attrs) {
    const n = Number(attrs.first_due_interval);
    if (!Number.isInteger(n) || n < 0) v.add('first_due_interval', 'is not a number', 'not_a_number');
    else inv.first_due_interval = n;
  }
  if ('currency' in attrs) {
    const c = validCurrency(v, attrs.currency);
    if (c) inv.currency = c;
  }
  if ('prices_are_incl_tax' in attrs) {
    const b = parseBool(attrs.prices_are_incl_tax);
    if (b === null) v.add('prices_are_incl_tax', 'is not included in the list', 'inclusion');
    else inv.prices_are_incl_tax = b;
  }
  if ('payment_conditions' in attrs) inv.payment_conditions = asText(attrs.payment_conditions);
  if ('discount' in attrs) {
    const d = attrs.discount === null || attrs.discount === '' ? new D(0) : parseMoney(attrs.discount);
    if (!d || d.isNegative() || d.greaterThan(100)) v.add('discount', 'is not a number', 'not_a_number');
    else inv.discount = d;
  }
  for (const unsupported of ['original_estimate_id', 'invoice_sequence_id'] as const) {
    if (unsupported in attrs && attrs[unsupported] !== null && attrs[unsupported] !== '') v.add(unsupported, 'is invalid', 'invalid');
  }
  if ('time_entry_ids' in attrs && Array.isArray(attrs.time_entry_ids) && attrs.time_entry_ids.length > 0) v.add('time_entry_ids', 'is invalid', 'invalid');
}

function createSalesInvoice(ctx: RouteContext, strict: Strictness) {
  const { adm } = ctx;
  checkPermitted(ctx.body, ['sales_invoice', 'from_payment_request'], strict);
  const attrs = wrapper(ctx.body, 'sales_invoice', 'Sales invoice');
  checkPermitted(attrs, CREATE_PERMITTED, strict);
  const at = adm.nowIso();
  const wfDefault = adm.defaultWorkflow();
  const ds = adm.defaultDocumentStyle();
  const inv: SalesInvoiceRecord = {
    kind: 'sales',
    id: adm.ids.id(),
    contact_id: null,
    contact_person_id: null,
    invoice_id: null,
    workflow_id: wfDefault.id as string,
    document_style_id: ds.id as string,
    identity_id: ds.identity_id as string,
    draft_id: null,
    state: 'draft',
    invoice_date: null,
    first_due_interval: 14,
    payment_conditions: DEFAULT_PAYMENT_CONDITIONS,
    payment_reference: null,
    short_payment_reference: null,
    reference: null,
    language: 'nl',
    currency: adm.administration.currency,
    discount: new D(0),
    original_sales_invoice_id: null,
    paused: false,
    paid_at: null,
    sent_at: null,
    created_at: at,
    updated_at: at,
    version: adm.nextVersion(null),
    details: [],
    payments: [],
    prices_are_incl_tax: false,
    marked_dubious_on: null,
    marked_uncollectible_on: null,
    reminder_count: 0,
    original_estimate_id: null,
    custom_fields: [],
    events: [],
    attachments: [],
    notes: [],
    scheduledSending: null,
    lastDeliveryMethod: null,
  };
  const v = new Validation();
  // The contact's own invoice workflow is the default when no workflow_id is given (SPEC).
  const contactId = parseId(attrs.contact_id);
  const contactWf = contactId ? (adm.contacts.get(contactId)?.invoice_workflow_id as string | null | undefined) : null;
  if (contactWf && !('workflow_id' in attrs)) inv.workflow_id = contactWf;
  applyHeader(ctx, inv, attrs, v, true);
  applyDetails(adm, inv, attrs.details_attributes, strict, v);
  v.throwIfAny();
  if ('custom_fields_attributes' in attrs) applyCustomFields(adm, inv, attrs.custom_fields_attributes, strict);
  checkPlanLimit(adm);
  adm.draftSeq += 1;
  inv.draft_id = adm.draftSeq;
  adm.event(inv, 'sales_invoice_created');
  adm.salesInvoices.set(inv.id, inv);
  return ok(adm.serializeSalesInvoice(inv), 201);
}

function updateSalesInvoice(ctx: RouteContext, strict: Strictness) {
  const { adm } = ctx;
  const inv = findSalesInvoice(ctx, ctx.params.id);
  const attrs = wrapper(ctx.body, 'sales_invoice', 'Sales invoice');
  checkPermitted(attrs, UPDATE_PERMITTED, strict);
  // Work on a copy so a 422 leaves the invoice untouched.
  const copy: SalesInvoiceRecord = { ...inv, details: inv.details.map((d) => ({ ...d })), custom_fields: inv.custom_fields.map((f) => ({ ...f })) };
  const v = new Validation();
  applyHeader(ctx, copy, attrs, v, false);
  applyDetails(adm, copy, attrs.details_attributes, strict, v);
  v.throwIfAny();
  if ('custom_fields_attributes' in attrs) applyCustomFields(adm, copy, attrs.custom_fields_attributes, strict);
  Object.assign(inv, copy);
  adm.event(inv, 'sales_invoice_updated');
  adm.settleState(inv);
  adm.touch(inv);
  return ok(adm.serializeSalesInvoice(inv));
}

/** ISO 11649 structured creditor reference ("RF" + check digits + reference). */
export function creditorReference(ref: string): string {
  const numeric = `${ref}RF00`.replace(/[A-Z]/g, (ch) => String(ch.charCodeAt(0) - 55));
  const check = 98n - (BigInt(numeric) % 97n);
  return `RF${String(check).padStart(2, '0')}${ref}`;
}

function assignNumber(adm: AdministrationState, inv: SalesInvoiceRecord): void {
  const date = inv.invoice_date ?? adm.today();
  inv.invoice_date = date;
  const year = date.slice(0, 4);
  const n = (adm.invoiceNumberByYear.get(year) ?? 0) + 1;
  adm.invoiceNumberByYear.set(year, n);
  inv.invoice_id = `${year}-${String(n).padStart(4, '0')}`;
  inv.draft_id = null;
  const digits = `${adm.id.slice(-6)}${year}${String(n).padStart(6, '0')}`;
  inv.payment_reference = creditorReference(digits);
  inv.short_payment_reference = creditorReference(`${year.slice(2)}${String(n).padStart(4, '0')}`);
}

function deliver(adm: AdministrationState, inv: SalesInvoiceRecord, method: string, email: string | null): void {
  if (!inv.invoice_id) {
    assignNumber(adm, inv);
    inv.state = 'open';
    inv.scheduledSending = null;
    adm.event(inv, 'sales_invoice_state_changed_to_open');
  }
  inv.sent_at = adm.today();
  inv.lastDeliveryMethod = method;
  if (method === 'Email') adm.event(inv, 'sales_invoice_send_email', { email_address: email ?? '' });
  else if (method === 'Peppol') adm.event(inv, 'sales_invoice_send_si');
  else adm.event(inv, 'sales_invoice_send_manually');
  adm.settleState(inv);
  adm.touch(inv);
}

/** Clock-driven sending of a scheduled invoice on its invoice date. */
export function sendScheduled(adm: AdministrationState, inv: SalesInvoiceRecord): void {
  const method = inv.scheduledSending?.delivery_method ?? 'Manual';
  const contact = inv.contact_id ? adm.contacts.get(inv.contact_id) : undefined;
  deliver(adm, inv, method, (contact?.send_invoices_to_email as string) || null);
}

function sendInvoice(ctx: RouteContext, strict: Strictness) {
  const { adm } = ctx;
  const inv = findSalesInvoice(ctx, ctx.params.id);
  checkPermitted(ctx.body, ['sales_invoice_sending'], strict);
  const raw = ctx.body.sales_invoice_sending;
  if (raw !== undefined && !isObject(raw)) throw badRequest('Sales invoice sending is invalid', { sales_invoice_sending: 'invalid' });
  const sending: Json = raw ?? {};
  checkPermitted(sending, SENDING_PERMITTED, strict);
  if (inv.details.length === 0) throw badRequest('details cannot be empty', { sales_invoice: 'details_cannot_be_empty' });
  if (inv.state === 'uncollectible') throw badRequest('Sales invoice can not be sent', { sales_invoice: 'can_not_be_sent' });
  const v = new Validation();
  const contact = inv.contact_id ? adm.contacts.get(inv.contact_id) : undefined;
  if (!contact) v.add('contact', "can't be blank", 'blank');
  // Defaults: the previous sending, else the contact's delivery method (research notes §4.7).
  const contactMethod = contact ? String(contact.delivery_method) : 'Email';
  const fallback = inv.lastDeliveryMethod ?? (contactMethod === 'Simplerinvoicing' ? 'Peppol' : contactMethod === 'Post' ? 'Manual' : contactMethod);
  const method = asText(sending.delivery_method) ?? fallback;
  if (!['Email', 'Peppol', 'Manual'].includes(method)) v.add('delivery_method', 'is not included in the list', 'inclusion');
  let email: string | null = null;
  if (method === 'Email') {
    const identity = adm.identities.find((i) => i.id === inv.identity_id);
    if (!identity?.email) v.add('delivery_method', 'The sender address must contain an email address', 'need_identity_email');
    email = asText(sending.email_address) || (contact ? String(contact.send_invoices_to_email ?? '') : '') || null;
    if (!email) v.blank('email_address');
  }
  if (method === 'Peppol' && contact && !contact.si_identifier) v.add('si_identifier', "can't be blank", 'blank');
  let invoiceDate: string | null = null;
  if (sending.invoice_date !== undefined && sending.invoice_date !== null && sending.invoice_date !== '') {
    invoiceDate = parseDate(sending.invoice_date);
    if (!invoiceDate) v.add('invoice_date', 'is not a valid date', 'is not a valid date');
  }
  const scheduled = parseBool(sending.sending_scheduled) === true;
  v.throwIfAny();
  if (invoiceDate && !inv.invoice_id) inv.invoice_date = invoiceDate;
  if (scheduled && !inv.invoice_id) {
    if (!inv.invoice_date) throw new Validation().blank('invoice_date').toError();
    if (inv.invoice_date > adm.today()) {
      inv.state = 'scheduled';
      inv.scheduledSending = { delivery_method: method };
      adm.event(inv, 'sales_invoice_state_changed_to_scheduled');
      adm.touch(inv);
      return ok(adm.serializeSalesInvoice(inv));
    }
  }
  deliver(adm, inv, method, email);
  adm.refresh(inv, (i) => sendScheduled(adm, i));
  return ok(adm.serializeSalesInvoice(inv));
}

function duplicateCreditInvoice(ctx: RouteContext) {
  const { adm } = ctx;
  const orig = findSalesInvoice(ctx, ctx.params.id);
  // [U] A draft has no number to refer to; Moneybird's UI only offers credit invoices for sent invoices.
  if (!orig.invoice_id) throw badRequest('Sales invoice is not sent yet', { sales_invoice: 'not_sent' });
  checkPlanLimit(adm);
  const at = adm.nowIso();
  const first = orig.details[0];
  const credit: SalesInvoiceRecord = {
    ...orig,
    id: adm.ids.id(),
    invoice_id: null,
    state: 'draft',
    invoice_date: null,
    payment_reference: null,
    short_payment_reference: null,
    original_sales_invoice_id: orig.id,
    paid_at: null,
    sent_at: null,
    created_at: at,
    updated_at: at,
    version: adm.nextVersion(null),
    payments: [],
    marked_dubious_on: null,
    marked_uncollectible_on: null,
    reminder_count: 0,
    custom_fields: orig.custom_fields.map((f) => ({ ...f })),
    events: [],
    attachments: [],
    notes: [],
    scheduledSending: null,
    lastDeliveryMethod: null,
    details: [],
  };
  const header = {
    id: adm.ids.id(),
    tax_rate_id: first?.tax_rate_id ?? adm.defaultSalesTaxRate().id,
    ledger_account_id: first?.ledger_account_id ?? adm.defaultRevenueLedgerAccountId,
    project_id: null,
    product_id: null,
    amount: null,
    quantity: new D(1),
    description: `**Creditfactuur voor factuur ${orig.invoice_id}**`,
    price: new D(0),
    period: null,
    row_order: 1,
    created_at: at,
    updated_at: at,
  };
  credit.details = [
    header,
    ...orig.details.map((d, i) => ({
      ...d,
      id: adm.ids.id(),
      amount: negatedAmountText(d.amount, d.quantity),
      quantity: d.quantity.negated(),
      row_order: i + 2,
      created_at: at,
      updated_at: at,
    })),
  ];
  adm.draftSeq += 1;
  credit.draft_id = adm.draftSeq;
  adm.event(credit, 'credit_invoice_created_from_original', { original_invoice: orig.invoice_id });
  adm.salesInvoices.set(credit.id, credit);
  return ok(adm.serializeSalesInvoice(credit));
}

const ACCEPTS_PAYMENT = ['open', 'late', 'reminded', 'pending_payment'];

function registerPaymentCreditInvoice(ctx: RouteContext) {
  const { adm } = ctx;
  const credit = findSalesInvoice(ctx, ctx.params.id);
  if (!credit.original_sales_invoice_id) throw badRequest('Sales invoice is not a credit invoice', { sales_invoice: 'not_a_credit_invoice' });
  const orig = adm.salesInvoices.get(credit.original_sales_invoice_id);
  if (!orig) throw badRequest('Original sales invoice not found', { original_sales_invoice_id: 'not_found' });
  if (!ACCEPTS_PAYMENT.includes(credit.state) || !ACCEPTS_PAYMENT.includes(orig.state)) {
    throw badRequest('Both invoices must be in a state that accepts a payment', { sales_invoice: 'payment_not_allowed' });
  }
  const amount = adm.totals(credit).unpaid; // negative
  const date = adm.today();
  const at = adm.nowIso();
  const mk = (inv: SalesInvoiceRecord, price: typeof amount, creditInvoiceId: string | null): PaymentRecord => ({
    id: adm.ids.id(),
    administration_id: adm.id,
    invoice_type: 'SalesInvoice',
    invoice_id: inv.id,
    financial_account_id: null,
    user_id: adm.userId,
    payment_transaction_id: null,
    transaction_identifier: null,
    price,
    price_base: adm.base(inv, price),
    payment_date: date,
    credit_invoice_id: creditInvoiceId,
    financial_mutation_id: null,
    ledger_account_id: adm.settlementsLedgerAccountId,
    linked_payment_id: null,
    manual_payment_action: null,
    created_at: at,
    updated_at: at,
  });
  const pCredit = mk(credit, amount, null);
  const pOrig = mk(orig, amount.negated(), credit.id);
  pCredit.linked_payment_id = pOrig.id;
  pOrig.linked_payment_id = pCredit.id;
  credit.payments.push(pCredit);
  orig.payments.push(pOrig);
  for (const inv of [credit, orig]) {
    adm.settleState(inv);
    adm.touch(inv);
  }
  return ok(adm.serializeSalesInvoice(credit));
}

function markUncollectible(ctx: RouteContext) {
  const { adm } = ctx;
  const inv = findSalesInvoice(ctx, ctx.params.id);
  const isCredit = inv.original_sales_invoice_id !== null || adm.totals(inv).totalIncl.isNegative();
  if (!['open', 'late', 'reminded'].includes(inv.state) || isCredit || (inv.invoice_date ?? '') > adm.today()) {
    throw badRequest('Sales invoice should be open, late or due, not a credit invoice and cannot have a invoice date in the future', { invoice: 'not_open' });
  }
  inv.state = 'uncollectible';
  inv.marked_uncollectible_on = adm.today();
  adm.event(inv, 'sales_invoice_state_changed_to_uncollectible');
  adm.touch(inv);
  return ok(adm.serializeSalesInvoice(inv));
}

/** `POST /sales_invoices/send_reminders`: due invoices of one contact become `reminded`. */
function sendReminders(ctx: RouteContext, strict: Strictness) {
  const { adm } = ctx;
  checkPermitted(ctx.body, ['sales_invoice_reminders'], strict);
  const groups = ctx.body.sales_invoice_reminders;
  if (!Array.isArray(groups) || groups.length === 0) throw badRequest('Sales invoice reminders is required', { sales_invoice_reminders: 'required' });
  const v = new Validation();
  const plan: Array<{ invoices: SalesInvoiceRecord[]; method: string }> = [];
  for (const g of groups) {
    if (!isObject(g)) throw badRequest('Sales invoice reminders is invalid', { sales_invoice_reminders: 'invalid' });
    checkPermitted(g, ['contact_id', 'workflow_id', 'document_style_id', 'identity_id', 'sales_invoice_ids', 'reminder_text', 'delivery_method', 'email_address'], strict);
    for (const req of ['contact_id', 'workflow_id', 'document_style_id', 'identity_id', 'sales_invoice_ids']) {
      if (g[req] === undefined || g[req] === null || g[req] === '') throw badRequest(`${req} is required`, { [req]: 'required' });
    }
    const contactId = parseId(g.contact_id);
    const contact = contactId ? adm.contacts.get(contactId) : undefined;
    if (!contact) throw notFound('contact_id');
    if (!Array.isArray(g.sales_invoice_ids)) throw badRequest('sales_invoice_ids is invalid', { sales_invoice_ids: 'invalid' });
    const invoices: SalesInvoiceRecord[] = [];
    for (const raw of g.sales_invoice_ids) {
      const id = parseId(raw);
      const inv = id ? adm.salesInvoices.get(id) : undefined;
      if (!inv || inv.contact_id !== contactId) throw notFound('sales_invoice_ids');
      // Only invoices past their due date can be reminded.
      if (!['late', 'reminded'].includes(inv.state)) v.add('sales_invoice_ids', 'contains an invoice that is not due', 'not_due');
      invoices.push(inv);
    }
    const method = asText(g.delivery_method) ?? (contact.delivery_method === 'Email' ? 'Email' : 'Manual');
    if (!['Email', 'Manual'].includes(method)) v.add('delivery_method', 'is not included in the list', 'inclusion');
    if (method === 'Email' && !(asText(g.email_address) || contact.send_invoices_to_email)) v.blank('email_address');
    plan.push({ invoices, method });
  }
  v.throwIfAny();
  for (const { invoices, method } of plan) {
    for (const inv of invoices) {
      inv.state = 'reminded';
      inv.reminder_count += 1;
      adm.event(inv, 'sales_invoice_state_changed_to_reminded');
      adm.event(inv, method === 'Email' ? 'sales_invoice_reminder_sent_email' : 'sales_invoice_reminder_sent_manually');
      adm.touch(inv);
    }
  }
  return ok(200);
}

function list(ctx: RouteContext, defaultPeriod: string | null) {
  ctx.refreshAll();
  const match = invoiceFilter(ctx, { states: STATES, defaultPeriod, contactNotFound: 'empty', referenceFilter: true });
  return [...ctx.adm.salesInvoices.values()].filter(match);
}

export function salesInvoiceRoutes(strict: Strictness, storageUrl: (adm: AdministrationState, attachmentId: string) => string): Route[] {
  const S = SCOPES.salesInvoices;
  const get = (ctx: RouteContext) => {
    ctx.refreshAll();
    return findSalesInvoice(ctx, ctx.params.id);
  };
  return [
    {
      method: 'GET',
      path: 'sales_invoices',
      scopes: S,
      handler: (ctx) => {
        const page = paginate(ctx, list(ctx, 'this_year'));
        return ok(
          page.items.map((i) => ctx.adm.serializeSalesInvoice(i)),
          200,
          page.headers,
        );
      },
    },
    { method: 'POST', path: 'sales_invoices', scopes: S, handler: (ctx) => createSalesInvoice(ctx, strict) },
    { method: 'GET', path: 'sales_invoices/synchronization', scopes: S, handler: (ctx) => ok(list(ctx, null).map((i) => ({ id: i.id, version: i.version }))) },
    {
      method: 'POST',
      path: 'sales_invoices/synchronization',
      scopes: S,
      handler: (ctx) => {
        ctx.refreshAll();
        const ids = syncIds(ctx.body);
        const found = ids.map((id) => ctx.adm.salesInvoices.get(id)).filter((x): x is SalesInvoiceRecord => x !== undefined);
        return ok(found.slice(0, 100).map((i) => ctx.adm.serializeSalesInvoice(i)));
      },
    },
    {
      method: 'GET',
      path: 'sales_invoices/find_by_reference/:reference',
      scopes: S,
      handler: (ctx) => {
        ctx.refreshAll();
        // [U] References are not unique; the simulator answers the oldest match.
        const inv = [...ctx.adm.salesInvoices.values()].find((i) => i.reference === ctx.params.reference);
        if (!inv) throw symbolic(404, `Sales invoice with reference: ${ctx.params.reference} was not found`, { reference: 'not_found' });
        return ok(ctx.adm.serializeSalesInvoice(inv));
      },
    },
    {
      method: 'GET',
      path: 'sales_invoices/find_by_invoice_id/:invoice_id',
      scopes: S,
      handler: (ctx) => {
        ctx.refreshAll();
        const inv = [...ctx.adm.salesInvoices.values()].find((i) => i.invoice_id !== null && i.invoice_id === ctx.params.invoice_id);
        if (!inv) throw symbolic(404, `Sales invoice with invoice_id: ${ctx.params.invoice_id} was not found`, { invoice_id: 'not_found' });
        return ok(ctx.adm.serializeSalesInvoice(inv));
      },
    },
    { method: 'GET', path: 'sales_invoices/:id', scopes: S, handler: (ctx) => ok(ctx.adm.serializeSalesInvoice(get(ctx))) },
    { method: 'PATCH', path: 'sales_invoices/:id', scopes: S, handler: (ctx) => updateSalesInvoice(ctx, strict) },
    {
      method: 'DELETE',
      path: 'sales_invoices/:id',
      scopes: S,
      handler: (ctx) => {
        const inv = get(ctx);
        if (inv.state === 'pending_payment') throw badRequest('Sales invoice has pending payments', { sales_invoice: 'pending_payments' });
        ctx.adm.salesInvoices.delete(inv.id);
        return noContent();
      },
    },
    {
      method: 'PATCH',
      path: 'sales_invoices/:id/send_invoice',
      scopes: S,
      handler: (ctx) => {
        ctx.refreshAll();
        return sendInvoice(ctx, strict);
      },
    },
    {
      method: 'POST',
      path: 'sales_invoices/:id/payments',
      scopes: S,
      handler: (ctx) => ok(ctx.adm.serializePayment(createPayment(ctx.adm, get(ctx), ctx.body, strict)), 201),
    },
    {
      method: 'PATCH',
      path: 'sales_invoices/:id/register_payment',
      scopes: S,
      // Deprecated in the SPEC but still served: same body, 200 with the payment.
      handler: (ctx) => ok(ctx.adm.serializePayment(createPayment(ctx.adm, get(ctx), ctx.body, strict))),
    },
    {
      method: 'DELETE',
      path: 'sales_invoices/:id/payments/:payment_id',
      scopes: S,
      handler: (ctx) => {
        deletePayment(ctx.adm, get(ctx), ctx.params.payment_id);
        return noContent();
      },
    },
    {
      method: 'PATCH',
      path: 'sales_invoices/:id/duplicate_creditinvoice',
      scopes: S,
      handler: (ctx) => {
        ctx.refreshAll();
        return duplicateCreditInvoice(ctx);
      },
    },
    {
      method: 'PATCH',
      path: 'sales_invoices/:id/register_payment_creditinvoice',
      scopes: S,
      handler: (ctx) => {
        ctx.refreshAll();
        return registerPaymentCreditInvoice(ctx);
      },
    },
    {
      method: 'PATCH',
      path: 'sales_invoices/:id/mark_as_uncollectible',
      scopes: S,
      handler: (ctx) => {
        ctx.refreshAll();
        return markUncollectible(ctx);
      },
    },
    {
      method: 'POST',
      path: 'sales_invoices/send_reminders',
      scopes: S,
      handler: (ctx) => {
        ctx.refreshAll();
        return sendReminders(ctx, strict);
      },
    },
    {
      method: 'POST',
      path: 'sales_invoices/:id/pause',
      scopes: S,
      handler: (ctx) => {
        checkPermitted(ctx.body, [], strict);
        const inv = get(ctx);
        inv.paused = true;
        ctx.adm.event(inv, 'sales_invoice_paused');
        ctx.adm.touch(inv);
        return ok(ctx.adm.serializeSalesInvoice(inv), 201);
      },
    },
    {
      method: 'POST',
      path: 'sales_invoices/:id/resume',
      scopes: S,
      handler: (ctx) => {
        checkPermitted(ctx.body, [], strict);
        const inv = get(ctx);
        inv.paused = false;
        ctx.adm.event(inv, 'sales_invoice_resumed');
        ctx.adm.touch(inv);
        return ok(ctx.adm.serializeSalesInvoice(inv), 201);
      },
    },
    {
      method: 'PATCH',
      path: 'sales_invoices/:id/mark_as_dubious',
      scopes: S,
      handler: (ctx) => {
        checkPermitted(ctx.body, ['dubious_date'], strict);
        const inv = get(ctx);
        if (!['open', 'late', 'reminded'].includes(inv.state)) throw badRequest('Sales invoice should be open or late', { invoice: 'not_open' });
        const date = ctx.body.dubious_date === undefined ? ctx.adm.today() : parseDate(ctx.body.dubious_date);
        if (!date) throw new Validation().add('dubious_date', 'is not a valid date', 'is not a valid date').toError();
        inv.marked_dubious_on = date;
        ctx.adm.event(inv, 'sales_invoice_marked_as_dubious');
        ctx.adm.touch(inv);
        return ok(ctx.adm.serializeSalesInvoice(inv));
      },
    },
    {
      method: 'POST',
      path: 'sales_invoices/:id/attachments',
      scopes: S,
      multipart: true,
      handler: (ctx) => {
        addAttachment(ctx.adm, get(ctx), ctx);
        return ok(200);
      },
    },
    {
      method: 'GET',
      path: 'sales_invoices/:id/attachments/:attachment_id/download',
      scopes: S,
      handler: (ctx) => {
        const a = findAttachment(get(ctx), ctx.params.attachment_id);
        return { status: 302, location: storageUrl(ctx.adm, a.id), body: 'Found' };
      },
    },
    {
      method: 'DELETE',
      path: 'sales_invoices/:id/attachments/:attachment_id',
      scopes: S,
      handler: (ctx) => {
        const inv = get(ctx);
        const a = findAttachment(inv, ctx.params.attachment_id);
        inv.attachments = inv.attachments.filter((x) => x !== a);
        ctx.adm.touch(inv);
        return noContent();
      },
    },
  ];
}

