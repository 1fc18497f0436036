/** Deterministic random Dutch CCV Shop orders for the sandbox (`--orders N --seed S`). */
import type { CcvCustomerSpec, CcvOrderSpec, CcvRowSpec } from './build-order';
import { mulberry32 } from '../shopify/generate';

const CATALOG: CcvRowSpec[] = [
  { name: 'Fietsbel retro', sku: 'BEL-RETRO', count: 1, price: '12.95', tax: 21 },
  { name: 'Fietskaart Nederland', sku: 'KAART-NL', count: 1, price: '9.95', tax: 9 },
  { name: 'Regenponcho', sku: 'PONCHO-M', count: 1, price: '29.95', discount: '5.00', tax: 21 },
  { name: 'Fietstas waterdicht', sku: 'TAS-WD', count: 1, price: '64.95', tax: 21 },
  { name: 'Energierepen (doos 12)', sku: 'REEP-12', count: 1, price: '17.49', tax: 9 },
  { name: 'Binnenband 28 inch', sku: 'BAND-28', count: 1, price: '6.49', tax: 21 },
  { name: 'Statiegeld bidon', sku: 'STATIE', count: 1, price: '0.15', tax: 0, productType: 'deposit' },
];
const NAMES: Array<[string, string]> = [
  ['Anna', 'Jansen'],
  ['Kees', 'Smit'],
  ['Lotte', 'Mulder'],
  ['Bram', 'de Jong'],
  ['Eva', 'van Dijk'],
];

export function generateCcvOrders(
  count: number,
  seed: number,
  endAt: number = Date.parse('2026-11-20T12:00:00Z'),
): CcvOrderSpec[] {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  const customers: CcvCustomerSpec[] = NAMES.map(([firstName, lastName], i) => ({
    userId: rnd() < 0.5 ? 24_500_000 + i : null,
    email: `${firstName.toLowerCase()}.${lastName.replace(/\s+/g, '').toLowerCase()}@example.nl`,
    firstName,
    lastName,
    street: 'Markt',
    housenumber: 1 + i,
    zipcode: '3511 AZ',
    city: 'Utrecht',
  }));
  const span = 59 * 24 * 3600 * 1000;
  const out: CcvOrderSpec[] = [];
  for (let i = 0; i < count; i++) {
    const rows: CcvRowSpec[] = [];
    for (let j = 0, n = 1 + Math.floor(rnd() * 3); j < n; j++) {
      const r = pick(CATALOG);
      if (!rows.some((x) => x.name === r.name)) rows.push({ ...r, count: 1 + Math.floor(rnd() * 2) });
    }
    const paid = rnd() < 0.8;
    out.push({
      id: 341_000_000 + i,
      ordernumber: 1001 + i,
      createDate: new Date(endAt - span + Math.floor((span * (i + rnd())) / Math.max(1, count)))
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z'),
      status: paid ? pick([1, 2, 5, 7]) : pick([1, 4]),
      paid,
      paymethod: paid ? 'iDEAL' : 'BankTransfer',
      customer: pick(customers),
      shipping: rnd() < 0.2 ? '0' : '6.95',
      coupon: rnd() < 0.15 ? { code: 'HERFST15', type: 'percentage', value: '15' } : null,
      rows,
    });
  }
  return out;
}
