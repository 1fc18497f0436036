import { startExactSimulator, type ExactSimulator } from './index';
import { api, connected, message, refresh, type Api } from './test-helpers';

const LIMITS = { rateLimit: { minutely: 100000, daily: 100000 } };

describe('Exact simulator sales documents and Dutch validation errors', () => {
  let sim: ExactSimulator;
  let a: Api;
  let customer: string;
  let prospect: string;
  const gl = (code: string): string => sim.state.glAccounts.find((g) => g.Code === code)!.ID as string;

  beforeAll(async () => {
    const s = await connected(LIMITS);
    sim = s.sim;
    a = s.api;
    customer = (await a.post('crm/Accounts', { Name: 'Jansen Webshop', Status: 'C', Email: 'jansen@example.nl' })).json.d.ID;
    prospect = (await a.post('crm/Accounts', { Name: 'Prospect B.V.', Status: 'P' })).json.d.ID;
  });
  afterAll(() => sim.close());

  const entry = (over: Record<string, unknown> = {}, lines?: unknown[]): Record<string, unknown> => ({
    Journal: '70',
    Customer: customer,
    EntryDate: '2026-03-01T00:00:00',
    YourRef: 'WC-10023',
    Description: 'WooCommerce order 10023',
    SalesEntryLines: lines ?? [
      { GLAccount: gl('8000'), AmountFC: '41.32', VATCode: '2  ', Description: 'T-shirt x2' },
      { GLAccount: gl('8000'), AmountFC: 4.96, VATCode: '2', VATAmountFC: '1.04', Description: 'Verzending' },
    ],
    ...over,
  });

  describe('SalesEntries', () => {
    it('books an entry: VAT per line, header totals, number, dates, YourRef lookup, expand/deferred lines', async () => {
      const r = await a.post('salesentry/SalesEntries', entry());
      expect(r.status).toBe(201);
      const d = r.json.d;
      expect(d.__metadata.type).toBe('Exact.Web.Api.Models.SalesEntry');
      expect(d.SalesEntryLines.__deferred.uri).toBe(`${d.__metadata.uri}/SalesEntryLines`);
      // 41.32 * 0.21 = 8.6772 -> 8.68; shipping VAT given explicitly.
      expect(d.VATAmountFC).toBe(9.72);
      expect(d.AmountFC).toBe(56.0);
      expect(d.AmountDC).toBe(56.0);
      expect(d.EntryNumber).toBe(26700001);
      expect(d.EntryDate).toBe(`/Date(${Date.UTC(2026, 2, 1)})/`);
      expect(d.DueDate).toBe(`/Date(${Date.UTC(2026, 2, 31)})/`);
      expect(d.PaymentCondition).toBe('30');
      expect(d.ReportingYear).toBe(2026);
      expect(d.ReportingPeriod).toBe(3);
      expect(d.Type).toBe(20);
      const found = await a.get("salesentry/SalesEntries?$filter=YourRef eq 'WC-10023'&$expand=SalesEntryLines&$select=EntryID,EntryNumber,SalesEntryLines/AmountFC,SalesEntryLines/VATAmountFC,SalesEntryLines/VATCode");
      expect(found.json.d.results).toHaveLength(1);
      expect(found.json.d.results[0].SalesEntryLines.results.map((l: Record<string, unknown>) => [l.AmountFC, l.VATAmountFC, l.VATCode])).toEqual([
        [41.32, 8.68, '2  '],
        [4.96, 1.04, '2  '],
      ]);
      const stored = sim.state.salesEntries.find((e) => e.EntryID === d.EntryID)!;
      expect(stored.AmountFC).toBe('56.00');
      const lines = await a.get(`salesentry/SalesEntries(guid'${d.EntryID}')/SalesEntryLines`);
      expect(lines.json.d.results).toHaveLength(2);
    });

    it('rounds VAT half away from zero in decimal arithmetic, and derives the VAT code from the G/L account', async () => {
      const r = await a.post('salesentry/SalesEntries', entry({ YourRef: 'WC-R1' }, [
        { GLAccount: gl('8010'), AmountFC: '12.50' },
        { GLAccount: gl('8000'), AmountFC: '0.10', VATCode: '2' },
      ]));
      expect(r.status).toBe(201);
      const lines = sim.state.salesEntries.find((e) => e.YourRef === 'WC-R1')!.SalesEntryLines as Array<Record<string, unknown>>;
      expect(lines[0].VATCode).toBe('1  ');
      expect(lines[0].VATAmountFC).toBe('1.13'); // 12.50 * 0.09 = 1.125
      expect(lines[1].VATAmountFC).toBe('0.02'); // 0.021
    });

    it('inclusive (type I) codes take VAT out of the amount', async () => {
      const r = await a.post('salesentry/SalesEntries', entry({ YourRef: 'WC-I' }, [{ GLAccount: gl('8000'), AmountFC: '121.00', VATCode: '4' }]));
      expect(r.json.d.AmountFC).toBe(121);
      expect(r.json.d.VATAmountFC).toBe(21);
    });

    it('credit notes: negative entries are allowed and get Type 21', async () => {
      const r = await a.post('salesentry/SalesEntries', entry({ YourRef: 'WC-10023-R1' }, [{ GLAccount: gl('8000'), AmountFC: '-10.00', VATCode: '2' }]));
      expect(r.status).toBe(201);
      expect(r.json.d.AmountFC).toBe(-12.1);
      expect(r.json.d.Type).toBe(21);
    });

    it('Verplicht: missing mandatory fields give 500 with the messages joined by CRLF', async () => {
      const r = await a.post('salesentry/SalesEntries', { EntryDate: '2026-03-01' });
      expect(r.status).toBe(500);
      expect(r.json).toEqual({ error: { code: '', message: { lang: '', value: 'Verplicht: Klant\r\nVerplicht: Dagboek\r\nVerplicht: SalesEntryLines' } } });
      const line = await a.post('salesentry/SalesEntries', entry({}, [{ Description: 'zonder bedrag' }]));
      expect(line.status).toBe(500);
      expect(message(line).split('\r\n')).toEqual(['Verplicht: AmountFC', 'Verplicht: Grootboekrekening']);
    });

    it.each([
      ['journal GUID instead of code', () => entry({ Journal: sim.state.journals.find((j) => j.Code === '70')!.ID }), 'Ongeldige referentie: Journals'],
      ['bank journal', () => entry({ Journal: '20' }), 'Ongeldig: Dagboek (type)'],
      ['prospect as customer', () => entry({ Customer: prospect }), 'Ongeldig: Klant (Type)'],
      ['unknown customer', () => entry({ Customer: '11111111-1111-1111-1111-111111111111' }), 'Ongeldige referentie: Klant'],
      ['AR account on a line', () => entry({}, [{ GLAccount: gl('1300'), AmountFC: '1.00', VATCode: '2' }]), 'Ongeldig: Grootboekrekeningtype'],
      ['unknown VAT code', () => entry({}, [{ GLAccount: gl('8000'), AmountFC: '1.00', VATCode: 'ZZ' }]), 'Ongeldige referentie: Btw-code'],
      ['blocked VAT code', () => entry({}, [{ GLAccount: gl('8000'), AmountFC: '1.00', VATCode: '99' }]), 'Geblokkeerd: Btw code'],
      ['VAT in a journal without VAT', () => entry({ Journal: '72' }), 'Niet toegestaan: Btw-code'],
      ['date before the financial years', () => entry({ EntryDate: '2019-12-31' }), 'Onbekend: Boekjaar (Periode - datum tabel)'],
      ['unknown payment condition', () => entry({ PaymentCondition: '99' }), 'Ongeldige referentie: Betalingsconditie'],
      ['VAT amount with a no-VAT code', () => entry({}, [{ GLAccount: gl('8000'), AmountFC: '1.00', VATCode: '0', VATAmountFC: '0.21' }]), 'Niet toegestaan: Btw-bedrag bij deze btw-code'],
    ])('500 for %s', async (_name, body, expected) => {
      const r = await a.post('salesentry/SalesEntries', body());
      expect(r.status).toBe(500);
      expect(message(r).split('\r\n')).toContain(expected);
    });

    it('own EntryNumber is accepted once per journal: "In gebruik: Boekstuknummer"', async () => {
      expect((await a.post('salesentry/SalesEntries', entry({ EntryNumber: 26709001, YourRef: 'WC-N1' }))).status).toBe(201);
      const dup = await a.post('salesentry/SalesEntries', entry({ EntryNumber: 26709001, YourRef: 'WC-N1' }));
      expect(dup.status).toBe(500);
      expect(message(dup)).toBe('In gebruik: Boekstuknummer');
      expect(sim.state.salesEntries.filter((e) => e.YourRef === 'WC-N1')).toHaveLength(1);
    });

    it('closed periods refuse entries', async () => {
      sim.closePeriod(2026, 1);
      try {
        const r = await a.post('salesentry/SalesEntries', entry({ EntryDate: '2026-01-15' }));
        expect(r.status).toBe(500);
        expect(message(r)).toBe('Periode is afgesloten');
      } finally {
        sim.closePeriod(2026, 1, false);
      }
    });

    it('PUT updates the header but cannot add lines; lines are added and deleted one by one; the last line takes the entry with it', async () => {
      const d = (await a.post('salesentry/SalesEntries', entry({ YourRef: 'WC-PUT' }))).json.d;
      const key = `salesentry/SalesEntries(guid'${d.EntryID}')`;
      expect((await a.put(key, { Description: 'gewijzigd' })).status).toBe(204);
      const withLines = await a.put(key, { SalesEntryLines: [{ GLAccount: gl('8000'), AmountFC: '1.00' }] });
      expect(withLines.status).toBe(400);
      expect(message(withLines)).toMatch(/^Error processing request stream\. Binding to new entities/);
      const added = await a.post('salesentry/SalesEntryLines', { EntryID: d.EntryID, GLAccount: gl('8000'), AmountFC: '10.00', VATCode: '2' });
      expect(added.status).toBe(201);
      expect((await a.get(key)).json.d.AmountFC).toBe(68.1);
      const lineIds = (await a.get(`${key}/SalesEntryLines`)).json.d.results.map((l: { ID: string }) => l.ID);
      for (const id of lineIds) expect((await a.del(`salesentry/SalesEntryLines(guid'${id}')`)).status).toBe(204);
      expect((await a.get(key)).status).toBe(404);
    });
  });
});

describe('timeouts after commit', () => {
  it('hold and drop modes commit first; the retry collides and the YourRef lookup finds the entry', async () => {
    const { sim, api: a } = await connected(LIMITS);
    try {
      const customer = (await a.post('crm/Accounts', { Name: 'K', Status: 'C' })).json.d.ID;
      const gl8000 = sim.state.glAccounts.find((g) => g.Code === '8000')!.ID;
      const body = { Journal: '70', Customer: customer, EntryDate: '2026-03-01', EntryNumber: 26700500, YourRef: 'WC-T1', SalesEntryLines: [{ GLAccount: gl8000, AmountFC: '10.00', VATCode: '2' }] };
      const token = (await refresh(sim, sim.issueRefreshToken())).json.access_token;
      const post = (signal?: AbortSignal) =>
        fetch(`${sim.url}/api/v1/1234567/salesentry/SalesEntries`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
          signal,
        });
      sim.faults.delayMs = 2000;
      sim.faults.inject('timeoutAfterCommit', { path: 'SalesEntries' });
      await expect(post(AbortSignal.timeout(150))).rejects.toThrow();
      expect(sim.state.salesEntries.filter((e) => e.YourRef === 'WC-T1')).toHaveLength(1);
      const retry = await post();
      expect(retry.status).toBe(500);
      expect(((await retry.json()) as { error: { message: { value: string } } }).error.message.value).toBe('In gebruik: Boekstuknummer');
      const lookup = await a.get("salesentry/SalesEntries?$filter=YourRef eq 'WC-T1'&$select=EntryID,EntryNumber");
      expect(lookup.json.d.results).toEqual([expect.objectContaining({ EntryNumber: 26700500 })]);

      sim.faults.inject('timeoutAfterCommit', { path: 'crm/Accounts', mode: 'drop' });
      await expect(a.post('crm/Accounts', { Name: 'Dropped', Status: 'C' })).rejects.toThrow();
      expect(sim.state.accounts.some((x) => x.Name === 'Dropped')).toBe(true);
      // Committed writes: account K, the entry, the dropped account (the refused retry is not a write).
      expect(sim.stats.writes).toBe(3);
    } finally {
      await sim.close();
    }
  });
});

describe('administration without a default payment condition', () => {
  it('gives "Verplicht: Betalingsconditie"', async () => {
    const { sim, api: a } = await connected(LIMITS);
    try {
      sim.state.of(1234567).defaultPaymentCondition = null;
      const customer = (await a.post('crm/Accounts', { Name: 'K', Status: 'C' })).json.d.ID;
      const gl8000 = sim.state.glAccounts.find((g) => g.Code === '8000')!.ID;
      const r = await a.post('salesentry/SalesEntries', { Journal: '70', Customer: customer, EntryDate: '2026-03-01', SalesEntryLines: [{ GLAccount: gl8000, AmountFC: '1.00' }] });
      expect(r.status).toBe(500);
      expect(message(r)).toBe('Verplicht: Betalingsconditie');
      const withCondition = await a.post('salesentry/SalesEntries', { Journal: '70', Customer: customer, EntryDate: '2026-03-01', PaymentCondition: '14', SalesEntryLines: [{ GLAccount: gl8000, AmountFC: '1.00' }] });
      expect(withCondition.status).toBe(201);
      expect(withCondition.json.d.DueDate).toBe(`/Date(${Date.UTC(2026, 2, 15)})/`);
    } finally {
      await sim.close();
    }
  });

  it('seedMasterData: false starts an empty administration', async () => {
    const sim = await startExactSimulator({ seedMasterData: false });
    try {
      const t = (await refresh(sim, sim.issueRefreshToken())).json.access_token;
      expect((await api(sim, t).get('vat/VATCodes')).json.d.results).toEqual([]);
      expect(sim.state.journals).toEqual([]);
    } finally {
      await sim.close();
    }
  });
});
