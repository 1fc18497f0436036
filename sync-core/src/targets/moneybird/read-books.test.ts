/** The Moneybird books reader against the simulator: one id+version list per resource, then 100 documents a POST. */
import { startMoneybirdSimulator, type MoneybirdSimulator } from '../../sandbox/moneybird';
import { moneybirdConfig } from '../../sandbox';
import { MemoryStore } from '../../store/memory-store';
import { createMoneybirdTarget } from './index';

const TOKEN = 'sandbox-moneybird-api-token-0001';

describe('readBooks (Moneybird)', () => {
  let sim: MoneybirdSimulator;
  const post = async (path: string, body: unknown) => {
    const r = await fetch(`${sim.url}/api/v2/${sim.administrationId}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await r.text();
    if (r.status !== 201) throw new Error(`${path}: ${r.status} ${text}`);
    return /"id"\s*:\s*"(\d+)"/.exec(text)![1];
  };
  beforeAll(async () => {
    sim = await startMoneybirdSimulator({ rateLimit: { limit: 100000, windowSec: 1 } });
    const contact = await post('/contacts.json', { contact: { company_name: 'Jansen B.V.' } });
    const rate = sim.state.taxRates.find((t) => t.name === '21% btw')!.id as string;
    for (let i = 0; i < 230; i++) {
      await post('/external_sales_invoices.json', {
        external_sales_invoice: {
          reference: `SB-${i}`,
          contact_id: contact,
          date: i < 210 ? '2026-03-10' : '2026-05-10',
          details_attributes: [{ description: 'Mok', price: '12.10', tax_rate_id: rate }],
        },
      });
    }
  });
  afterAll(() => sim.close());

  it('reads the 210 documents of a period in 2 lists and 3 batches, with net and VAT per rate', async () => {
    const config = moneybirdConfig(sim, 'externalSalesInvoice');
    const target = createMoneybirdTarget(config as never);
    const r = await target.readBooks!(
      { from: '2026-03-01', to: '2026-03-31' },
      { store: new MemoryStore(), dryRun: true, log: () => undefined },
    );
    expect(r.documents).toHaveLength(210);
    expect(r.calls).toBe(2 + Math.ceil(210 / 100));
    const d = r.documents.find((x) => x.reference === 'SB-7')!;
    expect(d).toMatchObject({
      type: 'ExternalSalesInvoice',
      date: '2026-03-10',
      currency: 'EUR',
      gross: '14.64',
    });
    expect(d.lines).toEqual([
      { vatCode: expect.any(String), vatKeys: ['domestic:21'], net: '12.10', vat: '2.54' },
    ]);
    expect(d.version).toMatch(/^\d+$/);
  });
});
