/**
 * Contacts (must-have 8): create/update with the name rule, defaults (country from the administration,
 * delivery_method Email, sequential customer_id, blank strings), `query` search, `/contacts/filter`,
 * `/contacts/customer_id/{customer_id}`, archive, delete, synchronization, `version`.
 */
import { createHash } from 'node:crypto';
import { badRequest, notFound, symbolic, Validation } from '../errors';
import { parseBool, parseDate, parseId } from '../format';
import type { AdministrationState } from '../model';
import { asText, attributesList, checkPermitted, customFieldNotFound, isObject, wrapper, type Strictness } from '../params';
import { noContent, ok, paginate, parseFilter, SCOPES, type Route, type RouteContext } from '../routing';
import type { Json } from '../seed';

const TEXT_FIELDS = [
  'company_name',
  'firstname',
  'lastname',
  'address1',
  'address2',
  'zipcode',
  'city',
  'phone',
  'tax_number',
  'chamber_of_commerce',
  'bank_account',
  'send_invoices_to_attention',
  'send_invoices_to_email',
  'send_estimates_to_attention',
  'send_estimates_to_email',
  'sepa_iban',
  'sepa_iban_account_name',
  'sepa_bic',
  'sepa_mandate_id',
  'si_identifier',
] as const;

const CREATE_PERMITTED = [
  ...TEXT_FIELDS,
  'country',
  'delivery_method',
  'customer_id',
  'sepa_active',
  'sepa_mandate_date',
  'sepa_sequence_type',
  'si_identifier_type',
  'invoice_workflow_id',
  'estimate_workflow_id',
  'email_ubl',
  'direct_debit',
  'custom_fields_attributes',
  'contact_person',
];
const UPDATE_PERMITTED = CREATE_PERMITTED.filter((k) => k !== 'contact_person');

export const MAX_STRING = 255;
const DELIVERY_METHODS = ['Email', 'Simplerinvoicing', 'Peppol', 'Manual', 'Post'];
const SEQUENCE_TYPES = ['RCUR', 'FRST', 'OOFF', 'FNAL'];
const EMAIL_RE = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;
/** Search fields of `GET /contacts?query=` (SPEC description). */
const QUERY_FIELDS = ['company_name', 'attention', 'firstname', 'lastname', 'address1', 'address2', 'zipcode', 'city', 'country', 'email', 'phone', 'customer_id', 'tax_number', 'chamber_of_commerce', 'bank_account'];

export const contactEvents = new WeakMap<Json, Json[]>();

function findContact(adm: AdministrationState, rawId: string, includeArchived: boolean): Json {
  const id = parseId(rawId);
  const c = id ? adm.contacts.get(id) : undefined;
  if (!c || (c.archived === true && !includeArchived)) throw notFound('id');
  return c;
}

function serializeContact(adm: AdministrationState, c: Json): Json {
  const events = (contactEvents.get(c) ?? []).map((e) => ({ administration_id: adm.id, user_id: adm.userId, link_entity_id: null, link_entity_type: null, data: {}, ...e }));
  return { ...c, events };
}

function emitContact(adm: AdministrationState, c: Json, action: string): void {
  adm.onEvent?.({ action, entityType: 'Contact', entityId: c.id as string, serialize: () => serializeContact(adm, c) });
}

function nextCustomerId(adm: AdministrationState): string {
  // Sequential like Moneybird ("3"), skipping numbers that are already taken by hand.
  for (;;) {
    adm.customerIdSeq += 1;
    const candidate = String(adm.customerIdSeq);
    if (![...adm.contacts.values()].some((c) => c.customer_id === candidate)) return candidate;
  }
}

function applyContactAttributes(adm: AdministrationState, c: Json, attrs: Json, v: Validation, strict: Strictness, creating: boolean): void {
  for (const f of TEXT_FIELDS) {
    if (f in attrs) {
      const t = asText(attrs[f]);
      if (t === null && attrs[f] !== null) v.add(f, 'is invalid', 'invalid');
      // [U] Rails string columns: 255 characters (the exact limit per field is not documented).
      else {
        if (t !== null && t.length > MAX_STRING) v.add(f, `is too long (maximum is ${MAX_STRING} characters)`, 'too_long', { count: MAX_STRING });
        c[f] = t ?? ''; // kept on the (discarded) draft so the name rule sees it
      }
    }
  }
  if ('country' in attrs) {
    const country = asText(attrs.country)?.toUpperCase() ?? '';
    if (!/^[A-Z]{2}$/.test(country)) v.add('country', 'is not included in the list', 'inclusion');
    else c.country = country;
  }
  if ('delivery_method' in attrs) {
    const dm = asText(attrs.delivery_method);
    if (!dm || !DELIVERY_METHODS.includes(dm)) v.add('delivery_method', 'is not included in the list', 'inclusion');
    else c.delivery_method = dm;
  }
  if ('sepa_sequence_type' in attrs) {
    const st = asText(attrs.sepa_sequence_type);
    if (!st || !SEQUENCE_TYPES.includes(st)) v.add('sepa_sequence_type', 'is not included in the list', 'inclusion');
    else c.sepa_sequence_type = st;
  }
  for (const b of ['sepa_active', 'email_ubl', 'direct_debit'] as const) {
    if (b in attrs) {
      const val = parseBool(attrs[b]);
      if (val === null) v.add(b, 'is not included in the list', 'inclusion');
      else c[b] = val;
    }
  }
  if ('sepa_mandate_date' in attrs) {
    if (attrs.sepa_mandate_date === null || attrs.sepa_mandate_date === '') c.sepa_mandate_date = null;
    else {
      const d = parseDate(attrs.sepa_mandate_date);
      if (!d) v.add('sepa_mandate_date', 'is not a valid date', 'invalid');
      else if (d > adm.today()) v.add('sepa_mandate_date', 'cannot be in the future', 'not_in_future');
      else c.sepa_mandate_date = d;
    }
  }
  if ('si_identifier_type' in attrs) c.si_identifier_type = asText(attrs.si_identifier_type);
  for (const w of ['invoice_workflow_id', 'estimate_workflow_id'] as const) {
    if (w in attrs) {
      if (attrs[w] === null || attrs[w] === '') c[w] = null;
      else {
        const id = parseId(attrs[w]);
        const type = w === 'invoice_workflow_id' ? 'InvoiceWorkflow' : 'EstimateWorkflow';
        if (!id || !adm.workflows.some((x) => x.id === id && x.type === type)) v.add(w, 'is invalid', 'invalid');
        else c[w] = id;
      }
    }
  }
  for (const emailField of ['send_invoices_to_email', 'send_estimates_to_email'] as const) {
    const value = c[emailField];
    if (emailField in attrs && typeof value === 'string' && value !== '') {
      const all = value.split(',').map((s) => s.trim());
      if (!all.every((e) => EMAIL_RE.test(e))) v.add(emailField, 'is invalid', 'invalid');
    }
  }
  c.email = c.send_invoices_to_email ?? '';
  if ('customer_id' in attrs) {
    const cid = asText(attrs.customer_id) ?? '';
    if (cid === '') {
      if (creating) c.customer_id = '';
    } else {
      if (adm.behaviour.uniqueCustomerId && [...adm.contacts.values()].some((o) => o !== c && o.customer_id === cid)) {
        v.add('customer_id', 'has already been taken', 'taken', { value: cid });
      }
      c.customer_id = cid;
    }
  }
  if ('custom_fields_attributes' in attrs) {
    const list = attributesList(attrs.custom_fields_attributes, 'custom_fields_attributes');
    const values = (c.custom_fields as Json[]).slice();
    for (const item of list) {
      checkPermitted(item, ['id', 'value'], strict, 'custom_fields_attributes.');
      const id = parseId(item.id);
      const field = id ? adm.customFields.find((f) => f.id === id) : undefined;
      if (!field) throw customFieldNotFound(item.id);
      const value = asText(item.value) ?? '';
      const existing = values.find((x) => x.id === field.id);
      if (existing) existing.value = value;
      else values.push({ id: field.id, name: field.name, value });
    }
    c.custom_fields = values;
  }
  const blank = (f: string) => typeof c[f] !== 'string' || (c[f] as string).trim() === '';
  if (blank('company_name') && blank('firstname') && blank('lastname')) {
    for (const f of ['firstname', 'lastname', 'company_name']) v.add(f, 'is required', 'is required');
  }
}

function createContact(ctx: RouteContext, strict: Strictness) {
  const { adm } = ctx;
  const attrs = wrapper(ctx.body, 'contact', 'Contact');
  checkPermitted(attrs, CREATE_PERMITTED, strict);
  const at = adm.nowIso();
  const id = adm.ids.id();
  const c: Json = {
    id,
    administration_id: adm.id,
    company_name: '',
    firstname: '',
    lastname: '',
    address1: '',
    address2: '',
    zipcode: '',
    city: '',
    country: adm.administration.country,
    phone: '',
    delivery_method: 'Email',
    customer_id: '',
    tax_number: '',
    chamber_of_commerce: '',
    bank_account: '',
    is_trusted: false,
    max_transfer_amount: null,
    attention: '',
    email: '',
    email_ubl: true,
    send_invoices_to_attention: '',
    send_invoices_to_email: '',
    send_estimates_to_attention: '',
    send_estimates_to_email: '',
    direct_debit: false,
    sepa_active: false,
    sepa_iban: '',
    sepa_iban_account_name: '',
    sepa_bic: '',
    sepa_mandate_id: '',
    sepa_mandate_date: null,
    sepa_sequence_type: 'RCUR',
    credit_card_number: '',
    credit_card_reference: '',
    credit_card_type: null,
    tax_number_validated_at: null,
    tax_number_valid: null,
    invoice_workflow_id: null,
    estimate_workflow_id: null,
    si_identifier: '',
    si_identifier_type: null,
    moneybird_payments_mandate: false,
    created_at: at,
    updated_at: at,
    version: adm.nextVersion(null),
    // Moneybird's web link (SPEC pattern https://moneybird.<tld>/<adm>/sales_invoices/<64 hex>/all).
    sales_invoices_url: `https://moneybird.dev/${adm.id}/sales_invoices/${createHash('sha256').update(id).digest('hex')}/all`,
    notes: [],
    custom_fields: [],
    contact_people: [],
    archived: false,
  };
  const v = new Validation();
  applyContactAttributes(adm, c, attrs, v, strict, true);
  if (attrs.contact_person !== undefined) {
    if (!isObject(attrs.contact_person)) v.add('contact_person', 'is invalid', 'invalid');
    else {
      const p = attrs.contact_person;
      checkPermitted(p, ['firstname', 'lastname'], strict, 'contact_person.');
      if (!asText(p.firstname)) v.blank('contact_person.firstname');
      if (!asText(p.lastname)) v.blank('contact_person.lastname');
      if (v.empty) {
        (c.contact_people as Json[]).push({
          id: adm.ids.id(),
          contact_id: id,
          administration_id: adm.id,
          firstname: asText(p.firstname),
          lastname: asText(p.lastname),
          phone: null,
          email: null,
          department: null,
          created_at: at,
          updated_at: at,
          version: c.version,
        });
      }
    }
  }
  v.throwIfAny();
  if (c.customer_id === '') c.customer_id = nextCustomerId(adm);
  adm.contacts.set(id, c);
  contactEvents.set(c, [{ action: 'contact_created', created_at: at, updated_at: at }]);
  emitContact(adm, c, 'contact_created');
  return ok(serializeContact(adm, c), 201);
}

function updateContact(ctx: RouteContext, strict: Strictness) {
  const { adm } = ctx;
  const c = findContact(adm, ctx.params.id, true);
  const attrs = wrapper(ctx.body, 'contact', 'Contact');
  if ('is_trusted' in attrs) throw symbolic(400, 'An contact can only be trusted during the approval of a payment.', { is_trusted: 'permission' });
  checkPermitted(attrs, UPDATE_PERMITTED, strict);
  const draft: Json = { ...c, custom_fields: (c.custom_fields as Json[]).map((x) => ({ ...x })) };
  const v = new Validation();
  applyContactAttributes(adm, draft, attrs, v, strict, false);
  v.throwIfAny();
  Object.assign(c, draft);
  adm.touch(c as { updated_at: string; version: number });
  const at = adm.nowIso();
  contactEvents.get(c)?.push({ action: 'contact_changed', created_at: at, updated_at: at });
  emitContact(adm, c, 'contact_changed');
  return ok(serializeContact(adm, c));
}

function matchesQuery(c: Json, query: string): boolean {
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
  const haystack = QUERY_FIELDS.map((f) => String(c[f] ?? '').toLowerCase()).join(' ');
  return terms.every((t) => haystack.includes(t));
}

const CONTACT_FILTER_KEYS = ['created_after', 'updated_after', 'first_name', 'last_name', 'contact_type', 'delivery_method', 'trusted_type', 'invoice_workflow_id', 'estimate_workflow_id'];

function applyContactFilter(list: Json[], filter: Map<string, string[]> | null): Json[] {
  if (!filter) return list;
  return list.filter((c) => {
    for (const [key, values] of filter) {
      if (!CONTACT_FILTER_KEYS.includes(key)) continue;
      const v = values[0] ?? '';
      switch (key) {
        case 'created_after':
        case 'updated_after': {
          const t = Date.parse(v);
          if (Number.isNaN(t)) throw badRequest(`Filter ${key} is invalid`, { filter: 'invalid' });
          if (!(Date.parse(String(key === 'created_after' ? c.created_at : c.updated_at)) > t)) return false;
          break;
        }
        case 'first_name':
          if (!values.some((x) => String(c.firstname).toLowerCase() === x.toLowerCase())) return false;
          break;
        case 'last_name':
          if (!values.some((x) => String(c.lastname).toLowerCase() === x.toLowerCase())) return false;
          break;
        case 'contact_type': {
          const type = c.company_name ? 'company' : 'private_individual';
          if (!['all', 'company', 'private_individual'].includes(v)) throw badRequest('Contact type is not included in the list', { filter: 'invalid' });
          if (v !== 'all' && v !== type) return false;
          break;
        }
        case 'delivery_method':
          if (!values.includes(String(c.delivery_method))) return false;
          break;
        case 'trusted_type':
          if (v === 'trusted' && c.is_trusted !== true) return false;
          if (v === 'untrusted' && c.is_trusted === true) return false;
          break;
        default:
          if (!values.includes(String(c[key]))) return false;
      }
    }
    return true;
  });
}

function listContacts(ctx: RouteContext, withFilter: boolean) {
  const includeArchived = parseBool(ctx.query.get('include_archived')) === true;
  let list = [...ctx.adm.contacts.values()].filter((c) => includeArchived || c.archived !== true);
  const q = ctx.query.get('query');
  if (q) list = list.filter((c) => matchesQuery(c, q));
  if (withFilter) list = applyContactFilter(list, parseFilter(ctx.query.get('filter')));
  const page = paginate(ctx, list);
  return ok(
    page.items.map((c) => serializeContact(ctx.adm, c)),
    200,
    page.headers,
  );
}

export function syncIds(body: Json): string[] {
  if (!('ids' in body) || body.ids === null || body.ids === undefined) throw badRequest('Ids is required', { ids: 'required' });
  if (!Array.isArray(body.ids)) throw badRequest("Ids isn't an array", { ids: 'array' });
  return body.ids.map((x) => parseId(x)).filter((x): x is string => x !== null);
}

export function contactRoutes(strict: Strictness): Route[] {
  const S = SCOPES.contacts;
  return [
    { method: 'GET', path: 'contacts', scopes: S, handler: (ctx) => listContacts(ctx, false) },
    { method: 'POST', path: 'contacts', scopes: S, handler: (ctx) => createContact(ctx, strict) },
    { method: 'GET', path: 'contacts/filter', scopes: S, handler: (ctx) => listContacts(ctx, true) },
    {
      method: 'GET',
      path: 'contacts/synchronization',
      scopes: S,
      handler: (ctx) => {
        const includeArchived = parseBool(ctx.query.get('include_archived')) === true;
        const list = applyContactFilter(
          [...ctx.adm.contacts.values()].filter((c) => includeArchived || c.archived !== true),
          parseFilter(ctx.query.get('filter')),
        );
        return ok(list.map((c) => ({ id: c.id, version: c.version })));
      },
    },
    {
      method: 'POST',
      path: 'contacts/synchronization',
      scopes: S,
      handler: (ctx) => {
        const ids = syncIds(ctx.body);
        const found = ids.map((id) => ctx.adm.contacts.get(id)).filter((c): c is Json => c !== undefined);
        return ok(found.slice(0, 100).map((c) => serializeContact(ctx.adm, c)));
      },
    },
    {
      method: 'GET',
      path: 'contacts/customer_id/:customer_id',
      scopes: S,
      handler: (ctx) => {
        const c = [...ctx.adm.contacts.values()].find((x) => x.customer_id === ctx.params.customer_id && x.archived !== true);
        if (!c) throw notFound('customer_id');
        return ok(serializeContact(ctx.adm, c));
      },
    },
    { method: 'GET', path: 'contacts/:id', scopes: S, handler: (ctx) => ok(serializeContact(ctx.adm, findContact(ctx.adm, ctx.params.id, parseBool(ctx.query.get('include_archived')) === true))) },
    { method: 'PATCH', path: 'contacts/:id', scopes: S, handler: (ctx) => updateContact(ctx, strict) },
    {
      method: 'PATCH',
      path: 'contacts/:id/archive',
      scopes: S,
      handler: (ctx) => {
        const c = findContact(ctx.adm, ctx.params.id, true);
        if (c.archived === true) throw badRequest('Contact can not be archived', { id: 'can_not_be_archived' });
        c.archived = true;
        ctx.adm.touch(c as { updated_at: string; version: number });
        const at = ctx.adm.nowIso();
        contactEvents.get(c)?.push({ action: 'contact_archived', created_at: at, updated_at: at });
        emitContact(ctx.adm, c, 'contact_archived');
        return noContent();
      },
    },
    {
      method: 'DELETE',
      path: 'contacts/:id',
      scopes: S,
      handler: (ctx) => {
        const c = findContact(ctx.adm, ctx.params.id, true);
        ctx.adm.contacts.delete(c.id as string);
        emitContact(ctx.adm, c, 'contact_destroyed');
        return noContent();
      },
    },
  ];
}
