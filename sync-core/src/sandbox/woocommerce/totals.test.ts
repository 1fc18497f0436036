/**
 * WooCommerce arithmetic: the shops.md 2.10 examples computed by the totals engine, and the
 * invariants of WooCommerce's formulas over thousands of generated orders in every settings mode.
 */
import { D, dec, fixed } from '../../model/money';
import { computeOrder, type DraftItem } from './totals';
import { dutchShopTaxRates, type WcTaxRate } from './tax-rates';
import { restOrder } from './rest';
import { generateShop } from './generate';
import { DEFAULT_SHOP_SETTINGS, type WcShopSettings } from './types';

const table = dutchShopTaxRates();
const settings = (s: Partial<WcShopSettings>): WcShopSettings => ({ ...DEFAULT_SHOP_SETTINGS, ...s });
const ids = () => {
  let i = 100;
  return () => i++;
};
const item = (unitPrice: string, quantity = 1, taxClass: DraftItem['taxClass'] = 'standard'): DraftItem => ({ name: 'x', productId: 1, sku: 'X', quantity, unitPrice, taxClass });
const rest = (c: ReturnType<typeof computeOrder>, s: WcShopSettings) =>
  restOrder(
    {
      ...c,
      id: 1,
      parent_id: 0,
      number: '1',
      order_key: 'k',
      created_via: 'checkout',
      version: '9',
      status: 'processing',
      currency: 'EUR',
      prices_include_tax: s.pricesIncludeTax,
      date_created_gmt: '2025-01-01T10:00:00',
      date_modified_gmt: '2025-01-01T10:00:00',
      date_paid_gmt: null,
      date_completed_gmt: null,
      customer_id: 0,
      customer_ip_address: '',
      customer_user_agent: '',
      customer_note: '',
      billing: { first_name: '', last_name: '', company: '', address_1: '', address_2: '', city: '', state: '', postcode: '', country: 'NL', email: 'a@b.nl', phone: '' },
      shipping: { first_name: '', last_name: '', company: '', address_1: '', address_2: '', city: '', state: '', postcode: '', country: 'NL', phone: '' },
      payment_method: 'bacs',
      payment_method_title: 'Bank',
      transaction_id: '',
      cart_hash: '',
      meta_data: [],
      refunds: [],
    },
    { homeUrl: 'http://shop', settings: s },
  ) as Record<string, unknown> & { line_items: Record<string, unknown>[] };

describe('WooCommerce totals (shops.md 2.10)', () => {
  it('round-at-subtotal: 2 × 4.13 excl. 21 % -> line taxes 0.87 + 0.87, total_tax 1.73, total 9.99', () => {
    const s = settings({ pricesIncludeTax: false, roundAtSubtotal: true });
    const c = computeOrder({ items: [item('4.13'), item('4.13')], shipping: [], fees: [], country: 'NL', vatExempt: false }, table, s, ids());
    expect(c.line_items.map((l) => l.taxes[0].total)).toEqual(['0.8673', '0.8673']);
    expect(c.cart_tax).toBe('1.7346');
    const r = rest(c, s);
    expect(r.line_items.map((l) => l.total_tax)).toEqual(['0.87', '0.87']);
    expect(r.line_items.map((l) => (l.taxes as { total: string }[])[0].total)).toEqual(['0.8673', '0.8673']);
    expect(r.cart_tax).toBe('1.73');
    expect(r.total_tax).toBe('1.73');
    expect(r.total).toBe('9.99');
    expect((r.tax_lines as Record<string, unknown>[])[0]).toMatchObject({ rate_id: 1, tax_total: '1.73', rate_percent: 21 });
  });

  it('per-line rounding (default): the same cart gives 0.87 + 0.87 = 1.74 and total 10.00', () => {
    const s = settings({ pricesIncludeTax: false, roundAtSubtotal: false });
    const r = rest(computeOrder({ items: [item('4.13'), item('4.13')], shipping: [], fees: [], country: 'NL', vatExempt: false }, table, s, ids()), s);
    expect(r.total_tax).toBe('1.74');
    expect(r.total).toBe('10.00');
  });

  it('prices incl. tax: 5.00 incl. 20 % is stored as 4.166667 + 0.833333', () => {
    const t20: WcTaxRate[] = [{ ...table[0], id: 7, country: 'GB', rate: '20.0000' }];
    const s = settings({ pricesIncludeTax: true, baseCountry: 'GB' });
    const c = computeOrder({ items: [item('5.00')], shipping: [], fees: [], country: 'GB', vatExempt: false }, t20, s, ids());
    expect(c.line_items[0].total).toBe('4.166667');
    expect(c.line_items[0].subtotal).toBe('4.166667');
    expect(c.line_items[0].taxes).toEqual([{ id: 7, total: '0.833333', subtotal: '0.833333' }]);
    const r = rest(c, s);
    expect(r.line_items[0]).toMatchObject({ total: '4.17', total_tax: '0.83', price: 4.166667 });
    expect(r.total).toBe('5.00');
  });

  it('fixed-cart coupon per unit (WC_Discounts): floor(10.00 / 4 units) each, capped, the rest again — not in proportion to price', () => {
    const s = settings({ pricesIncludeTax: false });
    const c = computeOrder(
      { items: [{ ...item('1.00', 3), name: 'cheap' }, { ...item('20.00', 1), name: 'dear' }], shipping: [], fees: [], coupon: { code: 'tien', type: 'fixed_cart', amount: '10' }, country: 'NL', vatExempt: false },
      table,
      s,
      ids(),
    );
    // 2.50 per unit: the 3 × 1.00 line is capped at 3.00, the 20.00 line gets 2.50, then the 4.50 left (1 unit open)
    expect(c.line_items.map((l) => l.total)).toEqual(['0', '13']);
    expect(c.discount_total).toBe('10');
  });

  it('fixed-cart coupon that does not divide: 1.00 over 3 units -> 0.33 each, the last cent to the most expensive line', () => {
    const s = settings({ pricesIncludeTax: false });
    const c = computeOrder(
      { items: [{ ...item('2.00', 1), name: 'a' }, { ...item('5.00', 2), name: 'b' }], shipping: [], fees: [], coupon: { code: 'een', type: 'fixed_cart', amount: '1' }, country: 'NL', vatExempt: false },
      table,
      s,
      ids(),
    );
    expect(c.line_items.map((l) => l.total)).toEqual(['1.67', '9.33']);
  });

  it('awkward quantity: 3 × 4.99 incl. 21 % -> net 12.371901, tax 2.60, total 14.97', () => {
    const s = settings({ pricesIncludeTax: true });
    const c = computeOrder({ items: [item('4.99', 3)], shipping: [], fees: [], country: 'NL', vatExempt: false }, table, s, ids());
    expect(c.line_items[0].total).toBe('12.371901');
    expect(c.line_items[0].taxes[0].total).toBe('2.598099');
    const r = rest(c, s);
    // price is PHP's float 12.371901 / 3, printed as is (real WooCommerce: 5.036697 / 3 -> 1.6788990000000001)
    expect(r.line_items[0]).toMatchObject({ total: '12.37', total_tax: '2.60', price: 4.1239669999999995 });
    expect(r.total).toBe('14.97');
  });

  it('maintainer example: 2 lines of 4.99 incl. 19 % -> 0.80 + 0.80 = 1.60; one line of 2 -> 1.59', () => {
    const de: WcTaxRate[] = [{ ...table[3] }];
    const s = settings({ pricesIncludeTax: true, baseCountry: 'DE' });
    const two = rest(computeOrder({ items: [item('4.99'), item('4.99')], shipping: [], fees: [], country: 'DE', vatExempt: false }, de, s, ids()), s);
    const one = rest(computeOrder({ items: [item('4.99', 2)], shipping: [], fees: [], country: 'DE', vatExempt: false }, de, s, ids()), s);
    expect(two.total_tax).toBe('1.60');
    expect(one.total_tax).toBe('1.59');
    expect(two.total).toBe('9.98');
    expect(one.total).toBe('9.98');
  });

  it('OSS: an incl.-tax NL price for a German consumer loses the Dutch VAT and gets 19 % on top', () => {
    const s = settings({ pricesIncludeTax: true });
    const r = rest(computeOrder({ items: [item('4.99')], shipping: [], fees: [], country: 'DE', vatExempt: false }, table, s, ids()), s);
    expect(r.line_items[0]).toMatchObject({ total: '4.12', total_tax: '0.78' });
    expect((r.line_items[0].taxes as { id: number }[])[0].id).toBe(4);
    expect(r.total).toBe('4.90');
  });

  it('reverse charge / export: no tax lines, the base VAT removed from incl. prices', () => {
    const s = settings({ pricesIncludeTax: true });
    const r = rest(computeOrder({ items: [item('12.10'), item('10.90', 1, 'reduced-rate')], shipping: [{ methodId: 'flat_rate', methodTitle: 'DHL', instanceId: '1', cost: '8.26' }], fees: [], country: 'BE', vatExempt: true }, table, s, ids()), s);
    expect(r.tax_lines).toEqual([]);
    expect(r.total_tax).toBe('0.00');
    expect(r.line_items.map((l) => l.total)).toEqual(['10.00', '10.00']);
    expect(r.total).toBe('28.26');
  });

  it('shipping is taxed per shipping line; a percent coupon is baked into the line totals', () => {
    const s = settings({ pricesIncludeTax: false });
    const c = computeOrder(
      {
        items: [item('10.00', 3), item('7.33', 1, 'reduced-rate')],
        shipping: [{ methodId: 'flat_rate', methodTitle: 'PostNL', instanceId: '1', cost: '4.13' }],
        fees: [{ name: 'Korting', amount: '-1.50', taxClass: 'standard', taxable: true }],
        coupon: { code: 'tien', type: 'percent', amount: '10' },
        country: 'NL',
        vatExempt: false,
      },
      table,
      s,
      ids(),
    );
    expect(c.line_items.map((l) => [l.subtotal, l.total])).toEqual([
      ['30', '27'],
      ['7.33', '6.6'],
    ]);
    expect(c.shipping_lines[0].taxes).toEqual([{ id: 1, total: '0.8673' }]);
    expect(c.shipping_lines[0].total_tax).toBe('0.87');
    expect(c.discount_total).toBe('3.73');
    expect(c.coupon_lines[0]).toMatchObject({ code: 'tien', discount: '3.73', discount_type: 'percent' });
    // negative fee taxed over the cart's classes in proportion to their cost: 21 % and 9 %
    expect(c.fee_lines[0].taxes.map((t) => t.id).sort()).toEqual([1, 2]);
    expect(dec(c.fee_lines[0].total_tax).isNegative()).toBe(true);
  });
});

describe('negative fees', () => {
  it('are capped at -(items + earlier fees + shipping), so a total never goes below zero', () => {
    const s = settings({ pricesIncludeTax: true });
    const c = computeOrder({ items: [item('1.15')], shipping: [{ methodId: 'free_shipping', methodTitle: 'Gratis', instanceId: '2', cost: '0' }], fees: [{ name: 'Korting', amount: '-1.50', taxClass: 'standard', taxable: true }], country: 'NL', vatExempt: false }, table, s, ids());
    expect(c.fee_lines[0].total).toBe('-0.95');
    expect(c.fee_lines[0].taxes).toEqual([{ id: 1, total: '-0.1995' }]);
    expect(c.total).toBe('0');
  });
});

describe('generated orders follow WooCommerce formulas', () => {
  const modes: Partial<WcShopSettings>[] = [
    { pricesIncludeTax: true, roundAtSubtotal: false },
    { pricesIncludeTax: true, roundAtSubtotal: true },
    { pricesIncludeTax: false, roundAtSubtotal: false },
    { pricesIncludeTax: false, roundAtSubtotal: true },
    { pricesIncludeTax: true, roundAtSubtotal: false, decimals: 0 },
    { pricesIncludeTax: false, roundAtSubtotal: true, decimals: 3 },
  ];

  it.each(modes)('formulas hold for 600 orders with %o', (mode) => {
    const g = generateShop({ seed: 42, count: 600, settings: mode });
    const s = g.settings;
    const dp = s.decimals;
    expect(g.orders).toHaveLength(600);
    for (const o of g.orders) {
      const lineTotals = o.line_items.reduce((a, l) => a.plus(s.roundAtSubtotal ? dec(l.total) : dec(l.total).toDecimalPlaces(dp, D.ROUND_HALF_UP)), new D(0));
      const fees = o.fee_lines.reduce((a, f) => a.plus(dec(f.total)), new D(0));
      const expected = fixed(lineTotals.plus(fees).plus(dec(o.shipping_total)).plus(dec(o.cart_tax)).plus(dec(o.shipping_tax)), dp);
      expect(fixed(o.total, dp)).toBe(expected);
      expect(dec(o.total).isNegative()).toBe(false);
      expect(fixed(o.total_tax, dp)).toBe(fixed(dec(o.cart_tax).plus(dec(o.shipping_tax)), dp));
      // tax lines carry the per-rate sums
      expect(fixed(o.tax_lines.reduce((a, t) => a.plus(dec(t.tax_total)), new D(0)), 6)).toBe(fixed(o.cart_tax, 6));
      expect(fixed(o.tax_lines.reduce((a, t) => a.plus(dec(t.shipping_tax_total)), new D(0)), 6)).toBe(fixed(o.shipping_tax, 6));
      for (const l of [...o.line_items, ...o.fee_lines, ...o.shipping_lines]) {
        const lineTax = l.taxes.reduce((a, t) => a.plus(s.roundAtSubtotal ? dec(t.total) : dec(t.total).toDecimalPlaces(dp, D.ROUND_HALF_UP)), new D(0));
        expect(dec(l.total_tax).eq(lineTax)).toBe(true);
        for (const t of l.taxes) expect(t.total).toMatch(/^-?\d+(\.\d{1,6})?$/);
        for (const t of l.taxes) expect(g.taxRates.some((x) => x.id === t.id)).toBe(true);
      }
      // refunds: positive amounts, never more than the total, negative lines pointing at real items
      let refunded = new D(0);
      for (const r of o.refunds) {
        expect(dec(r.amount).gt(0)).toBe(true);
        refunded = refunded.plus(dec(r.amount));
        for (const rl of r.line_items) {
          expect(rl.quantity).toBeLessThan(0);
          expect(dec(rl.total).lte(0)).toBe(true);
          const ref = rl.meta_data.find((m) => m.key === '_refunded_item_id');
          expect(o.line_items.some((li) => String(li.id) === ref?.value)).toBe(true);
        }
        expect(r.date_created_gmt > o.date_created_gmt).toBe(true);
        expect(o.date_modified_gmt >= r.date_created_gmt).toBe(true);
      }
      expect(refunded.lte(dec(o.total))).toBe(true);
      if (o.status === 'refunded') expect(refunded.eq(dec(o.total))).toBe(true);
      // prices entered incl. tax at home: gross of each undiscounted line is exactly qty × price
      if (s.pricesIncludeTax && o.billing.country === 'NL' && o.coupon_lines.length === 0 && o.currency === 'EUR') {
        for (const l of o.line_items) {
          const gross = dec(l.total).plus(l.taxes.reduce((a, t) => a.plus(dec(t.total)), new D(0)));
          expect(gross.times(new D(10).pow(dp)).isInteger()).toBe(true);
        }
      }
    }
  });

  it('is deterministic per seed and different across seeds', () => {
    const a = JSON.stringify(generateShop({ seed: 7, count: 60 }).orders);
    expect(JSON.stringify(generateShop({ seed: 7, count: 60 }).orders)).toBe(a);
    expect(JSON.stringify(generateShop({ seed: 8, count: 60 }).orders)).not.toBe(a);
  });

  it('covers the whole mix the planner must handle', () => {
    const g = generateShop({ seed: 2025, count: 1500 });
    const os = g.orders;
    const rateIds = new Set(os.flatMap((o) => o.tax_lines.map((t) => t.rate_id)));
    for (const id of [1, 2, 4, 5, 6, 7, 8, 9]) expect(rateIds.has(id)).toBe(true);
    expect(os.some((o) => o.line_items.some((l) => l.tax_class === 'zero-rate'))).toBe(true);
    expect(os.some((o) => new Set(o.tax_lines.map((t) => t.rate_id)).size > 1)).toBe(true);
    const has = (f: (o: (typeof os)[number]) => boolean) => expect(os.filter(f).length).toBeGreaterThan(2);
    has((o) => o.meta_data.some((m) => /vat/.test(m.key)) && o.tax_lines.length === 0 && o.billing.country !== 'NL');
    has((o) => ['US', 'GB', 'CH', 'NO'].includes(o.billing.country) && o.tax_lines.length === 0);
    has((o) => o.currency === 'USD');
    has((o) => o.currency === 'GBP');
    for (const t of ['percent', 'fixed_cart', 'fixed_product']) has((o) => o.coupon_lines.some((c) => c.discount_type === t));
    has((o) => o.fee_lines.some((f) => dec(f.total).isNegative()));
    has((o) => o.shipping_lines.some((s) => s.method_id === 'free_shipping'));
    has((o) => o.shipping_lines.some((s) => dec(s.total).gt(0) && s.taxes.length > 0));
    has((o) => o.line_items.some((l) => l.quantity >= 3 && ['THE-ROO-20', 'SH-KLOMP', 'STR-WAF-8', 'CHOC-72', 'KOF-BRA-500'].includes(l.sku ?? '')));
    has((o) => o.refunds.some((r) => r.line_items.length > 0) && o.status !== 'refunded');
    has((o) => o.refunds.some((r) => r.line_items.length === 0) && o.status !== 'refunded');
    has((o) => o.status === 'refunded' && o.refunds.some((r) => r.line_items.length > 0));
    has((o) => o.status === 'refunded' && o.refunds.some((r) => r.reason === 'Order fully refunded.'));
    has((o) => o.refunds.length >= 2);
    for (const st of ['completed', 'processing', 'on-hold', 'pending', 'cancelled', 'failed']) has((o) => o.status === st);
    expect(os.some((o) => o.status === 'checkout-draft')).toBe(true);
    expect(os.some((o) => o.status === 'awaiting-shipment')).toBe(true);
    // returning customers: same e-mail on several orders, registered and guest
    const byEmail = new Map<string, typeof os>();
    for (const o of os) byEmail.set(o.billing.email ?? '', [...(byEmail.get(o.billing.email ?? '') ?? []), o]);
    const returning = [...byEmail.values()].filter((x) => x.length > 1);
    expect(returning.some((x) => x[0].customer_id > 0)).toBe(true);
    expect(returning.some((x) => x[0].customer_id === 0)).toBe(true);
    // "viewed" orders: modified after their last real change
    has((o) => {
      const last = [o.date_completed_gmt, o.date_paid_gmt, ...o.refunds.map((r) => r.date_created_gmt)].filter((x): x is string => !!x).sort().pop();
      return !!last && o.date_modified_gmt > last;
    });
    // ids: orders and refunds share one increasing sequence in time order
    const all = [...os.map((o) => ({ id: o.id, at: o.date_created_gmt })), ...os.flatMap((o) => o.refunds.map((r) => ({ id: r.id, at: r.date_created_gmt })))].sort((a, b) => a.id - b.id);
    for (let i = 1; i < all.length; i++) expect(all[i].at >= all[i - 1].at).toBe(true);
  });
});

describe('coupons on orders made over REST (README item 6 of the real WooCommerce captures)', () => {
  const order = (s: WcShopSettings, createdVia: 'checkout' | 'rest-api') =>
    rest(computeOrder({ items: [item('4.99', 3), item('7.33', 1, 'reduced-rate')], shipping: [], fees: [], coupon: { code: 'tien', type: 'percent', amount: '10' }, country: 'NL', vatExempt: false, createdVia }, table, s, ids()), s) as unknown as { coupon_lines: Array<{ discount: string; discount_tax: string }> };

  it('round at subtotal, prices incl. tax: the REST order keeps discount and discount_tax unrounded, the checkout order in cents', () => {
    const s = settings({ pricesIncludeTax: true, roundAtSubtotal: true });
    const viaRest = order(s, 'rest-api').coupon_lines[0];
    expect(viaRest.discount).toMatch(/^\d+\.\d{3,6}$/);
    expect(viaRest.discount_tax).toMatch(/^\d+\.\d{3,6}$/);
    const viaCheckout = order(s, 'checkout').coupon_lines[0];
    expect(viaCheckout.discount).toMatch(/^\d+(\.\d{1,2})?$/);
    expect(viaCheckout.discount_tax).toMatch(/^\d+(\.\d{1,2})?$/);
  });

  it('per line: a REST order rounds the discount to cents as well', () => {
    const s = settings({ pricesIncludeTax: true, roundAtSubtotal: false });
    expect(order(s, 'rest-api').coupon_lines[0].discount).toMatch(/^\d+(\.\d{1,2})?$/);
  });
});
