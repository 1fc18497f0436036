/** bulk/Financial/TransactionLines as Exact serves it: `$select` mandatory, unknown fields refused, 1 000 rows a page. */
import type { ExactSimulator } from './index';
import { connected, message, type Api } from './test-helpers';
import { D } from '../../model/money';

const LIMITS = { rateLimit: { minutely: 100000, daily: 100000 } };
const PATH = 'bulk/Financial/TransactionLines';

describe('Exact simulator bulk/Financial/TransactionLines', () => {
  let sim: ExactSimulator;
  let a: Api;
  const gl = (code: string): string => sim.state.glAccounts.find((g) => g.Code === code)!.ID as string;

  beforeAll(async () => {
    const s = await connected(LIMITS);
    sim = s.sim;
    a = s.api;
    const customer = (
      await a.post('crm/Accounts', { Name: 'Jansen Webshop', Status: 'C', Email: 'jansen@example.nl' })
    ).json.d.ID;
    for (let i = 0; i < 400; i++) {
      const r = await a.post('salesentry/SalesEntries', {
        Journal: '70',
        Customer: customer,
        EntryDate: i % 2 ? '2026-03-01T00:00:00' : '2026-04-01T00:00:00',
        YourRef: `WC-${i}`,
        SalesEntryLines: [
          { GLAccount: gl('8000'), AmountFC: '41.32', VATCode: '2', Description: 'T-shirt x2' },
          {
            GLAccount: gl('8000'),
            AmountFC: '10.00',
            VATCode: '1',
            VATAmountFC: '0.90',
            Description: 'Boek',
          },
        ],
      });
      expect(r.status).toBe(201);
    }
  });
  afterAll(() => sim.close());

  it('refuses a bulk read without $select, and an unknown field in it', async () => {
    const none = await a.get(PATH);
    expect(none.status).toBe(400);
    expect(message(none)).toMatch(/mandatory to provide the \$select/);
    const unknown = await a.get(`${PATH}?$select=ID,NoSuchField`);
    expect(unknown.status).toBe(400);
  });

  it('pages 1 000 rows at a time with an absolute __next, and filters on journal and date', async () => {
    const first = await a.get(`${PATH}?$select=ID,EntryID,LineNumber,YourRef,AmountFC,AmountVATFC,VATCode`);
    expect(first.status).toBe(200);
    expect(first.json.d.results).toHaveLength(1000);
    expect(first.json.d.__next).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/1234567\/bulk\/Financial\/TransactionLines\?.*\$skiptoken=guid'/,
    );
    const second = await a.get(first.json.d.__next);
    expect(second.json.d.results).toHaveLength(200);
    expect(second.json.d.__next).toBeUndefined();
    const march = await a.get(
      `${PATH}?$select=ID,Date&$filter=JournalCode eq '70' and Date ge datetime'2026-03-01T00:00:00' and Date lt datetime'2026-04-01T00:00:00'`,
    );
    expect(march.json.d.results).toHaveLength(600);
  });

  it('an entry is its receivable (line 0, the gross) and its revenue lines as credits with their VAT', async () => {
    const r = await a.get(
      `${PATH}?$select=EntryID,LineNumber,YourRef,AmountFC,AmountVATFC,VATCode,VATPercentage&$filter=YourRef eq 'WC-7'`,
    );
    const rows = r.json.d.results as Array<Record<string, number | string | null>>;
    expect(rows).toHaveLength(3);
    const header = rows.find((x) => x.LineNumber === 0)!;
    const lines = rows.filter((x) => x.LineNumber !== 0);
    expect(header.AmountFC).toBe(60.9);
    expect(lines.map((l) => [l.VATCode, l.AmountFC, l.AmountVATFC]).sort()).toEqual(
      [
        ['1  ', -10, -0.9],
        ['2  ', -41.32, -8.68],
      ].sort(),
    );
    const gross = lines
      .reduce((s, l) => s.plus(String(l.AmountFC)).plus(String(l.AmountVATFC)), new D(0))
      .negated();
    expect(gross.toFixed(2)).toBe('60.90');
  });
});
