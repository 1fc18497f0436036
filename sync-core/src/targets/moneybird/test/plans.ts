/** Hand-built BookingPlans for the Moneybird target's tests (independent of plan/). */
import type { BookingPlan, GlRole, PlanLine, VatTreatment } from '../../../plan/types';
import { makeVat } from '../../../plan/vat';
import { fixed, sum } from '../../../model/money';

export interface LineSpec {
  role?: GlRole;
  description?: string;
  quantity?: string;
  net: string;
  vat: string;
  percent: string;
  treatment?: VatTreatment;
  country?: string;
  sku?: string | null;
}

export interface PlanSpec {
  reference: string;
  orderNumber?: string;
  kind?: BookingPlan['kind'];
  originalReference?: string | null;
  date?: string;
  currency?: string;
  pricesIncludeTax?: boolean;
  paid?: boolean;
  email?: string;
  firstName?: string;
  lastName?: string;
  company?: string;
  shopCustomerId?: string | null;
  lines: LineSpec[];
}

export function handPlan(spec: PlanSpec): BookingPlan {
  const lines: PlanLine[] = spec.lines.map((l, i) => ({
    role: l.role ?? 'revenue',
    description: l.description ?? `Line ${i + 1}`,
    sku: l.sku ?? null,
    quantity: l.quantity ?? '1',
    net: l.net,
    vat: l.vat,
    vatSource: 'shop',
    vatInfo: makeVat(l.treatment ?? 'domestic', l.percent, l.country ?? 'NL', null),
    shopLineId: String(i + 1),
  }));
  const keys = [...new Set(lines.map((l) => l.vatInfo.key))];
  const vatByRate = keys.map((key) => {
    const ls = lines.filter((l) => l.vatInfo.key === key);
    return {
      key,
      vatInfo: ls[0].vatInfo,
      base: fixed(sum(ls.map((l) => l.net))),
      vat: fixed(sum(ls.map((l) => l.vat))),
    };
  });
  const net = fixed(sum(lines.map((l) => l.net)));
  const vat = fixed(sum(lines.map((l) => l.vat)));
  const gross = fixed(sum([net, vat]));
  const email = spec.email ?? 'jan@example.com';
  const orderNumber = spec.orderNumber ?? spec.reference.replace(/^\D+/, '');
  return {
    kind: spec.kind ?? 'order',
    platform: 'woocommerce',
    shopId: 'shop.example',
    orderId: orderNumber,
    orderNumber,
    refundId: null,
    reference: spec.reference,
    originalReference: spec.originalReference ?? null,
    date: spec.date ?? '2026-03-01',
    currency: spec.currency ?? 'EUR',
    pricesIncludeTax: spec.pricesIncludeTax ?? false,
    customer: {
      shopCustomerId: spec.shopCustomerId ?? null,
      email,
      firstName: spec.firstName ?? 'Jan',
      lastName: spec.lastName ?? 'Jansen',
      company: spec.company ?? '',
      phone: '',
      vatNumber: '',
      taxExempt: false,
      billing: {
        line1: 'Hoofdstraat 1',
        line2: '',
        postcode: '1234 AB',
        city: 'Utrecht',
        state: '',
        country: 'NL',
      },
      shipping: null,
    },
    customerKey: email.trim().toLowerCase(),
    description: `Order ${orderNumber}`,
    lines,
    vatByRate,
    totals: { net, vat, gross },
    shop: { gross, vat },
    roundingTotal: '0.00',
    paid: spec.paid ?? true,
    paidAt: spec.paid === false ? null : '2026-03-01T10:00:00Z',
    paymentMethod: 'ideal',
    contentHash: 'test',
  };
}
