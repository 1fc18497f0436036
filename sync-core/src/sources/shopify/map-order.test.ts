/** Pure mapping tests of Shopify GraphQL orders (built with the simulator's arithmetic, no HTTP). */
import { buildOrder, addRefund, type OrderSpec } from '../../sandbox/shopify';
import type { SimOrder } from '../../sandbox/shopify/types';
import { mapShopifyOrder } from './map-order';
import { GqlOrder, GqlRefund } from './orders-query';
import { canonicalProblems } from './canonical-check';
import { dec, fixed, sum } from '../../model/money';
import { planOrder } from '../../plan/plan-order';
import { ShopifyVatNumberSettings } from './config';

/** The simulator's stored order in the shape the source's queries return. */
function asGql(o: SimOrder, vat = { namespace: 'custom', key: 'vat_number' }) {
  const order = GqlOrder.parse({
    ...o,
    // the source asks for the configured metafield under the alias vatMetafield
    customer: o.customer && {
      ...o.customer,
      vatMetafield:
        o.customer.metafields.find((m) => m.namespace === vat.namespace && m.key === vat.key) ?? null,
    },
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

describe('mapShopifyOrder: B2B tax exemptions and the VAT number', () => {
  const address = (country: string, company: string | null) => ({
    address1: 'Hohe Straße 12',
    address2: null,
    city: 'Köln',
    company,
    country: 'Germany',
    countryCodeV2: country,
    firstName: 'Anna',
    lastName: 'Schmidt',
    name: 'Anna Schmidt',
    phone: null,
    province: null,
    provinceCode: null,
    zip: '50667',
  });
  const b2b = (over: Partial<OrderSpec> = {}, customer: Partial<NonNullable<OrderSpec['customer']>> = {}): OrderSpec => ({
    ...base,
    taxesIncluded: false,
    customer: {
      id: 77,
      email: 'inkoop@gruenwerk.example',
      firstName: 'Anna',
      lastName: 'Schmidt',
      taxExemptions: ['EU_REVERSE_CHARGE_EXEMPTION_RULE'],
      ...customer,
    },
    billingAddress: address('DE', 'Grünwerk GmbH'),
    shippingAddress: address('DE', 'Grünwerk GmbH'),
    lines: [{ title: 'Koffiemachine', sku: 'KM', unitPrice: '800.00', quantity: 1, taxRate: '0.21' }],
    shipping: [{ title: 'DHL', price: '25.00', taxRate: '0.21' }],
    ...over,
  });
  const settings = (over: Partial<ShopifyVatNumberSettings> = {}) => ({ ...ShopifyVatNumberSettings.parse({}), ...over });

  test('EU reverse-charge exemption + VAT number in the customer metafield: reverse charge on every line', () => {
    const o = buildOrder(b2b({}, { metafields: [{ namespace: 'custom', key: 'vat_number', value: 'de 123 456 789' }] }));
    expect(o.taxLines).toEqual([]);
    const m = mapShopifyOrder(asGql(o).order, [], ctx);
    expect(m.customer).toMatchObject({ taxExempt: true, vatNumber: 'DE123456789', company: 'Grünwerk GmbH' });
    expect(canonicalProblems(m)).toEqual([]);
    const r = planOrder(m);
    if (!r.ok) throw r.error;
    expect(new Set(r.plan.lines.map((l) => l.vatInfo.key))).toEqual(new Set(['reverse_charge:0']));
  });

  test('a checkout custom attribute named like "VAT number" is found (name compared loosely)', () => {
    const o = buildOrder(b2b({ customAttributes: [{ key: 'VAT Number', value: 'FR12345678901' }] }));
    expect(mapShopifyOrder(asGql(o).order, [], ctx).customer.vatNumber).toBe('FR12345678901');
  });

  test('the billing company is the last resort, and only when it holds something shaped like a VAT number', () => {
    const withVat = buildOrder(b2b({ billingAddress: address('BE', 'Peeters BV BE 0123.456.789') }));
    expect(mapShopifyOrder(asGql(withVat).order, [], ctx).customer.vatNumber).toBe('BE0123456789');
    const name = buildOrder(b2b());
    expect(mapShopifyOrder(asGql(name).order, [], ctx).customer.vatNumber).toBe('');
    const off = mapShopifyOrder(asGql(withVat).order, [], { ...ctx, vatNumber: settings({ billingCompany: false }) });
    expect(off.customer.vatNumber).toBe('');
  });

  test('the metafield wins over the attribute, which wins over the billing company', () => {
    const o = buildOrder(
      b2b(
        { customAttributes: [{ key: 'vat_number', value: 'DE222222222' }], billingAddress: address('DE', 'DE333333333') },
        { metafields: [{ namespace: 'custom', key: 'vat_number', value: 'DE111111111' }] },
      ),
    );
    expect(mapShopifyOrder(asGql(o).order, [], ctx).customer.vatNumber).toBe('DE111111111');
    expect(mapShopifyOrder(asGql(o).order, [], { ...ctx, vatNumber: settings({ customerMetafield: null }) }).customer.vatNumber).toBe('DE222222222');
  });

  test('a configured metafield namespace and key are used instead of the default', () => {
    const o = buildOrder(b2b({}, { metafields: [{ namespace: 'btw', key: 'nummer', value: 'DE987654321' }] }));
    const cfg = settings({ customerMetafield: { namespace: 'btw', key: 'nummer' } });
    const m = mapShopifyOrder(asGql(o, { namespace: 'btw', key: 'nummer' }).order, [], { ...ctx, vatNumber: cfg });
    expect(m.customer.vatNumber).toBe('DE987654321');
  });

  test('tax-exempt without a VAT number anywhere: the plan refuses it with a reason, not domestic 0 %', () => {
    const o = buildOrder(b2b());
    const m = mapShopifyOrder(asGql(o).order, [], ctx);
    expect(m.customer).toMatchObject({ taxExempt: true, vatNumber: '' });
    const r = planOrder(m);
    expect(r).toMatchObject({ ok: false, disposition: 'fail', error: { code: 'VatNumberMissing' } });
    if (!r.ok) expect(r.error.message).toMatch(/VAT number/);
  });

  test('"Collect tax" off on the customer (Customer/Order.taxExempt) also counts as tax-exempt', () => {
    const o = buildOrder(b2b({}, { taxExemptions: [], taxExempt: true }));
    expect(o.taxExempt).toBe(true);
    expect(mapShopifyOrder(asGql(o).order, [], ctx).customer.taxExempt).toBe(true);
  });
});

describe('mapShopifyOrder: paid means the financial status says paid', () => {
  test('PAID without a payment transaction still has a payment date; PENDING has none', () => {
    const o = buildOrder({ ...base, payment: 'paid' });
    o.transactions = [];
    expect(o.displayFinancialStatus).toBe('PAID');
    expect(mapShopifyOrder(asGql(o).order, [], ctx).paidAt).toBe(o.processedAt);
    const pending = buildOrder({ ...base, payment: 'pending' });
    pending.displayFulfillmentStatus = 'FULFILLED';
    expect(mapShopifyOrder(asGql(pending).order, [], ctx).paidAt).toBeNull();
  });
});
