import { startExactSimulator } from './index';
import { api, connected, message, refresh } from './test-helpers';

const LIMITS = { rateLimit: { minutely: 100000, daily: 100000 } };

describe('Exact simulator: more validation paths', () => {
  it('string limits: documented Item lengths and configured ones', async () => {
    const { sim, api: a } = await connected({ ...LIMITS, stringLimits: { 'SalesEntries.YourRef': 10 } });
    try {
      const long = await a.post('logistics/Items', { Code: 'L1', Description: 'x'.repeat(61) });
      expect(long.status).toBe(500);
      expect(message(long)).toBe('Ongeldig: Description (maximaal 60 tekens)');
      expect((await a.post('logistics/Items', { Code: 'L1', Description: 'x'.repeat(60) })).status).toBe(201);
      const customer = (await a.post('crm/Accounts', { Name: 'K', Status: 'C' })).json.d.ID;
      const gl = sim.state.glAccounts.find((g) => g.Code === '8000')!.ID;
      const r = await a.post('salesentry/SalesEntries', { Journal: '70', Customer: customer, YourRef: 'WC-123456789', SalesEntryLines: [{ GLAccount: gl, AmountFC: '1.00' }] });
      expect(r.status).toBe(500);
      expect(message(r)).toBe('Ongeldig: YourRef (maximaal 10 tekens)');
      // A binding error still wins over a length problem.
      const both = await a.post('salesentry/SalesEntries', { Journal: '70', YourRef: 'WC-123456789', Bogus: 1 });
      expect(both.status).toBe(400);
    } finally {
      await sim.close();
    }
  });

  it('items outside their active window, foreign currency, in-use deletes, invoice line endpoints', async () => {
    const { sim, api: a } = await connected(LIMITS);
    try {
      const customer = (await a.post('crm/Accounts', { Name: 'K', Status: 'C' })).json.d.ID;
      const old = (await a.post('logistics/Items', { Code: 'OUD', Description: 'Oud', EndDate: '2025-12-31' })).json.d.ID;
      const future = (await a.post('logistics/Items', { Code: 'NIEUW', Description: 'Nieuw', StartDate: '2027-01-01' })).json.d.ID;
      const ok = (await a.post('logistics/Items', { Code: 'OK', Description: 'Ok' })).json.d.ID;
      const inv = (lines: unknown[], over: Record<string, unknown> = {}) =>
        a.post('salesinvoice/SalesInvoices', { Journal: '70', OrderedBy: customer, OrderDate: '2026-03-01', SalesInvoiceLines: lines, ...over });
      expect(message(await inv([{ Item: old }]))).toBe('Artikel: Non actief');
      expect(message(await inv([{ Item: future }]))).toBe('Artikel: Toekomstig');
      expect(message(await inv([{ Item: ok }], { Currency: 'USD' }))).toBe('Ongeldig: Valuta');

      const created = await inv([{ Item: ok, Quantity: 1, UnitPrice: '10.00', VATCode: '2' }], { YourRef: 'L-1' });
      expect(created.status).toBe(201);
      const id = created.json.d.InvoiceID;
      const line = await a.post('salesinvoice/SalesInvoiceLines', { InvoiceID: id, Item: ok, Quantity: 2, UnitPrice: '5.00', VATCode: '1' });
      expect(line.status).toBe(201);
      expect(line.json.d.__metadata.type).toBe('Exact.Web.Api.Models.SalesInvoiceLine');
      const after = (await a.get(`salesinvoice/SalesInvoices(guid'${id}')?$expand=SalesInvoiceLines`)).json.d;
      expect(after.SalesInvoiceLines.results).toHaveLength(2);
      expect(after.AmountFC).toBe(23); // 10.00 + 2.10 + 10.00 + 0.90
      expect(message(await a.post('salesinvoice/SalesInvoiceLines', { InvoiceID: '33333333-3333-3333-3333-333333333333', Item: ok }))).toBe('Ongeldige referentie: Factuur');
      expect(message(await a.put(`salesinvoice/SalesInvoices(guid'${id}')`, { SalesInvoiceLines: [{ Item: ok }] }))).toMatch(/Binding to new entities/);

      expect(message(await a.del(`logistics/Items(guid'${ok}')`))).toBe('In gebruik: Artikel');
      expect(message(await a.del(`crm/Accounts(guid'${customer}')`))).toBe('In gebruik: Relatie');
      expect((await a.del(`logistics/Items(guid'${old}')`)).status).toBe(204);

      expect((await a.post('salesinvoice/PrintedSalesInvoices', { InvoiceID: id })).status).toBe(201);
      expect(message(await a.post('salesinvoice/SalesInvoiceLines', { InvoiceID: id, Item: ok }))).toBe('Reeds verwerkt');
      expect(sim.state.emails).toHaveLength(0);
    } finally {
      await sim.close();
    }
  });

  it('rate limits are counted per division; system/Divisions lists the consented divisions', async () => {
    const sim = await startExactSimulator({ rateLimit: { minutely: 2, daily: 100 } });
    try {
      const t = (await refresh(sim, sim.issueRefreshToken('5a4db0c5-0000-4000-8000-000000000001', { divisions: [1234567, 7654321] }))).json.access_token;
      const a1 = api(sim, t, 1234567);
      const a2 = api(sim, t, 7654321);
      expect((await a1.get('vat/VATCodes?$top=1')).status).toBe(200);
      expect((await a1.get('vat/VATCodes?$top=1')).status).toBe(200);
      expect((await a1.get('vat/VATCodes?$top=1')).status).toBe(429);
      const d = await a2.get('system/Divisions?$select=Code,Current');
      expect(d.status).toBe(200);
      expect(d.json.d.results).toEqual([
        expect.objectContaining({ Code: 1234567, Current: false }),
        expect.objectContaining({ Code: 7654321, Current: true }),
      ]);
      const narrow = (await refresh(sim, sim.issueRefreshToken())).json.access_token;
      // Same app, same division: the shared minute is used up by the other token.
      expect((await api(sim, narrow).get('system/Divisions')).status).toBe(429);
    } finally {
      await sim.close();
    }
  });

  it('sales order lines: PUT recomputes, a negative total is refused and rolled back', async () => {
    const { sim, api: a } = await connected(LIMITS);
    try {
      const customer = (await a.post('crm/Accounts', { Name: 'K', Status: 'C' })).json.d.ID;
      const item = (await a.post('logistics/Items', { Code: 'I', Description: 'I' })).json.d.ID;
      const o = (await a.post('salesorder/SalesOrders', { OrderedBy: customer, SalesOrderLines: [{ Item: item, Quantity: 1, UnitPrice: '10.00', VATCode: '2' }] })).json.d;
      const lineId = (await a.get(`salesorder/SalesOrders(guid'${o.OrderID}')/SalesOrderLines`)).json.d.results[0].ID;
      expect((await a.put(`salesorder/SalesOrderLines(guid'${lineId}')`, { Quantity: 3 })).status).toBe(204);
      expect((await a.get(`salesorder/SalesOrders(guid'${o.OrderID}')`)).json.d.AmountFC).toBe(36.3);
      const neg = await a.put(`salesorder/SalesOrderLines(guid'${lineId}')`, { Quantity: -3 });
      expect(neg.status).toBe(500);
      expect(message(neg)).toMatch(/^Ongeldig: Totaalbedrag/);
      expect((await a.get(`salesorder/SalesOrders(guid'${o.OrderID}')`)).json.d.AmountFC).toBe(36.3);
    } finally {
      await sim.close();
    }
  });
});
