/** Hand-built BookingPlans for the Exact target's tests (plan/ builds real ones from orders). */
import { dec, fixed, sum } from '../../model/money';
import type { BookingPlan, GlRole, PlanLine, VatByRate } from '../../plan/types';
import { makeVat, noVat } from '../../plan/vat';
import type { VatTreatment } from '../../plan/types';

export interface LineSpec {
  role?: GlRole;
  description?: string;
  sku?: string | null;
  quantity?: string;
  net: string;
  vat: string;
  treatment?: VatTreatment;
  percent?: string;
  country?: string;
}

export function planLine(s: LineSpec): PlanLine {
  const vatInfo = s.treatment === 'exempt' && (s.percent ?? '0') === '0' ? noVat('NL') : makeVat(s.treatment ?? 'domestic', s.percent ?? '21', s.country ?? 'NL', null);
  return {
    role: s.role ?? 'revenue',
    description: s.description ?? 'Line',
    sku: s.sku ?? null,
    quantity: s.quantity ?? '1',
    net: s.net,
    vat: s.vat,
    vatSource: 'shop',
    vatInfo,
    shopLineId: null,
  };
}

export function makePlan(over: Partial<BookingPlan> & { lines: PlanLine[]; reference: string }): BookingPlan {
  const lines = over.lines;
  const byKey = new Map<string, VatByRate>();
  for (const l of lines) {
    const cur = byKey.get(l.vatInfo.key) ?? { key: l.vatInfo.key, vatInfo: l.vatInfo, base: '0.00', vat: '0.00' };
    byKey.set(l.vatInfo.key, { ...cur, base: fixed(dec(cur.base).plus(l.net)), vat: fixed(dec(cur.vat).plus(l.vat)) });
  }
  const net = fixed(sum(lines.map((l) => l.net)));
  const vat = fixed(sum(lines.map((l) => l.vat)));
  const gross = fixed(dec(net).plus(vat));
  return {
    kind: 'order',
    platform: 'woocommerce',
    shopId: 'shop.example',
    orderId: over.reference,
    orderNumber: over.reference,
    refundId: null,
    originalReference: null,
    date: '2026-03-01',
    currency: 'EUR',
    pricesIncludeTax: true,
    customer: {
      shopCustomerId: null,
      email: 'Jan@Example.nl',
      firstName: 'Jan',
      lastName: 'Jansen',
      company: '',
      phone: '',
      vatNumber: '',
      taxExempt: false,
      billing: { line1: 'Damrak 1', line2: '', postcode: '1012 LG', city: 'Amsterdam', state: '', country: 'NL' },
      shipping: null,
    },
    customerKey: 'jan@example.nl',
    description: `Order ${over.reference}`,
    vatByRate: [...byKey.values()],
    totals: { net, vat, gross },
    shop: { gross, vat },
    roundingTotal: '0.00',
    paid: true,
    paidAt: '2026-03-01T10:00:00Z',
    paymentMethod: 'ideal',
    contentHash: 'test',
    ...over,
  } as BookingPlan;
}
