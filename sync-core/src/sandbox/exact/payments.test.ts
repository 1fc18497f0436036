import type { ExactSimulator } from './index';
import { connected, message, type Api } from './test-helpers';

const LIMITS = { rateLimit: { minutely: 100000, daily: 100000 } };

describe('Exact simulator: cash/bank entries, receivables, documents and attachments', () => {
  let sim: ExactSimulator;
  let a: Api;
  let customer: string;
  const gl = (code: string): string => sim.state.glAccounts.find((g) => g.Code === code)!.ID as string;

  beforeAll(async () => {
    const s = await connected(LIMITS);
    sim = s.sim;
    a = s.api;
    customer = (await a.post('crm/Accounts', { Name: 'Jansen Webshop', Status: 'C', Email: 'jansen@example.nl' })).json.d.ID;
  });
  afterAll(() => sim.close());

  const salesEntry = async (ref: string, amount: string): Promise<{ id: string; number: number }> => {
    const r = await a.post('salesentry/SalesEntries', {
      Journal: '70',
      Customer: customer,
      EntryDate: '2026-03-01T00:00:00',
      YourRef: ref,
      SalesEntryLines: [{ GLAccount: gl('8000'), AmountFC: amount, VATCode: '0', Description: ref }],
    });
    expect(r.status).toBe(201);
    return { id: r.json.d.EntryID, number: r.json.d.EntryNumber };
  };
  const payment = (path: 'CashEntries' | 'BankEntries', journal: string, ourRef: number, amount: string, description = 'payment') => {
    const lines = path === 'CashEntries' ? 'CashEntryLines' : 'BankEntryLines';
    return a.post(`financialtransaction/${path}`, {
      JournalCode: journal,
      [lines]: [{ Account: customer, GLAccount: gl('1300'), AmountFC: amount, OurRef: ourRef, Description: description, Date: '2026-03-02T00:00:00' }],
    });
  };
  const openFor = async (ref: string) => {
    const r = await a.get(`cashflow/Receivables?$filter=YourRef eq '${ref}'&$select=AmountFC,InvoiceNumber,YourRef`);
    expect(r.status).toBe(200);
    return r.json.d.results as Array<{ AmountFC: number; InvoiceNumber: number }>;
  };

  it('a sales entry is an open item until a cash entry with its number as OurRef settles it', async () => {
    const e = await salesEntry('P-1', '50.00');
    expect(await openFor('P-1')).toEqual([expect.objectContaining({ AmountFC: 50, InvoiceNumber: e.number })]);
    const r = await payment('CashEntries', '10', e.number, '50.00', 'P-1 paid');
    expect(r.status).toBe(201);
    expect(await openFor('P-1')).toEqual([]);
    const lines = await a.get("financialtransaction/CashEntryLines?$filter=Description eq 'P-1 paid'&$select=EntryID,AmountFC,OurRef");
    expect(lines.json.d.results).toHaveLength(1);
  });

  it('a bank entry on a bank or payment-service journal settles too; a second payment leaves a negative item', async () => {
    const e = await salesEntry('P-2', '20.00');
    expect((await payment('BankEntries', '22', e.number, '20.00')).status).toBe(201);
    expect(await openFor('P-2')).toEqual([]);
    expect((await payment('BankEntries', '20', e.number, '20.00')).status).toBe(201);
    expect(await openFor('P-2')).toEqual([expect.objectContaining({ AmountFC: -20 })]);
  });

  it('a credit note is matched by a negative payment (refund paid back)', async () => {
    const e = await salesEntry('P-3', '-12.50');
    expect(await openFor('P-3')).toHaveLength(1);
    expect((await payment('BankEntries', '20', e.number, '-12.50')).status).toBe(201);
    expect(await openFor('P-3')).toEqual([]);
  });

  it('rejects the wrong journal type, missing G/L account and unknown references', async () => {
    expect(message(await payment('CashEntries', '20', 1, '1.00'))).toContain('Ongeldig: Dagboek (type)');
    expect(message(await payment('BankEntries', '10', 1, '1.00'))).toContain('Ongeldig: Dagboek (type)');
    expect(message(await payment('BankEntries', '70', 1, '1.00'))).toContain('Ongeldig: Dagboek (type)');
    const r = await a.post('financialtransaction/CashEntries', { JournalCode: '10', CashEntryLines: [{ Account: customer, AmountFC: '1.00' }] });
    expect(r.status).toBe(500);
    expect(message(r)).toContain('Verplicht: Grootboekrekening');
    const noAccount = await a.post('financialtransaction/CashEntries', { JournalCode: '10', CashEntryLines: [{ GLAccount: gl('1300'), AmountFC: '1.00' }] });
    expect(message(noAccount)).toContain('Verplicht: Relatie');
    const noLines = await a.post('financialtransaction/CashEntries', { JournalCode: '10' });
    expect(message(noLines)).toContain('Verplicht: CashEntryLines');
  });

  it('documents link to an entry; attachments need a document, a file name and base64 content', async () => {
    const e = await salesEntry('P-4', '10.00');
    const d = await a.post('documents/Documents', { Subject: 'Invoice P-4', Type: 10, Account: customer, FinancialTransactionEntryID: e.id });
    expect(d.status).toBe(201);
    const docId = d.json.d.ID as string;
    const att = await a.post('documents/DocumentAttachments', { Document: docId, FileName: 'P-4.pdf', Attachment: Buffer.from('%PDF-1.7 test').toString('base64') });
    expect(att.status).toBe(201);
    expect(att.json.d.FileSize).toBe(13);
    const found = await a.get(`documents/DocumentAttachments?$filter=Document eq guid'${docId}'&$select=ID,FileName`);
    expect(found.json.d.results).toHaveLength(1);
    expect(message(await a.post('documents/Documents', { Subject: 'x', Type: 10, FinancialTransactionEntryID: '00000000-0000-0000-0000-000000000001' }))).toContain('Ongeldige referentie');
    expect(message(await a.post('documents/Documents', { Type: 10 }))).toContain('Verplicht: Subject');
    expect(message(await a.post('documents/DocumentAttachments', { Document: '00000000-0000-0000-0000-000000000001', FileName: 'a.pdf', Attachment: 'JVBERg==' }))).toContain('Ongeldige referentie: Document');
    expect((await a.post('documents/DocumentAttachments', { Document: docId, FileName: 'a.pdf', Attachment: 'not base64!' })).status).toBe(400);
  });
});
