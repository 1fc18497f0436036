/** Mapping of WooCommerce REST payloads to the canonical Order: every public fixture, generated orders, malformed input. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ShopbooksError } from '../../model/errors';
import { mapWooOrder, wooStatusToState } from './map-order';
import { generateCanonicalOrders } from './test-orders';
import type { SourceOrder } from '../port';

const FIX = join(__dirname, '../../../../../shared/fixtures/public');
const load = (f: string) => JSON.parse(readFileSync(join(FIX, f), 'utf8'));
const taxes = load('woocommerce-tax-rates-list-example.json');

function ok(r: SourceOrder) {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.order;
}

describe('mapWooOrder on the public fixtures', () => {
  it('order 727 (docs "retrieve an order"): US state tax, raw taxes, price as number, variation name decoded', () => {
    const o = ok(mapWooOrder(load('woocommerce-order-example.json'), { shopId: 'example.com', taxRates: taxes }));
    expect(o).toMatchObject({ platform: 'woocommerce', shopId: 'example.com', id: '727', number: '727', status: 'processing', state: 'paid', currency: 'USD', pricesIncludeTax: false, channel: 'rest-api' });
    expect(o.createdAt).toBe('2017-03-22T19:28:02Z');
    expect(o.paidAt).toBe('2017-03-22T19:28:08Z');
    expect(o.customer).toMatchObject({ shopCustomerId: null, email: 'john.doe@example.com', firstName: 'John', billing: { country: 'US', state: 'CA', city: 'San Francisco' } });
    expect(o.lines).toHaveLength(2);
    expect(o.lines[0]).toMatchObject({ id: '315', quantity: '2', unitNet: '3', net: '6.00', tax: '0.45', taxes: [{ rateId: '75', amount: '0.45' }], sku: null });
    expect(o.lines[1]).toMatchObject({ id: '316', name: 'Ship Your Idea – Color: Black, Size: M Test', sku: 'Bar3', taxes: [{ rateId: '75', amount: '0.9' }], subtotalTaxes: [{ rateId: '75', amount: '0.9' }] });
    expect(o.shipping).toEqual([{ id: '317', name: 'Flat Rate', methodId: 'flat_rate', net: '10.00', tax: '0.00', taxes: [] }]);
    expect(o.taxRates).toEqual([{ id: '75', percent: '7.5', label: 'State Tax', country: 'US', taxClass: '', compound: false }]);
    expect(o.taxes).toEqual([{ rateId: '75', itemsTax: '1.35', shippingTax: '0.00' }]);
    expect(o.totals).toEqual({ total: '29.35', totalTax: '1.35', shippingNet: '10.00', discountNet: '0.00' });
    expect(o.refunds).toEqual([]);
    expect(o.paymentMethod).toBe('bacs');
  });

  it('orders list: order 723 with an amount-only refund (726) and a line refund (724) flipped positive', () => {
    const list = load('woocommerce-orders-list-example.json');
    const refunds = load('woocommerce-refunds-list-example.json');
    expect(ok(mapWooOrder(list[0], { shopId: 's', taxRates: taxes })).id).toBe('727');
    const o = ok(mapWooOrder(list[1], { shopId: 's', refunds, taxRates: taxes }));
    expect(o).toMatchObject({ id: '723', state: 'completed', paidAt: null, customer: { shopCustomerId: '26', billing: { country: 'BR' } } });
    expect(o.totals.total).toBe('39.00');
    expect(o.refunds).toHaveLength(2);
    const [r726, r724] = o.refunds;
    expect(r726).toEqual({ id: '726', orderId: '723', createdAt: '2017-03-21T20:07:11Z', amount: '10.00', reason: '', lines: [] });
    expect(r724.amount).toBe('9.00');
    expect(r724.lines).toEqual([{ id: '314', kind: 'item', originalLineId: '311', name: 'Woo Album #2', sku: null, quantity: '1', net: '9.00', tax: '0.00', taxes: [] }]);
  });

  it('single refund fixture (726) is accepted as the refund list of order 723 together with 724', () => {
    const list = load('woocommerce-orders-list-example.json');
    const r726 = load('woocommerce-refund-example.json');
    const r724 = load('woocommerce-refunds-list-example.json')[1];
    const o = ok(mapWooOrder(list[1], { shopId: 's', refunds: [r726, r724] }));
    expect(o.refunds.map((r) => r.id)).toEqual(['726', '724']);
  });

  it('WC 8.0.2 payload (order 15): zero amounts, registered customer, empty shipping address -> null', () => {
    const o = ok(mapWooOrder(load('woocommerce-order-webhook-wc8-example.json'), { shopId: 's' }));
    expect(o).toMatchObject({ id: '15', state: 'completed', currency: 'USD', customer: { shopCustomerId: '1', billing: { country: 'VN' }, shipping: null } });
    expect(o.lines[0]).toMatchObject({ name: 'Pipedream 1442', net: '0.00', unitNet: '0', sku: null });
    expect(o.paidAt).toBe('2023-08-16T07:45:57Z');
  });

  it('refuses an order whose refunds were not fetched; a listed refund that is missing is that refund\'s read error (retryable)', () => {
    const list = load('woocommerce-orders-list-example.json');
    const a = mapWooOrder(list[1], { shopId: 's' });
    expect(a.ok).toBe(false);
    if (!a.ok) expect(a.error).toMatchObject({ code: 'RemoteBadResponse', retryable: true });
    const b = mapWooOrder(list[1], { shopId: 's', refunds: [load('woocommerce-refund-example.json')] });
    expect(b.ok && b.order.refunds.map((r) => r.id)).toEqual(['726']);
    expect(b.ok && b.refundErrors?.map((r) => [r.id, r.error.code, r.error.retryable])).toEqual([['724', 'RemoteBadResponse', true]]);
  });

  it('an unreadable refund ("5,00") or a failed refunds fetch leaves the order readable and names the refund (issue 11 item 2, 3)', () => {
    const list = load('woocommerce-orders-list-example.json');
    const r726 = { ...(load('woocommerce-refund-example.json') as Record<string, unknown>), amount: '5,00' };
    const r724 = load('woocommerce-refunds-list-example.json')[1];
    const bad = mapWooOrder(list[1], { shopId: 's', refunds: [r726, r724] });
    expect(bad.ok && bad.order.refunds.map((r) => r.id)).toEqual(['724']);
    expect(bad.ok && bad.refundErrors?.[0]).toMatchObject({ id: '726', error: { code: 'MalformedNumber', retryable: false } });
    expect(bad.ok && bad.refundErrors?.[0].error.message).toMatch(/5,00/);
    const fetchFailed = mapWooOrder(list[1], { shopId: 's', refunds: [], refundsError: new ShopbooksError('RemoteUnavailable', 'The shop answered 500.', { retryable: true }) });
    expect(fetchFailed.ok && fetchFailed.order.refunds).toEqual([]);
    expect(fetchFailed.ok && fetchFailed.refundErrors?.map((r) => r.id).sort()).toEqual(['724', '726']);
    expect(fetchFailed.ok && fetchFailed.refundErrors?.[0].error.message).toMatch(/answered 500/);
  });
});

describe('mapWooOrder details', () => {
  const base = () => load('woocommerce-order-example.json');

  it.each([
    ['processing', 'paid'],
    ['completed', 'completed'],
    ['on-hold', 'on-hold'],
    ['pending', 'pending'],
    ['cancelled', 'cancelled'],
    ['refunded', 'refunded'],
    ['failed', 'failed'],
    ['checkout-draft', 'draft'],
    ['awaiting-shipment', 'other'],
  ])('status %s -> %s', (status, state) => {
    expect(wooStatusToState(status)).toBe(state);
    expect(ok(mapWooOrder({ ...base(), status }, { shopId: 's' })).state).toBe(state);
  });

  it('reads the VAT number from the common meta keys and upper-cases countries', () => {
    for (const key of ['_billing_vat_number', 'vat_number', '_vat_number', 'billing_eu_vat_number']) {
      const o = base();
      o.meta_data.push({ id: 1, key, value: ' be 0123.456.789 ' });
      o.billing.country = 'be';
      const m = ok(mapWooOrder(o, { shopId: 's' }));
      expect(m.customer.vatNumber).toBe('BE0123.456.789');
      expect(m.customer.billing.country).toBe('BE');
    }
  });

  it('accepts money as numbers and strings alike', () => {
    const o = base();
    o.total = 29.35;
    o.line_items[0].total = 6;
    o.line_items[0].taxes[0].total = 0.45;
    const m = ok(mapWooOrder(o, { shopId: 's' }));
    expect(m.totals.total).toBe('29.35');
    expect(m.lines[0].net).toBe('6');
    expect(m.lines[0].taxes[0].amount).toBe('0.45');
  });

  it.each([
    ['a comma decimal', (o: Record<string, unknown>) => (o.total = '12,30'), 'MalformedNumber', /total is not a decimal amount: "12,30"/],
    ['a line amount that is text', (o: Record<string, unknown>) => ((o.line_items as Record<string, unknown>[])[1].total = 'abc'), 'MalformedNumber', /line_items\[1\]\.total/],
    ['no id', (o: Record<string, unknown>) => delete o.id, 'MalformedOrder', /id is not a valid id/],
    ['no creation date', (o: Record<string, unknown>) => delete o.date_created_gmt, 'MalformedOrder', /date_created_gmt is missing/],
    ['a broken date', (o: Record<string, unknown>) => (o.date_modified_gmt = '22-03-2017'), 'MalformedOrder', /date_modified_gmt is not a date-time/],
    ['line_items not a list', (o: Record<string, unknown>) => (o.line_items = 'x'), 'MalformedOrder', /line_items is not a list/],
    ['no total', (o: Record<string, unknown>) => delete o.total, 'MalformedOrder', /total is missing/],
    ['a bad currency', (o: Record<string, unknown>) => (o.currency = 'dollars'), 'MalformedOrder', /currency/],
    ['an infinite number', (o: Record<string, unknown>) => (o.total_tax = Infinity), 'MalformedNumber', /total_tax is not a finite number/],
  ])('%s becomes an error value, not a crash', (_n, mutate, code, message) => {
    const o = base();
    mutate(o);
    const r = mapWooOrder(o, { shopId: 's' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe(code);
      expect(r.error.message).toMatch(message);
      expect(r.error.message).toMatch(/^WooCommerce order/);
    }
  });

  it('non-objects are refused', () => {
    for (const x of [null, 'x', 42, []]) expect(mapWooOrder(x, { shopId: 's' }).ok).toBe(false);
  });
});

describe('generated orders map to valid canonical orders in every settings mode', () => {
  it.each([
    { pricesIncludeTax: true, roundAtSubtotal: false },
    { pricesIncludeTax: false, roundAtSubtotal: true },
  ])('%o', (settings) => {
    const { records, orders } = generateCanonicalOrders({ seed: 11, count: 400, settings });
    const failed = orders.filter((o) => !o.ok);
    expect(failed.map((f) => (!f.ok ? f.error.message : ''))).toEqual([]);
    for (let i = 0; i < records.length; i++) {
      const o = ok(orders[i]);
      const rec = records[i];
      expect(o.id).toBe(String(rec.id));
      expect(o.refunds).toHaveLength(rec.refunds.length);
      expect(o.roundTaxAtSubtotal).toBe(settings.roundAtSubtotal);
      // refund lines are positive and point at the order's lines
      for (const r of o.refunds) for (const l of r.lines) expect(l.net.startsWith('-') || l.quantity.startsWith('-')).toBe(false);
      for (const r of o.refunds) for (const l of r.lines.filter((x) => x.kind === 'item')) expect(o.lines.some((x) => x.id === l.originalLineId)).toBe(true);
      // every tax rate used is resolved from the /taxes table
      const used = new Set([...o.lines.flatMap((l) => l.taxes.map((t) => t.rateId)), ...o.taxes.map((t) => t.rateId)]);
      for (const id of used) expect(o.taxRates.some((t) => t.id === id)).toBe(true);
      // raw per-rate taxes survive the REST layer unformatted
      expect(o.lines.map((l) => l.taxes.map((t) => t.amount))).toEqual(rec.line_items.map((l) => l.taxes.map((t) => t.total)));
    }
  });
});
