/**
 * Mapping of Shopify's public documentation sample order (REST/webhook shape, converted to the
 * GraphQL shape and served by the simulator). The sample's shop money mixes USD and CAD, so as-is
 * it must be refused with a plain reason; with the currencies made consistent its structure must
 * map field by field.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startShopifySimulator, graphqlOrderFromRest, type ShopifySimulator } from '../../sandbox/shopify';
import { createShopifySource } from './index';

const FIXTURE = join(__dirname, '../../../../../shared/fixtures/public/shopify-order-rest-docs-sample.json');
const sample = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, unknown>;

describe('Shopify documentation sample order', () => {
  let sim: ShopifySimulator;
  beforeAll(async () => {
    sim = await startShopifySimulator({ seed: false });
    sim.shop.putOrder(graphqlOrderFromRest(sample));
    sim.shop.putOrder(
      graphqlOrderFromRest({ ...sample, id: 450789470, name: '#1002' }, { harmonizeCurrency: true }),
    );
  });
  afterAll(async () => {
    await sim.close();
  });
  const source = () =>
    createShopifySource({ shopDomain: sim.shopDomain, baseUrl: sim.url, accessToken: sim.accessToken });

  test('as published (shop money in USD and CAD) it is refused as a currency mismatch, with the field named', async () => {
    const r = await source().getOrder('450789469');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('CurrencyMismatch');
      expect(r.error.message).toMatch(/CAD/);
      expect(r.number).toBe('1001');
    }
  });

  test('with consistent currencies it maps line items, tax lines, discounts, shipping and the refund', async () => {
    const r = await source().getOrder('450789470');
    if (!r.ok) throw new Error(r.error.message);
    const o = r.order;
    expect(o).toMatchObject({
      platform: 'shopify',
      id: '450789470',
      number: '1002',
      currency: 'USD',
      pricesIncludeTax: false,
      channel: 'web',
    });
    expect(o.customer).toMatchObject({
      email: 'bob.norman@hostmail.com',
      shopCustomerId: '207119551',
      firstName: 'Bob',
      lastName: 'Norman',
    });
    expect(o.customer.billing).toMatchObject({ city: 'Drayton Valley', country: 'CA', postcode: 'T0E 0M0' });
    const ipod = o.lines.find((l) => l.sku === 'IPOD-342-N');
    // 199.99 − 5.00 discount allocation = 194.99 net (prices excl. tax); HST 13 % tax line 25.81
    expect(ipod).toMatchObject({
      quantity: '1',
      net: '194.99',
      tax: '25.81',
      taxes: [{ rateId: 'HST:0.13', amount: '25.81' }],
    });
    expect(o.taxRates.find((t) => t.id === 'HST:0.13')).toMatchObject({ percent: '13', label: 'HST' });
    expect(o.discounts.map((d) => d.code)).toContain('SUMMERSALE');
    expect(o.shipping).toEqual([
      expect.objectContaining({
        name: 'Small Packet International Air',
        methodId: 'INT.TP',
        net: '4.00',
        tax: '0.00',
      }),
    ]);
    // Totals come from the money bags (total_price_set / total_tax_set), not the flat REST fields,
    // which in this sample disagree with them (409.94 vs 164.86).
    expect(o.totals).toMatchObject({ total: '164.86', totalTax: '18.87' });
    // The sample refund has no lines and no transactions: an amount-only refund of 0.
    expect(o.refunds).toEqual([
      expect.objectContaining({ id: '18423447608', orderId: '450789470', lines: [], amount: '0.00' }),
    ]);
    expect(o.state).toBe('on-hold'); // financial_status "authorized"
  });
});
