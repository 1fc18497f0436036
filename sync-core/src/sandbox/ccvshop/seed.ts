/** Realistic Dutch CCV Shop orders: 21 / 9 / 0 %, row discounts, coupons, surcharges, B2B ICP. */
import type { CcvCustomerSpec, CcvOrderSpec } from './build-order';

const anna: CcvCustomerSpec = { userId: 24_464_301, email: 'anna.jansen@example.nl', firstName: 'Anna', lastName: 'Jansen', street: 'Lange Voorhout', housenumber: 9, zipcode: '2514 EA', city: 'Den Haag', telephone: '0701234567' };
const kees: CcvCustomerSpec = { userId: null, email: 'kees.smit@example.nl', firstName: 'Kees', lastName: 'Smit', street: 'Vismarkt', housenumber: 3, suffix: 'A', zipcode: '9712 CA', city: 'Groningen' };
const lotte: CcvCustomerSpec = {
  userId: 24_464_302, email: 'lotte.mulder@example.nl', firstName: 'Lotte', lastName: 'Mulder', street: 'Stratumseind', housenumber: 21, zipcode: '5611 ER', city: 'Eindhoven',
  delivery: { firstName: 'Lotte', lastName: 'Mulder', street: 'Markt', housenumber: 1, zipcode: '5611 EB', city: 'Eindhoven', countryCode: 'NL' },
};
const belgBedrijf: CcvCustomerSpec = {
  userId: 24_464_303, email: 'aankoop@fietsen-example.be', firstName: 'Wouter', lastName: 'Peeters', company: 'Fietsen Peeters BV', street: 'Meir', housenumber: 50,
  zipcode: '2000', city: 'Antwerpen', country: 'België', countryCode: 'BE', btw: 'BE0123456789', customertype: 'b2b',
};

export function dutchCcvOrderSpecs(): CcvOrderSpec[] {
  return [
    {
      id: 340_100_001, ordernumber: 101, createDate: '2026-10-01T08:30:00Z', status: 7, paid: true, paymethod: 'iDEAL', customer: anna, shipping: '6.95',
      rows: [
        { name: 'Fietsbel retro', sku: 'BEL-RETRO', count: 2, price: '12.95', tax: 21 },
        { name: 'Fietskaart Nederland', sku: 'KAART-NL', count: 1, price: '9.95', tax: 9 },
      ],
    },
    {
      id: 340_100_002, ordernumber: 102, createDate: '2026-10-02T12:00:00Z', status: 5, paid: true, paymethod: 'iDEAL', customer: kees, shipping: '4.95',
      rows: [{ name: 'Regenponcho', sku: 'PONCHO-M', count: 1, price: '29.95', discount: '5.00', tax: 21 }],
    },
    {
      id: 340_100_003, ordernumber: 103, createDate: '2026-10-03T09:45:00Z', status: 1, paid: false, paymethod: 'BankTransfer', paymethodLabel: 'Vooraf overmaken', customer: lotte,
      shipping: '6.95', coupon: { code: 'HERFST15', type: 'percentage', value: '15' },
      rows: [
        { name: 'Fietstas waterdicht', sku: 'TAS-WD', count: 1, price: '64.95', tax: 21 },
        { name: 'Energierepen (doos 12)', sku: 'REEP-12', count: 2, price: '17.49', tax: 9 },
        { name: 'Statiegeld bidon', sku: 'STATIE', count: 1, price: '0.15', tax: 0, productType: 'deposit' },
      ],
    },
    {
      id: 340_100_004, ordernumber: 104, createDate: '2026-10-04T15:10:00Z', status: 4, paid: false, paymethod: 'AfterPay', customer: anna, shipping: '0', paymethodCosts: '1.95',
      rows: [{ name: 'Zadelhoes', sku: 'ZADEL-H', count: 3, price: '7.99', tax: 21 }],
    },
    {
      id: 340_100_005, ordernumber: 105, createDate: '2026-10-05T10:00:00Z', status: 2, paid: true, paymethod: 'BankTransfer', customer: belgBedrijf,
      rowsIncludeTax: false, intraCommunity: true, shipping: '15.00',
      rows: [{ name: 'Fietsframe aluminium', sku: 'FRAME-ALU', count: 4, price: '149.00', tax: 21 }],
    },
    {
      id: 340_100_006, ordernumber: 106, createDate: '2026-10-06T18:20:00Z', status: 8, paid: false, paymethod: 'iDEAL', customer: kees, shipping: '4.95',
      rows: [{ name: 'Kettingslot', sku: 'SLOT-K', count: 1, price: '39.95', tax: 21 }],
    },
    {
      id: 340_100_007, ordernumber: 107, createDate: '2026-10-07T11:11:00Z', status: 1, paid: true, paymethod: 'iDEAL', customer: lotte, shipping: '6.95',
      extraCosts: { amount: '-2.50', description: 'Korting trouwe klant' },
      rows: [
        { name: 'LED-verlichtingsset', sku: 'LED-SET', count: 1, price: '24.99', tax: 21 },
        { name: 'Binnenband 28 inch', sku: 'BAND-28', count: 2, price: '6.49', tax: 21 },
      ],
    },
    {
      id: 340_100_008, ordernumber: 108, prefix: 'WEB-', createDate: '2026-10-08T07:05:00Z', status: 13, paid: true, paymethod: 'Creditcard', customer: anna, shipping: '6.95',
      coupon: { code: 'VIJFEURO', type: 'price', value: '5.00' },
      rows: [
        { name: 'Fietsboek "Rondje IJsselmeer"', sku: 'BOEK-IJS', count: 1, price: '22.50', tax: 9 },
        { name: 'Spaakreflectoren', sku: 'REFL-SP', count: 3, price: '3.33', tax: 21 },
      ],
    },
  ];
}
