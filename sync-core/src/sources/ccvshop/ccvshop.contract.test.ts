/** Contract tests: the CCV Shop source against the CCV Shop simulator. */
import { createHmac } from 'node:crypto';
import { startCcvShopSimulator, type CcvShopSimulator } from '../../sandbox/ccvshop';
import { createCcvShopSource } from './index';
import { ccvDate, ccvHash, signRequest } from './signing';
import { canonicalProblems } from '../shopify/canonical-check';
import { MemoryStore } from '../../store/memory-store';
import { planOrder } from '../../plan/plan-order';
import type { OrderQuery, Source, SourceOrder } from '../port';
import type { Order } from '../../model/order';
import { dec, fixed, sum } from '../../model/money';

async function collect(source: Source, query: OrderQuery = {}): Promise<SourceOrder[]> {
  const out: SourceOrder[] = [];
  for await (const page of source.listOrders(query)) out.push(...page.orders);
  return out;
}
function ok(list: SourceOrder[]): Order[] {
  return list.map((s) => {
    if (!s.ok) throw new Error(`order ${s.id} refused: ${s.error.message}`);
    return s.order;
  });
}
const numbers = (list: Order[]) => list.map((o) => o.number);

describe('CCV Shop request signing', () => {
  test('x-hash is hex HMAC-SHA512 of public|METHOD|uri|body|date with the secret', () => {
    const date = '2025-09-01T15:51:46+00:00';
    const expected = createHmac('sha512', 'secret')
      .update('pub|GET|/api/rest/v1/orders/?start=0&size=100||2025-09-01T15:51:46+00:00')
      .digest('hex');
    expect(ccvHash('secret', 'pub', 'get', '/api/rest/v1/orders/?start=0&size=100', '', date)).toBe(expected);
    expect(signRequest('pub', 'secret', 'GET', '/api/rest/v1/orders/?start=0&size=100', '', date)).toEqual({
      'x-public': 'pub',
      'x-date': date,
      'x-hash': expected,
    });
    expect(ccvDate(Date.parse('2025-09-01T15:51:46.789Z'))).toBe(date);
  });
});

describe('CCV Shop source against the simulator', () => {
  let sim: CcvShopSimulator;
  let all: Order[];
  beforeAll(async () => {
    sim = await startCcvShopSimulator();
    const src = createCcvShopSource({
      baseUrl: sim.url,
      publicKey: sim.publicKey,
      secretKey: sim.secretKey,
      pageSize: 3,
    });
    all = ok(await collect(src));
  });
  afterAll(async () => {
    await sim.close();
  });
  const get = (n: string) => {
    const o = all.find((x) => x.number === n);
    if (!o) throw new Error(`#${n} not listed`);
    return o;
  };

  test('lists every completed order, following the next links of the offset paging', () => {
    expect(numbers(all).sort()).toEqual(['101', '102', '103', '104', '105', '106', '107', 'WEB-108']);
    const listUris = sim.stats.uris.filter((u) => u.startsWith('/api/rest/v1/orders/?'));
    expect(listUris).toEqual([
      '/api/rest/v1/orders/?orderby=id&start=0&size=3',
      '/api/rest/v1/orders/?orderby=id&start=3&size=3',
      '/api/rest/v1/orders/?orderby=id&start=6&size=3',
    ]);
    expect(sim.stats.authFailures).toEqual([]);
  });

  test('every order adds up to the cent and matches the shop’s total_price and total_tax', () => {
    for (const o of all) {
      expect({ n: o.number, problems: canonicalProblems(o) }).toEqual({ n: o.number, problems: [] });
      const raw = sim.shop.orders.get(Number(o.id))!.order;
      expect(o.totals.total).toBe(fixed(String(raw.total_price)));
      expect(o.totals.totalTax).toBe(fixed(String(raw.total_tax)));
    }
  });

  test('status 1–14 and the separate paid flag map to the canonical state', () => {
    expect(get('101')).toMatchObject({ status: '7', state: 'completed' });
    expect(get('102')).toMatchObject({ status: '5', state: 'paid' });
    expect(get('103')).toMatchObject({ status: '1', state: 'pending', paidAt: null });
    expect(get('104')).toMatchObject({ status: '4', state: 'pending' });
    expect(get('105')).toMatchObject({ status: '2', state: 'paid' });
    expect(get('106')).toMatchObject({ status: '8', state: 'cancelled' });
    expect(get('WEB-108')).toMatchObject({ status: '13', state: 'paid' });
    // first seen already paid: the paid date is the creation date
    expect(get('102').paidAt).toBe('2026-10-02T12:00:00Z');
  });

  test('rows incl. VAT: net excludes VAT, VAT per rate keyed BTW:<rate>', () => {
    const o = get('101');
    expect(o.pricesIncludeTax).toBe(true);
    // 2 × 12.95 = 25.90 incl. 21 %: VAT 4.49; 9.95 incl. 9 %: VAT 0.82; shipping 6.95 incl. 21 %: 1.21
    expect(o.lines.map((l) => [l.name, l.quantity, l.net, l.tax, l.taxes[0].rateId])).toEqual([
      ['Fietsbel retro', '2', '21.41', '4.49', 'BTW:0.21'],
      ['Fietskaart Nederland', '1', '9.13', '0.82', 'BTW:0.09'],
    ]);
    expect(o.shipping).toEqual([
      expect.objectContaining({ net: '5.74', tax: '1.21', taxes: [{ rateId: 'BTW:0.21', amount: '1.21' }] }),
    ]);
    expect(o.taxes).toEqual(
      expect.arrayContaining([
        { rateId: 'BTW:0.21', itemsTax: '4.49', shippingTax: '1.21' },
        { rateId: 'BTW:0.09', itemsTax: '0.82', shippingTax: '0.00' },
      ]),
    );
    expect(o.customer).toMatchObject({
      email: 'anna.jansen@example.nl',
      shopCustomerId: '24464301',
      billing: { line1: 'Lange Voorhout 9', postcode: '2514 EA', country: 'NL' },
    });
  });

  test('row discount per unit and coupon discount reduce the lines; deposit rows are 0 %', () => {
    expect(get('102').lines[0]).toMatchObject({ net: '20.62', tax: '4.33' }); // (29.95 − 5.00) incl. 21 %
    const o = get('103');
    expect(o.discounts).toEqual([expect.objectContaining({ code: 'HERFST15', kind: 'coupon' })]);
    // 15 % of 64.95 + 34.98 + 0.15 = 100.08 → 15.01
    expect(fixed(dec(o.discounts[0].net).plus(o.discounts[0].tax))).toBe('15.01');
    expect(o.lines[2]).toMatchObject({
      name: 'Statiegeld bidon',
      tax: '0.00',
      taxes: [{ rateId: 'BTW:0', amount: '0.00' }],
    });
    expect(o.customer.shipping).toMatchObject({ line1: 'Markt 1', city: 'Eindhoven' });
  });

  test('surcharges and negative extra costs become fee lines at the shipping VAT rate', () => {
    expect(get('104').fees).toEqual([
      expect.objectContaining({ name: 'Betaalkosten AfterPay', net: '1.61', tax: '0.34' }),
    ]);
    expect(get('107').fees).toEqual([
      expect.objectContaining({ name: 'Korting trouwe klant', net: '-2.06', tax: '-0.44' }),
    ]);
  });

  test('intra-community B2B order: prices excl. VAT, 0 % on every line, VAT number kept', () => {
    const o = get('105');
    expect(o.pricesIncludeTax).toBe(false);
    expect(o.customer).toMatchObject({
      vatNumber: 'BE0123456789',
      company: 'Fietsen Peeters BV',
      billing: { country: 'BE' },
    });
    expect(o.totals).toMatchObject({ total: '611.00', totalTax: '0.00' });
    expect(o.lines[0]).toMatchObject({
      net: '596.00',
      tax: '0.00',
      taxes: [{ rateId: 'BTW:0', amount: '0.00' }],
    });
    expect(o.taxRates[0]).toMatchObject({ id: 'BTW:0', percent: '0', country: 'BE' });
  });

  test('intra-community B2B order reaches reverse charge; without the VAT number it is refused', () => {
    const o = get('105');
    expect(o.customer.taxExempt).toBe(true);
    const r = planOrder(o);
    if (!r.ok) throw r.error;
    expect(new Set(r.plan.lines.map((l) => l.vatInfo.key))).toEqual(new Set(['reverse_charge:0']));
    expect(r.plan.customer.vatNumber).toBe('BE0123456789');
    const without = planOrder({ ...o, customer: { ...o.customer, vatNumber: '' } });
    expect(without).toMatchObject({ ok: false, error: { code: 'VatNumberMissing' } });
  });
});

describe('CCV Shop changed-order detection', () => {
  let sim: CcvShopSimulator;
  let clock: number;
  const T0 = Date.parse('2026-10-10T00:00:00Z');
  beforeEach(async () => {
    sim = await startCcvShopSimulator();
    clock = T0;
  });
  afterEach(async () => {
    await sim.close();
  });
  const source = (store = new MemoryStore()) =>
    createCcvShopSource(
      { baseUrl: sim.url, publicKey: sim.publicKey, secretKey: sim.secretKey },
      { store, now: () => clock },
    );
  const cursorOf = (orders: Order[]) =>
    orders
      .map((o) => o.modifiedAt)
      .sort()
      .at(-1)!;

  test('payment, cancellation via webhook, row edits and new orders are found; unchanged orders are not', async () => {
    const store = new MemoryStore();
    const src = source(store);
    const first = ok(await collect(src));
    expect(first).toHaveLength(8);
    let cursor = cursorOf(first);
    clock += 60_000;
    expect(ok(await collect(src, { modifiedAfter: cursor }))).toEqual([]);

    // 103 (unpaid) gets paid; 107's rows are edited; a new order arrives.
    sim.shop.setPaid(340_100_003, true);
    sim.shop.editRows(340_100_007, [
      { name: 'LED-verlichtingsset', sku: 'LED-SET', count: 2, price: '24.99', tax: 21 },
    ]);
    sim.shop.addOrder({
      id: 340_100_009,
      ordernumber: 109,
      createDate: '2026-10-10T00:01:30Z',
      status: 1,
      paid: true,
      customer: {
        email: 'n@example.nl',
        firstName: 'N',
        lastName: 'B',
        street: 'Dam',
        housenumber: 1,
        zipcode: '1012 JS',
        city: 'Amsterdam',
      },
      shipping: '4.95',
      rows: [{ name: 'Pomp', count: 1, price: '19.95', tax: 21 }],
    });
    clock += 60_000;
    const changed = ok(await collect(src, { modifiedAfter: cursor }));
    expect(numbers(changed)).toEqual(['103', '107', '109']);
    expect(changed[0]).toMatchObject({
      state: 'paid',
      paidAt: new Date(clock).toISOString().replace('.000Z', 'Z'),
    });
    expect(changed[1].totals.total).toBe(fixed(String(sim.shop.orders.get(340_100_007)!.order.total_price)));
    for (const o of changed) expect(canonicalProblems(o)).toEqual([]);
    cursor = cursorOf(changed);

    // A month later 102 and WEB-108 (paid, not completed: "open") are outside the recent window.
    // Their cancellation is found by the periodic re-scan of open orders, or at once via a webhook.
    clock += 30 * 24 * 3600 * 1000;
    sim.shop.setStatus(340_100_002, 8);
    expect(numbers(ok(await collect(src, { modifiedAfter: cursor })))).toEqual(['102']); // due open re-scan
    const c2 = clock;
    clock += 60_000;
    sim.shop.setStatus(340_100_008, 8);
    expect(ok(await collect(src, { modifiedAfter: new Date(c2).toISOString() }))).toEqual([]); // not due, not hinted
    await src.noteWebhook(
      'orders.updated.status',
      sim.shop.webhookPayload(340_100_008, 'orders.updated.status', 13),
    );
    clock += 60_000;
    const hinted = ok(await collect(src, { modifiedAfter: new Date(c2).toISOString() }));
    expect(hinted.map((o) => [o.number, o.state])).toEqual([['WEB-108', 'cancelled']]);
  });

  test('detection instants are unique and strictly increasing, also across runs and clock steps back', async () => {
    const store = new MemoryStore();
    const first = ok(await collect(source(store)));
    const stamps = first.map((o) => Date.parse(o.modifiedAt));
    expect(new Set(stamps).size).toBe(stamps.length);
    expect([...stamps].sort((a, b) => a - b)).toEqual(stamps);
    clock -= 10_000; // the machine's clock is set back
    sim.shop.setPaid(340_100_003, true);
    const next = ok(await collect(source(store), { modifiedAfter: first.at(-1)!.modifiedAt }));
    expect(next.map((o) => o.number)).toEqual(['103']);
    expect(Date.parse(next[0].modifiedAt)).toBeGreaterThan(Math.max(...stamps));
  });

  test('orders handed out but never booked (crash) come again until the cursor passes them', async () => {
    const store = new MemoryStore();
    const first = ok(await collect(source(store)));
    const cursor = cursorOf(first);
    clock += 60_000;
    sim.shop.setPaid(340_100_004, true);
    const run = ok(await collect(source(store), { modifiedAfter: cursor }));
    expect(numbers(run)).toEqual(['104']);
    // The engine crashed before moving its cursor: a new process with the same store sees 104 again.
    clock += 60_000;
    expect(numbers(ok(await collect(source(store), { modifiedAfter: cursor })))).toEqual(['104']);
    // Once the cursor has passed it, it is not handed out again.
    expect(ok(await collect(source(store), { modifiedAfter: run[0].modifiedAt }))).toEqual([]);
  });

  test('a paid webhook gives the payment its trigger time', async () => {
    const src = source();
    const cursor = cursorOf(ok(await collect(src)));
    sim.shop.setPaid(340_100_003, true);
    await src.noteWebhook('orders.updated.ispaid', {
      ...sim.shop.webhookPayload(340_100_003, 'orders.updated.ispaid'),
      triggered_at: '2026-10-10T00:00:30Z',
    });
    clock += 60_000;
    const got = ok(await collect(src, { modifiedAfter: cursor }));
    expect(got[0]).toMatchObject({ number: '103', state: 'paid', paidAt: '2026-10-10T00:00:30Z' });
  });

  test('webhook payloads from the public fixtures are accepted; one without an id is refused', async () => {
    const src = source();
    for (const f of ['ispaid', 'status', 'trackandtrace']) {
      const payload = (await import(
        `../../../../../shared/fixtures/public/ccvshop-webhook-orders-updated-${f}-example.json`
      )) as Record<string, unknown>;
      await expect(src.noteWebhook(`orders.updated.${f}`, payload)).resolves.toBeUndefined();
    }
    await expect(src.noteWebhook('orders.updated.status', { order_number: 3 })).rejects.toMatchObject({
      code: 'MalformedOrder',
    });
  });
});

describe('CCV Shop authentication, signatures and rate limits', () => {
  let sim: CcvShopSimulator | null = null;
  afterEach(async () => {
    await sim?.close();
    sim = null;
  });

  test('a wrong secret is refused (401) and reported as AuthFailed', async () => {
    sim = await startCcvShopSimulator();
    const src = createCcvShopSource({ baseUrl: sim.url, publicKey: sim.publicKey, secretKey: 'wrong' });
    await expect(collect(src)).rejects.toMatchObject({ code: 'AuthFailed', retryable: false });
    expect(sim.stats.authFailures[0].reason).toBe('Hash does not match.');
  });

  test('a stale x-date is refused; the accepted date spellings all work', async () => {
    sim = await startCcvShopSimulator({
      now: () => Date.now() + 10 * 60 * 1000,
      maxClockSkewMs: 5 * 60 * 1000,
    });
    const src = createCcvShopSource({ baseUrl: sim.url, publicKey: sim.publicKey, secretKey: sim.secretKey });
    await expect(collect(src)).rejects.toMatchObject({ code: 'AuthFailed' });
    expect(sim.stats.authFailures[0].reason).toMatch(/too far/);
    await sim.close();

    sim = await startCcvShopSimulator();
    const s = sim;
    const uri = '/api/rest/v1/orders/?size=1';
    const iso = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
    for (const date of [
      iso.replace('.000Z', '+00:00'),
      iso.replace('.000Z', '+0000'),
      iso.replace('.000Z', 'Z'),
    ]) {
      const res = await fetch(`${s.url}${uri}`, {
        headers: signRequest(s.publicKey, s.secretKey, 'GET', uri, '', date),
      });
      expect(res.status).toBe(200);
    }
    // The body is part of the signature: a PATCH signed without it is refused.
    const patchUri = '/api/rest/v1/orders/340100003/';
    const body = JSON.stringify({ paid: true });
    const bad = await fetch(`${s.url}${patchUri}`, {
      method: 'PATCH',
      headers: {
        'Content-Type': 'application/json',
        ...signRequest(s.publicKey, s.secretKey, 'PATCH', patchUri, ''),
      },
      body,
    });
    expect(bad.status).toBe(401);
    const good = await fetch(`${s.url}${patchUri}`, {
      method: 'PATCH',
      headers: {
        'Content-Type': 'application/json',
        ...signRequest(s.publicKey, s.secretKey, 'PATCH', patchUri, body),
      },
      body,
    });
    expect(good.status).toBe(204);
    expect(s.shop.orders.get(340_100_003)!.order.paid).toBe(true);
  });

  test('responses with a bad signature are not trusted: retried, and refused when they persist', async () => {
    sim = await startCcvShopSimulator();
    sim.faults.badResponseSignature(1);
    const src = createCcvShopSource({ baseUrl: sim.url, publicKey: sim.publicKey, secretKey: sim.secretKey });
    expect(ok(await collect(src))).toHaveLength(8);
    sim.faults.badResponseSignature(100);
    const src2 = createCcvShopSource({
      baseUrl: sim.url,
      publicKey: sim.publicKey,
      secretKey: sim.secretKey,
      maxAttempts: 2,
    });
    await expect(collect(src2)).rejects.toMatchObject({ code: 'RemoteBadResponse' });
  });

  test('per-resource limit (429.10) and total limit (429.11) are waited out', async () => {
    sim = await startCcvShopSimulator({
      limits: { perResource: { 'orders:GET': 4 }, total: 100, windowMs: 500 },
    });
    const src = createCcvShopSource({
      baseUrl: sim.url,
      publicKey: sim.publicKey,
      secretKey: sim.secretKey,
      pageSize: 3,
      rateLimitWaitMs: 550,
    });
    expect(ok(await collect(src))).toHaveLength(8);
    expect(sim.stats.rateLimited['429.10']).toBeGreaterThan(0);
    expect(src.rateLimitedCount).toBe(sim.stats.rateLimited['429.10']);
    await sim.close();

    sim = await startCcvShopSimulator({ limits: { total: 5, windowMs: 500 } });
    const src2 = createCcvShopSource({
      baseUrl: sim.url,
      publicKey: sim.publicKey,
      secretKey: sim.secretKey,
      rateLimitWaitMs: 550,
    });
    expect(ok(await collect(src2))).toHaveLength(8);
    expect(sim.stats.rateLimited['429.11']).toBeGreaterThan(0);
  });

  test('client-side pacing keeps under the per-minute budget without any 429', async () => {
    let fake = Date.now();
    sim = await startCcvShopSimulator({
      limits: { perResource: { 'orders:GET': 6 } },
      now: () => fake,
      maxClockSkewMs: 24 * 3600 * 1000,
    });
    const waits: number[] = [];
    const src = createCcvShopSource(
      {
        baseUrl: sim.url,
        publicKey: sim.publicKey,
        secretKey: sim.secretKey,
        requestsPerMinute: 6,
        pageSize: 1,
      },
      { clientNow: () => fake, sleep: async (ms) => void (waits.push(ms), (fake += ms)) },
    );
    expect(ok(await collect(src))).toHaveLength(8);
    expect(waits.length).toBeGreaterThan(0);
    expect(sim.stats.rateLimited['429.10']).toBe(0);
    expect(sim.stats.byResource['orders:GET']).toBeGreaterThan(6);
  });

  test('a simulator answer with 503 is retried', async () => {
    sim = await startCcvShopSimulator();
    sim.faults.failNext(2, 503);
    const src = createCcvShopSource({ baseUrl: sim.url, publicKey: sim.publicKey, secretKey: sim.secretKey });
    expect(ok(await collect(src))).toHaveLength(8);
  });

  test('paging links carry the filters; unknown resources answer 404.20', async () => {
    sim = await startCcvShopSimulator();
    const s = sim;
    const uri = '/api/rest/v1/orders/?is_paid=false&size=2&start=0';
    const res = await fetch(`${s.url}${uri}`, {
      headers: signRequest(s.publicKey, s.secretKey, 'GET', uri, ''),
    });
    const body = (await res.json()) as {
      next: string;
      previous: string | null;
      first: string;
      items: Array<{ paid: boolean }>;
    };
    expect(body.items.every((o) => o.paid === false)).toBe(true);
    expect(body.previous).toBeNull();
    expect(body.next).toBe(`${s.apiRoot}/orders/?is_paid=false&start=2&size=2`);
    const u2 = '/api/rest/v1/producten/';
    const nf = await fetch(`${s.url}${u2}`, {
      headers: signRequest(s.publicKey, s.secretKey, 'GET', u2, ''),
    });
    expect(nf.status).toBe(404);
    expect(((await nf.json()) as { code: string }).code).toBe('404.20');
  });
});

describe('CCV Shop public fixtures', () => {
  let sim: CcvShopSimulator;
  beforeAll(async () => {
    sim = await startCcvShopSimulator({ seed: false });
  });
  afterAll(async () => {
    await sim.close();
  });
  const load = async (name: string) =>
    JSON.parse(JSON.stringify(await import(`../../../../../shared/fixtures/public/${name}`))) as Record<
      string,
      unknown
    >;

  test('the real order sample maps; its missing shipping in total_price surfaces as a 5.00 gap', async () => {
    const order = await load('ccvshop-order-example.json');
    delete order.default;
    const row = await load('ccvshop-orderrow-example.json');
    delete row.default;
    // The row sample belongs to another order; make it this order's single row of 590.
    Object.assign(row, { order_id: order.id, price: 600, discount: 10, total_price: 590 });
    sim.shop.putRaw(order, [row]);
    const src = createCcvShopSource({ baseUrl: sim.url, publicKey: sim.publicKey, secretKey: sim.secretKey });
    const r = await src.getOrder(String(order.id));
    if (!r.ok) throw new Error(r.error.message);
    const o = r.order;
    expect(o).toMatchObject({
      id: '339323562',
      number: '1',
      status: '1',
      state: 'paid',
      currency: 'EUR',
      pricesIncludeTax: true,
      paymentMethod: 'BankTransfer',
    });
    expect(o.customer).toMatchObject({
      email: 'customer@example.com',
      firstName: 'Jan',
      lastName: 'Jansen',
      billing: { line1: 'Voorbeeldstraat 1', postcode: '1000AA', city: 'Amsterdam', country: 'NL' },
      shipping: null,
    });
    expect(o.totals).toMatchObject({ total: '590.00', totalTax: '102.40' });
    expect(fixed(sum([...o.lines, ...o.shipping].map((l) => l.tax)))).toBe('102.40');
    expect(o.lines[0]).toMatchObject({ name: 'OnePlus Blauw', quantity: '1' });
    expect(canonicalProblems(o)).toEqual(['lines + shipping + fees = 595.00 but the order total is 590.00']);
  });

  test('the order-row sample maps inside a consistent order', async () => {
    const order = await load('ccvshop-order-example.json');
    delete order.default;
    const row = await load('ccvshop-orderrow-example.json');
    delete row.default;
    Object.assign(order, {
      id: 339493812,
      ordernumber: 3,
      ordernumber_full: '3',
      total_orderrow_price: 585,
      total_shipping: 5,
      total_price: 590,
      total_tax: 102.4,
    });
    sim.shop.putRaw(order, [row]);
    const src = createCcvShopSource({ baseUrl: sim.url, publicKey: sim.publicKey, secretKey: sim.secretKey });
    const r = await src.getOrder('339493812');
    if (!r.ok) throw new Error(r.error.message);
    expect(canonicalProblems(r.order)).toEqual([]);
    // (595 − 10) × 1 = 585 incl. 21 %; VAT 101.53, shipping 5 incl.: 0.87
    expect(r.order.lines[0]).toMatchObject({
      name: 'OnePlus Blauw',
      sku: null,
      quantity: '1',
      net: '483.47',
      tax: '101.53',
      unitNet: '483.47',
    });
    expect(r.order.shipping[0]).toMatchObject({ net: '4.13', tax: '0.87' });
  });
});

describe('CCV Shop webhook deliveries feed the change tracker', () => {
  test('an orders.updated.status delivery makes the next run re-read a finished, old order', async () => {
    const { default: Fastify } = await import('fastify');
    const sim = await startCcvShopSimulator();
    const receiver = Fastify({ logger: false });
    const got: Array<{ body: Record<string, unknown>; hash: string }> = [];
    receiver.post('/ccv', async (req) => {
      got.push({ body: req.body as Record<string, unknown>, hash: String(req.headers['x-hash']) });
      return '';
    });
    await receiver.listen({ host: '127.0.0.1', port: 0 });
    try {
      const address = `http://127.0.0.1:${(receiver.server.address() as { port: number }).port}/ccv`;
      sim.shop.subscribeWebhook('orders.updated.status', address, 'webhook-key');
      let clock = Date.parse('2026-12-01T00:00:00Z');
      const src = createCcvShopSource(
        { baseUrl: sim.url, publicKey: sim.publicKey, secretKey: sim.secretKey },
        { now: () => clock },
      );
      const first = ok(await collect(src));
      clock += 60_000;
      const cursor = new Date(clock).toISOString();
      expect(ok(await collect(src, { modifiedAfter: cursor }))).toEqual([]); // re-scan of open orders done now
      // 101 is completed and paid (not open) and outside every window: only the webhook can tell.
      sim.shop.setStatus(340_100_001, 8);
      await sim.shop.flushWebhooks();
      clock += 60_000;
      expect(ok(await collect(src, { modifiedAfter: cursor }))).toEqual([]);
      expect(got).toHaveLength(1);
      expect(got[0].body).toMatchObject({
        id: 340_100_001,
        order_number: 101,
        previous_status: 7,
        status: 8,
      });
      expect(got[0].hash).toMatch(/^[0-9a-f]{128}$/);
      await src.noteWebhook('orders.updated.status', got[0].body);
      clock += 60_000;
      const changed = ok(await collect(src, { modifiedAfter: cursor }));
      expect(changed.map((o) => [o.number, o.state])).toEqual([['101', 'cancelled']]);
      expect(first.find((o) => o.number === '101')?.state).toBe('completed');
    } finally {
      await receiver.close();
      await sim.close();
    }
  });
});
