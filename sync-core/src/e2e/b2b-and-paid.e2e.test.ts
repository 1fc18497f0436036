/**
 * Issue 18 in the field: Shopify B2B orders to EU companies are booked as reverse charge in Exact
 * and Moneybird (credit notes too) with the customer's VAT number, and refused without one; a CCV
 * Shop intra-community order reaches reverse charge; and with `paidOnly`, an order the shop marks
 * completed but has not been paid waits ("not paid yet") and is booked once the payment arrives —
 * for WooCommerce, CCV Shop and Shopify alike.
 */
import { parseConfig } from '../config';
import { runSync, type OrderOutcome, type SyncSummary } from '../engine/sync';
import { createSource, createTarget } from '../app/wiring';
import { startSandbox, type Sandbox } from '../sandbox';
import { startShopifySimulator, type ShopifySimulator, type OrderSpec } from '../sandbox/shopify';
import { startCcvShopSimulator, type CcvShopSimulator } from '../sandbox/ccvshop';
import { startWooCommerceSimulator, SANDBOX_CONSUMER_KEY, SANDBOX_CONSUMER_SECRET, type WooSimulator } from '../sandbox/woocommerce';
import { MemoryStore } from '../store/memory-store';
import type { Store } from '../store/port';

jest.setTimeout(120_000);

type Rec = Record<string, unknown>;

async function sync(sb: Sandbox, store: Store, source: Rec, rules: Rec = {}): Promise<{ summary: SyncSummary; outcomes: OrderOutcome[] }> {
  const config = parseConfig({ ...sb.config, source, rules: { startDate: '2000-01-01', retryBaseSeconds: 1, ...rules } });
  const outcomes: OrderOutcome[] = [];
  const summary = await runSync({ source: createSource(config, store), target: createTarget(config), store, plan: config.plan, rules: config.rules }, { mode: 'sync', onOutcome: (o) => outcomes.push(o) });
  return { summary, outcomes };
}

const address = (country: string, company: string) => ({
  address1: 'Hauptstraße 5',
  address2: null,
  city: 'Stadt',
  company,
  country,
  countryCodeV2: country,
  firstName: 'Anna',
  lastName: 'Schmidt',
  name: 'Anna Schmidt',
  phone: null,
  province: null,
  provinceCode: null,
  zip: '10115',
});

/** A B2B order: EU reverse-charge exemption, VAT number where `where` says (or nowhere). */
function b2b(n: number, country: string, vat: string | null, where: 'metafield' | 'attribute' | 'company'): OrderSpec {
  const company = where === 'company' && vat ? `Firma ${country} ${vat}` : `Firma ${country}`;
  return {
    id: 5_700_000_000 + n,
    number: 4000 + n,
    createdAt: '2026-11-10T10:00:00Z',
    taxesIncluded: false,
    customer: {
      id: 95_000 + n,
      email: `inkoop${n}@firma-${country.toLowerCase()}.example`,
      firstName: 'Anna',
      lastName: 'Schmidt',
      taxExemptions: ['EU_REVERSE_CHARGE_EXEMPTION_RULE'],
      metafields: where === 'metafield' && vat ? [{ namespace: 'custom', key: 'vat_number', value: vat }] : [],
    },
    customAttributes: where === 'attribute' && vat ? [{ key: 'vat_number', value: vat }] : [],
    billingAddress: address(country, company),
    shippingAddress: address(country, company),
    lines: [
      { title: 'Espressomachine', sku: 'ESP-1', unitPrice: '640.00', quantity: 1, taxRate: '0.21' },
      { title: 'Bonen 1 kg', sku: 'BON-1', unitPrice: '18.50', quantity: 4, taxRate: '0.09' },
    ],
    shipping: [{ title: 'DHL Express', price: '24.00', taxRate: '0.21' }],
  };
}

describe.each(['exact', 'moneybird'] as const)('Shopify B2B -> %s', (target) => {
  let sb: Sandbox;
  let shop: ShopifySimulator;
  beforeEach(async () => {
    sb = await startSandbox({ target, platform: 'shopify', orders: 1, seed: 3, fastLimits: true });
    shop = await startShopifySimulator({ seed: false, bucketSize: 2000, restoreRate: 1000 });
  });
  afterEach(async () => {
    await shop.close();
    await sb.close();
  });

  it('books DE/BE/FR companies with a VAT number as reverse charge, credit notes too; refuses one without', async () => {
    const cases: Array<[number, string, string | null, 'metafield' | 'attribute' | 'company']> = [
      [1, 'DE', 'DE123456789', 'metafield'],
      [2, 'BE', 'BE0123456789', 'attribute'],
      [3, 'FR', 'FR12345678901', 'company'],
      [4, 'DE', null, 'metafield'],
    ];
    for (const [n, country, vat, where] of cases) shop.shop.addOrder(b2b(n, country, vat, where));
    for (const n of [1, 3]) {
      const o = shop.shop.getOrder(5_700_000_000 + n);
      shop.shop.refund(o.legacyResourceId, { createdAt: '2026-11-12T10:00:00Z', note: 'Retour', lines: [{ lineItemId: o.lineItems[1].id, quantity: 2 }] });
    }
    const store = new MemoryStore();
    const source = { platform: 'shopify', shopDomain: shop.shopDomain, baseUrl: shop.url, accessToken: shop.accessToken, shopId: 'b2b-shop' };
    const { summary } = await sync(sb, store, source);
    expect(summary.booked).toEqual({ order: 3, refund: 2, cancellation: 0 });
    expect(summary.bookedByRate.map((r) => r.key)).toEqual(['reverse_charge:0']);
    expect(summary.bookedVat).toBe('0.00');

    const refused = (await store.listEntries({ status: 'failed' })).map((e) => [e.orderNumber, e.lastError?.code, e.lastError?.message]);
    expect(refused).toEqual([['4004', 'VatNumberMissing', expect.stringMatching(/tax-exempt.*VAT number/)]]);

    const vatOf = new Map([['4001', 'DE123456789'], ['4002', 'BE0123456789'], ['4003', 'FR12345678901']]);
    const refs = ['4001', '4002', '4003', ...(await store.listEntries({ status: 'booked' })).filter((e) => e.kind === 'refund').map((e) => e.reference)];
    expect(refs).toHaveLength(5);
    if (target === 'exact') {
      const ex = sb.exact!;
      const reverse = new Set(['6', '  6', '6  ']);
      for (const ref of refs) {
        const entry = ex.state.salesEntries.find((d) => d.YourRef === ref) as Rec | undefined;
        expect(entry).toBeDefined();
        const lines = entry!.SalesEntryLines as Rec[];
        expect(lines.every((l) => reverse.has(String(l.VATCode)) || String(l.VATCode).trim() === '6')).toBe(true);
        const account = ex.state.accounts.find((a) => a.ID === entry!.Customer) as Rec;
        expect(account.VATNumber).toBe(vatOf.get(ref.split('-')[0]));
      }
    } else {
      const mb = sb.moneybird!;
      const rc = mb.state.taxRates.find((r) => r.name === '0% btw intracommunautair')!.id;
      for (const ref of refs) {
        const inv = mb.state.salesInvoices.find((d) => d.reference === ref) as Rec | undefined;
        expect(inv).toBeDefined();
        expect((inv!.details as Rec[]).every((d) => d.tax_rate_id === rc)).toBe(true);
        const contact = mb.state.contacts.find((c) => c.id === inv!.contact_id) as Rec;
        expect(contact.tax_number).toBe(vatOf.get(ref.split('-')[0]));
      }
    }
  });
});

describe('CCV Shop B2B -> moneybird', () => {
  it('an intra-community order with a VAT number reaches reverse charge', async () => {
    const sb = await startSandbox({ target: 'moneybird', platform: 'ccvshop', orders: 1, seed: 3, fastLimits: true });
    const ccv = await startCcvShopSimulator();
    try {
      const store = new MemoryStore();
      const { summary } = await sync(sb, store, { platform: 'ccvshop', baseUrl: ccv.url, publicKey: ccv.publicKey, secretKey: ccv.secretKey, shopId: 'ccv-b2b' });
      expect(summary.bookedByRate.map((r) => r.key)).toContain('reverse_charge:0');
      const mb = sb.moneybird!;
      const rc = mb.state.taxRates.find((r) => r.name === '0% btw intracommunautair')!.id;
      const inv = mb.state.salesInvoices.find((d) => d.reference === '105') as Rec;
      expect((inv.details as Rec[]).every((d) => d.tax_rate_id === rc)).toBe(true);
      expect((mb.state.contacts.find((c) => c.id === inv.contact_id) as Rec).tax_number).toBe('BE0123456789');
    } finally {
      await ccv.close();
      await sb.close();
    }
  });
});

describe('paidOnly: completed but not paid waits, and is booked when paid', () => {
  const ignoredAs = (outcomes: OrderOutcome[], id: string) => outcomes.find((o) => o.orderId === id)?.ignored ?? '';

  it('WooCommerce: completed without date_paid', async () => {
    const sb = await startSandbox({ target: 'moneybird', platform: 'woocommerce', orders: 1, seed: 3, fastLimits: true });
    const woo: WooSimulator = await startWooCommerceSimulator({ seed: 5, orderCount: 6 });
    try {
      const source = { platform: 'woocommerce', url: woo.url, consumerKey: SANDBOX_CONSUMER_KEY, consumerSecret: SANDBOX_CONSUMER_SECRET, shopId: 'woo-paid' };
      const [id] = [...woo.shop.orders.values()].filter((o) => ['completed', 'processing'].includes(o.status) && !o.refunds.length).map((o) => o.id);
      woo.shop.updateOrder(id, { status: 'completed', date_paid_gmt: null });
      const store = new MemoryStore();
      const first = await sync(sb, store, source, { paidOnly: true });
      expect(ignoredAs(first.outcomes, String(id))).toMatch(/not paid yet/);
      expect(await store.getEntry(`woo-paid:order:${id}`)).toBeNull();
      woo.shop.updateOrder(id, { date_paid_gmt: new Date().toISOString().replace(/\.\d{3}Z$/, '') });
      await sync(sb, store, source, { paidOnly: true });
      expect((await store.listEntries({ status: 'booked' })).some((e) => e.orderId === String(id) && e.kind === 'order')).toBe(true);
    } finally {
      await woo.close();
      await sb.close();
    }
  });

  it('CCV Shop: status 7 (afgerond) with the paid flag off', async () => {
    const sb = await startSandbox({ target: 'moneybird', platform: 'ccvshop', orders: 1, seed: 3, fastLimits: true });
    const ccv: CcvShopSimulator = await startCcvShopSimulator();
    try {
      const source = { platform: 'ccvshop', baseUrl: ccv.url, publicKey: ccv.publicKey, secretKey: ccv.secretKey, shopId: 'ccv-paid' };
      const id = [...ccv.shop.orders.keys()][0];
      ccv.shop.setStatus(id, 7);
      ccv.shop.setPaid(id, false);
      const store = new MemoryStore();
      const first = await sync(sb, store, source, { paidOnly: true });
      expect(ignoredAs(first.outcomes, String(id))).toMatch(/not paid yet/);
      expect((await store.listEntries()).some((e) => e.orderId === String(id))).toBe(false);
      ccv.shop.setPaid(id, true);
      await sync(sb, store, source, { paidOnly: true });
      expect((await store.listEntries({ status: 'booked' })).some((e) => e.orderId === String(id) && e.kind === 'order')).toBe(true);
    } finally {
      await ccv.close();
      await sb.close();
    }
  });

  it('Shopify: fulfilled but the financial status is still pending', async () => {
    const sb = await startSandbox({ target: 'exact', platform: 'shopify', orders: 1, seed: 3, fastLimits: true });
    const shop = await startShopifySimulator({ seed: false, bucketSize: 2000, restoreRate: 1000 });
    try {
      const o = shop.shop.addOrder({
        id: 5_700_100_001,
        number: 5001,
        createdAt: '2026-11-10T10:00:00Z',
        taxesIncluded: true,
        gateway: 'bank_deposit',
        payment: 'pending',
        customer: { id: 96_001, email: 'klant@example.nl', firstName: 'K', lastName: 'L' },
        lines: [{ title: 'Mok', sku: 'MOK', unitPrice: '14.95', quantity: 2, taxRate: '0.21' }],
      });
      o.displayFulfillmentStatus = 'FULFILLED';
      const source = { platform: 'shopify', shopDomain: shop.shopDomain, baseUrl: shop.url, accessToken: shop.accessToken, shopId: 'shopify-paid' };
      // Book pending orders too: only paidOnly keeps this one out
      const rules = { paidOnly: true, bookStates: ['pending', 'paid', 'completed', 'refunded'] };
      const store = new MemoryStore();
      const first = await sync(sb, store, source, rules);
      expect(ignoredAs(first.outcomes, o.legacyResourceId)).toMatch(/not paid yet/);
      expect(first.summary.booked.order).toBe(0);
      shop.shop.markPaid(o.legacyResourceId, '2026-11-15T09:00:00Z');
      const second = await sync(sb, store, source, rules);
      expect(second.summary.booked.order).toBe(1);
    } finally {
      await shop.close();
      await sb.close();
    }
  });
});
