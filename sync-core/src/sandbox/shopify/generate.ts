/**
 * Deterministic random Dutch Shopify orders for the sandbox (`--orders N --seed S`): web and POS
 * sales, 21 % / 9 % / untaxed products, discount codes, PostNL shipping, cash rounding, tips,
 * returning customers and some refunds, spread over the 60 days before `endAt`. Every eighth web
 * order (from the sixth) is an intra-EU B2B sale: a company in DE, BE or FR with Shopify's EU
 * reverse-charge exemption (no tax charged) and its VAT number in a customer metafield, a checkout
 * attribute or the billing company field, in turn.
 */
import type { CustomerSpec, LineSpec, OrderSpec } from './build-order';
import { nlAddress } from './seed';

const B2B: Array<{ country: string; name: string; company: string; vat: string; city: string; zip: string; street: string }> = [
  { country: 'DE', name: 'Germany', company: 'Grünwerk GmbH', vat: 'DE123456789', city: 'Köln', zip: '50667', street: 'Hohe Straße 12' },
  { country: 'BE', name: 'Belgium', company: 'Fietsen Peeters BV', vat: 'BE0123456789', city: 'Antwerpen', zip: '2000', street: 'Meir 50' },
  { country: 'FR', name: 'France', company: 'Atelier Vert SARL', vat: 'FR12345678901', city: 'Lille', zip: '59000', street: 'Rue Faidherbe 8' },
];

/** Turn a generated web order into an intra-EU B2B one (deterministic by `k`; no random draws). */
function asB2b(spec: OrderSpec, k: number): OrderSpec {
  const b = B2B[k % B2B.length];
  const where = (['metafield', 'attribute', 'company'] as const)[Math.floor(k / B2B.length) % 3];
  const id = 90_000 + k;
  const addr = {
    ...nlAddress('Anna', 'Schmidt', b.street, b.zip, b.city, where === 'company' ? b.vat : b.company),
    country: b.name,
    countryCodeV2: b.country,
    province: null,
    provinceCode: null,
  };
  return {
    ...spec,
    taxesIncluded: false,
    customer: {
      id,
      email: `inkoop${k + 1}@${b.country.toLowerCase()}-firma.example`,
      firstName: 'Anna',
      lastName: 'Schmidt',
      taxExemptions: ['EU_REVERSE_CHARGE_EXEMPTION_RULE'],
      metafields: where === 'metafield' ? [{ namespace: 'custom', key: 'vat_number', value: b.vat }] : [],
    },
    customAttributes: where === 'attribute' ? [{ key: 'vat_number', value: b.vat }] : [],
    billingAddress: addr,
    shippingAddress: addr,
    discount: null,
    payment: 'paid',
  };
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CATALOG: Array<Omit<LineSpec, 'quantity'>> = [
  { title: 'Biologisch katoenen T-shirt', sku: 'TS-BIO', unitPrice: '24.95', taxRate: '0.21' },
  { title: 'Bamboe sokken', sku: 'SOK-BAM', unitPrice: '7.49', taxRate: '0.21' },
  { title: 'Kookboek Seizoensgroenten', sku: 'BOEK-SEIZ', unitPrice: '29.99', taxRate: '0.09' },
  { title: 'Fairtrade koffiebonen 500 g', sku: 'KOF-500', unitPrice: '11.45', taxRate: '0.09' },
  { title: 'Sojakaars lavendel', sku: 'KAARS-LAV', unitPrice: '12.95', taxRate: '0.21' },
  { title: 'Stroopwafels ambachtelijk', sku: 'STROOP-8', unitPrice: '3.99', taxRate: '0.09' },
  { title: 'Keramiek mok', sku: 'MOK-KER', unitPrice: '14.95', taxRate: '0.21' },
  { title: 'Thee proefpakket', sku: 'THEE-PROEF', unitPrice: '16.50', taxRate: '0.09' },
  { title: 'Cadeaukaart', sku: null, unitPrice: '25.00', taxable: false },
  { title: 'Wenskaart', sku: 'KAART-01', unitPrice: '2.49', taxRate: '0.21' },
];
const FIRST = ['Sanne', 'Pieter', 'Fatima', 'Daan', 'Emma', 'Noah', 'Julia', 'Mohammed', 'Sophie', 'Lucas'];
const LAST = [
  'de Vries',
  'Bakker',
  'El Amrani',
  'Jansen',
  'Visser',
  'Smit',
  'Meijer',
  'de Boer',
  'Mulder',
  'Bos',
];
const CITIES: Array<[string, string, string]> = [
  ['Amsterdam', '1016 GV', 'Prinsengracht 263'],
  ['Utrecht', '3511 AZ', 'Oudegracht 150'],
  ['Rotterdam', '3011 AD', 'Coolsingel 40'],
  ['Groningen', '9712 CA', 'Vismarkt 3'],
  ['Eindhoven', '5611 ER', 'Stratumseind 21'],
];
const WINKEL = {
  id: 'gid://shopify/Location/71001',
  name: 'Winkel Haarlem',
  address: { address1: 'Grote Markt 5', city: 'Haarlem', countryCode: 'NL', zip: '2011 RD' },
};

export interface GeneratedOrder {
  spec: OrderSpec;
  /** Refund some units of the first line this long after the order (ms), if set. */
  refundAfterMs: number | null;
}

export function generateShopifyOrders(
  count: number,
  seed: number,
  endAt: number = Date.parse('2026-11-20T12:00:00Z'),
): GeneratedOrder[] {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  const customers: CustomerSpec[] = Array.from({ length: Math.max(3, Math.ceil(count / 3)) }, (_, i) => ({
    id: 80_000 + i,
    email: `klant${i + 1}@example.nl`,
    firstName: pick(FIRST),
    lastName: pick(LAST),
  }));
  const out: GeneratedOrder[] = [];
  const span = 59 * 24 * 3600 * 1000;
  for (let i = 0; i < count; i++) {
    const at = new Date(endAt - span + Math.floor((span * (i + rnd())) / Math.max(1, count)))
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
    const pos = rnd() < 0.25;
    const nLines = 1 + Math.floor(rnd() * 3);
    const lines: LineSpec[] = [];
    for (let j = 0; j < nLines; j++) {
      const p = pick(CATALOG);
      if (lines.some((l) => l.title === p.title)) continue;
      lines.push({ ...p, quantity: 1 + Math.floor(rnd() * 3) });
    }
    const customer = pos && rnd() < 0.6 ? null : pick(customers);
    const [city, zip, street] = pick(CITIES);
    const addr = customer ? nlAddress(customer.firstName, customer.lastName, street, zip, city) : null;
    const cash = pos && rnd() < 0.5;
    const generated: GeneratedOrder = {
      spec: {
        id: 5_600_000_000 + i,
        number: 2001 + i,
        createdAt: at,
        sourceName: pos ? 'pos' : 'web',
        taxesIncluded: true,
        customer,
        billingAddress: pos ? null : addr,
        shippingAddress: pos ? null : addr,
        retailLocation: pos ? WINKEL : null,
        gateway: cash ? 'cash' : 'shopify_payments',
        cashRounding: cash,
        tip: pos && rnd() < 0.3 ? pick(['0.50', '1.00', '2.00']) : null,
        lines,
        shipping: pos
          ? []
          : [
              {
                title: 'PostNL Standaard',
                code: 'postnl-standaard',
                price: rnd() < 0.2 ? '0.00' : '4.95',
                taxRate: '0.21',
              },
            ],
        discount:
          !pos && rnd() < 0.2 ? { kind: 'code', name: 'WELKOM10', type: 'percentage', value: '10' } : null,
        payment: !pos && rnd() < 0.1 ? 'pending' : 'paid',
      },
      refundAfterMs: !pos && rnd() < 0.1 ? 3 * 24 * 3600 * 1000 : null,
    };
    if (!pos && i % 8 === 5) {
      const k = Math.floor(i / 8);
      generated.spec = asB2b(generated.spec, k);
      // every other B2B order gets a return: the credit note must be reverse charge too
      if (k % 2 === 0) generated.refundAfterMs = 2 * 24 * 3600 * 1000;
    }
    out.push(generated);
  }
  return out;
}
