/**
 * Recovery by reference against the Moneybird simulator: a document found by reference is
 * adopted only when it is this plan's (targets/adopt.ts), and finding an external sales invoice
 * does not depend on its date (Moneybird has no reference filter for them).
 */
import { startHarness, type Harness } from './test/harness';
import { handPlan } from './test/plans';

type Json = Record<string, unknown>;

const order = (reference: string, over: Partial<Parameters<typeof handPlan>[0]> = {}) =>
  handPlan({
    reference,
    lines: [
      { description: 'Koffie', quantity: '3', net: '14.85', vat: '1.34', percent: '9' },
      { role: 'shipping', description: 'Verzending', net: '4.95', vat: '1.04', percent: '21' },
    ],
    ...over,
  });
// another shop's order #1001 in the same administration: other goods, other customer
const otherShops = (reference: string, over: Partial<Parameters<typeof handPlan>[0]> = {}) =>
  order(reference, { lines: [{ description: 'Mok', net: '10.00', vat: '2.10', percent: '21' }], email: 'piet@example.com', firstName: 'Piet', ...over });

describe('two shops, one administration, no reference prefix', () => {
  let h: Harness;
  afterEach(async () => h.sim.close());

  it('sales invoices: shop B never adopts shop A\'s invoice #1001', async () => {
    h = await startHarness();
    const a = await h.target.bookDocument(order('1001'), { mayExist: false, original: null }, h.ctx);
    await expect(h.target.bookDocument(otherShops('1001'), { mayExist: true, original: null }, h.ctx)).rejects.toMatchObject({
      code: 'ReferenceTakenByAnotherDocument',
      retryable: false,
      message: expect.stringMatching(/reference prefix/),
    });
    // an uncertain write (500, nothing saved) looks the reference up too: refused, no second invoice
    h.sim.faults.inject('500', { path: '/sales_invoices', method: 'POST' });
    await expect(h.target.bookDocument(otherShops('1001'), { mayExist: false, original: null }, h.ctx)).rejects.toMatchObject({ code: 'ReferenceTakenByAnotherDocument' });
    expect((h.sim.state.salesInvoices as Json[]).filter((i) => i.reference === '1001')).toHaveLength(1);
    // shop A's own retry adopts its invoice
    await expect(h.target.bookDocument(order('1001'), { mayExist: true, original: null }, h.ctx)).resolves.toMatchObject({ id: a.id, recovered: true });
  });

  it('external sales invoices: shop B never adopts shop A\'s #1001, also not in findDocument', async () => {
    h = await startHarness({}, { documentKind: 'externalSalesInvoice', timeoutMs: 5000 });
    await h.target.bookDocument(order('1001'), { mayExist: false, original: null }, h.ctx);
    const b = otherShops('1001', { email: 'jan@example.com', firstName: 'Jan' }); // even the same customer
    await expect(h.target.bookDocument(b, { mayExist: true, original: null }, h.ctx)).rejects.toMatchObject({ code: 'ReferenceTakenByAnotherDocument' });
    await expect(h.target.findDocument(b, h.ctx)).rejects.toMatchObject({ code: 'ReferenceTakenByAnotherDocument' });
    expect(h.sim.state.externalSalesInvoices).toHaveLength(1);
  });
});

describe('external sales invoices: recovery does not depend on the date', () => {
  let h: Harness;
  afterEach(async () => h.sim.close());

  it('a write that landed but whose answer and lookup were lost is found on a retry planned for another day', async () => {
    h = await startHarness({}, { documentKind: 'externalSalesInvoice', timeoutMs: 5000 });
    const first = order('1002-C', { kind: 'cancellation', date: '2026-03-01' });
    h.sim.faults.inject('timeoutAfterCommit', { path: '/external_sales_invoices', method: 'POST' });
    h.sim.faults.inject('500', { path: '/external_sales_invoices', method: 'GET', count: 20 });
    await expect(h.target.bookDocument(first, { mayExist: false, original: null }, h.ctx)).rejects.toBeDefined();
    h.sim.faults.clear();
    expect(h.sim.state.externalSalesInvoices).toHaveLength(1);
    // the retry has no mapping (the answer never came) and a plan dated otherwise: the lookup
    // still finds the document; it is not this plan's (another date), so nothing is written
    const later = { ...first, date: '2026-03-04' };
    await expect(h.target.bookDocument(later, { mayExist: true, original: null }, h.ctx)).rejects.toMatchObject({ code: 'ReferenceTakenByAnotherDocument' });
    expect(h.sim.state.externalSalesInvoices).toHaveLength(1);
    // the same plan (its date fixed when first planned) adopts it
    await expect(h.target.bookDocument(first, { mayExist: true, original: null }, h.ctx)).resolves.toMatchObject({ recovered: true });
    expect(h.sim.state.externalSalesInvoices).toHaveLength(1);
  });
});
