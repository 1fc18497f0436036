/** The Exact books reader against the simulator: 1 000 transaction lines a call, grouped back into documents. */
import { startExactSimulator, type ExactSimulator } from '../../sandbox/exact';
import { api, refresh } from '../../sandbox/exact/test-helpers';
import { exactConfig } from '../../sandbox';
import { MemoryStore } from '../../store/memory-store';
import { createExactTarget } from './index';
import { nextDay } from './readBooks';

describe('readBooks (Exact)', () => {
  let sim: ExactSimulator;
  beforeAll(async () => {
    sim = await startExactSimulator({ rateLimit: { minutely: 100000, daily: 100000 } });
    const token = (await refresh(sim, sim.issueRefreshToken())).json.access_token as string;
    const a = api(sim, token);
    const gl = (code: string) => sim.state.glAccounts.find((g) => g.Code === code)!.ID as string;
    const customer = (await a.post('crm/Accounts', { Name: 'Jansen', Status: 'C' })).json.d.ID;
    for (let i = 0; i < 700; i++) {
      const credit = i % 10 === 0;
      const r = await a.post('salesentry/SalesEntries', {
        Journal: '70',
        Customer: customer,
        EntryDate: i < 600 ? '2026-03-15T00:00:00' : '2026-05-02T00:00:00',
        YourRef: `SB-${i}`,
        SalesEntryLines: [
          { GLAccount: gl('8000'), AmountFC: credit ? '-41.32' : '41.32', VATCode: '2' },
          {
            GLAccount: gl('8000'),
            AmountFC: credit ? '-10.00' : '10.00',
            VATCode: '1',
            VATAmountFC: credit ? '-0.90' : '0.90',
          },
        ],
      });
      expect(r.status).toBe(201);
    }
  });
  afterAll(() => sim.close());

  it('reads 600 documents (1 800 lines) of a period in 2 calls, with their own signs and VAT codes', async () => {
    const target = createExactTarget({
      ...exactConfig(sim),
      vatCodeMap: { 'domestic:21': '2', 'domestic:9': '1' },
    } as never);
    const store = new MemoryStore();
    const r = await target.readBooks!(
      { from: '2026-03-01', to: '2026-04-30' },
      { store, dryRun: true, log: () => undefined },
    );
    expect(r.documents).toHaveLength(600);
    expect(r.calls).toBe(Math.ceil(1800 / 1000));
    const invoice = r.documents.find((d) => d.reference === 'SB-1')!;
    expect(invoice).toMatchObject({ type: 'SalesEntry', date: '2026-03-15', gross: '60.90' });
    expect(invoice.lines).toEqual(
      expect.arrayContaining([
        { vatCode: '2', vatKeys: ['domestic:21'], net: '41.32', vat: '8.68' },
        { vatCode: '1', vatKeys: ['domestic:9'], net: '10.00', vat: '0.90' },
      ]),
    );
    const credit = r.documents.find((d) => d.reference === 'SB-10')!;
    expect(credit.gross).toBe('-60.90');
  });

  it('the window includes its last day', () => {
    expect(nextDay('2026-02-28')).toBe('2026-03-01');
    expect(nextDay('2026-12-31')).toBe('2027-01-01');
  });
});
