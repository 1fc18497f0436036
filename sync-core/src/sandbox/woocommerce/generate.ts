/**
 * Deterministic, realistic Dutch webshop orders, computed exactly the way WooCommerce computes
 * them (totals.ts). Same seed + options = same orders, byte for byte.
 *
 * The mix (shares are approximate, per order): NL consumers at 21/9/0 %, multi-rate carts,
 * percent / fixed-product / fixed-cart coupons, free and paid shipping, fees (incl. negative
 * "korting" fees), awkward multi-quantity prices (3 × 4.99 incl. VAT), EU consumers taxed at the
 * OSS destination rate (DE 19/7, BE 21/6, FR 20/5.5), EU businesses with a VAT number (reverse
 * charge, no tax), exports outside the EU (no tax), USD/GBP orders, partial refunds with line
 * items, amount-only refunds, full refunds (with lines, or by setting the status to refunded),
 * cancelled, pending, on-hold, failed and checkout-draft orders, returning customers (same e-mail,
 * registered or guest) and HPOS "viewed" orders whose date_modified moved without a change.
 */
import { dec, fixed } from '../../model/money';
import { addSeconds, toGmtString } from './dates';
import { buildRefund, proRataLineRefund, remainingRefundAmount, wholeLineRefund, type RefundLineRequest } from './refunds';
import { dutchShopTaxRates, type WcTaxClass, type WcTaxRate } from './tax-rates';
import { computeOrder, type DraftCoupon, type DraftFee, type DraftItem, type DraftShipping } from './totals';
import { DEFAULT_SHOP_SETTINGS, type WcAddress, type WcMeta, type WcOrderRecord, type WcShopSettings } from './types';

export interface GenerateOptions {
  seed: number;
  count: number;
  /** First order's creation instant (default 2025-01-06T08:00:00Z). */
  startDate?: Date | string;
  settings?: Partial<WcShopSettings>;
  /** First post id (orders and refunds share WooCommerce's id sequence). Default 1001. */
  firstId?: number;
  /** Tax table the orders refer to; default dutchShopTaxRates(). */
  taxRates?: WcTaxRate[];
}

/** mulberry32: small, fast, deterministic. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rng {
  constructor(readonly next: () => number) {}
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  weighted<T>(xs: readonly (readonly [T, number])[]): T {
    const total = xs.reduce((a, [, w]) => a + w, 0);
    let r = this.next() * total;
    for (const [x, w] of xs) {
      r -= w;
      if (r < 0) return x;
    }
    return xs[xs.length - 1][0];
  }
}

export interface CatalogProduct {
  id: number;
  name: string;
  sku: string;
  /** Price as entered: incl. 21/9/0 % NL VAT for a shop entering prices with tax, else excl. */
  priceIncl: string;
  taxClass: WcTaxClass;
  variations?: { id: number; attribute: string; value: string }[];
}

/** The shop's products. Prices are entered incl. NL VAT; shops entering excl. tax use `priceExcl`. */
export const PRODUCT_CATALOG: CatalogProduct[] = [
  { id: 11, name: 'Koffiebonen Brazilië 500 g', sku: 'KOF-BRA-500', priceIncl: '12.95', taxClass: 'reduced-rate' },
  { id: 12, name: 'Theezakjes rooibos (20 st.)', sku: 'THE-ROO-20', priceIncl: '4.99', taxClass: 'reduced-rate' },
  { id: 13, name: 'Stroopwafels (8 st.)', sku: 'STR-WAF-8', priceIncl: '3.49', taxClass: 'reduced-rate' },
  { id: 14, name: 'Kookboek "Hollandse pot"', sku: 'BOEK-HP', priceIncl: '24.95', taxClass: 'reduced-rate' },
  { id: 15, name: 'Chocoladereep puur 72%', sku: 'CHOC-72', priceIncl: '2.79', taxClass: 'reduced-rate' },
  { id: 21, name: 'Mok Delfts blauw', sku: 'MOK-DB', priceIncl: '14.99', taxClass: 'standard' },
  {
    id: 22,
    name: 'T-shirt "Gezellig"',
    sku: 'TS-GEZ',
    priceIncl: '19.99',
    taxClass: 'standard',
    variations: [
      { id: 221, attribute: 'pa_maat', value: 'M' },
      { id: 222, attribute: 'pa_maat', value: 'L' },
    ],
  },
  { id: 23, name: 'Notitieboek A5', sku: 'NB-A5', priceIncl: '7.49', taxClass: 'standard' },
  { id: 24, name: 'Theepot glas 1 L', sku: 'TP-GL-1L', priceIncl: '29.95', taxClass: 'standard' },
  { id: 25, name: 'Sleutelhanger klompje', sku: 'SH-KLOMP', priceIncl: '0.99', taxClass: 'standard' },
  { id: 26, name: 'Cadeauverpakking', sku: 'CADEAU', priceIncl: '1.15', taxClass: 'standard' },
  { id: 27, name: 'Koffiemolen handmatig', sku: 'KM-HAND', priceIncl: '49.00', taxClass: 'standard' },
  { id: 31, name: 'Tijdschrift abonnement (digitaal, vrijgesteld)', sku: 'ABO-DIG', priceIncl: '3.33', taxClass: 'zero-rate' },
];

const NL_RATE: Record<WcTaxClass, string> = { standard: '21', 'reduced-rate': '9', 'zero-rate': '0' };

/** The entered price of a catalog product for a shop entering prices excl. tax (rounded to cents). */
export function priceExcl(p: CatalogProduct, decimals = 2): string {
  return fixed(dec(p.priceIncl).div(dec(NL_RATE[p.taxClass]).div(100).plus(1)), decimals);
}

interface PersonTemplate {
  first: string;
  last: string;
  company: string;
  street: string;
  city: string;
  postcode: string;
  country: string;
  phone: string;
  vatNumber: string;
  kind: 'nl' | 'oss' | 'b2b' | 'export';
}

const FIRST = ['Jan', 'Sanne', 'Pieter', 'Fleur', 'Daan', 'Emma', 'Lars', 'Noor', 'Bram', 'Julia', 'Sem', 'Tess', 'Luuk', 'Anouk', 'Mohammed', 'Fatima', 'Kevin', 'Iris'];
const LAST = ['de Vries', 'Jansen', 'van den Berg', 'Bakker', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder', 'van Dijk', 'Yılmaz', "van 't Hof", 'El Amrani', 'Bos'];
const NL_CITIES: [string, string][] = [
  ['Amsterdam', '1012 AB'],
  ['Rotterdam', '3011 AD'],
  ['Utrecht', '3511 LX'],
  ['Den Haag', '2511 CV'],
  ['Groningen', '9711 LM'],
  ['Eindhoven', '5611 EM'],
  ["'s-Hertogenbosch", '5211 JD'],
  ['Zwolle', '8011 PK'],
];
const FOREIGN: Record<string, { cities: [string, string][]; phone: string }> = {
  DE: { cities: [['Berlin', '10115'], ['Köln', '50667'], ['München', '80331']], phone: '+49 30 1234567' },
  BE: { cities: [['Antwerpen', '2000'], ['Gent', '9000'], ['Bruxelles', '1000']], phone: '+32 3 1234567' },
  FR: { cities: [['Paris', '75001'], ['Lille', '59000'], ['Lyon', '69001']], phone: '+33 1 23456789' },
  US: { cities: [['New York', '10001'], ['Portland', '97201']], phone: '+1 555 0100' },
  GB: { cities: [['London', 'SW1A 1AA'], ['Manchester', 'M1 1AE']], phone: '+44 20 7946 0000' },
  CH: { cities: [['Zürich', '8001'], ['Basel', '4051']], phone: '+41 44 123 45 67' },
  NO: { cities: [['Oslo', '0150']], phone: '+47 22 12 34 56' },
};
const B2B_VAT: Record<string, string> = { DE: 'DE123456789', BE: 'BE0123456789', FR: 'FR40123456789' };
const VAT_META_KEYS = ['_billing_vat_number', 'vat_number', '_vat_number', 'billing_eu_vat_number'];

const PAYMENT_METHODS: [string, string][] = [
  ['mollie_wc_gateway_ideal', 'iDEAL'],
  ['mollie_wc_gateway_creditcard', 'Creditcard'],
  ['stripe', 'Credit Card (Stripe)'],
  ['ppcp-gateway', 'PayPal'],
  ['bacs', 'Bankoverschrijving'],
];

/** Gateways whose WooCommerce integration supports automatic refunds (`api_refund`). */
export const REFUND_CAPABLE_GATEWAYS = new Set(['mollie_wc_gateway_ideal', 'mollie_wc_gateway_creditcard', 'stripe', 'ppcp-gateway']);

export interface GeneratedCustomer {
  id: number;
  email: string;
  template: PersonTemplate;
  registered: boolean;
  createdGmt: string;
}

function slug(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '.')
    .replace(/^\.|\.$/g, '');
}

function makePerson(rng: Rng): PersonTemplate {
  const kind = rng.weighted([
    ['nl', 72],
    ['oss', 13],
    ['b2b', 6],
    ['export', 9],
  ] as const);
  const first = rng.pick(FIRST);
  const last = rng.pick(LAST);
  if (kind === 'nl') {
    const [city, postcode] = rng.pick(NL_CITIES);
    const company = rng.chance(0.08) ? `${last} Design B.V.` : '';
    return { first, last, company, street: `Dorpsstraat ${rng.int(1, 199)}`, city, postcode, country: 'NL', phone: `06${rng.int(10000000, 99999999)}`, vatNumber: company && rng.chance(0.5) ? `NL${rng.int(100000000, 999999999)}B01` : '', kind };
  }
  const country = kind === 'export' ? rng.pick(['US', 'GB', 'CH', 'NO']) : rng.pick(['DE', 'BE', 'FR']);
  const f = FOREIGN[country];
  const [city, postcode] = rng.pick(f.cities);
  return {
    first,
    last,
    company: kind === 'b2b' ? `${last} ${country === 'DE' ? 'GmbH' : country === 'BE' ? 'BV' : 'SARL'}` : '',
    street: `${rng.int(1, 99)} Main Street`,
    city,
    postcode,
    country,
    phone: f.phone,
    vatNumber: kind === 'b2b' ? B2B_VAT[country] : '',
    kind,
  };
}

function address(t: PersonTemplate, email: string | undefined): WcAddress {
  const a: WcAddress = {
    first_name: t.first,
    last_name: t.last,
    company: t.company,
    address_1: t.street,
    address_2: '',
    city: t.city,
    state: '',
    postcode: t.postcode,
    country: t.country,
    phone: t.phone,
  };
  if (email !== undefined) {
    const { phone, ...rest } = a;
    return { ...rest, email, phone };
  }
  return a;
}

function hex(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[rng.int(0, 15)];
  return s;
}

function alnum(rng: Rng, n: number): string {
  const a = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  let s = '';
  for (let i = 0; i < n; i++) s += a[rng.int(0, a.length - 1)];
  return s;
}

export interface GeneratedShop {
  orders: WcOrderRecord[];
  customers: GeneratedCustomer[];
  taxRates: WcTaxRate[];
  settings: WcShopSettings;
  /** Next free post id / order item id after generation (the simulator continues from here). */
  nextId: number;
  nextItemId: number;
}

interface PlannedRefund {
  at: string;
  kind: 'partial-lines' | 'amount-only' | 'full-lines' | 'status-refunded';
}

/** Generate orders (with their refunds) — see the file comment for the mix. */
export function generateShopOrders(opts: GenerateOptions): WcOrderRecord[] {
  return generateShop(opts).orders;
}

/** Orders plus the customers and tax table they refer to. */
export function generateShop(opts: GenerateOptions): GeneratedShop {
  const settings: WcShopSettings = { ...DEFAULT_SHOP_SETTINGS, ...opts.settings };
  const table = opts.taxRates ?? dutchShopTaxRates();
  const rng = new Rng(seededRandom(opts.seed));
  const start = opts.startDate ? new Date(opts.startDate) : new Date('2025-01-06T08:00:00Z');
  let itemId = 1;
  const nextItemId = () => itemId++;
  let metaId = 5000;
  const nextMetaId = () => metaId++;

  const customers: GeneratedCustomer[] = [];
  let customerSeq = 2;
  let clock = toGmtString(start);

  interface Built {
    order: WcOrderRecord;
    planned: PlannedRefund[];
    viewedAt: string | null;
  }
  const built: Built[] = [];

  for (let n = 0; n < opts.count; n++) {
    clock = addSeconds(clock, rng.int(60, 4 * 3600));
    // customer: returning (same e-mail) or new; registered or guest
    let cust: GeneratedCustomer;
    if (customers.length > 3 && rng.chance(0.3)) {
      cust = rng.pick(customers);
    } else {
      const t = makePerson(rng);
      const email = `${slug(t.first)}.${slug(t.last)}${rng.int(1, 999)}@${t.kind === 'nl' ? rng.pick(['gmail.com', 'ziggo.nl', 'kpnmail.nl', 'outlook.com']) : 'example.com'}`;
      const registered = rng.chance(0.45);
      cust = { id: registered ? customerSeq++ : 0, email, template: t, registered, createdGmt: clock };
      customers.push(cust);
    }
    const t = cust.template;
    const currency = t.country === 'US' ? (rng.chance(0.7) ? 'USD' : 'EUR') : t.country === 'GB' ? (rng.chance(0.7) ? 'GBP' : 'EUR') : 'EUR';
    const fx = currency === 'USD' ? '1.0850' : currency === 'GBP' ? '0.8450' : '1';

    // cart
    const items: DraftItem[] = [];
    const lineCount = rng.weighted([
      [1, 40],
      [2, 30],
      [3, 18],
      [4, 8],
      [6, 4],
    ] as const);
    const used = new Set<number>();
    for (let i = 0; i < lineCount; i++) {
      const p = rng.pick(PRODUCT_CATALOG);
      if (used.has(p.id) && !p.variations) continue;
      used.add(p.id);
      const variation = p.variations ? rng.pick(p.variations) : undefined;
      const qty = rng.weighted([
        [1, 60],
        [2, 20],
        [3, 12],
        [5, 5],
        [12, 3],
      ] as const);
      // prices are entered with the shop's number of decimals
      const entered = settings.pricesIncludeTax ? fixed(p.priceIncl, settings.decimals) : priceExcl(p, settings.decimals);
      const unitPrice = currency === 'EUR' ? entered : fixed(dec(entered).times(fx), settings.decimals);
      items.push({
        name: variation ? `${p.name} - ${variation.value}` : p.name,
        productId: p.id,
        variationId: variation?.id ?? 0,
        sku: rng.chance(0.02) ? null : p.sku,
        quantity: qty,
        unitPrice,
        taxClass: p.taxClass,
        meta: variation ? [{ id: nextMetaId(), key: variation.attribute, value: variation.value }] : [],
        parentName: variation ? p.name : null,
      });
    }

    let coupon: DraftCoupon | undefined;
    const couponRoll = rng.next();
    if (couponRoll < 0.08) coupon = { code: 'welkom10', type: 'percent', amount: '10' };
    else if (couponRoll < 0.12) coupon = { code: 'zomer15', type: 'percent', amount: '15' };
    else if (couponRoll < 0.16) coupon = { code: 'vijfeuro', type: 'fixed_cart', amount: '5' };
    else if (couponRoll < 0.19) coupon = { code: 'kassakorting', type: 'fixed_cart', amount: '2.50' };
    else if (couponRoll < 0.21) coupon = { code: 'product1', type: 'fixed_product', amount: '1' };

    const fees: DraftFee[] = [];
    if (rng.chance(0.06)) fees.push({ name: 'Rembours toeslag', amount: '2.50', taxClass: 'standard', taxable: true });
    if (rng.chance(0.05)) fees.push({ name: 'Statiegeld', amount: '0.15', taxClass: 'zero-rate', taxable: false });
    if (rng.chance(0.05)) fees.push({ name: 'Korting vaste klant', amount: '-1.50', taxClass: 'standard', taxable: true });

    const shipping: DraftShipping[] = [];
    const shipRoll = rng.next();
    if (shipRoll < 0.15) shipping.push({ methodId: 'free_shipping', methodTitle: 'Gratis verzending', instanceId: '2', cost: '0' });
    else if (shipRoll < 0.22) shipping.push({ methodId: 'local_pickup', methodTitle: 'Afhalen in de winkel', instanceId: '3', cost: '0' });
    else if (shipRoll < 0.9) {
      const cost = t.country === 'NL' ? rng.pick(['4.95', '3.95', '5.7851']) : t.kind === 'export' ? '14.50' : '8.26';
      shipping.push({ methodId: 'flat_rate', methodTitle: t.country === 'NL' ? 'PostNL' : 'DHL internationaal', instanceId: '1', cost: currency === 'EUR' ? cost : fixed(dec(cost).times(fx), settings.decimals) });
    }
    // else: no shipping (digital only)

    const vatExempt = t.kind === 'b2b';
    const computed = computeOrder({ items, shipping, fees, coupon, country: t.country, vatExempt }, table, settings, nextItemId, nextMetaId);

    const status = rng.weighted([
      ['completed', 48],
      ['processing', 24],
      ['on-hold', 5],
      ['pending', 5],
      ['cancelled', 5],
      ['failed', 3],
      ['refunded-full', 5],
      ['checkout-draft', 1],
      ['wc-awaiting-shipment', 1],
    ] as const);
    const [pm, pmTitle] = t.kind === 'export' ? rng.pick(PAYMENT_METHODS.slice(1, 4)) : rng.pick(PAYMENT_METHODS);
    const paid = ['completed', 'processing', 'refunded-full', 'wc-awaiting-shipment'].includes(status);
    const createdAt = clock;
    const paidAt = paid ? addSeconds(createdAt, rng.int(5, pm === 'bacs' ? 86400 * 2 : 90)) : null;
    const completedAt = status === 'completed' || status === 'refunded-full' ? addSeconds(paidAt ?? createdAt, rng.int(3600, 86400 * 3)) : null;
    let modified = completedAt ?? paidAt ?? addSeconds(createdAt, rng.int(1, 30));
    if (status === 'cancelled') modified = addSeconds(createdAt, rng.int(3600, 86400 * 3));

    const meta: WcMeta[] = [{ id: nextMetaId(), key: 'is_vat_exempt', value: vatExempt ? 'yes' : 'no' }];
    if (t.vatNumber) meta.push({ id: nextMetaId(), key: rng.pick(VAT_META_KEYS), value: t.vatNumber });
    if (currency !== 'EUR') meta.push({ id: nextMetaId(), key: '_wcpay_multi_currency_order_exchange_rate', value: fx });

    const order: WcOrderRecord = {
      id: 0,
      parent_id: 0,
      number: '',
      order_key: `wc_order_${alnum(rng, 13)}`,
      created_via: status === 'checkout-draft' ? 'store-api' : rng.chance(0.95) ? 'checkout' : 'admin',
      version: '9.4.2',
      status: status === 'refunded-full' ? 'completed' : status === 'wc-awaiting-shipment' ? 'awaiting-shipment' : status,
      currency,
      prices_include_tax: settings.pricesIncludeTax,
      date_created_gmt: createdAt,
      date_modified_gmt: modified,
      date_paid_gmt: paidAt,
      date_completed_gmt: completedAt,
      discount_total: computed.discount_total,
      discount_tax: computed.discount_tax,
      shipping_total: computed.shipping_total,
      shipping_tax: computed.shipping_tax,
      cart_tax: computed.cart_tax,
      total: computed.total,
      total_tax: computed.total_tax,
      customer_id: cust.id,
      customer_ip_address: `192.0.2.${rng.int(1, 254)}`,
      customer_user_agent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
      customer_note: rng.chance(0.05) ? 'Graag bij de buren afgeven als ik niet thuis ben.' : '',
      billing: address(t, cust.email),
      shipping: address(t, undefined),
      payment_method: pm,
      payment_method_title: pmTitle,
      transaction_id: paid && pm !== 'bacs' ? `tr_${alnum(rng, 10)}` : '',
      cart_hash: hex(rng, 32),
      meta_data: meta,
      line_items: computed.line_items,
      tax_lines: computed.tax_lines,
      shipping_lines: computed.shipping_lines,
      fee_lines: computed.fee_lines,
      coupon_lines: computed.coupon_lines,
      refunds: [],
    };

    const planned: PlannedRefund[] = [];
    if (status === 'refunded-full') {
      planned.push({ at: addSeconds(modified, rng.int(3600, 86400 * 10)), kind: rng.chance(0.5) ? 'full-lines' : 'status-refunded' });
    } else if (status === 'completed' && !dec(order.total).isZero()) {
      const r = rng.next();
      if (r < 0.08) planned.push({ at: addSeconds(modified, rng.int(3600, 86400 * 14)), kind: 'partial-lines' });
      else if (r < 0.12) planned.push({ at: addSeconds(modified, rng.int(3600, 86400 * 14)), kind: 'amount-only' });
      else if (r < 0.14) {
        planned.push({ at: addSeconds(modified, rng.int(3600, 86400 * 5)), kind: 'partial-lines' });
        planned.push({ at: addSeconds(modified, rng.int(86400 * 6, 86400 * 12)), kind: 'amount-only' });
      }
    }
    const viewedAt = paid && rng.chance(0.04) ? addSeconds(modified, rng.int(86400, 86400 * 20)) : null;
    built.push({ order, planned, viewedAt });
  }

  // Post ids: orders and refunds share one sequence, handed out in time order.
  const events: { at: string; seq: number; assign: (id: number) => void }[] = [];
  let seq = 0;
  for (const b of built) {
    events.push({ at: b.order.date_created_gmt, seq: seq++, assign: (id) => ((b.order.id = id), (b.order.number = String(id))) });
  }
  const refundIds = new Map<PlannedRefund, number>();
  for (const b of built) for (const p of b.planned) events.push({ at: p.at, seq: seq++, assign: (id) => refundIds.set(p, id) });
  events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.seq - b.seq));
  let postId = opts.firstId ?? 1001;
  for (const e of events) e.assign(postId++);

  // Refunds, in time order per order.
  for (const b of built) {
    const o = b.order;
    for (const p of [...b.planned].sort((x, y) => (x.at < y.at ? -1 : 1))) {
      const remaining = remainingRefundAmount(o);
      if (remaining.lte(0)) break;
      let lines: RefundLineRequest[] = [];
      let amount: string;
      let reason = '';
      if (p.kind === 'partial-lines') {
        const li = rng.pick(o.line_items);
        const qty = rng.int(1, Math.max(1, li.quantity - (o.line_items.length === 1 && li.quantity > 1 ? 1 : 0)));
        lines = [proRataLineRefund(li, qty, settings.decimals)];
        amount = fixed(lines.reduce((a, l) => a.plus(dec(l.refund_total ?? '0')).plus((l.refund_tax ?? []).reduce((x, t) => x.plus(dec(t.refund_total)), dec(0))), dec(0)), settings.decimals);
        if (dec(amount).gt(remaining)) amount = fixed(remaining, settings.decimals);
        reason = rng.pick(['Beschadigd geleverd', 'Retour: past niet', '']);
      } else if (p.kind === 'amount-only') {
        amount = fixed(D_min(remaining, dec(rng.pick(['5.00', '2.50', '10.00', '1.99']))), settings.decimals);
        reason = rng.pick(['Coulance: vertraging bezorging', 'Prijscorrectie', '']);
      } else if (p.kind === 'full-lines') {
        lines = [
          ...o.line_items.map((li) => proRataLineRefund(li, li.quantity, settings.decimals)),
          ...o.shipping_lines.filter((s) => !dec(s.total).isZero()).map((s) => wholeLineRefund(s, settings.decimals)),
          ...o.fee_lines.map((f) => wholeLineRefund(f, settings.decimals)),
        ];
        amount = fixed(remaining, settings.decimals);
        reason = 'Volledige retour';
      } else {
        amount = fixed(remaining, settings.decimals);
        reason = 'Order fully refunded.';
      }
      if (dec(amount).lte(0)) continue;
      const refund = buildRefund(
        o,
        { amount, reason, line_items: lines, refunded_by: 1, refunded_payment: p.kind !== 'status-refunded' && REFUND_CAPABLE_GATEWAYS.has(o.payment_method) },
        { refundId: refundIds.get(p) ?? 0, nextItemId, nowGmt: p.at },
        settings,
      );
      o.refunds.unshift(refund);
      o.date_modified_gmt = p.at;
      if (remainingRefundAmount(o).lte(0)) o.status = 'refunded';
    }
    if (b.viewedAt && b.viewedAt > o.date_modified_gmt) o.date_modified_gmt = b.viewedAt;
  }

  const orders = built.map((b) => b.order);
  orders.sort((a, b) => a.id - b.id);
  return { orders, customers: customers.filter((c) => c.registered), taxRates: table, settings, nextId: postId, nextItemId: itemId };
}

function D_min(a: ReturnType<typeof dec>, b: ReturnType<typeof dec>) {
  return a.lt(b) ? a : b;
}
