/** Pure mapping tests of CCV Shop payloads (no simulator): edge cases of the VAT derivation. */
import { mapCcvOrder, mapCcvState } from './map-order';
import { canonicalProblems } from '../shopify/canonical-check';
import { ShopbooksError } from '../../model/errors';

const ctx = {
  shopId: 'winkel.ccvshop.nl',
  modifiedAt: '2026-10-01T10:05:00Z',
  paidAt: '2026-10-01T10:01:00Z',
};

function order(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 1,
    ordernumber: 5,
    ordernumber_full: '5',
    create_date: '2026-10-01T10:00:00Z',
    status: 1,
    is_completed: true,
    paid: true,
    paymethod: 'iDEAL',
    taxes_included: true,
    order_row_taxes_included: true,
    shipping_taxes_included: true,
    shipping_tax_percentage: 21,
    is_intra_community_order: false,
    total_orderrow_price: 30,
    total_shipping: 0,
    total_discounts: 0,
    total_price: 30,
    total_tax: 3.55,
    paymethod_costs: 0,
    extra_costs: 0,
    currency: 'EUR',
    customer: {
      email: 'a@example.nl',
      billingaddress: {
        first_name: 'A',
        last_name: 'B',
        street: 'Dam',
        housenumber: 1,
        zipcode: '1012JS',
        city: 'Amsterdam',
        country_code: 'NL',
      },
      deliveryaddress: {},
    },
    ...over,
  };
}
const row = (over: Record<string, unknown> = {}) => ({
  id: 11,
  product_name: 'Thee',
  product_number: 'T1',
  count: 3,
  price: 3.33,
  discount: 0,
  tax: 21,
  total_price: 9.99,
  ...over,
});

describe('mapCcvOrder', () => {
  test('per-line VAT is derived so that it adds up to the shop’s total_tax exactly, even when per-rate rounding differs', () => {
    // Three rows of 9.99, 9.99 and 10.02 incl. 21 %: per-rate VAT on 30.00 = 5.21; the shop says 5.20.
    const o = mapCcvOrder(
      order({ total_tax: 5.2 }),
      [row(), row({ id: 12 }), row({ id: 13, count: 1, price: 10.02, total_price: 10.02 })],
      ctx,
    );
    expect(o.totals.totalTax).toBe('5.20');
    expect(canonicalProblems(o)).toEqual([]);
    expect(o.taxes).toEqual([{ rateId: 'BTW:0.21', itemsTax: '5.20', shippingTax: '0.00' }]);
  });

  test('shipping incl. VAT with rows excl. VAT is converted to the rows’ basis', () => {
    // rows 100.00 excl. 21 % → 21.00 VAT; shipping 12.10 incl. 21 % = 10.00 net → 2.10 VAT
    const o = mapCcvOrder(
      order({
        order_row_taxes_included: false,
        shipping_taxes_included: true,
        total_orderrow_price: 100,
        total_shipping: 12.1,
        total_price: 133.1,
        total_tax: 23.1,
      }),
      [row({ count: 1, price: 100, total_price: 100 })],
      ctx,
    );
    expect(o.shipping[0]).toMatchObject({ net: '10.00', tax: '2.10' });
    expect(canonicalProblems(o)).toEqual([]);
  });

  test('rows that do not add up to total_orderrow_price are refused, not guessed', () => {
    expect(() =>
      mapCcvOrder(
        order({ total_orderrow_price: 31 }),
        [row(), row({ id: 12 }), row({ id: 13, count: 1, price: 10.02, total_price: 10.02 })],
        ctx,
      ),
    ).toThrow(expect.objectContaining({ code: 'TotalsDoNotReconcile' }));
  });

  test('VAT stated on an order whose lines are all 0 % is refused with a reason', () => {
    const r = () =>
      mapCcvOrder(
        order({ total_orderrow_price: 9.99, total_price: 9.99, total_tax: 1.73 }),
        [row({ tax: 0 })],
        ctx,
      );
    expect(r).toThrow(ShopbooksError);
    expect(r).toThrow(/none of its lines carries a VAT rate/);
  });

  test('unfinished checkouts and unknown statuses are refused', () => {
    expect(() =>
      mapCcvOrder(order({ ordernumber: null, ordernumber_full: null, is_completed: false }), [], ctx),
    ).toThrow(expect.objectContaining({ code: 'MalformedOrder' }));
    expect(() => mapCcvOrder(order({ status: 15 }), [], ctx)).toThrow(/unknown status/);
  });

  test('amounts that are not numbers are refused as MalformedNumber', () => {
    expect(() =>
      mapCcvOrder(
        order({ total_price: '30,00' }),
        [row(), row({ id: 12 }), row({ id: 13, count: 1, price: 10.02, total_price: 10.02 })],
        ctx,
      ),
    ).toThrow(expect.objectContaining({ code: 'MalformedNumber' }));
  });

  test('paid date only when paid; state follows status and paid flag', () => {
    const unpaid = mapCcvOrder(
      order({ paid: false, status: 4, total_tax: 5.2 }),
      [row(), row({ id: 12 }), row({ id: 13, count: 1, price: 10.02, total_price: 10.02 })],
      ctx,
    );
    expect(unpaid).toMatchObject({ paidAt: null, state: 'pending', status: '4' });
    expect([
      mapCcvState(8, true),
      mapCcvState(7, false),
      mapCcvState(5, true),
      mapCcvState(13, false),
      mapCcvState(1, false),
    ]).toEqual(['cancelled', 'completed', 'paid', 'on-hold', 'pending']);
  });

  test('paid flag and status stay apart: completed ("afgerond") but unpaid has no payment date', () => {
    const rows = [row(), row({ id: 12 }), row({ id: 13, count: 1, price: 10.02, total_price: 10.02 })];
    const done = mapCcvOrder(order({ paid: false, status: 7, total_tax: 5.2 }), rows, ctx);
    expect(done).toMatchObject({ state: 'completed', status: '7', paidAt: null });
    // paid without a recorded first-seen time: still paid (the creation date stands in)
    const paid = mapCcvOrder(order({ paid: true, status: 7, total_tax: 5.2 }), rows, { ...ctx, paidAt: null });
    expect(paid.paidAt).toBe('2026-10-01T10:00:00Z');
  });
});
