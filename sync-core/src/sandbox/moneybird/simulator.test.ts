/**
 * Behaviour tests of the Moneybird simulator, one block per must-have (research notes §10).
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startMoneybirdSimulator, type MoneybirdSimulator, type MoneybirdSimulatorOptions } from './index';
import { findSpecPath, validateResponse } from './openapi-contract';
import { request as rawRequest } from './testing';

/**
 * Every API response these tests produce is also validated against the official OpenAPI schema for
 * its path, method and status (routes the spec does not know, e.g. the 404 test, are skipped).
 */
let validatedResponses = 0;
async function request(url: string, init: Parameters<typeof rawRequest>[1] = {}) {
  const res = await rawRequest(url, init);
  const apiPath = new URL(url).pathname;
  if (apiPath.startsWith('/api/v2/') && findSpecPath(apiPath) && spec(init.method ?? 'GET', apiPath)) {
    expect(validateResponse(init.method ?? 'GET', apiPath, res)).toEqual([]);
    validatedResponses += 1;
  }
  return res;
}
function spec(method: string, apiPath: string): boolean {
  return validateResponse(method, apiPath, { status: 204, headers: new Headers(), body: null, text: '' }).every((e) => !e.includes('is not in the spec'));
}
afterAll(() => {
  // Proves the schema check really ran (the full file validates several hundred responses).
  expect(validatedResponses).toBeGreaterThan(0);
});

const T0 = Date.parse('2026-08-21T12:00:00Z');
const DAY = 24 * 3600 * 1000;

let clock = T0;
let sim: MoneybirdSimulator;
let api: string;

async function start(opts: MoneybirdSimulatorOptions = {}) {
  clock = T0;
  sim = await startMoneybirdSimulator({ now: () => clock, ...opts });
  api = `${sim.url}/api/v2/${sim.administrationId}`;
  return sim;
}

const get = (path: string, token?: string | null) => request(`${api}${path}`, { token });
const post = (path: string, body?: unknown, token?: string) => request(`${api}${path}`, { method: 'POST', body, token });
const patch = (path: string, body?: unknown) => request(`${api}${path}`, { method: 'PATCH', body });
const del = (path: string) => request(`${api}${path}`, { method: 'DELETE' });

async function taxRate(percentage: string, type = 'sales_invoice'): Promise<string> {
  const r = await get(`/tax_rates.json?filter=tax_rate_type:${type},percentage:${percentage}`);
  return r.body.find((t: { country: string | null; name: string }) => t.country === null && /btw$/.test(t.name)).id;
}
async function contact(extra: Record<string, unknown> = {}) {
  const r = await post('/contacts.json', { contact: { company_name: 'Foobar Holding B.V.', send_invoices_to_email: 'info@example.com', ...extra } });
  expect(r.status).toBe(201);
  return r.body;
}
async function draft(details: unknown[], extra: Record<string, unknown> = {}) {
  const c = await contact();
  const r = await post('/sales_invoices.json', { sales_invoice: { reference: 'WC-1', contact_id: c.id, details_attributes: details, ...extra } });
  expect(r.status).toBe(201);
  return r.body;
}
async function sentInvoice(details: unknown[] = [{ description: 'Project X', price: '300', amount: '1 x' }], extra: Record<string, unknown> = {}) {
  const d = await draft(details, extra);
  const r = await patch(`/sales_invoices/${d.id}/send_invoice.json`, { sales_invoice_sending: { delivery_method: 'Manual' } });
  expect(r.status).toBe(200);
  return r.body;
}

afterEach(async () => {
  await sim?.close();
});

describe('routing and formats (must-haves 1, 4, 6)', () => {
  beforeEach(() => start());

  it('serves the suffix variants and lists administrations without an administration id', async () => {
    for (const suffix of ['.json', '']) expect((await get(`/tax_rates${suffix}`)).status).toBe(200);
    const adm = await request(`${sim.url}/api/v2/administrations.json`);
    expect(adm.status).toBe(200);
    expect(adm.body).toEqual([expect.objectContaining({ id: sim.administrationId, country: 'NL', currency: 'EUR', time_zone: 'Europe/Amsterdam' })]);
  });

  it('answers 404 for an unknown administration, a symbolic 404 for unknown routes and 405 for wrong methods', async () => {
    // Cross-cutting (no operation documents it): checked here, not against the per-operation schema.
    const r = await rawRequest(`${sim.url}/api/v2/123456789012345678/contacts.json`);
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ error: 'record not found', symbolic: { administration_id: 'not_found' } });
    expect((await get('/no_such_thing.json')).status).toBe(404);
    expect((await request(`${api}/tax_rates.json`, { method: 'DELETE' })).status).toBe(405);
    expect((await get('/tax_rates.xml')).status).toBe(406);
  });

  it('emits 18-digit string ids and keeps large integer ids sent as JSON numbers exact', async () => {
    const c = await contact();
    expect(c.id).toMatch(/^\d{18}$/);
    expect(typeof c.administration_id).toBe('string');
    // The id is written as a bare JSON number (as the SPEC examples do): it must not lose precision.
    const raw = `{"sales_invoice":{"contact_id":${c.id},"details_attributes":[{"description":"x","price":1}]}}`;
    const r = await request(`${api}/sales_invoices.json`, { method: 'POST', rawBody: raw });
    expect(r.status).toBe(201);
    expect(r.body.contact_id).toBe(c.id);
    expect(Number.isSafeInteger(Number(c.id))).toBe(false);
  });

  it('accepts money as numbers and as strings with a comma, prints Moneybird decimals, rejects out-of-range amounts', async () => {
    const inv = await draft([
      { description: 'a', price: '10,95' },
      { description: 'b', price: 300 },
    ]);
    expect(inv.details.map((d: { price: string }) => d.price)).toEqual(['10.95', '300.0']);
    expect(inv.total_discount).toBe('0.0');
    expect(inv.total_price_excl_tax).toBe('310.95');
    const bad = await post('/sales_invoices.json', { sales_invoice: { details_attributes: [{ description: 'x', price: '1000000001' }] } });
    expect(bad.status).toBe(422);
    expect(bad.body.error['details.price']).toEqual(['is not a number']);
  });

  it('rejects unknown attributes (unevaluatedProperties: false) and can be made lenient', async () => {
    const r = await post('/contacts.json', { contact: { company_name: 'X', email: 'x@example.com' } });
    expect(r.status).toBe(422);
    expect(r.body).toEqual({ error: { email: ['is not a permitted attribute'] }, details: { email: [{ error: 'unpermitted' }] } });
    const detail = await post('/sales_invoices.json', { sales_invoice: { details_attributes: [{ description: 'x', price: 1, amount_decimal: '1.0' }] } });
    expect(detail.status).toBe(422);
    await sim.close();
    await start({ strictParams: false });
    expect((await post('/contacts.json', { contact: { company_name: 'X', email: 'x@example.com' } })).status).toBe(201);
  });

  it('does not read a body that is not sent as JSON: the wrapper is then missing', async () => {
    const r = await request(`${api}/contacts.json`, { method: 'POST', rawBody: JSON.stringify({ contact: { company_name: 'X' } }), contentType: 'text/plain' });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ error: 'Contact is required', symbolic: { contact: 'required' } });
    const broken = await request(`${api}/contacts.json`, { method: 'POST', rawBody: '{"contact": ' });
    expect(broken.status).toBe(400);
  });
});

describe('several administrations', () => {
  it('lists them all and keeps their records apart', async () => {
    await start({ administrations: [{ name: 'Winkel A' }, { name: 'Winkel B', country: 'BE', language: 'nl-be' }] });
    const list = (await request(`${sim.url}/api/v2/administrations.json`)).body;
    expect(list.map((a: { name: string }) => a.name)).toEqual(['Winkel A', 'Winkel B']);
    const other = list[1].id;
    expect(other).not.toBe(sim.administrationId);
    const r = await request(`${sim.url}/api/v2/${other}/contacts.json`, { method: 'POST', body: { contact: { company_name: 'Belg BV' } } });
    expect(r.body).toEqual(expect.objectContaining({ country: 'BE', customer_id: '1', administration_id: other }));
    expect(sim.state.contacts).toHaveLength(0);
    expect(sim.state.forAdministration(other).contacts).toHaveLength(1);
    expect(() => sim.state.forAdministration('1')).toThrow();
  });
});

describe('authentication (must-have 2)', () => {
  it('rejects missing and unknown tokens with 401', async () => {
    await start();
    expect((await get('/contacts.json', null)).status).toBe(401);
    const bad = await get('/contacts.json', 'nope');
    expect(bad.status).toBe(401);
    expect(bad.body).toEqual({ error: 'token is invalid', symbolic: { request: 'invalid_grant' } });
  });

  it('enforces scopes per endpoint', async () => {
    await start({ tokens: [{ token: 'si-only', scopes: ['sales_invoices'] }, { token: 'settings-only', scopes: ['settings'] }] });
    expect((await get('/sales_invoices.json', 'si-only')).status).toBe(200);
    expect((await get('/contacts.json', 'si-only')).status).toBe(200); // contacts accept sales_invoices
    const fa = await get('/financial_accounts.json', 'si-only');
    expect(fa.status).toBe(401);
    expect(fa.body).toEqual({ error: 'No access to settings' });
    expect((await get('/sales_invoices.json', 'settings-only')).status).toBe(401);
    expect((await get('/financial_accounts.json', 'settings-only')).status).toBe(200);
  });

  it('runs the OAuth authorization-code flow with rotating refresh tokens, expiry and revocation', async () => {
    await start({ tokenExpiresInSec: 3600 });
    const oauth = (path: string, form: Record<string, string>) =>
      request(`${sim.url}/oauth/${path}`, { method: 'POST', token: null, rawBody: new URLSearchParams(form).toString(), contentType: 'application/x-www-form-urlencoded' });
    // The consent screen over HTTP redirects with the code and the state.
    const viaHttp = await request(
      `${sim.url}/oauth/authorize?client_id=5a4db0c5-0000-4000-8000-000000000001&redirect_uri=${encodeURIComponent('http://127.0.0.1/callback')}&response_type=code&scope=sales_invoices%20settings&state=xyz`,
      { token: null },
    );
    expect(viaHttp.status).toBe(302);
    expect(new URL(viaHttp.headers.get('location')!).searchParams.get('state')).toBe('xyz');

    const redirect = new URL(sim.authorize({ clientId: '5a4db0c5-0000-4000-8000-000000000001', redirectUri: 'http://127.0.0.1/callback', state: 's1', scope: 'sales_invoices settings' }));
    expect(redirect.searchParams.get('state')).toBe('s1');
    const code = redirect.searchParams.get('code')!;
    const base = { client_id: '5a4db0c5-0000-4000-8000-000000000001', client_secret: 'sandbox-secret' };
    expect((await oauth('token', { ...base, grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1/wrong' })).status).toBe(400);
    const badSecret = await oauth('token', { ...base, client_secret: 'x', grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1/callback' });
    expect(badSecret.status).toBe(401);
    expect(badSecret.body.error).toBe('invalid_client');
    const tok = await oauth('token', { ...base, grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1/callback' });
    expect(tok.status).toBe(200);
    expect(tok.body).toEqual(expect.objectContaining({ token_type: 'Bearer', expires_in: 3600, scope: 'sales_invoices settings' }));
    // Codes are single use.
    expect((await oauth('token', { ...base, grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1/callback' })).body.error).toBe('invalid_grant');
    expect((await get('/sales_invoices.json', tok.body.access_token)).status).toBe(200);

    clock += 3601 * 1000;
    expect((await get('/sales_invoices.json', tok.body.access_token)).status).toBe(401);
    const refreshed = await oauth('token', { ...base, grant_type: 'refresh_token', refresh_token: tok.body.refresh_token });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).not.toBe(tok.body.refresh_token);
    // The old refresh token is spent: a client that did not persist the rotated one is locked out.
    expect((await oauth('token', { ...base, grant_type: 'refresh_token', refresh_token: tok.body.refresh_token })).body.error).toBe('invalid_grant');
    expect((await get('/sales_invoices.json', refreshed.body.access_token)).status).toBe(200);

    expect((await oauth('revoke', { ...base, token: refreshed.body.access_token })).status).toBe(200);
    expect((await get('/sales_invoices.json', refreshed.body.access_token)).status).toBe(401);
    expect((await oauth('token', { ...base, grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token })).status).toBe(400);
    expect((await oauth('revoke', { ...base, token: 'unknown' })).status).toBe(200);
  });

  it('can lose a refresh answer after the old refresh token was spent (fault on /oauth/token)', async () => {
    await start();
    const form = (f: Record<string, string>) => ({ method: 'POST', token: null, contentType: 'application/x-www-form-urlencoded', rawBody: new URLSearchParams(f).toString() });
    const base = { client_id: '5a4db0c5-0000-4000-8000-000000000001', client_secret: 'sandbox-secret' };
    const code = new URL(sim.authorize({ clientId: '5a4db0c5-0000-4000-8000-000000000001', redirectUri: 'http://127.0.0.1/callback', scope: 'sales_invoices' })).searchParams.get('code')!;
    const tok = await request(`${sim.url}/oauth/token`, form({ ...base, grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1/callback' }));
    sim.faults.inject('timeoutAfterCommit', { path: '/oauth/token' });
    await expect(request(`${sim.url}/oauth/token`, form({ ...base, grant_type: 'refresh_token', refresh_token: tok.body.refresh_token }))).rejects.toThrow();
    const retry = await request(`${sim.url}/oauth/token`, form({ ...base, grant_type: 'refresh_token', refresh_token: tok.body.refresh_token }));
    expect(retry.status).toBe(400);
    expect(retry.body.error).toBe('invalid_grant');
    sim.faults.inject('500', { path: '/oauth/token' });
    expect((await request(`${sim.url}/oauth/token`, form({ ...base, grant_type: 'refresh_token', refresh_token: 'x' }))).status).toBe(500);
  });

  it('grants only sales_invoices when no scope is requested', async () => {
    await start();
    const code = new URL(sim.authorize({ clientId: '5a4db0c5-0000-4000-8000-000000000001', redirectUri: 'http://127.0.0.1/callback' })).searchParams.get('code')!;
    const tok = await request(`${sim.url}/oauth/token`, {
      method: 'POST',
      token: null,
      contentType: 'application/x-www-form-urlencoded',
      rawBody: new URLSearchParams({ grant_type: 'authorization_code', code, client_id: '5a4db0c5-0000-4000-8000-000000000001', client_secret: 'sandbox-secret', redirect_uri: 'http://127.0.0.1/callback' }).toString(),
    });
    expect(tok.body.scope).toBe('sales_invoices');
    expect(tok.body.expires_in).toBeUndefined();
    expect((await get('/financial_accounts.json', tok.body.access_token)).status).toBe(401);
  });
});

describe('seeded administration (must-have 3)', () => {
  beforeEach(() => start({ administrations: [{ foreignTaxRates: [{ country: 'DE', percentage: '19.0' }] }] }));

  it('has 21/9/0 % for sales and purchase, foreign rates with a country, and filters by type and country', async () => {
    const all = await get('/tax_rates.json');
    const key = (t: { percentage: string; tax_rate_type: string }) => `${t.tax_rate_type}:${t.percentage}`;
    const keys = all.body.map(key);
    for (const k of ['sales_invoice:21.0', 'sales_invoice:9.0', 'sales_invoice:0.0', 'purchase_invoice:21.0', 'purchase_invoice:9.0', 'purchase_invoice:0.0']) expect(keys).toContain(k);
    const de = await get('/tax_rates.json?filter=country:DE');
    expect(de.body).toEqual([expect.objectContaining({ percentage: '19.0', country: 'DE', tax_rate_type: 'sales_invoice' })]);
    const purchase = await get('/tax_rates.json?filter=tax_rate_type:purchase_invoice');
    expect(purchase.body.every((t: { tax_rate_type: string }) => t.tax_rate_type === 'purchase_invoice')).toBe(true);
    expect((await get('/tax_rates.json?filter=tax_rate_type:bogus')).status).toBe(400);
  });

  it('has a default invoice workflow (14 days, excl. tax), a default document style with identity, revenue accounts, financial accounts and custom fields', async () => {
    const wf = (await get('/workflows.json')).body.find((w: { type: string; default: boolean }) => w.type === 'InvoiceWorkflow' && w.default);
    expect(wf).toEqual(expect.objectContaining({ prices_are_incl_tax: false, currency: 'EUR' }));
    expect(wf.steps[0].due_interval).toBe(14);
    expect((await get(`/workflows/${wf.id}.json`)).status).toBe(200);
    expect((await get('/workflows/1.json')).body).toEqual({ error: 'Record not found for model name: Workflow' });
    const ds = (await get('/document_styles.json')).body;
    expect(ds[0]).toEqual(expect.objectContaining({ default: true, identity_id: expect.stringMatching(/^\d{18}$/) }));
    const la = (await get('/ledger_accounts.json')).body;
    expect(la.some((l: { account_type: string; allowed_document_types: string[] }) => l.account_type === 'revenue' && l.allowed_document_types.includes('sales_invoice'))).toBe(true);
    expect((await get('/financial_accounts.json')).body.length).toBeGreaterThan(0);
    expect((await get('/custom_fields.json')).body.map((f: { source: string }) => f.source).sort()).toEqual(['contact', 'sales_invoice']);
    expect(sim.state.taxRates.length).toBe((await get('/tax_rates.json')).body.length);
  });

  it('creates ledger accounts only with a known RGS code', async () => {
    const ok = await post('/ledger_accounts.json', { rgs_code: 'WOmzNopOlv', ledger_account: { name: 'Omzet webshop', account_type: 'revenue' } });
    expect(ok.status).toBe(201);
    expect((await post('/ledger_accounts.json', { rgs_code: '1234', ledger_account: { name: 'x', account_type: 'revenue' } })).status).toBe(404);
    expect((await post('/ledger_accounts.json', { rgs_code: 'WOmz', ledger_account: { account_type: 'revenue' } })).body).toEqual({
      error: 'Name is required',
      symbolic: { ledger_account: { name: 'required' } },
    });
  });
});

describe('contacts (must-haves 5, 8)', () => {
  beforeEach(() => start());

  it('applies defaults and sequential customer ids, rejects nameless contacts with the three-field 422', async () => {
    const a = await contact();
    const b = await post('/contacts.json', { contact: { firstname: 'Jan', lastname: 'Jansen' } });
    expect(a).toEqual(expect.objectContaining({ country: 'NL', delivery_method: 'Email', customer_id: '1', firstname: '', address1: '', archived: false }));
    expect(b.body.customer_id).toBe('2');
    const none = await post('/contacts.json', { contact: { company_name: '  ' } });
    expect(none.status).toBe(422);
    expect(none.body).toEqual({
      error: { firstname: ['is required'], lastname: ['is required'], company_name: ['is required'] },
      details: { firstname: [{ error: 'is required' }], lastname: [{ error: 'is required' }], company_name: [{ error: 'is required' }] },
    });
    expect((await post('/contacts.json', {})).body).toEqual({ error: 'Contact is required', symbolic: { contact: 'required' } });
    const long = await post('/contacts.json', { contact: { company_name: 'x'.repeat(256) } });
    expect(long.body).toEqual({ error: { company_name: ['is too long (maximum is 255 characters)'] }, details: { company_name: [{ error: 'too_long', count: 255 }] } });
  });

  it('finds contacts by customer_id, by query across fields and by filter; archives', async () => {
    const a = await contact({ customer_id: 'wc_17', city: 'Utrecht' });
    await contact({ company_name: 'Other', customer_id: 'wc_18' });
    expect((await post('/contacts.json', { contact: { company_name: 'Dup', customer_id: 'wc_17' } })).status).toBe(422);
    expect((await get('/contacts/customer_id/wc_17.json')).body.id).toBe(a.id);
    expect((await get('/contacts/customer_id/nope.json')).body).toEqual({ error: 'record not found', symbolic: { customer_id: 'not_found' } });
    expect((await get('/contacts.json?query=utrecht')).body.map((c: { id: string }) => c.id)).toEqual([a.id]);
    expect((await get('/contacts.json?query=info@example.com')).body).toHaveLength(2);
    const filtered = await get('/contacts/filter.json?filter=contact_type:company');
    expect(filtered.body).toHaveLength(2);
    expect((await patch(`/contacts/${a.id}/archive.json`)).status).toBe(204);
    expect((await patch(`/contacts/${a.id}/archive.json`)).status).toBe(400);
    expect((await get('/contacts.json')).body).toHaveLength(1);
    expect((await get('/contacts.json?include_archived=true')).body).toHaveLength(2);
  });

  it('bumps version on every change, even within the same second', async () => {
    const a = await contact();
    const u1 = await patch(`/contacts/${a.id}.json`, { contact: { city: 'Delft' } });
    expect(u1.body.version).toBeGreaterThan(a.version);
    clock += 5000;
    const u2 = await patch(`/contacts/${a.id}.json`, { contact: { city: 'Gouda' } });
    expect(u2.body.version).toBe(Math.floor(clock / 1000));
    const sync = await get('/contacts/synchronization.json');
    expect(sync.body).toEqual([{ id: a.id, version: u2.body.version }]);
  });
});

describe('sales invoices: drafts and VAT (must-have 9)', () => {
  beforeEach(() => start());

  it('creates a draft with defaults and the SPEC example totals (129.95 → 27.29 VAT, 157.24)', async () => {
    const inv = await draft([{ description: 'Rocking Chair', price: 129.95 }]);
    expect(inv).toEqual(
      expect.objectContaining({ state: 'draft', invoice_id: null, draft_id: 1, invoice_date: null, due_date: '2026-09-04', currency: 'EUR', prices_are_incl_tax: false }),
    );
    expect(inv.details[0]).toEqual(expect.objectContaining({ amount: null, amount_decimal: '1.0', tax_report_reference: ['NL/1a'] }));
    expect(inv.tax_totals).toEqual([
      { tax_rate_id: await taxRate('21'), taxable_amount: '129.95', taxable_amount_base: '129.95', tax_amount: '27.29', tax_amount_base: '27.29' },
    ]);
    expect(inv.total_price_incl_tax).toBe('157.24');
    expect(inv.total_unpaid).toBe('157.24');
  });

  it('rounds VAT once per rate on the total (not per line), half-up', async () => {
    // 3 lines of 0.05 at 9 %: per line 0.0045 → 0.00 each; per rate 0.15 × 9 % = 0.0135 → 0.01.
    const nine = await taxRate('9');
    const inv = await draft([1, 2, 3].map((i) => ({ description: `line ${i}`, price: '0.05', tax_rate_id: nine })));
    expect(inv.tax_totals[0].tax_amount).toBe('0.01');
    await sim.close();
    await start({ vatRounding: { strategy: 'perLine' } });
    const nine2 = await taxRate('9');
    const perLine = await draft([1, 2, 3].map((i) => ({ description: `line ${i}`, price: '0.05', tax_rate_id: nine2 })));
    expect(perLine.tax_totals[0].tax_amount).toBe('0.0');
  });

  it('splits VAT out of incl.-tax prices per rate and applies the invoice discount', async () => {
    const [t21, t9] = [await taxRate('21'), await taxRate('9')];
    const inv = await draft(
      [
        { description: 'Shirt', price: '24.95', amount: '2 stuks', tax_rate_id: t21 },
        { description: 'Book', price: '10.00', tax_rate_id: t9 },
      ],
      { prices_are_incl_tax: true },
    );
    expect(inv.total_price_incl_tax).toBe('59.9');
    // 49.90 incl. 21 % → tax 8.66; 10.00 incl. 9 % → tax 0.83.
    expect(inv.tax_totals.map((t: { tax_amount: string }) => t.tax_amount)).toEqual(['8.66', '0.83']);
    expect(inv.total_price_excl_tax).toBe('50.41');
    expect(inv.details[0]).toEqual(expect.objectContaining({ amount: '2 stuks', amount_decimal: '2.0' }));
    const disc = await draft([{ description: 'x', price: '100', tax_rate_id: t21 }], { discount: '10' });
    expect(disc).toEqual(expect.objectContaining({ total_price_excl_tax: '90.0', total_discount: '10.0', total_price_incl_tax: '108.9' }));
  });

  it('rejects purchase tax rates, non-revenue ledger accounts and unknown projects per detail', async () => {
    const purchase21 = await taxRate('21', 'purchase_invoice');
    const la = (await get('/ledger_accounts.json')).body.find((l: { account_type: string }) => l.account_type === 'expenses').id;
    const r = await post('/sales_invoices.json', {
      sales_invoice: { details_attributes: [{ description: 'x', price: 1, tax_rate_id: purchase21, ledger_account_id: la, project_id: '1' }] },
    });
    expect(r.status).toBe(422);
    expect(Object.keys(r.body.error).sort()).toEqual(['details.ledger_account_id', 'details.project_id', 'details.tax_rate_id']);
    expect((await post('/sales_invoices.json', { sales_invoice: { contact_id: '999' } })).body).toEqual({
      error: { contact_id: ['is invalid'] },
      details: { contact_id: [{ error: 'invalid' }] },
    });
  });

  it('updates details by id, removes them with _destroy, accepts index-keyed objects', async () => {
    const inv = await draft({ 0: { description: 'a', price: 10 }, 1: { description: 'b', price: 20 } } as unknown as unknown[]);
    expect(inv.details).toHaveLength(2);
    const [a, b] = inv.details;
    const u = await patch(`/sales_invoices/${inv.id}.json`, {
      sales_invoice: { details_attributes: [{ id: a.id, price: '15' }, { id: b.id, _destroy: true }, { description: 'c', price: 1 }] },
    });
    expect(u.status).toBe(200);
    expect(u.body.details.map((d: { description: string; price: string }) => `${d.description}:${d.price}`)).toEqual(['a:15.0', 'c:1.0']);
    expect(u.body.version).toBeGreaterThanOrEqual(inv.version);
  });

  it('has no idempotency: identical POSTs create two invoices with the same reference', async () => {
    const c = await contact();
    const body = { sales_invoice: { reference: 'WC-42', contact_id: c.id, details_attributes: [{ description: 'x', price: 1 }] } };
    const [a, b] = [await post('/sales_invoices.json', body), await post('/sales_invoices.json', body)];
    expect(a.body.id).not.toBe(b.body.id);
    expect(sim.state.salesInvoices.filter((i) => i.reference === 'WC-42')).toHaveLength(2);
    const list = await get('/sales_invoices.json?filter=reference:WC-42,state:all');
    expect(list.body).toHaveLength(2);
  });

  it('answers 402 when the plan limit is reached', async () => {
    await sim.close();
    await start({ administrations: [{ salesInvoicesPerMonthLimit: 1 }] });
    await draft([{ description: 'x', price: 1 }]);
    const r = await post('/sales_invoices.json', { sales_invoice: { details_attributes: [{ description: 'x', price: 1 }] } });
    expect(r.status).toBe(402);
    expect(r.body).toEqual({ error: 'creating sales invoices is limited', symbolic: { administration: 'limit_reached' } });
  });
});

describe('sending and the state machine (must-haves 10, 11)', () => {
  beforeEach(() => start());

  it('assigns sequential YYYY-NNNN numbers, invoice and due dates, payment references; state open', async () => {
    const a = await sentInvoice();
    const b = await sentInvoice();
    expect(a).toEqual(expect.objectContaining({ invoice_id: '2026-0001', state: 'open', draft_id: null, invoice_date: '2026-08-21', due_date: '2026-09-04', sent_at: '2026-08-21' }));
    expect(a.payment_reference).toMatch(/^RF\d{2}\d+$/);
    expect(b.invoice_id).toBe('2026-0002');
    expect(a.events.map((e: { action: string }) => e.action)).toEqual(['sales_invoice_created', 'sales_invoice_state_changed_to_open', 'sales_invoice_send_manually']);
    expect((await get('/sales_invoices/find_by_invoice_id/2026-0002.json')).body.id).toBe(b.id);
  });

  it('refuses to send without details (400) or by e-mail without an address (422)', async () => {
    const c = await contact({ send_invoices_to_email: '' });
    const empty = await post('/sales_invoices.json', { sales_invoice: { contact_id: c.id } });
    const r = await patch(`/sales_invoices/${empty.body.id}/send_invoice.json`, {});
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ error: 'details cannot be empty', symbolic: { sales_invoice: 'details_cannot_be_empty' } });
    const withLine = await post('/sales_invoices.json', { sales_invoice: { contact_id: c.id, details_attributes: [{ description: 'x', price: 1 }] } });
    const noMail = await patch(`/sales_invoices/${withLine.body.id}/send_invoice.json`, { sales_invoice_sending: { delivery_method: 'Email' } });
    expect(noMail.status).toBe(422);
    expect(noMail.body).toEqual({ error: { email_address: ["can't be blank"] }, details: { email_address: [{ error: 'blank' }] } });
    expect((await get(`/sales_invoices/${withLine.body.id}.json`)).body.state).toBe('draft');
  });

  it('drafts are not found by invoice id; late after the due date on the injected clock; scheduled sending', async () => {
    const d = await draft([{ description: 'x', price: 1 }]);
    expect((await get(`/sales_invoices/find_by_invoice_id/${d.draft_id}.json`)).status).toBe(404);
    const s = await sentInvoice();
    clock += 15 * DAY;
    const late = await get(`/sales_invoices/${s.id}.json`);
    expect(late.body.state).toBe('late');
    expect(late.body.version).toBeGreaterThan(s.version);

    clock = T0;
    const d2 = await draft([{ description: 'y', price: 2 }]);
    const sched = await patch(`/sales_invoices/${d2.id}/send_invoice.json`, { sales_invoice_sending: { sending_scheduled: true, invoice_date: '2026-08-25', delivery_method: 'Manual' } });
    expect(sched.body).toEqual(expect.objectContaining({ state: 'scheduled', invoice_id: null, invoice_date: '2026-08-25' }));
    clock += 4 * DAY;
    const opened = await get(`/sales_invoices/${d2.id}.json`);
    expect(opened.body.state).toBe('open');
    expect(opened.body.invoice_id).toMatch(/^2026-\d{4}$/);
  });
});

describe('reminders, pause, dubious (must-have 11)', () => {
  beforeEach(() => start());

  it('reminds only late invoices, counts reminders and keeps them reminded until paid', async () => {
    const inv = await sentInvoice();
    const group = { contact_id: inv.contact_id, workflow_id: inv.workflow_id, document_style_id: inv.document_style_id, identity_id: inv.identity_id, sales_invoice_ids: [inv.id], delivery_method: 'Manual' };
    const early = await post('/sales_invoices/send_reminders.json', { sales_invoice_reminders: [group] });
    expect(early.status).toBe(422);
    clock += 20 * DAY;
    expect((await post('/sales_invoices/send_reminders.json', { sales_invoice_reminders: [group] })).status).toBe(200);
    clock += 1 * DAY;
    const reminded = (await get(`/sales_invoices/${inv.id}.json`)).body;
    expect(reminded).toEqual(expect.objectContaining({ state: 'reminded', reminder_count: 1 }));
    await post(`/sales_invoices/${inv.id}/payments.json`, { payment: { payment_date: '2026-09-10', price: reminded.total_unpaid } });
    expect((await get(`/sales_invoices/${inv.id}.json`)).body.state).toBe('paid');
    expect((await post('/sales_invoices/send_reminders.json', {})).status).toBe(400);
  });

  it('pauses, resumes and marks as dubious', async () => {
    const inv = await sentInvoice();
    expect((await post(`/sales_invoices/${inv.id}/pause.json`, {})).body.paused).toBe(true);
    expect((await post(`/sales_invoices/${inv.id}/resume.json`, {})).body.paused).toBe(false);
    expect((await patch(`/sales_invoices/${inv.id}/mark_as_dubious.json`, { dubious_date: '2026-08-30' })).body.marked_dubious_on).toBe('2026-08-30');
    const d = await draft([{ description: 'x', price: 1 }]);
    expect((await patch(`/sales_invoices/${d.id}/mark_as_dubious.json`, {})).status).toBe(400);
  });
});

describe('payments (must-have 12)', () => {
  beforeEach(() => start());

  it('partial and full payments move to paid; deleting a payment reverts; drafts are rejected', async () => {
    const inv = await sentInvoice();
    expect(inv.total_unpaid).toBe('363.0');
    const p1 = await post(`/sales_invoices/${inv.id}/payments.json`, { payment: { payment_date: '2026-08-21T13:50:41.508Z', price: '63', transaction_identifier: 'tr_123' } });
    expect(p1.status).toBe(201);
    expect(p1.body).toEqual(expect.objectContaining({ price: '63.0', payment_date: '2026-08-21', transaction_identifier: 'tr_123', invoice_type: 'SalesInvoice' }));
    expect((await get(`/sales_invoices/${inv.id}.json`)).body).toEqual(expect.objectContaining({ state: 'open', total_paid: '63.0', total_unpaid: '300.0' }));
    await post(`/sales_invoices/${inv.id}/payments.json`, { payment: { payment_date: '2026-08-21', price: 300 } });
    const paid = (await get(`/sales_invoices/${inv.id}.json`)).body;
    expect(paid).toEqual(expect.objectContaining({ state: 'paid', total_unpaid: '0.0', paid_at: '2026-08-21' }));
    expect((await del(`/sales_invoices/${inv.id}/payments/${p1.body.id}.json`)).status).toBe(204);
    expect((await get(`/sales_invoices/${inv.id}.json`)).body.state).toBe('open');
    expect(sim.state.payments).toHaveLength(1);

    const d = await draft([{ description: 'x', price: 1 }]);
    expect((await post(`/sales_invoices/${d.id}/payments.json`, { payment: { payment_date: '2026-08-21', price: 1.21 } })).status).toBe(422);
  });

  it('validates payment fields with the SPEC 422 shape and manual_payment_action requirements', async () => {
    const inv = await sentInvoice();
    const r = await post(`/sales_invoices/${inv.id}/payments.json`, { payment: {} });
    expect(r.status).toBe(422);
    expect(r.body).toEqual({
      error: { payment_date: ["can't be blank", 'is not a valid date'], price: ["can't be blank", 'is not a number'] },
      details: { payment_date: [{ error: 'blank' }, { error: 'is not a valid date' }], price: [{ error: 'blank' }, { error: 'not_a_number', value: null }] },
    });
    const action = await post(`/sales_invoices/${inv.id}/payments.json`, { payment: { payment_date: '2026-08-21', price: 1, manual_payment_action: 'cash_payment' } });
    expect(action.body.error).toEqual({ financial_account_id: ["can't be blank"] });
    expect((await post(`/sales_invoices/${inv.id}/payments.json`, {})).body).toEqual({ error: 'Payment is required', symbolic: { payment: 'required' } });
    const legacy = await patch(`/sales_invoices/${inv.id}/register_payment.json`, { payment: { payment_date: '2026-08-21', price: '363.0' } });
    expect(legacy.status).toBe(200);
    expect((await get(`/sales_invoices/${inv.id}.json`)).body.state).toBe('paid');
  });
});

describe('credit invoices (must-have 13)', () => {
  beforeEach(() => start());

  it('duplicates a sent invoice into a negative draft and settles both with register_payment_creditinvoice', async () => {
    const orig = await sentInvoice();
    const credit = await patch(`/sales_invoices/${orig.id}/duplicate_creditinvoice.json`, {});
    expect(credit.status).toBe(200);
    expect(credit.body).toEqual(expect.objectContaining({ state: 'draft', original_sales_invoice_id: orig.id, reference: orig.reference, total_price_incl_tax: '-363.0' }));
    expect(credit.body.details[0]).toEqual(expect.objectContaining({ description: '**Creditfactuur voor factuur 2026-0001**', price: '0.0' }));
    expect(credit.body.details[1]).toEqual(expect.objectContaining({ amount: '-1 x', amount_decimal: '-1.0', total_price_excl_tax_with_discount: '-300.0' }));
    expect(credit.body.tax_totals[0].tax_amount).toBe('-63.0');
    // Not sent yet: cannot be settled.
    expect((await patch(`/sales_invoices/${credit.body.id}/register_payment_creditinvoice.json`, {})).status).toBe(400);
    await patch(`/sales_invoices/${credit.body.id}/send_invoice.json`, { sales_invoice_sending: { delivery_method: 'Manual' } });
    const settled = await patch(`/sales_invoices/${credit.body.id}/register_payment_creditinvoice.json`, {});
    expect(settled.status).toBe(200);
    expect(settled.body).toEqual(expect.objectContaining({ state: 'paid', total_paid: '-363.0', total_unpaid: '0.0' }));
    expect((await get(`/sales_invoices/${orig.id}.json`)).body.state).toBe('paid');
    expect((await patch(`/sales_invoices/${orig.id}/register_payment_creditinvoice.json`, {})).status).toBe(400);
  });

  it('refuses to credit a draft', async () => {
    const d = await draft([{ description: 'x', price: 1 }]);
    expect((await patch(`/sales_invoices/${d.id}/duplicate_creditinvoice.json`, {})).status).toBe(400);
  });
});

describe('external sales invoices (must-have 14)', () => {
  beforeEach(() => start());

  it('creates open invoices, requires a reference, takes payments and PDF attachments with 302 downloads', async () => {
    const c = await contact();
    const missing = await post('/external_sales_invoices.json', { external_sales_invoice: { contact_id: c.id, date: 'nope', details_attributes: [{ description: 'x', price: 1 }] } });
    expect(missing.status).toBe(422);
    expect(missing.body).toEqual({
      error: { date: ['is not a valid date'], reference: ["can't be blank"] },
      details: { date: [{ error: 'is not a valid date' }], reference: [{ error: 'blank' }] },
    });
    expect((await post('/external_sales_invoices.json', { external_sales_invoice: { contact_id: '1', reference: 'x' } })).body).toEqual({
      error: 'Contact ID is invalid',
      symbolic: { external_sales_invoice: { contact_id: 'contact_invalid' } },
    });
    const r = await post('/external_sales_invoices.json', {
      external_sales_invoice: { contact_id: c.id, reference: 'WC-1042', source: 'WooCommerce', details_attributes: [{ description: 'Rocking Chair', price: 129.95 }] },
    });
    expect(r.status).toBe(201);
    expect(r.body).toEqual(expect.objectContaining({ state: 'open', date: '2026-08-21', due_date: null, origin: 'api', entry_number: 1, total_price_incl_tax: '157.24' }));
    const p = await post(`/external_sales_invoices/${r.body.id}/payments.json`, { payment: { payment_date: '2026-08-21', price: '157.24' } });
    expect(p.status).toBe(201);
    expect(p.body.invoice_type).toBe('ExternalSalesInvoice');
    expect((await get(`/external_sales_invoices/${r.body.id}.json`)).body.state).toBe('paid');
    expect((await post(`/external_sales_invoices/1/payments.json`, { payment: { payment_date: '2026-08-21', price: 1 } })).body).toEqual({
      error: 'record not found',
      symbolic: { invoice_id: 'not_found' },
    });

    const form = new FormData();
    form.append('file', new Blob([Buffer.from('%PDF-1.4 test')], { type: 'application/pdf' }), 'WC-1042.pdf');
    const up = await request(`${api}/external_sales_invoices/${r.body.id}/attachment.json`, { method: 'POST', rawBody: form });
    expect(up.status).toBe(200);
    const after = (await get(`/external_sales_invoices/${r.body.id}.json`)).body;
    expect(after.attachments).toEqual([expect.objectContaining({ filename: 'WC-1042.pdf', content_type: 'application/pdf', size: 13, attachable_type: 'ExternalSalesInvoice' })]);
    const dl = await get(`/external_sales_invoices/${r.body.id}/attachments/${after.attachments[0].id}/download.json`);
    expect(dl.status).toBe(302);
    const file = await fetch(dl.headers.get('location')!);
    expect(Buffer.from(await file.arrayBuffer()).toString()).toBe('%PDF-1.4 test');
    expect((await request(`${api}/external_sales_invoices/${r.body.id}/attachment.json`, { method: 'POST', rawBody: new FormData() })).status).toBe(400);
    expect((await get('/external_sales_invoices/1.json')).body).toEqual({ error: 'Record not found for model name: External invoice' });
  });

  it('creates a `new` invoice from an uploaded document, which cannot be paid yet', async () => {
    const form = new FormData();
    form.append('file', new Blob([Buffer.from('%PDF-1.4 scan')], { type: 'application/pdf' }), 'scan.pdf');
    expect((await request(`${api}/external_sales_invoices/attachment.json`, { method: 'POST', rawBody: form })).status).toBe(200);
    const [inv] = sim.state.externalSalesInvoices;
    expect(inv).toEqual(expect.objectContaining({ state: 'new', reference: null, contact_id: null }));
    expect((inv.attachments as unknown[]).length).toBe(1);
    expect((await post(`/external_sales_invoices/${inv.id}/payments.json`, { payment: { payment_date: '2026-08-21', price: 1 } })).status).toBe(422);
  });

  it('has no reference filter; unknown contact filter is a 404; mark_as_uncollectible only when open', async () => {
    const c = await contact();
    const e = await post('/external_sales_invoices.json', { external_sales_invoice: { contact_id: c.id, reference: 'A', details_attributes: [{ description: 'x', price: 10 }] } });
    expect((await get('/external_sales_invoices.json?filter=contact_id:1')).body).toEqual({ error: 'record not found', symbolic: { contact_id: 'not_found' } });
    expect((await get(`/external_sales_invoices.json?filter=contact_id:${c.id}`)).body).toHaveLength(1);
    // keys external invoices do not document are ignored, as Moneybird ignores unknown keys
    await post('/external_sales_invoices.json', { external_sales_invoice: { contact_id: c.id, reference: 'B', date: '2025-02-03', details_attributes: [{ description: 'x', price: 10 }] } });
    expect((await get('/external_sales_invoices.json?filter=reference:A,state:all,period:20000101..29991231')).body).toHaveLength(2);
    expect((await get('/external_sales_invoices.json?filter=created_after:2099-01-01T00:00:00Z,period:20000101..29991231')).body).toHaveLength(2);
    // period filters on the document date; the default is this year
    expect((await get('/external_sales_invoices.json')).body).toHaveLength(1);
    expect((await get('/external_sales_invoices.json?filter=period:20250203..20250203')).body.map((x: { reference: string }) => x.reference)).toEqual(['B']);
    expect((await patch(`/external_sales_invoices/${e.body.id}/mark_as_uncollectible.json`, {})).body.state).toBe('uncollectible');
    expect((await patch(`/external_sales_invoices/${e.body.id}/mark_as_uncollectible.json`, {})).status).toBe(400);
  });
});

describe('lookups, filters, paging, synchronization (must-haves 15–17)', () => {
  beforeEach(() => start());

  it('find_by_reference answers the 404 shape of the SPEC', async () => {
    const r = await get('/sales_invoices/find_by_reference/1337.json');
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ error: 'Sales invoice with reference: 1337 was not found', symbolic: { reference: 'not_found' } });
    await draft([{ description: 'x', price: 1 }], { reference: 'WC 1/2' });
    expect((await get(`/sales_invoices/find_by_reference/${encodeURIComponent('WC 1/2')}.json`)).status).toBe(200);
  });

  it('filters replace the defaults; periods need both ends; draft-date quirk', async () => {
    const d = await draft([{ description: 'x', price: 1 }]);
    const s = await sentInvoice([{ description: 'y', price: 1 }], { invoice_date: '2025-12-31' });
    expect((await get('/sales_invoices.json')).body.map((i: { id: string }) => i.id)).toEqual([d.id]); // default period:this_year
    // Sent on 2025-12-31 with 14 days to pay: late by now, and outside this year.
    expect((await get('/sales_invoices.json?filter=state:late')).body.map((i: { id: string }) => i.id)).toEqual([s.id]);
    expect((await get('/sales_invoices.json?filter=state:open')).body).toEqual([]);
    expect((await get('/sales_invoices.json?filter=period:prev_year')).body.map((i: { id: string }) => i.id)).toEqual([s.id]);
    expect((await get('/sales_invoices.json?filter=state:draft|late')).body).toHaveLength(2);
    expect((await get('/sales_invoices.json?filter=period:20260101..')).body).toEqual({ error: 'Period must have both a start and end date' });
    expect((await get('/sales_invoices.json?filter=period:20260101..20260131')).body).toHaveLength(0); // draft dated today (Aug) only
    expect((await get('/sales_invoices/synchronization.json?filter=state:bogus')).body).toEqual({ error: 'Status is not included in the list', symbolic: { filter: 'invalid' } });
  });

  it('paginates with per_page ≤ 100 and RFC 8288 Link headers', async () => {
    for (let i = 0; i < 5; i += 1) await contact({ customer_id: `c${i}` });
    const p1 = await get('/contacts.json?per_page=2');
    expect(p1.body).toHaveLength(2);
    expect(p1.headers.get('link')).toMatch(/<[^>]*page=2[^>]*>; rel="next"/);
    const p3 = await get('/contacts.json?per_page=2&page=3');
    expect(p3.body).toHaveLength(1);
    expect(p3.headers.get('link')).toMatch(/rel="prev"/);
    expect(p3.headers.get('link')).not.toMatch(/rel="next"/);
    expect((await get('/contacts.json?per_page=101')).body).toEqual({ error: 'per_page does not have a valid value' });
    expect((await get('/sales_invoices.json?page=0')).body).toEqual({ error: 'page does not have a valid value' });
  });

  it('synchronization lists id+version for all records and returns full records for ≤ 100 ids', async () => {
    const a = await draft([{ description: 'x', price: 1 }]);
    const ids = await get('/sales_invoices/synchronization.json');
    expect(ids.body).toEqual([{ id: a.id, version: a.version }]);
    const full = await post('/sales_invoices/synchronization.json', { ids: [a.id, '1'] });
    expect(full.body.map((i: { id: string }) => i.id)).toEqual([a.id]);
    expect((await post('/sales_invoices/synchronization.json', {})).body).toEqual({ error: 'Ids is required', symbolic: { ids: 'required' } });
    expect((await post('/contacts/synchronization.json', { ids: 'x' })).body).toEqual({ error: "Ids isn't an array", symbolic: { ids: 'array' } });
  });
});

describe('rate limit and faults (must-haves 18, 19)', () => {
  it('allows limit requests per sliding window, then 429 "Retry later" with epoch Retry-After', async () => {
    await start({ rateLimit: { limit: 3, windowSec: 300 } });
    for (let i = 0; i < 3; i += 1) expect((await get('/tax_rates.json')).status).toBe(200);
    const r = await get('/tax_rates.json');
    expect(r.status).toBe(429);
    expect(r.body).toBe('Retry later');
    const reset = Math.ceil((T0 + 300_000) / 1000);
    expect(r.headers.get('ratelimit-limit')).toBe('3');
    expect(r.headers.get('ratelimit-remaining')).toBe('0');
    expect(r.headers.get('ratelimit-reset')).toBe(String(reset));
    expect(r.headers.get('retry-after')).toBe(String(reset));
    expect(sim.stats.tooManyRequests).toBe(1);
    clock += 299_000;
    expect((await get('/tax_rates.json')).status).toBe(429);
    clock += 1_001;
    expect((await get('/tax_rates.json')).status).toBe(200);
  });

  it('can send Retry-After in seconds', async () => {
    await start({ rateLimit: { limit: 1, windowSec: 60 }, retryAfterFormat: 'seconds' });
    await get('/tax_rates.json');
    clock += 10_000;
    expect((await get('/tax_rates.json')).headers.get('retry-after')).toBe('50');
  });

  it('injects 500s and 429s for matching requests and commits before dropping the connection', async () => {
    await start();
    sim.faults.inject('500', { path: '/contacts', method: 'POST' });
    expect((await post('/contacts.json', { contact: { company_name: 'x' } })).status).toBe(500);
    expect(sim.state.contacts).toHaveLength(0);
    sim.faults.inject('429', { count: 2 });
    expect((await get('/tax_rates.json')).status).toBe(429);
    expect((await get('/tax_rates.json')).headers.get('retry-after')).toMatch(/^\d{10}$/);
    expect((await get('/tax_rates.json')).status).toBe(200);
    sim.faults.inject('timeoutAfterCommit', { path: '/sales_invoices', method: 'POST' });
    await expect(post('/sales_invoices.json', { sales_invoice: { reference: 'WC-9', details_attributes: [{ description: 'x', price: 1 }] } })).rejects.toThrow();
    expect(sim.state.salesInvoices.map((i) => i.reference)).toEqual(['WC-9']);
    expect(sim.stats.writes).toBe(1);
    expect(sim.stats.byPath['POST /sales_invoices']).toBe(1);
  });
});

describe('webhooks (must-have 21)', () => {
  it('verifies the URL, delivers signed events with an Idempotency-Key, retries non-200 answers, respects enabled_events and deactivation', async () => {
    const received: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
    let answer = 200;
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(answer);
        res.end(answer === 200 ? 'ok' : 'nope');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    try {
      await start({ webhooks: { retryDelaysMs: [10, 10] } });
      expect((await post('/webhooks.json', { url: hookUrl, events: ['contact'] })).body).toEqual({
        error: "'events' has been removed from webhooks, use 'enabled_events'",
        symbolic: { events: 'removed' },
      });
      expect((await post('/webhooks.json', {})).body).toEqual({ error: 'Url is required', symbolic: { url: 'required' } });
      answer = 500;
      expect((await post('/webhooks.json', { url: hookUrl })).status).toBe(400);
      answer = 200;
      const created = await post('/webhooks.json', { url: hookUrl, enabled_events: ['sales_invoice', 'payment_registered'] });
      expect(created.status).toBe(201);
      expect(created.body.secret).toMatch(/^[0-9a-f]{64}$/);
      expect((await get('/webhooks.json')).body[0].secret).toBeUndefined();
      received.length = 0;

      await contact(); // contact_created: not subscribed
      const inv = await sentInvoice();
      await sim.webhooks.settle();
      const actions = received.map((r) => JSON.parse(r.body).action);
      expect(actions).toEqual(['sales_invoice_created', 'sales_invoice_state_changed_to_open', 'sales_invoice_send_manually']);
      const last = received[received.length - 1];
      const payload = JSON.parse(last.body);
      expect(payload).toEqual(expect.objectContaining({ administration_id: sim.administrationId, webhook_id: created.body.id, webhook_token: created.body.token, entity_type: 'SalesInvoice', entity_id: inv.id, state: 'open' }));
      const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(last.headers['moneybird-signature']))!;
      expect(createHmac('sha256', created.body.secret).update(`${t}.${last.body}`).digest('hex')).toBe(v1);
      expect(last.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);

      // A failing receiver gets the same push again, with the same Idempotency-Key.
      answer = 500;
      received.length = 0;
      await post(`/sales_invoices/${inv.id}/payments.json`, { payment: { payment_date: '2026-08-21', price: 1 } });
      await new Promise((r) => setTimeout(r, 300));
      await sim.webhooks.settle();
      expect(received.length).toBe(3); // first try + 2 retries
      expect(new Set(received.map((r) => r.headers['idempotency-key'])).size).toBe(1);
      expect((await get('/webhooks.json')).body[0]).toEqual(expect.objectContaining({ last_http_status: 500, last_http_body: 'nope' }));

      answer = 200;
      await patch(`/webhooks/${created.body.id}/deactivate.json`);
      received.length = 0;
      await sentInvoice();
      await sim.webhooks.settle();
      expect(received).toHaveLength(0);
      expect((await patch('/webhooks/1/activate.json')).body).toEqual({ error: 'Record not found for model name: Webhook' });
      expect((await del(`/webhooks/${created.body.id}.json`)).status).toBe(204);
    } finally {
      await sim.close();
      await new Promise((r) => receiver.close(() => r(undefined)));
    }
  });
});
