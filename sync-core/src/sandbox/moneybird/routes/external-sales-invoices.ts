/**
 * External sales invoices (must-have 14): invoices the shop made itself. Created directly as `open`,
 * `reference` required, `date` defaults to today, `origin: "api"`, sequential `entry_number`;
 * payments, `mark_as_uncollectible`, multipart attachments with 302 downloads, synchronization.
 * There is no reference lookup or filter (SPEC): clients must keep their own mapping.
 */
import { D } from '../../../model/money';
import { badRequest, notFound, notFoundForModel, Validation } from '../errors';
import { parseBool, parseDate, parseId } from '../format';
import type { AdministrationState, ExternalSalesInvoiceRecord } from '../model';
import { asText, checkPermitted, wrapper, type Strictness } from '../params';
import { noContent, ok, paginate, SCOPES, type Route, type RouteContext } from '../routing';
import type { Json } from '../seed';
import { MAX_STRING, syncIds } from './contacts';
import { addAttachment, applyDetails, createPayment, deletePayment, findAttachment, invoiceFilter, validCurrency } from './invoice-common';

const PERMITTED = ['contact_id', 'reference', 'date', 'due_date', 'currency', 'prices_are_incl_tax', 'source', 'source_url', 'details_attributes'];
const STATES = ['new', 'open', 'late', 'paid', 'uncollectible', 'pending_payment'];

function find(ctx: RouteContext, raw: string, style: 'model' | 'symbolic'): ExternalSalesInvoiceRecord {
  ctx.refreshAll();
  const id = parseId(raw);
  const inv = id ? ctx.adm.externalSalesInvoices.get(id) : undefined;
  if (!inv) throw style === 'model' ? notFoundForModel('External invoice') : notFound('id');
  return inv;
}

function applyHeader(adm: AdministrationState, inv: ExternalSalesInvoiceRecord, attrs: Json, v: Validation): void {
  if ('contact_id' in attrs) {
    const id = parseId(attrs.contact_id);
    if (!id || !adm.contacts.has(id)) throw badRequest('Contact ID is invalid', { external_sales_invoice: { contact_id: 'contact_invalid' } });
    inv.contact_id = id;
  }
  if ('reference' in attrs) {
    const ref = asText(attrs.reference);
    if (ref !== null && ref.length > MAX_STRING) v.add('reference', `is too long (maximum is ${MAX_STRING} characters)`, 'too_long', { count: MAX_STRING });
    else inv.reference = ref;
  }
  if ('date' in attrs) {
    const d = parseDate(attrs.date);
    if (!d) v.add('date', 'is not a valid date', 'is not a valid date');
    else inv.date = d;
  }
  if ('due_date' in attrs) {
    if (attrs.due_date === null || attrs.due_date === '') inv.due_date = null;
    else {
      const d = parseDate(attrs.due_date);
      if (!d) v.add('due_date', 'is not a valid date', 'is not a valid date');
      else inv.due_date = d;
    }
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
  if ('source' in attrs) inv.source = asText(attrs.source);
  if ('source_url' in attrs) inv.source_url = asText(attrs.source_url);
}

function create(ctx: RouteContext, strict: Strictness) {
  const { adm } = ctx;
  checkPermitted(ctx.body, ['external_sales_invoice'], strict);
  const attrs = wrapper(ctx.body, 'external_sales_invoice', 'External sales invoice');
  checkPermitted(attrs, PERMITTED, strict);
  if (!('contact_id' in attrs)) throw badRequest('Contact ID is invalid', { external_sales_invoice: { contact_id: 'contact_invalid' } });
  const at = adm.nowIso();
  const inv: ExternalSalesInvoiceRecord = {
    kind: 'external',
    id: adm.ids.id(),
    contact_id: null,
    date: adm.today(),
    state: 'open',
    due_date: null,
    reference: null,
    entry_number: 0,
    origin: 'api',
    source: null,
    source_url: null,
    currency: adm.administration.currency,
    prices_are_incl_tax: false,
    paid_at: null,
    created_at: at,
    updated_at: at,
    version: adm.nextVersion(null),
    details: [],
    payments: [],
    marked_dubious_on: null,
    marked_uncollectible_on: null,
    notes: [],
    attachments: [],
    events: [],
  };
  const v = new Validation();
  applyHeader(adm, inv, attrs, v);
  applyDetails(adm, inv, attrs.details_attributes, strict, v);
  if (!inv.reference || inv.reference.trim() === '') v.blank('reference');
  v.throwIfAny();
  adm.entryNumberSeq += 1;
  inv.entry_number = adm.entryNumberSeq;
  adm.event(inv, 'external_sales_invoice_created');
  adm.externalSalesInvoices.set(inv.id, inv);
  adm.refresh(inv, () => undefined);
  return ok(adm.serializeExternalSalesInvoice(inv), 201);
}

function update(ctx: RouteContext, strict: Strictness) {
  const { adm } = ctx;
  const inv = find(ctx, ctx.params.id, 'symbolic');
  const attrs = wrapper(ctx.body, 'external_sales_invoice', 'External sales invoice');
  checkPermitted(attrs, PERMITTED, strict);
  const copy: ExternalSalesInvoiceRecord = { ...inv, details: inv.details.map((d) => ({ ...d })) };
  const v = new Validation();
  applyHeader(adm, copy, attrs, v);
  applyDetails(adm, copy, attrs.details_attributes, strict, v);
  if (!copy.reference || copy.reference.trim() === '') v.blank('reference');
  v.throwIfAny();
  Object.assign(inv, copy);
  adm.event(inv, 'external_sales_invoice_updated');
  adm.settleState(inv);
  adm.touch(inv);
  return ok(adm.serializeExternalSalesInvoice(inv));
}

function list(ctx: RouteContext, defaultPeriod: string | null) {
  ctx.refreshAll();
  const match = invoiceFilter(ctx, { states: STATES, defaultPeriod, contactNotFound: '404', referenceFilter: false });
  return [...ctx.adm.externalSalesInvoices.values()].filter(match);
}

export function externalSalesInvoiceRoutes(strict: Strictness, storageUrl: (adm: AdministrationState, attachmentId: string) => string): Route[] {
  const S = SCOPES.salesInvoices;
  return [
    {
      method: 'GET',
      path: 'external_sales_invoices',
      scopes: S,
      handler: (ctx) => {
        const page = paginate(ctx, list(ctx, 'this_year'));
        return ok(
          page.items.map((i) => ctx.adm.serializeExternalSalesInvoice(i)),
          200,
          page.headers,
        );
      },
    },
    { method: 'POST', path: 'external_sales_invoices', scopes: S, handler: (ctx) => create(ctx, strict) },
    {
      // A document upload: Moneybird creates a `new` (incomplete) external invoice from it.
      method: 'POST',
      path: 'external_sales_invoices/attachment',
      scopes: S,
      multipart: true,
      handler: (ctx) => {
        const { adm } = ctx;
        const at = adm.nowIso();
        const inv: ExternalSalesInvoiceRecord = {
          kind: 'external',
          id: adm.ids.id(),
          contact_id: null,
          date: adm.today(),
          state: 'new',
          due_date: null,
          reference: null,
          entry_number: 0,
          origin: 'upload',
          source: null,
          source_url: null,
          currency: adm.administration.currency,
          prices_are_incl_tax: false,
          paid_at: null,
          created_at: at,
          updated_at: at,
          version: adm.nextVersion(null),
          details: [],
          payments: [],
          marked_dubious_on: null,
          marked_uncollectible_on: null,
          notes: [],
          attachments: [],
          events: [],
        };
        addAttachment(adm, inv, ctx);
        adm.entryNumberSeq += 1;
        inv.entry_number = adm.entryNumberSeq;
        adm.event(inv, 'external_sales_invoice_created');
        adm.externalSalesInvoices.set(inv.id, inv);
        return ok(200);
      },
    },
    { method: 'GET', path: 'external_sales_invoices/synchronization', scopes: S, handler: (ctx) => ok(list(ctx, null).map((i) => ({ id: i.id, version: i.version }))) },
    {
      method: 'POST',
      path: 'external_sales_invoices/synchronization',
      scopes: S,
      handler: (ctx) => {
        ctx.refreshAll();
        const ids = syncIds(ctx.body);
        const found = ids.map((id) => ctx.adm.externalSalesInvoices.get(id)).filter((x): x is ExternalSalesInvoiceRecord => x !== undefined);
        return ok(found.slice(0, 100).map((i) => ctx.adm.serializeExternalSalesInvoice(i)));
      },
    },
    { method: 'GET', path: 'external_sales_invoices/:id', scopes: S, handler: (ctx) => ok(ctx.adm.serializeExternalSalesInvoice(find(ctx, ctx.params.id, 'model'))) },
    { method: 'PATCH', path: 'external_sales_invoices/:id', scopes: S, handler: (ctx) => update(ctx, strict) },
    {
      method: 'DELETE',
      path: 'external_sales_invoices/:id',
      scopes: S,
      handler: (ctx) => {
        const inv = find(ctx, ctx.params.id, 'symbolic');
        ctx.adm.externalSalesInvoices.delete(inv.id);
        return noContent();
      },
    },
    {
      method: 'POST',
      path: 'external_sales_invoices/:id/payments',
      scopes: S,
      handler: (ctx) => {
        const id = parseId(ctx.params.id);
        ctx.refreshAll();
        const inv = id ? ctx.adm.externalSalesInvoices.get(id) : undefined;
        if (!inv) throw notFound('invoice_id');
        return ok(ctx.adm.serializePayment(createPayment(ctx.adm, inv, ctx.body, strict)), 201);
      },
    },
    {
      method: 'DELETE',
      path: 'external_sales_invoices/:id/payments/:payment_id',
      scopes: S,
      handler: (ctx) => {
        deletePayment(ctx.adm, find(ctx, ctx.params.id, 'symbolic'), ctx.params.payment_id);
        return noContent();
      },
    },
    {
      method: 'PATCH',
      path: 'external_sales_invoices/:id/mark_as_uncollectible',
      scopes: S,
      handler: (ctx) => {
        const inv = find(ctx, ctx.params.id, 'model');
        const isCredit = ctx.adm.totals(inv).totalIncl.lessThan(new D(0));
        if (!['open', 'late'].includes(inv.state) || isCredit || inv.date > ctx.adm.today()) {
          throw badRequest('Sales invoice should be open, late or due, not a credit invoice and cannot have a invoice date in the future', { invoice: 'not_open' });
        }
        inv.state = 'uncollectible';
        inv.marked_uncollectible_on = ctx.adm.today();
        ctx.adm.event(inv, 'external_sales_invoice_state_changed_to_uncollectible');
        ctx.adm.touch(inv);
        return ok(ctx.adm.serializeExternalSalesInvoice(inv));
      },
    },
    {
      method: 'POST',
      path: 'external_sales_invoices/:id/attachment',
      scopes: S,
      multipart: true,
      handler: (ctx) => {
        addAttachment(ctx.adm, find(ctx, ctx.params.id, 'symbolic'), ctx);
        return ok(200);
      },
    },
    {
      method: 'GET',
      path: 'external_sales_invoices/:id/attachments/:attachment_id/download',
      scopes: S,
      handler: (ctx) => {
        const a = findAttachment(find(ctx, ctx.params.id, 'symbolic'), ctx.params.attachment_id);
        return { status: 302, location: storageUrl(ctx.adm, a.id), body: 'Found' };
      },
    },
    {
      method: 'DELETE',
      path: 'external_sales_invoices/:id/attachments/:attachment_id',
      scopes: S,
      handler: (ctx) => {
        const inv = find(ctx, ctx.params.id, 'symbolic');
        const a = findAttachment(inv, ctx.params.attachment_id);
        inv.attachments = inv.attachments.filter((x) => x !== a);
        ctx.adm.touch(inv);
        return noContent();
      },
    },
  ];
}
