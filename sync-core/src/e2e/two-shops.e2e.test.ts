/**
 * Two WooCommerce shops booking into one administration without a reference prefix (the
 * default): both have an order #1001. Shop B's uncertain writes look the reference up and find
 * shop A's document; it must never be recorded as shop B's booking (issue 11, item 4). Shop B's
 * clashing orders whose write was uncertain fail with ReferenceTakenByAnotherDocument; everything
 * else is booked exactly once, to the cent, in both shops' ledgers.
 */
import { MemoryStore } from '../store/memory-store';
import { ordersOf, reconcileShops, settleShop, startTwoShops, syncShop } from './two-shops';

jest.setTimeout(180_000);

describe.each([
  ['moneybird', 'salesInvoice', { path: 'sales_invoices', method: 'POST' }],
  ['moneybird', 'externalSalesInvoice', { path: 'external_sales_invoices', method: 'POST' }],
  ['exact', 'salesEntry', { path: 'SalesEntries' }],
] as const)('two shops, one %s administration (%s), no prefix', (target, documentKind, fault) => {
  it("shop B never adopts shop A's document; its clashing uncertain writes fail with ReferenceTakenByAnotherDocument", async () => {
    const two = await startTwoShops({ target, orders: 14, seed: 31, documentKind });
    try {
      const storeA = new MemoryStore();
      const storeB = new MemoryStore();
      const a = await syncShop(two.configA, storeA);
      expect(a.failed).toBe(a.failures.filter((f) => f.code === 'CurrencyMismatch').length);
      // shop B's first writes fail with a 500 that says nothing: uncertain, so B looks #… up
      const faults = two.a.exact ? two.a.exact.faults : two.a.moneybird!.faults;
      faults.inject('500', { count: 3, ...fault });
      await syncShop(two.configB, storeB);
      await settleShop(two.configB, storeB, ['ReferenceTakenByAnotherDocument', 'CurrencyMismatch']);
      await settleShop(two.configA, storeA, ['CurrencyMismatch']);

      const rec = reconcileShops(
        [
          { name: 'A', orders: await ordersOf(two.configA), entries: await storeA.listEntries() },
          { name: 'B', orders: await ordersOf(two.configB), entries: await storeB.listEntries() },
        ],
        two.documents(),
      );
      expect(rec.shared).toEqual([]);
      expect(rec.orphans).toEqual([]);
      for (const name of ['A', 'B']) {
        const r = rec.perShop[name];
        expect({ name, duplicates: r.duplicates, missing: r.missing, cents: r.centDifferences }).toEqual({ name, duplicates: [], missing: [], cents: [] });
        expect(r.documents).toBeGreaterThan(5);
      }
      const { CurrencyMismatch: _a, ...failedA } = rec.failedByCode.A;
      expect(failedA).toEqual({});
      const { CurrencyMismatch: _b, ...failedB } = rec.failedByCode.B;
      expect(Object.keys(failedB).filter((c) => c !== 'ReferenceTakenByAnotherDocument')).toEqual([]);
      const refused = (await storeB.listEntries({ status: 'failed' })).filter((e) => e.lastError?.code === 'ReferenceTakenByAnotherDocument');
      // external invoices are looked up on the plan's date and the contact: shop A's #… on
      // another date and contact is not even found, so shop B books its own
      if (documentKind !== 'externalSalesInvoice') expect(refused.length).toBeGreaterThan(0);
      for (const e of refused) expect(e.lastError!.message).toMatch(/reference prefix/);
      // the refused references really are shop A's bookings
      const aRefs = new Set((await storeA.listEntries({ status: 'booked' })).map((e) => e.reference));
      for (const e of refused) expect(aRefs.has(e.reference)).toBe(true);
    } finally {
      await two.close();
    }
  });
});
