/**
 * Realistic Dutch Shopify orders for the simulator: 21 % / 9 % / untaxed lines, prices incl. and
 * excl. VAT, discount codes, PostNL shipping, POS sales with cash rounding and tips, a returning
 * customer, a foreign presentment currency, partial and full refunds, a pending and a cancelled
 * order. Amounts are computed by build-order.ts the way Shopify computes them.
 */
import type { CustomerSpec, OrderSpec } from './build-order';
import type { SimMailingAddress } from './types';

export function nlAddress(
  firstName: string,
  lastName: string,
  address1: string,
  zip: string,
  city: string,
  company: string | null = null,
): SimMailingAddress {
  return {
    address1,
    address2: null,
    city,
    company,
    country: 'Netherlands',
    countryCodeV2: 'NL',
    firstName,
    lastName,
    name: `${firstName} ${lastName}`,
    phone: null,
    province: null,
    provinceCode: null,
    zip,
  };
}

const sanne: CustomerSpec = {
  id: 6101,
  email: 'sanne.devries@example.nl',
  firstName: 'Sanne',
  lastName: 'de Vries',
  numberOfOrders: 3,
};
const pieter: CustomerSpec = {
  id: 6102,
  email: 'p.bakker@example.nl',
  firstName: 'Pieter',
  lastName: 'Bakker',
  numberOfOrders: 1,
};
const fatima: CustomerSpec = {
  id: 6103,
  email: 'fatima.elamrani@example.nl',
  firstName: 'Fatima',
  lastName: 'El Amrani',
  numberOfOrders: 1,
};
const bedrijf: CustomerSpec = {
  id: 6104,
  email: 'inkoop@bloemenhuis-example.nl',
  firstName: 'Joost',
  lastName: 'Visser',
  numberOfOrders: 2,
};

const sanneAddr = nlAddress('Sanne', 'de Vries', 'Prinsengracht 263', '1016 GV', 'Amsterdam');
const pieterAddr = nlAddress('Pieter', 'Bakker', 'Oudegracht 150', '3511 AZ', 'Utrecht');
const fatimaAddr = nlAddress('Fatima', 'El Amrani', 'Coolsingel 40', '3011 AD', 'Rotterdam');
const bedrijfAddr = nlAddress(
  'Joost',
  'Visser',
  'Marktplein 12',
  '2611 GV',
  'Delft',
  'Bloemenhuis Visser B.V.',
);
const winkel = {
  id: 'gid://shopify/Location/71001',
  name: 'Winkel Haarlem',
  address: { address1: 'Grote Markt 5', city: 'Haarlem', countryCode: 'NL', zip: '2011 RD' },
};

const postnl = {
  title: 'PostNL Standaard',
  code: 'postnl-standaard',
  price: '4.95',
  taxRate: '0.21',
  taxTitle: 'BTW',
};

export function dutchShopifyOrderSpecs(): OrderSpec[] {
  return [
    {
      id: 5500001001,
      number: 1001,
      createdAt: '2026-10-01T09:15:00Z',
      sourceName: 'web',
      taxesIncluded: true,
      customer: sanne,
      billingAddress: sanneAddr,
      shippingAddress: sanneAddr,
      gateway: 'shopify_payments',
      lines: [
        {
          title: 'Biologisch katoenen T-shirt',
          variantTitle: 'M / Groen',
          sku: 'TS-BIO-M-GR',
          unitPrice: '24.95',
          quantity: 2,
          taxRate: '0.21',
        },
        { title: 'Bamboe sokken', sku: 'SOK-BAM-3', unitPrice: '7.49', quantity: 3, taxRate: '0.21' },
      ],
      shipping: [postnl],
    },
    {
      id: 5500001002,
      number: 1002,
      createdAt: '2026-10-02T14:02:11Z',
      sourceName: 'web',
      taxesIncluded: true,
      customer: pieter,
      billingAddress: pieterAddr,
      shippingAddress: pieterAddr,
      gateway: 'shopify_payments',
      lines: [
        {
          title: 'Kookboek Seizoensgroenten',
          sku: 'BOEK-SEIZ',
          unitPrice: '29.99',
          quantity: 1,
          taxRate: '0.09',
        },
        { title: 'Sojakaars lavendel', sku: 'KAARS-LAV', unitPrice: '12.95', quantity: 2, taxRate: '0.21' },
        {
          title: 'Fairtrade koffiebonen 500 g',
          sku: 'KOF-500',
          unitPrice: '11.45',
          quantity: 1,
          taxRate: '0.09',
        },
      ],
      shipping: [postnl],
      discount: { kind: 'code', name: 'WELKOM10', type: 'percentage', value: '10' },
    },
    {
      id: 5500001003,
      number: 1003,
      createdAt: '2026-10-03T11:47:30Z',
      sourceName: 'pos',
      taxesIncluded: true,
      customer: null,
      billingAddress: null,
      shippingAddress: null,
      retailLocation: winkel,
      gateway: 'cash',
      cashRounding: true,
      lines: [
        {
          title: 'Stroopwafels ambachtelijk',
          sku: 'STROOP-8',
          unitPrice: '3.99',
          quantity: 3,
          taxRate: '0.09',
        },
        { title: 'Wenskaart', sku: 'KAART-01', unitPrice: '2.49', quantity: 1, taxRate: '0.21' },
      ],
      tip: '1.00',
    },
    {
      id: 5500001004,
      number: 1004,
      createdAt: '2026-10-03T15:20:05Z',
      sourceName: 'pos',
      taxesIncluded: true,
      customer: fatima,
      billingAddress: null,
      shippingAddress: null,
      retailLocation: winkel,
      gateway: 'shopify_payments',
      lines: [{ title: 'Linnen tas', sku: 'TAS-LIN', unitPrice: '19.95', quantity: 1, taxRate: '0.21' }],
      tip: '2.50',
    },
    {
      id: 5500001005,
      number: 1005,
      createdAt: '2026-10-05T08:00:00Z',
      sourceName: 'web',
      taxesIncluded: false,
      customer: bedrijf,
      billingAddress: bedrijfAddr,
      shippingAddress: bedrijfAddr,
      gateway: 'bank_deposit',
      payment: 'pending',
      lines: [
        {
          title: 'Bloempotten terracotta (doos 12)',
          sku: 'POT-TC-12',
          unitPrice: '41.32',
          quantity: 3,
          taxRate: '0.21',
        },
        {
          title: 'Potgrond biologisch 40 l',
          sku: 'GROND-40',
          unitPrice: '8.26',
          quantity: 5,
          taxRate: '0.09',
        },
      ],
      shipping: [{ title: 'PostNL Pakket groot', code: 'postnl-groot', price: '12.40', taxRate: '0.21' }],
      discount: { kind: 'manual', name: 'Vaste klant korting', type: 'fixed_amount', value: '10.00' },
    },
    {
      id: 5500001006,
      number: 1006,
      createdAt: '2026-10-06T19:33:00Z',
      sourceName: 'web',
      taxesIncluded: true,
      customer: sanne,
      billingAddress: sanneAddr,
      shippingAddress: sanneAddr,
      gateway: 'bank_deposit',
      payment: 'pending',
      lines: [{ title: 'Wollen plaid', sku: 'PLAID-WOL', unitPrice: '89.00', quantity: 1, taxRate: '0.21' }],
      shipping: [postnl],
    },
    {
      id: 5500001007,
      number: 1007,
      createdAt: '2026-10-07T10:10:10Z',
      sourceName: 'web',
      taxesIncluded: true,
      customer: pieter,
      billingAddress: pieterAddr,
      shippingAddress: pieterAddr,
      gateway: 'shopify_payments',
      lines: [
        { title: 'Keramiek mok', sku: 'MOK-KER', unitPrice: '14.95', quantity: 4, taxRate: '0.21' },
        { title: 'Thee proefpakket', sku: 'THEE-PROEF', unitPrice: '16.50', quantity: 1, taxRate: '0.09' },
      ],
      shipping: [postnl],
    },
    {
      id: 5500001008,
      number: 1008,
      createdAt: '2026-10-08T12:00:00Z',
      sourceName: 'web',
      taxesIncluded: true,
      customer: fatima,
      billingAddress: fatimaAddr,
      shippingAddress: fatimaAddr,
      gateway: 'shopify_payments',
      payment: 'authorized',
      lines: [{ title: 'Rotan mand', sku: 'MAND-ROT', unitPrice: '34.95', quantity: 1, taxRate: '0.21' }],
      shipping: [postnl],
    },
    {
      id: 5500001009,
      number: 1009,
      createdAt: '2026-10-09T16:45:00Z',
      sourceName: 'web',
      taxesIncluded: true,
      presentment: { currency: 'USD', rate: '1.0831' },
      customer: { id: 6105, email: 'emily.jones@example.com', firstName: 'Emily', lastName: 'Jones' },
      billingAddress: { ...nlAddress('Emily', 'Jones', 'Nieuwe Binnenweg 90', '3015 BE', 'Rotterdam') },
      shippingAddress: { ...nlAddress('Emily', 'Jones', 'Nieuwe Binnenweg 90', '3015 BE', 'Rotterdam') },
      gateway: 'shopify_payments',
      lines: [
        { title: 'Delfts blauw tegeltje', sku: 'TEGEL-DB', unitPrice: '17.95', quantity: 3, taxRate: '0.21' },
      ],
      shipping: [postnl],
      discount: { kind: 'automatic', name: '3 voor 2 tegels', type: 'fixed_amount', value: '17.95' },
    },
    {
      id: 5500001010,
      number: 1010,
      createdAt: '2026-10-10T09:30:00Z',
      sourceName: 'web',
      taxesIncluded: true,
      customer: sanne,
      billingAddress: sanneAddr,
      shippingAddress: sanneAddr,
      gateway: 'shopify_payments',
      lines: [
        {
          title: 'Cadeaukaart',
          sku: null,
          unitPrice: '25.00',
          quantity: 1,
          taxable: false,
          productId: 7_999_001,
        },
        { title: 'Handzeep olijf', sku: 'ZEEP-OLIJF', unitPrice: '5.95', quantity: 2, taxRate: '0.21' },
      ],
      shipping: [{ title: 'Gratis verzending', code: 'free', price: '0.00', taxRate: '0.21' }],
    },
    {
      id: 5500001011,
      number: 1011,
      createdAt: '2026-10-11T13:13:13Z',
      sourceName: 'web',
      taxesIncluded: true,
      customer: bedrijf,
      billingAddress: bedrijfAddr,
      shippingAddress: bedrijfAddr,
      gateway: 'shopify_payments',
      lines: [
        {
          title: 'Zaadjes moestuinpakket',
          sku: 'ZAAD-MOES',
          unitPrice: '9.99',
          quantity: 7,
          taxRate: '0.09',
        },
      ],
      shipping: [postnl],
    },
    {
      id: 5500001012,
      number: 1012,
      createdAt: '2026-10-12T17:00:00Z',
      sourceName: 'pos',
      taxesIncluded: true,
      customer: null,
      billingAddress: null,
      shippingAddress: null,
      retailLocation: winkel,
      gateway: 'cash',
      cashRounding: true,
      lines: [
        { title: 'Tulpenbollen (10 st.)', sku: 'TULP-10', unitPrice: '6.98', quantity: 2, taxRate: '0.09' },
      ],
    },
  ];
}

/** The controls the seed needs (a subset of the simulator's `shop`). */
export interface SeedTarget {
  addOrder(spec: OrderSpec): unknown;
  refund(id: string | number, spec: import('./build-order').RefundSpec): unknown;
  cancel(id: string | number, at: string): unknown;
  markPaid(id: string | number, at: string, gateway?: string): unknown;
  lineItem(id: string | number, index: number): { id: string };
  getOrder(id: string | number): { shippingLines: Array<{ id: string }> };
}

export function seedDutchShop(shop: SeedTarget): void {
  for (const spec of dutchShopifyOrderSpecs()) shop.addOrder(spec);
  // #1005 is paid by bank transfer two days later.
  shop.markPaid(5500001005, '2026-10-07T09:00:00Z', 'bank_deposit');
  // #1007: one mug broken in transit; shipping refunded too.
  shop.refund(5500001007, {
    createdAt: '2026-10-12T08:30:00Z',
    note: 'Mok kapot aangekomen',
    lines: [{ lineItemId: shop.lineItem(5500001007, 0).id, quantity: 1 }],
    shippingLineIds: [shop.getOrder(5500001007).shippingLines[0].id],
  });
  // #1008 authorisation voided: cancelled.
  shop.cancel(5500001008, '2026-10-09T08:00:00Z');
  // #1011 returned in full.
  shop.refund(5500001011, {
    createdAt: '2026-10-20T10:00:00Z',
    note: 'Retour binnen bedenktijd',
    lines: [{ lineItemId: shop.lineItem(5500001011, 0).id, quantity: 7 }],
  });
}
