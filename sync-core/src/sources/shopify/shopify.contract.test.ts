/** Contract tests: the Shopify source against the Shopify GraphQL simulator. */
import { startShopifySimulator, type ShopifySimulator } from '../../sandbox/shopify';
import { createShopifySource } from './index';
import { canonicalProblems } from './canonical-check';
import type { OrderQuery, Source, SourceOrder } from '../port';
import type { Order } from '../../model/order';
import { ShopbooksError } from '../../model/errors';
import { dec, fixed, sum } from '../../model/money';

async function collect(
  source: Source,
  query: OrderQuery = {},
): Promise<{ orders: SourceOrder[]; pages: number }> {
  const orders: SourceOrder[] = [];
  let pages = 0;
  for await (const page of source.listOrders(query)) {
    pages += 1;
    orders.push(...page.orders);
  }
  return { orders, pages };
}

function ok(list: SourceOrder[]): Order[] {
  return list.map((s) => {
    if (!s.ok) throw new Error(`order ${s.id} refused: ${s.error.message}`);
    return s.order;
  });
}

function byNumber(orders: Order[], n: string): Order {
  const o = orders.find((x) => x.number === n);
  if (!o) throw new Error(`order #${n} not listed`);
  return o;
}

describe('Shopify source against the simulator', () => {
  let sim: ShopifySimulator;
  let all: Order[];

  beforeAll(async () => {
    sim = await startShopifySimulator({ bucketSize: 1000, restoreRate: 500 });
    const src = createShopifySource({
      shopDomain: sim.shopDomain,
      baseUrl: sim.url,
      accessToken: sim.accessToken,
    });
    const { orders, pages } = await collect(src);
    all = ok(orders);
    expect(pages).toBeGreaterThan(1);
  });
  afterAll(async () => {
    await sim.close();
  });

  test('lists every seeded order once, in ascending updatedAt order (ties by id)', () => {
    expect(all.map((o) => o.number).sort()).toEqual(
      [...sim.shop.orders.values()].map((o) => o.name.slice(1)).sort(),
    );
    for (let i = 1; i < all.length; i++) {
      const a = all[i - 1];
      const b = all[i];
      const ta = Date.parse(a.modifiedAt);
      const tb = Date.parse(b.modifiedAt);
      expect(ta < tb || (ta === tb && Number(a.id) < Number(b.id))).toBe(true);
    }
  });

  test('every order is internally consistent to the cent (lines + shipping + fees = total, taxes per rate = total tax)', () => {
    for (const o of all)
      expect({ order: o.number, problems: canonicalProblems(o) }).toEqual({ order: o.number, problems: [] });
  });

  test('every order total equals what Shopify charged (totalPrice + cash rounding) in shop money', () => {
    for (const o of all) {
      const sim0 = sim.shop.getOrder(o.id);
      const charged = dec(sim0.totalPriceSet.shopMoney.amount).plus(
        sim0.totalCashRoundingAdjustment.paymentSet.shopMoney.amount,
      );
      expect(o.totals.total).toBe(fixed(charged));
      expect(o.totals.totalTax).toBe(sim0.totalTaxSet.shopMoney.amount);
      expect(o.currency).toBe('EUR');
    }
  });

  test('prices incl. VAT: line net excludes VAT and tax is keyed by title:rate', () => {
    const o = byNumber(all, '1001');
    expect(o.pricesIncludeTax).toBe(true);
    const shirt = o.lines[0];
    // 2 × 24.95 = 49.90 incl. 21 % → tax 8.66, net 41.24
    expect(shirt).toMatchObject({
      quantity: '2',
      net: '41.24',
      tax: '8.66',
      taxes: [{ rateId: 'BTW:0.21', amount: '8.66' }],
      sku: 'TS-BIO-M-GR',
    });
    expect(o.taxRates.find((r) => r.id === 'BTW:0.21')).toMatchObject({
      percent: '21',
      label: 'BTW',
      country: 'NL',
    });
    expect(o.shipping[0]).toMatchObject({ name: 'PostNL Standaard', net: '4.09', tax: '0.86' });
    expect(o.customer).toMatchObject({
      email: 'sanne.devries@example.nl',
      shopCustomerId: '6101',
      shipping: { city: 'Amsterdam', country: 'NL' },
    });
    expect(o.state).toBe('paid');
    expect(o.paidAt).toBe('2026-10-01T09:15:00Z');
    expect(o.paymentMethod).toBe('shopify_payments');
  });

  test('discount code: allocations reduce the lines, the discount is reported per code with its VAT', () => {
    const o = byNumber(all, '1002');
    expect(o.discounts).toHaveLength(1);
    expect(o.discounts[0]).toMatchObject({ code: 'WELKOM10', kind: 'coupon' });
    const gross = (o.lines as Order['lines']).map((l) =>
      dec(l.subtotalNet).plus(l.subtotalTax).minus(dec(l.net).plus(l.tax)),
    );
    // 10 % of 29.99 + 25.90 + 11.45 = 6.734 → 6.73 allocated over the lines
    expect(fixed(sum(gross))).toBe('6.73');
    expect(fixed(dec(o.discounts[0].net).plus(o.discounts[0].tax))).toBe('6.73');
    expect(o.taxRates.map((r) => r.id).sort()).toEqual(['BTW:0.09', 'BTW:0.21']);
  });

  test('prices excl. VAT (B2B): net is the discounted line total, VAT on top', () => {
    const o = byNumber(all, '1005');
    expect(o.pricesIncludeTax).toBe(false);
    const netSum = sum(o.lines.map((l) => l.net));
    // 3 × 41.32 + 5 × 8.26 = 165.26, minus the 10.00 manual discount
    expect(fixed(netSum)).toBe('155.26');
    // 10.00 split 7.50 / 2.50 over the 21 % and 9 % lines: VAT 1.575 + 0.225
    expect(o.discounts[0]).toMatchObject({
      code: 'Vaste klant korting',
      kind: 'manual',
      net: '10.00',
      tax: '1.80',
    });
    expect(o.paidAt).toBe('2026-10-07T09:00:00Z');
    expect(o.paymentMethod).toBe('bank_deposit');
  });

  test('POS order with cash: channel pos, no shipping address, tip and cash rounding as VAT-free fees', () => {
    const o = byNumber(all, '1003');
    expect(o.channel).toBe('pos');
    expect(o.customer.shipping).toBeNull();
    expect(o.customer.shopCustomerId).toBeNull();
    expect(o.shipping).toEqual([]);
    expect(o.fees).toEqual([
      expect.objectContaining({ name: 'Tip', net: '1.00', tax: '0.00', taxes: [] }),
      expect.objectContaining({ name: 'Cash rounding', net: '-0.01', tax: '0.00', taxes: [] }),
    ]);
    // 3 × 3.99 + 2.49 + 1.00 tip = 15.46, paid in cash rounded to 15.45
    expect(o.totals.total).toBe('15.45');
    expect(o.lines.map((l) => l.name)).toEqual(['Stroopwafels ambachtelijk', 'Wenskaart']);
    expect(o.paymentMethod).toBe('cash');
    expect(o.taxRates[0].country).toBe('NL'); // from the retail location
  });

  test('POS order paid by card: tip as a fee, no rounding', () => {
    const o = byNumber(all, '1004');
    expect(o.channel).toBe('pos');
    expect(o.fees).toEqual([expect.objectContaining({ name: 'Tip', net: '2.50', tax: '0.00' })]);
    expect(o.totals.total).toBe('22.45');
    expect(o.customer.email).toBe('fatima.elamrani@example.nl');
  });

  test('refund with a line and the shipping maps to item + shipping refund lines that add up', () => {
    const o = byNumber(all, '1007');
    expect(o.refunds).toHaveLength(1);
    const r = o.refunds[0];
    expect(r.orderId).toBe(o.id);
    expect(r.reason).toBe('Mok kapot aangekomen');
    expect(r.lines.map((l) => l.kind)).toEqual(['item', 'shipping']);
    const item = r.lines[0];
    expect(item.originalLineId).toBe(o.lines[0].id);
    expect(item.quantity).toBe('1');
    // one of four mugs: 14.95 incl. VAT; line tax 10.38 for four → 2.60 for one (pro rata, rounded)
    expect(fixed(dec(item.net).plus(item.tax))).toBe('14.95');
    expect(item.tax).toBe('2.60');
    expect(item.taxes).toEqual([{ rateId: 'BTW:0.21', amount: '2.60' }]);
    expect(r.lines[1]).toMatchObject({
      kind: 'shipping',
      net: '4.09',
      tax: '0.86',
      originalLineId: o.shipping[0].id,
    });
    expect(r.amount).toBe('19.90');
    expect(o.state).toBe('paid');
    expect(o.status).toBe('PARTIALLY_REFUNDED');
  });

  test('cancelled (voided authorisation) and pending orders keep their state', () => {
    expect(byNumber(all, '1008')).toMatchObject({ state: 'cancelled', status: 'CANCELLED', paidAt: null });
    expect(byNumber(all, '1006')).toMatchObject({ state: 'pending', status: 'PENDING', paidAt: null });
  });

  test('foreign presentment currency: shop money is booked', () => {
    const o = byNumber(all, '1009');
    expect(o.currency).toBe('EUR');
    expect(sim.shop.getOrder(o.id).totalPriceSet.presentmentMoney.currencyCode).toBe('USD');
    expect(o.totals.total).toBe(sim.shop.getOrder(o.id).totalPriceSet.shopMoney.amount);
    expect(o.discounts[0]).toMatchObject({ code: '3 voor 2 tegels', kind: 'automatic' });
  });

  test('untaxed line (gift card) has no taxes and the order still adds up', () => {
    const o = byNumber(all, '1010');
    const card = o.lines.find((l) => l.name === 'Cadeaukaart');
    expect(card).toMatchObject({ net: '25.00', tax: '0.00', taxes: [] });
    expect(o.fees).toEqual([]);
  });

  test('getOrder reads one order with its refunds', async () => {
    const src = createShopifySource({
      shopDomain: sim.shopDomain,
      baseUrl: sim.url,
      accessToken: sim.accessToken,
    });
    const r = await src.getOrder('5500001011');
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.order.refunds[0].lines[0]).toMatchObject({ kind: 'item', quantity: '7' });
      expect(r.order.refunds[0].amount).toBe(fixed(dec(r.order.lines[0].net).plus(r.order.lines[0].tax)));
    }
    const missing = await src.getOrder('1');
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.error.code).toBe('RemoteNotFound');
  });
});

describe('Shopify source: changes, paging, auth, throttling', () => {
  let sim: ShopifySimulator;
  beforeEach(async () => {
    sim = await startShopifySimulator({ bucketSize: 1000, restoreRate: 1000 });
  });
  afterEach(async () => {
    await sim.close();
  });
  const source = (extra: Record<string, unknown> = {}) =>
    createShopifySource({
      shopDomain: sim.shopDomain,
      baseUrl: sim.url,
      accessToken: sim.accessToken,
      ...extra,
    });

  test('modifiedAfter returns exactly the orders changed since (payment, refund, cancellation)', async () => {
    const first = ok((await collect(source())).orders);
    const cursor = first
      .map((o) => o.modifiedAt)
      .sort()
      .at(-1)!;
    expect(ok((await collect(source(), { modifiedAfter: cursor })).orders)).toEqual([]);

    sim.shop.markPaid(5500001006, '2026-11-01T10:00:00Z', 'bank_deposit');
    sim.shop.refund(5500001002, {
      createdAt: '2026-11-01T10:00:00Z',
      lines: [{ lineItemId: sim.shop.lineItem(5500001002, 1).id, quantity: 1 }],
    });
    sim.shop.cancel(5500001001, '2026-11-02T08:00:00Z');
    const changed = ok((await collect(source(), { modifiedAfter: cursor })).orders);
    expect(changed.map((o) => o.number)).toEqual(['1002', '1006', '1001']);
    expect(changed[1]).toMatchObject({ state: 'paid', paidAt: '2026-11-01T10:00:00Z' });
    expect(changed[0].refunds).toHaveLength(1);
    expect(changed[2].state).toBe('cancelled');
    for (const o of changed) expect(canonicalProblems(o)).toEqual([]);
  });

  test("sub-second cursors are exact although Shopify's search compares whole seconds", async () => {
    sim.shop.touch(5500001003, '2026-11-05T10:00:05Z');
    const at = async (after: string) =>
      ok((await collect(source(), { modifiedAfter: after })).orders).map((o) => o.number);
    expect(await at('2026-11-05T10:00:04.500Z')).toEqual(['1003']);
    expect(await at('2026-11-05T10:00:05.000Z')).toEqual([]);
    expect(sim.stats.queries.some((q) => q.includes('ShopbooksOrders'))).toBe(true);
  });

  test('pages by cursor; a page too costly for Shopify is shrunk instead of failing', async () => {
    const src = source({ pageSize: 100 });
    const { orders, pages } = await collect(src);
    expect(ok(orders)).toHaveLength(12);
    expect(pages).toBeGreaterThan(1);
    expect(sim.stats.lastRequestedCost).toBeLessThanOrEqual(1000);
  });

  test('createdAfter/createdBefore filter on the creation date', async () => {
    const got = ok(
      (
        await collect(source(), {
          createdAfter: '2026-10-04T00:00:00Z',
          createdBefore: '2026-10-07T00:00:00Z',
        })
      ).orders,
    );
    expect(got.map((o) => o.number).sort()).toEqual(['1005', '1006']);
  });

  test('a wrong access token is an AuthFailed error, not a retry loop', async () => {
    const src = createShopifySource({
      shopDomain: sim.shopDomain,
      baseUrl: sim.url,
      accessToken: 'shpat_wrong',
    });
    await expect(collect(src)).rejects.toMatchObject({ code: 'AuthFailed', retryable: false });
    expect(sim.stats.unauthorized).toBe(1);
  });

  test('THROTTLED answers (HTTP 200) are waited out and the run completes', async () => {
    sim.faults.throttleNext(3);
    const src = source();
    const { orders } = await collect(src);
    expect(ok(orders)).toHaveLength(12);
    expect(src.throttledCount).toBe(3);
    expect(sim.stats.throttled).toBe(3);
  });

  test('an empty cost bucket is waited for using the reported restore rate', async () => {
    await sim.close();
    sim = await startShopifySimulator({ bucketSize: 800, restoreRate: 800 });
    sim.faults.drainBucket();
    const src = source();
    const started = Date.now();
    const { orders } = await collect(src);
    expect(ok(orders)).toHaveLength(12);
    expect(sim.stats.throttled).toBeLessThanOrEqual(2);
    expect(src.waitedMs).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(20000);
  });

  test('THROTTLED with HTTP 429 is also waited out', async () => {
    await sim.close();
    sim = await startShopifySimulator({ throttleWith429: true, restoreRate: 1000 });
    sim.faults.throttleNext(2);
    const src = source();
    expect(ok((await collect(src)).orders)).toHaveLength(12);
    expect(src.throttledCount).toBe(2);
  });

  test('transient 503s are retried', async () => {
    sim.faults.failNext(2, 503);
    expect(ok((await collect(source())).orders)).toHaveLength(12);
  });

  test('persistent 503s end the run with a retryable error', async () => {
    sim.faults.failNext(100, 503);
    await expect(collect(source({ maxAttempts: 2 }))).rejects.toMatchObject({
      code: 'RemoteUnavailable',
      retryable: true,
    });
  });

  test('an order with more refunds than the first batch gets all of them', async () => {
    sim.shop.addOrder({
      id: 5500003001,
      number: 3001,
      createdAt: '2026-11-01T09:00:00Z',
      taxesIncluded: true,
      customer: { id: 7001, email: 'veel@example.nl', firstName: 'V', lastName: 'R' },
      lines: [{ title: 'Ansichtkaart', sku: 'AK', unitPrice: '1.95', quantity: 30, taxRate: '0.21' }],
    });
    const li = sim.shop.lineItem(5500003001, 0).id;
    for (let i = 0; i < 30; i++)
      sim.shop.refund(5500003001, {
        createdAt: `2026-11-02T10:${String(i).padStart(2, '0')}:00Z`,
        lines: [{ lineItemId: li, quantity: 1 }],
      });
    const r = await source().getOrder('5500003001');
    if (!r.ok) throw new Error(r.error.message);
    expect(r.order.refunds).toHaveLength(30);
    expect(fixed(sum(r.order.refunds.map((x) => x.amount)))).toBe('58.50');
    expect(fixed(sum(r.order.refunds.map((x) => x.lines[0].tax)))).toBe(r.order.lines[0].tax);
    expect(r.order.status).toBe('REFUNDED');
  });

  test('test orders are never listed', async () => {
    sim.shop.addOrder({
      id: 5500009999,
      number: 9999,
      createdAt: '2026-11-10T00:00:00Z',
      taxesIncluded: true,
      test: true,
      lines: [{ title: 'x', unitPrice: '1.00', quantity: 1, taxRate: '0.21' }],
    });
    const got = ok((await collect(source())).orders);
    expect(got.some((o) => o.number === '9999')).toBe(false);
  });

  test('invalid config is refused with a readable reason', () => {
    expect(() =>
      createShopifySource({ shopDomain: 'x.myshopify.com', accessToken: '', apiVersion: '2025-02' }),
    ).toThrow(ShopbooksError);
    try {
      createShopifySource({ shopDomain: 'x.myshopify.com', accessToken: '', apiVersion: '2025-02' });
    } catch (e) {
      expect((e as ShopbooksError).code).toBe('ConfigInvalid');
      expect((e as Error).message).toMatch(/accessToken/);
      expect((e as Error).message).toMatch(/apiVersion/);
    }
  });
});

describe('Shopify simulator strictness', () => {
  let sim: ShopifySimulator;
  beforeAll(async () => {
    sim = await startShopifySimulator({
      readAllOrders: false,
      now: () => Date.parse('2026-12-20T00:00:00Z'),
    });
    sim.shop.addOrder({
      id: 5500002001,
      number: 2001,
      createdAt: '2026-12-01T10:00:00Z',
      taxesIncluded: true,
      lines: [{ title: 'Recent', unitPrice: '10.00', quantity: 1, taxRate: '0.21' }],
    });
  });
  afterAll(async () => {
    await sim.close();
  });
  const post = async (body: unknown, token = sim.accessToken) => {
    const res = await fetch(sim.graphqlUrl(), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': token },
      body: JSON.stringify(body),
    });
    return {
      status: res.status,
      body: (await res.json()) as Record<string, unknown> & {
        errors?: Array<{ message: string; extensions?: { code?: string } }>;
      },
    };
  };

  test('fields the schema does not have are rejected GraphQL-style (HTTP 200)', async () => {
    const r = await post({ query: '{ orders(first: 1) { nodes { id totalPriceV3 } } }' });
    expect(r.status).toBe(200);
    expect(r.body.errors?.[0].message).toBe("Field 'totalPriceV3' doesn't exist on type 'Order'");
    expect(r.body.data).toBeUndefined();
  });

  test('connections without first/last and pages over 250 are refused', async () => {
    expect((await post({ query: '{ orders { nodes { id } } }' })).body.errors?.[0].message).toMatch(
      /first or last/,
    );
    expect(
      (await post({ query: '{ orders(first: 251) { nodes { id } } }' })).body.errors?.[0].message,
    ).toMatch(/250/);
  });

  test('queries above the single-query cost limit are refused with MAX_COST_EXCEEDED', async () => {
    const r = await post({
      query: '{ orders(first: 250) { nodes { lineItems(first: 250) { nodes { id } } } } }',
    });
    expect(r.body.errors?.[0].extensions?.code).toBe('MAX_COST_EXCEEDED');
  });

  test('missing or wrong token → 401 with Shopify’s message; missing query → 400', async () => {
    const r = await post({ query: '{ shop { name } }' }, 'nope');
    expect(r.status).toBe(401);
    expect(String(r.body.errors)).toMatch(/Invalid API key or access token/);
    expect((await post({})).status).toBe(400);
  });

  test('every answer reports extensions.cost with the bucket state', async () => {
    const r = await post({ query: '{ shop { name currencyCode } }' });
    const cost = (
      r.body.extensions as {
        cost: {
          requestedQueryCost: number;
          throttleStatus: { maximumAvailable: number; restoreRate: number };
        };
      }
    ).cost;
    expect(cost.requestedQueryCost).toBe(1);
    expect(cost.throttleStatus).toMatchObject({ maximumAvailable: 1000, restoreRate: 50 });
  });

  test('without read_all_orders only the last 60 days are visible', async () => {
    const src = createShopifySource(
      { shopDomain: sim.shopDomain, baseUrl: sim.url, accessToken: sim.accessToken },
      { now: () => Date.parse('2026-12-20T00:00:00Z') },
    );
    // the seeded October orders are older than 60 days: not even a window starting before them shows them
    const got = ok((await collect(src, { createdAfter: '2026-10-21T00:00:00Z' })).orders);
    expect(got.map((o) => o.number)).toEqual(['2001']);
    expect(sim.shop.orders.size).toBeGreaterThan(1);
  });

  test('client-credentials tokens are issued only for the right client secret', async () => {
    const s2 = await startShopifySimulator({ seed: false, clientId: 'cid', clientSecret: 'csecret' });
    try {
      const bad = await fetch(`${s2.url}/admin/oauth/access_token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ grant_type: 'client_credentials', client_id: 'cid', client_secret: 'x' }),
      });
      expect(bad.status).toBe(400);
      const good = await fetch(`${s2.url}/admin/oauth/access_token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          grant_type: 'client_credentials',
          client_id: 'cid',
          client_secret: 'csecret',
        }),
      });
      const tok = (await good.json()) as { access_token: string; expires_in: number };
      expect(tok.expires_in).toBe(86399);
      const src = createShopifySource({
        shopDomain: s2.shopDomain,
        baseUrl: s2.url,
        accessToken: tok.access_token,
      });
      expect((await collect(src)).orders).toEqual([]);
    } finally {
      await s2.close();
    }
  });
});

describe('Shopify source: B2B orders and faults of the field', () => {
  let sim: ShopifySimulator;
  afterEach(async () => {
    await sim.close();
  });
  const src = (extra: Record<string, unknown> = {}, deps = {}) =>
    createShopifySource({ shopDomain: sim.shopDomain, baseUrl: sim.url, accessToken: sim.accessToken, ...extra }, deps);
  const company = (country: string, company: string) => ({
    address1: 'Straße 1',
    address2: null,
    city: 'Stad',
    company,
    country,
    countryCodeV2: country,
    firstName: 'A',
    lastName: 'B',
    name: 'A B',
    phone: null,
    province: null,
    provinceCode: null,
    zip: '1000',
  });
  const b2bOrder = (id: number, country: string, where: 'metafield' | 'attribute' | 'none', ns = 'custom', key = 'vat_number') => ({
    id,
    number: id - 5500007000,
    createdAt: '2026-11-15T10:00:00Z',
    taxesIncluded: false,
    customer: {
      id: id + 1,
      email: `b2b${id}@example.com`,
      firstName: 'A',
      lastName: 'B',
      taxExemptions: ['EU_REVERSE_CHARGE_EXEMPTION_RULE'],
      metafields: where === 'metafield' ? [{ namespace: ns, key, value: `${country}123456789` }] : [],
    },
    customAttributes: where === 'attribute' ? [{ key: 'VAT number', value: `${country}987654321` }] : [],
    billingAddress: company(country, `Firma ${country}`),
    shippingAddress: company(country, `Firma ${country}`),
    lines: [{ title: 'Machine', sku: 'M', unitPrice: '500.00', quantity: 2, taxRate: '0.21' }],
    shipping: [{ title: 'DHL', price: '20.00', taxRate: '0.21' }],
  });

  test('B2B orders come with their exemption and VAT number from the metafield or a checkout attribute', async () => {
    sim = await startShopifySimulator({ seed: false, restoreRate: 1000 });
    sim.shop.addOrder(b2bOrder(5500007001, 'DE', 'metafield'));
    sim.shop.addOrder(b2bOrder(5500007002, 'FR', 'attribute'));
    sim.shop.addOrder(b2bOrder(5500007003, 'BE', 'none'));
    const got = ok((await collect(src())).orders);
    expect(got.map((o) => [o.number, o.customer.taxExempt, o.customer.vatNumber, o.totals.totalTax])).toEqual([
      ['1', true, 'DE123456789', '0.00'],
      ['2', true, 'FR987654321', '0.00'],
      ['3', true, '', '0.00'],
    ]);
    for (const o of got) expect(canonicalProblems(o)).toEqual([]);
  });

  test('the metafield namespace and key are a setting', async () => {
    sim = await startShopifySimulator({ seed: false, restoreRate: 1000 });
    sim.shop.addOrder(b2bOrder(5500007001, 'DE', 'metafield', 'btw', 'nummer'));
    expect(ok((await collect(src())).orders)[0].customer.vatNumber).toBe('');
    const configured = src({ vatNumber: { customerMetafield: { namespace: 'btw', key: 'nummer' } } });
    expect(ok((await collect(configured)).orders)[0].customer.vatNumber).toBe('DE123456789');
  });

  test('a 429 with Retry-After is waited out for at least that long', async () => {
    sim = await startShopifySimulator({ throttleWith429: true, retryAfterSeconds: 2, restoreRate: 1000 });
    sim.faults.throttleNext(1);
    const waits: number[] = [];
    const sleep = (ms: number) => {
      waits.push(ms);
      return new Promise<void>((r) => setTimeout(r, Math.min(ms, 100)));
    };
    const s = src({}, { sleep });
    expect(ok((await collect(s)).orders)).toHaveLength(12);
    expect(s.throttledCount).toBeGreaterThanOrEqual(1);
    expect(Math.max(...waits)).toBeGreaterThanOrEqual(2000);
  });

  test('5xx answers are retried with backoff', async () => {
    sim = await startShopifySimulator({ restoreRate: 1000 });
    sim.faults.failNext(3, 502);
    const waits: number[] = [];
    // the waits are shortened, not skipped: the simulator's cost bucket restores in real time
    const sleep = (ms: number) => {
      waits.push(ms);
      return new Promise<void>((r) => setTimeout(r, Math.min(ms, 100)));
    };
    expect(ok((await collect(src({}, { sleep }))).orders)).toHaveLength(12);
    expect(waits.length).toBeGreaterThanOrEqual(3);
  });

  test('THROTTLED for a query costing more than the whole bucket: the page shrinks instead of waiting forever', async () => {
    sim = await startShopifySimulator({ bucketSize: 600, restoreRate: 1000 });
    const s = src({ pageSize: 10, lineItemsPerOrder: 10 });
    expect(ok((await collect(s)).orders)).toHaveLength(12);
    expect(sim.stats.lastRequestedCost).toBeLessThanOrEqual(600);
  });

  test('without read_all_orders, a sync reaching back more than 60 days stops with a plain error naming the scope', async () => {
    const now = Date.parse('2026-12-20T00:00:00Z');
    sim = await startShopifySimulator({ readAllOrders: false, now: () => now });
    const s = src({}, { now: () => now });
    await expect(collect(s, { modifiedAfter: '2026-09-01T00:00:00Z' })).rejects.toMatchObject({
      code: 'AuthFailed',
      message: expect.stringMatching(/read_all_orders/),
    });
    // within the 60 days it works
    sim.shop.addOrder({ ...b2bOrder(5500007009, 'DE', 'metafield'), createdAt: '2026-12-10T10:00:00Z' });
    expect(ok((await collect(s, { createdAfter: '2026-11-01T00:00:00Z' })).orders).map((o) => o.number)).toEqual(['9']);
    // an old order asked for by id: the reason names the scope
    const old = await s.getOrder('5500001001');
    expect(old).toMatchObject({ ok: false, error: { message: expect.stringMatching(/read_all_orders/) } });
  });
});
