import type { ExactSimulator } from './index';
import { connected, message, type Api } from './test-helpers';

describe('Exact simulator: master data, sales invoices, printing, sales orders', () => {
  let sim: ExactSimulator;
  let a: Api;
  let customer: string;
  let noEmail: string;
  let supplier: string;
  let shirt: string;
  let book: string;
  const gl = (code: string): string => sim.state.glAccounts.find((g) => g.Code === code)!.ID as string;

  beforeAll(async () => {
    const s = await connected({ rateLimit: { minutely: 100000, daily: 100000 } });
    sim = s.sim;
    a = s.api;
    customer = (await a.post('crm/Accounts', { Name: 'Jansen', Status: 'C', Email: 'jansen@example.nl' })).json.d.ID;
    noEmail = (await a.post('crm/Accounts', { Name: 'Zonder mail', Status: 'C' })).json.d.ID;
    supplier = (await a.post('crm/Accounts', { Name: 'Leverancier', Status: 'A', IsSupplier: true })).json.d.ID;
    shirt = (await a.post('logistics/Items', { Code: 'TSHIRT-M', Description: 'T-shirt M' })).json.d.ID;
    book = (await a.post('logistics/Items', { Code: 'BOEK-1', Description: 'Boek', SalesVatCode: '1', GLRevenue: gl('8010') })).json.d.ID;
  });
  afterAll(() => sim.close());

  describe('Accounts and Items', () => {
    it('Name is mandatory; Status and Email are validated', async () => {
      const r = await a.post('crm/Accounts', { Email: 'x@example.nl' });
      expect(r.status).toBe(500);
      expect(message(r)).toBe('Verplicht: Name');
      expect(message(await a.post('crm/Accounts', { Name: 'X', Status: 'Q' }))).toBe('Ongeldig: Status');
      expect(message(await a.post('crm/Accounts', { Name: 'X', Email: 'geen-mail' }))).toBe('Ongeldig: Email');
      const dup = await a.post('crm/Accounts', { Name: 'X', Code: '777' });
      const again = await a.post('crm/Accounts', { Name: 'Y', Code: '               777' });
      expect(dup.status).toBe(201);
      expect(message(again)).toBe('Code: Bestaat reeds');
    });

    it('Items: Code and Description mandatory, unique Code -> "Gegeven bestaat reeds."', async () => {
      const r = await a.post('logistics/Items', {});
      expect(r.status).toBe(500);
      expect(message(r)).toBe('Verplicht: Code\r\nVerplicht: Description');
      const dup = await a.post('logistics/Items', { Code: 'TSHIRT-M', Description: 'Nog een' });
      expect(dup.status).toBe(500);
      expect(message(dup)).toBe('Gegeven bestaat reeds.');
      const badVat = await a.post('logistics/Items', { Code: 'X1', Description: 'X', SalesVatCode: 'QQ' });
      expect(message(badVat)).toBe('Ongeldige referentie: Btw-code');
      const found = await a.get("logistics/Items?$filter=Code eq 'BOEK-1'&$select=ID,GLRevenueCode,SalesVatCode");
      expect(found.json.d.results[0]).toEqual(expect.objectContaining({ ID: book, GLRevenueCode: '8010', SalesVatCode: '1  ' }));
    });

    it('serves the Dutch master data: sales journal 70 (type 20), revenue G/L accounts, OSS VAT codes, years 2020-2030', async () => {
      const j = await a.get("financial/Journals?$filter=Code eq '70'&$select=Code,Type,AllowVAT");
      expect(j.json.d.results[0]).toEqual(expect.objectContaining({ Code: '70', Type: 20, AllowVAT: true }));
      const revenue = await a.get('financial/GLAccounts?$filter=Type eq 110&$select=Code&$orderby=Code');
      expect(revenue.json.d.results.map((g: { Code: string }) => g.Code)).toEqual(expect.arrayContaining(['8000', '8010', '8020', '8030', '8090']));
      const oss = await a.get("vat/VATCodes?$filter=OssCountry eq 'DE'&$select=Code,Percentage");
      expect(oss.json.d.results).toEqual(expect.arrayContaining([expect.objectContaining({ Code: 'D19', Percentage: 0.19 })]));
      const periods = await a.get('financial/FinancialPeriods?$filter=FinYear eq 2030&$inlinecount=allpages&$select=FinPeriod');
      expect(periods.json.d.__count).toBe('12');
      const pc = await a.get('cashflow/PaymentConditions?$select=Code,PaymentDays');
      expect(pc.json.d.results.length).toBeGreaterThanOrEqual(3);
      expect((await a.post('financial/FinancialPeriods', { FinYear: 2031 })).status).toBe(405);
    });
  });

  describe('SalesInvoices', () => {
    const invoice = (over: Record<string, unknown> = {}, lines?: unknown[]): Record<string, unknown> => ({
      Journal: '70',
      OrderedBy: customer,
      OrderDate: '2026-03-01T00:00:00',
      YourRef: 'SHOP-10023',
      Description: 'Shopify order #10023',
      SalesInvoiceLines: lines ?? [
        { Item: shirt, Quantity: 2, UnitPrice: 20.66, VATCode: '2  ' },
        { Item: book, Quantity: '1', UnitPrice: '10.00' },
      ],
      ...over,
    });

    it('creates an open invoice (Status 20) with a number, deriving G/L and VAT from the item', async () => {
      const r = await a.post('salesinvoice/SalesInvoices', invoice({ InvoiceNumber: 1 }));
      expect(r.status).toBe(201);
      const d = r.json.d;
      expect(d.Status).toBe(20);
      expect(d.Type).toBe(8020);
      expect(d.InvoiceNumber).toBeGreaterThan(26700000);
      expect(d.InvoiceTo).toBe(customer);
      // 41.32 + 8.68 (21%) + 10.00 + 0.90 (9%)
      expect(d.AmountFCExclVat).toBe(51.32);
      expect(d.VATAmountFC).toBe(9.58);
      expect(d.AmountFC).toBe(60.9);
      const stored = sim.state.salesInvoices.find((i) => i.InvoiceID === d.InvoiceID)!;
      const lines = stored.SalesInvoiceLines as Array<Record<string, unknown>>;
      expect(lines[0]).toEqual(expect.objectContaining({ GLAccount: gl('8000'), VATCode: '2  ', AmountFC: '41.32', VATAmountFC: '8.68' }));
      expect(lines[1]).toEqual(expect.objectContaining({ GLAccount: gl('8010'), VATCode: '1  ', AmountFC: '10.00', VATAmountFC: '0.90' }));
      const byRef = await a.get("salesinvoice/SalesInvoices?$filter=YourRef eq 'SHOP-10023'&$select=InvoiceID,Status");
      expect(byRef.json.d.results).toEqual([expect.objectContaining({ InvoiceID: d.InvoiceID, Status: 20 })]);
    });

    it.each([
      ['no OrderedBy', () => invoice({ OrderedBy: undefined }), 'Verplicht: Besteld door'],
      ['no journal', () => invoice({ Journal: undefined }), 'Verplicht: Dagboek'],
      ['no lines', () => invoice({}, []), 'Verplicht: SalesInvoiceLines'],
      ['a line without item', () => invoice({}, [{ Quantity: 1, UnitPrice: 5 }]), 'Verplicht: Artikel'],
      ['an unknown item', () => invoice({}, [{ Item: '22222222-2222-2222-2222-222222222222' }]), 'Ongeldige referentie: Artikel'],
      ['a supplier as customer', () => invoice({ OrderedBy: supplier }), 'Ongeldig: Besteld door (Type)'],
      ['an unknown type', () => invoice({ Type: 9999 }), 'Ongeldig: Type'],
    ])('500 for %s', async (_n, body, expected) => {
      const r = await a.post('salesinvoice/SalesInvoices', body());
      expect(r.status).toBe(500);
      expect(message(r).split('\r\n')).toContain(expected);
    });

    it('order charge lines: incl. amount derives excl. and VAT', async () => {
      const r = await a.post('salesinvoice/SalesInvoices', {
        ...invoice({ YourRef: 'SHOP-SHIP' }, [{ Item: shirt, Quantity: 1, UnitPrice: '10.00', VATCode: '2' }]),
        SalesInvoiceOrderChargeLines: [{ IsShippingCost: true, AmountFCInclVAT: '6.05', VATCode: '2' }],
      });
      expect(r.status).toBe(201);
      const stored = sim.state.salesInvoices.find((i) => i.YourRef === 'SHOP-SHIP')!;
      expect((stored.SalesInvoiceOrderChargeLines as Array<Record<string, unknown>>)[0]).toEqual(
        expect.objectContaining({ AmountFCExclVAT: '5.00', AmountVATFC: '1.05', AmountFCInclVAT: '6.05' }),
      );
      expect(r.json.d.AmountFC).toBe(18.15);
    });

    it('credit notes (Type 8021)', async () => {
      const r = await a.post('salesinvoice/SalesInvoices', invoice({ Type: 8021, YourRef: 'SHOP-CN' }, [{ Item: shirt, Quantity: -1, UnitPrice: '10.00', VATCode: '2' }]));
      expect(r.status).toBe(201);
      expect(r.json.d.TypeDescription).toBe('Verkoopcreditnota');
      expect(r.json.d.AmountFC).toBe(-12.1);
    });

    it('PrintedSalesInvoices processes the invoice: Status 50, a matching sales entry, e-mail recorded; then "Reeds verwerkt"', async () => {
      const inv = (await a.post('salesinvoice/SalesInvoices', invoice({ YourRef: 'SHOP-PRINT' }))).json.d;
      const p = await a.post('salesinvoice/PrintedSalesInvoices', { InvoiceID: inv.InvoiceID, SendEmailToCustomer: true, SenderEmailAddress: 'shop@example.nl' });
      expect(p.status).toBe(201);
      expect(p.json.d.__metadata.type).toBe('Exact.Web.Api.Models.PrintedSalesInvoice');
      expect(p.json.d.DocumentCreationSuccess).toBeTruthy();
      expect(p.json.d.EmailCreationSuccess).toBeTruthy();
      expect(p.json.d.Document).toMatch(/^[0-9a-f-]{36}$/);
      expect(sim.state.emails).toEqual([expect.objectContaining({ invoiceId: inv.InvoiceID, to: 'jansen@example.nl' })]);
      const after = await a.get(`salesinvoice/SalesInvoices(guid'${inv.InvoiceID}')`);
      expect(after.json.d.Status).toBe(50);
      const entries = await a.get("salesentry/SalesEntries?$filter=YourRef eq 'SHOP-PRINT'&$select=EntryNumber,AmountFC,VATAmountFC,Status,Customer");
      expect(entries.json.d.results).toEqual([expect.objectContaining({ EntryNumber: inv.InvoiceNumber, AmountFC: inv.AmountFC, VATAmountFC: inv.VATAmountFC, Status: 50, Customer: customer })]);
      const put = await a.put(`salesinvoice/SalesInvoices(guid'${inv.InvoiceID}')`, { Description: 'te laat' });
      expect(put.status).toBe(500);
      expect(message(put)).toBe('Reeds verwerkt');
      expect(message(await a.post('salesinvoice/PrintedSalesInvoices', { InvoiceID: inv.InvoiceID }))).toBe('Reeds verwerkt');
      expect(message(await a.del(`salesinvoice/SalesInvoices(guid'${inv.InvoiceID}')`))).toBe('Reeds verwerkt');
      expect((await a.get('salesinvoice/PrintedSalesInvoices')).status).toBe(405);
    });

    it('printing without a customer e-mail reports EmailCreationError', async () => {
      const inv = (await a.post('salesinvoice/SalesInvoices', invoice({ OrderedBy: noEmail, YourRef: 'SHOP-NOMAIL' }))).json.d;
      const p = await a.post('salesinvoice/PrintedSalesInvoices', { InvoiceID: inv.InvoiceID, SendEmailToCustomer: true });
      expect(p.status).toBe(201);
      expect(p.json.d.EmailCreationError).toBeTruthy();
      expect(message(await a.post('salesinvoice/PrintedSalesInvoices', {}))).toBe('Verplicht: InvoiceID');
    });
  });

  describe('SalesOrders', () => {
    const order = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
      OrderedBy: customer,
      YourRef: 'WC-SO-1',
      OrderDate: '2026-03-01',
      SalesOrderLines: [{ Item: shirt, Quantity: 1, UnitPrice: '20.00', VATCode: '2' }],
      ...over,
    });

    it('unique OrderNumber: "Verkoopordernummer: Bestaat reeds"; YourRef filter', async () => {
      const r = await a.post('salesorder/SalesOrders', order({ OrderNumber: 10023 }));
      expect(r.status).toBe(201);
      expect(r.json.d.AmountFC).toBe(24.2);
      expect(r.json.d.Status).toBe(12);
      const dup = await a.post('salesorder/SalesOrders', order({ OrderNumber: 10023 }));
      expect(dup.status).toBe(500);
      expect(message(dup)).toBe('Verkoopordernummer: Bestaat reeds');
      const byRef = await a.get("salesorder/SalesOrders?$filter=YourRef eq 'WC-SO-1'&$select=OrderNumber");
      expect(byRef.json.d.results).toEqual([expect.objectContaining({ OrderNumber: 10023 })]);
    });

    it('negative totals are rejected; lines need an item', async () => {
      const neg = await a.post('salesorder/SalesOrders', order({ YourRef: 'WC-SO-NEG', SalesOrderLines: [{ Item: shirt, Quantity: -1, UnitPrice: '20.00' }] }));
      expect(neg.status).toBe(500);
      expect(message(neg)).toMatch(/^Ongeldig: Totaalbedrag/);
      const noItem = await a.post('salesorder/SalesOrders', order({ SalesOrderLines: [{ Quantity: 1 }] }));
      expect(message(noItem)).toBe('Verplicht: Artikel');
      expect(message(await a.post('salesorder/SalesOrders', order({ OrderedBy: undefined })))).toBe('Verplicht: Besteld door');
    });
  });
});
