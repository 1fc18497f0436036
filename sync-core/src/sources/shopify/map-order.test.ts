/** Pure mapping tests of Shopify GraphQL orders (built with the simulator's arithmetic, no HTTP). */
import { buildOrder, addRefund, type OrderSpec } from '../../sandbox/shopify';
import type { SimOrder } from '../../sandbox/shopify/types';
import { mapShopifyOrder } from './map-order';
import { GqlOrder, GqlRefund } from './orders-query';
import { canonicalProblems } from './canonical-check';
import { dec, fixed, sum } from '../../model/money';

/** The simulator's stored order in the shape the source's queries return. */
function asGql(o: SimOrder) {
  const order = GqlOrder.parse({
    ...o,
    lineItems: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: o.lineItems },
    shippingLines: { pageInfo: { hasNextPage: false }, nodes: o.shippingLines },
    refunds: o.refunds.map((r) => ({ id: r.id })),
  });
  const refunds = o.refunds.map((r) =>
    GqlRefund.parse({
      ...r,
      refundLineItems: { pageInfo: { hasNextPage: false }, nodes: r.refundLineItems },
      refundShippingLines: { nodes: r.refundShippingLines },
      transactions: { nodes: r.transactions },
    }),
  );
  return { order, refunds };
}

const base: OrderSpec = {
  id: 1,
  number: 1,
  createdAt: '2026-10-01T10:00:00Z',
  taxesIncluded: true,
  customer: { id: 9, email: 'k@example.nl', firstName: 'K', lastName: 'L' },
  lines: [{ title: 'Koffie', sku: 'K', unitPrice: '12.99', quantity: 3, taxRate: '0.09' }],
};
const ctx = { shopId: 'shop.myshopify.com' };

describe('mapShopifyOrder', () => {
  test('a line with two tax lines keeps both rates; the order still adds up', () => {
    const o = buildOrder(base);
    const li = o.lineItems[0];
    // Split the 9 % line tax into two jurisdictions (as Shopify does for e.g. CA GST + PST).
    const t = li.taxLines[0];
    li.taxLines = [
      {
        ...t,
        title: 'GST',
        rate: 0.05,
        ratePercentage: 5,
        priceSet: { ...t.priceSet, shopMoney: { ...t.priceSet.shopMoney, amount: '1.86' } },
      },
      {
        ...t,
        title: 'PST',
        rate: 0.04,
        ratePercentage: 4,
        priceSet: {
          ...t.priceSet,
          shopMoney: {
            ...t.priceSet.shopMoney,
            amount: fixed(dec(t.priceSet.shopMoney.amount).minus('1.86')),
          },
        },
      },
    ];
    o.taxLines = li.taxLines;
    const { order, refunds } = asGql(o);
    const m = mapShopifyOrder(order, refunds, ctx);
    expect(m.lines[0].taxes.map((x) => x.rateId)).toEqual(['GST:0.05', 'PST:0.04']);
    expect(fixed(sum(m.lines[0].taxes.map((x) => x.amount)))).toBe(m.lines[0].tax);
    expect(canonicalProblems(m)).toEqual([]);
  });

  test('a tip that is not a line item is added as a fee only when it makes the order add up', () => {
    const o = buildOrder({ ...base, sourceName: 'pos', tip: '2.00' });
    o.lineItems = o.lineItems.filter((l) => l.title !== 'Tip');
    const m = mapShopifyOrder(asGql(o).order, [], ctx);
    expect(m.fees).toEqual([expect.objectContaining({ name: 'Tip', net: '2.00', tax: '0.00' })]);
    expect(canonicalProblems(m)).toEqual([]);
  });

  test('an amount in another currency than the order is refused, naming the field', () => {
    const o = buildOrder(base);
    o.lineItems[0].originalTotalSet.shopMoney.currencyCode = 'USD';
    expect(() => mapShopifyOrder(asGql(o).order, [], ctx)).toThrow(
      expect.objectContaining({ code: 'CurrencyMismatch', message: expect.stringContaining('Koffie') }),
    );
  });

  test('refund lines split their tax over the original line’s rates and add up to the refund', () => {
    const o = buildOrder({ ...base, shipping: [{ title: 'PostNL', price: '4.95', taxRate: '0.21' }] });
    addRefund(o, {
      createdAt: '2026-10-02T10:00:00Z',
      lines: [{ lineItemId: o.lineItems[0].id, quantity: 2 }],
      shippingLineIds: [o.shippingLines[0].id],
    });
    const { order, refunds } = asGql(o);
    const m = mapShopifyOrder(order, refunds, ctx);
    const r = m.refunds[0];
    expect(r.lines.map((l) => [l.kind, l.quantity, l.taxes[0].rateId])).toEqual([
      ['item', '2', 'BTW:0.09'],
      ['shipping', '1', 'BTW:0.21'],
    ]);
    // 2 × 12.99 = 25.98 + 4.95 shipping
    expect(r.amount).toBe('30.93');
    expect(canonicalProblems(m)).toEqual([]);
  });

  test('prices excl. VAT: net is the line total and the subtotal tax is recomputed per rate before discounts', () => {
    const o = buildOrder({
      ...base,
      taxesIncluded: false,
      discount: { kind: 'code', name: 'TIEN', type: 'percentage', value: '10' },
    });
    const m = mapShopifyOrder(asGql(o).order, [], ctx);
    // 38.97 − 3.90 = 35.07 net; 9 % → 3.16 VAT; before discount 38.97 → 3.51
    expect(m.lines[0]).toMatchObject({
      net: '35.07',
      tax: '3.16',
      subtotalNet: '38.97',
      subtotalTax: '3.51',
    });
    expect(m.discounts[0]).toMatchObject({ code: 'TIEN', kind: 'coupon', net: '3.90', tax: '0.35' });
    expect(m.totals.total).toBe('38.23');
    expect(canonicalProblems(m)).toEqual([]);
  });
});
