/**
 * Test helpers: canonical orders computed the way WooCommerce computes them (an independent,
 * compact oracle of shops.md 2.10 — the sandbox generator is the full one).
 */
import type { Dec } from '../model/money';
import { D, dec, fixed, sum } from '../model/money';
import type { Order, OrderInput, Refund } from '../model/order';
import { Order as OrderSchema } from '../model/order';

export interface WcLineSpec {
  name: string;
  /** Unit price as entered in the shop (incl. VAT when pricesIncludeTax). */
  price: string;
  qty: number;
  rateId: string | null;
}
export interface WcOrderSpec {
  number?: string;
  lines: WcLineSpec[];
  pricesIncludeTax?: boolean;
  roundAtSubtotal?: boolean;
  /** Percent coupon applied to all lines. */
  couponPercent?: number;
  shipping?: { price: string; rateId: string | null } | null;
  fee?: { amount: string; rateId: string | null } | null;
  rates?: Array<{ id: string; percent: string; country?: string }>;
  country?: string;
  vatNumber?: string;
  email?: string;
  currency?: string;
  state?: Order['state'];
}

export const NL_RATES = [
  { id: '1', percent: '21.0000', country: 'NL' },
  { id: '2', percent: '9.0000', country: 'NL' },
  { id: '3', percent: '0.0000', country: 'NL' },
  { id: '10', percent: '19.0000', country: 'DE' },
  { id: '11', percent: '7.0000', country: 'DE' },
];

const P6 = (d: Dec) => d.toDecimalPlaces(6, D.ROUND_HALF_UP);

export function wcOrder(spec: WcOrderSpec): Order {
  const rates = spec.rates ?? NL_RATES;
  const pct = (id: string | null) => (id ? dec(rates.find((r) => r.id === id)!.percent) : new D(0));
  const incl = spec.pricesIncludeTax ?? false;
  const sub = spec.roundAtSubtotal ?? false;
  const discount = new D(spec.couponPercent ?? 0).div(100);
  const taxPerRate = new Map<string, { items: Dec; shipping: Dec }>();
  const addTax = (id: string, amt: Dec, kind: 'items' | 'shipping') => {
    const cur = taxPerRate.get(id) ?? { items: new D(0), shipping: new D(0) };
    // per-line rounding unless round-at-subtotal
    cur[kind] = cur[kind].plus(sub ? amt : amt.toDecimalPlaces(2, D.ROUND_HALF_UP));
    taxPerRate.set(id, cur);
  };
  let rawTotals = new D(0);
  const lines = spec.lines.map((l, i) => {
    const p = pct(l.rateId);
    const grossOrNet = dec(l.price).times(l.qty);
    const subtotalTax = incl ? P6(grossOrNet.times(p).div(p.plus(100))) : P6(grossOrNet.times(p).div(100));
    const subtotalNet = incl ? P6(grossOrNet.minus(subtotalTax)) : grossOrNet;
    const totalNet = P6(subtotalNet.times(new D(1).minus(discount)));
    const totalTax = P6(totalNet.times(p).div(100));
    if (l.rateId) addTax(l.rateId, totalTax, 'items');
    rawTotals = rawTotals.plus(totalNet);
    return {
      id: String(100 + i),
      name: l.name,
      sku: `SKU-${i}`,
      quantity: String(l.qty),
      unitNet: totalNet.div(l.qty).toString(),
      subtotalNet: fixed(subtotalNet),
      subtotalTax: fixed(subtotalTax),
      net: fixed(totalNet),
      tax: fixed(totalTax),
      taxes: l.rateId ? [{ rateId: l.rateId, amount: totalTax.toString() }] : [],
      subtotalTaxes: l.rateId ? [{ rateId: l.rateId, amount: subtotalTax.toString() }] : [],
    };
  });
  const shipping = spec.shipping
    ? (() => {
        const p = pct(spec.shipping.rateId);
        const net = dec(spec.shipping.price);
        const tax = P6(net.times(p).div(100));
        if (spec.shipping.rateId) addTax(spec.shipping.rateId, tax, 'shipping');
        return [{ id: '200', name: 'Flat rate', methodId: 'flat_rate', net: fixed(net), tax: fixed(tax), taxes: spec.shipping.rateId ? [{ rateId: spec.shipping.rateId, amount: tax.toString() }] : [] }];
      })()
    : [];
  const fees = spec.fee
    ? (() => {
        const p = pct(spec.fee.rateId);
        // WooCommerce caps a negative fee at -(items + shipping) (shops.md 2.5)
        const cap = rawTotals.plus(spec.shipping ? spec.shipping.price : '0').negated();
        const net = D.max(dec(spec.fee.amount), cap);
        const tax = P6(net.times(p).div(100));
        if (spec.fee.rateId) addTax(spec.fee.rateId, tax, 'items');
        rawTotals = rawTotals.plus(net);
        return [{ id: '300', name: 'Payment fee', net: fixed(net), tax: fixed(tax), taxes: spec.fee.rateId ? [{ rateId: spec.fee.rateId, amount: tax.toString() }] : [] }];
      })()
    : [];
  const cartTax = sum([...taxPerRate.values()].map((t) => t.items));
  const shippingTax = sum([...taxPerRate.values()].map((t) => t.shipping));
  const shippingNet = sum(shipping.map((s) => s.net));
  const total = rawTotals.plus(shippingNet).plus(cartTax).plus(shippingTax);
  const country = spec.country ?? 'NL';
  const input: OrderInput = {
    platform: 'woocommerce',
    shopId: 'shop.test',
    id: spec.number ?? '1001',
    number: spec.number ?? '1001',
    status: 'processing',
    state: spec.state ?? 'paid',
    createdAt: '2026-03-01T10:00:00Z',
    modifiedAt: '2026-03-01T10:05:00Z',
    paidAt: '2026-03-01T10:01:00Z',
    currency: spec.currency ?? 'EUR',
    pricesIncludeTax: incl,
    roundTaxAtSubtotal: sub,
    customer: {
      shopCustomerId: null,
      email: spec.email ?? 'jan@example.nl',
      firstName: 'Jan',
      lastName: 'Jansen',
      vatNumber: spec.vatNumber ?? '',
      billing: { country },
    },
    lines,
    shipping,
    fees,
    discounts: spec.couponPercent ? [{ code: 'KORTING', net: fixed(sum(lines.map((l) => dec(l.subtotalNet).minus(l.net)))), tax: '0' }] : [],
    taxRates: rates.map((r) => ({ id: r.id, percent: r.percent, country: r.country ?? 'NL' })),
    // WooCommerce tax_lines: per rate, formatted to 2 decimals
    taxes: [...taxPerRate.entries()].map(([rateId, t]) => ({ rateId, itemsTax: fixed(t.items), shippingTax: fixed(t.shipping) })),
    totals: {
      total: fixed(total),
      totalTax: fixed(cartTax.plus(shippingTax)),
      shippingNet: fixed(shippingNet),
      discountNet: '0.00',
    },
  };
  return OrderSchema.parse(input);
}

export function withRefunds(order: Order, refunds: Array<Partial<Refund> & { amount: string }>): Order {
  return {
    ...order,
    refunds: refunds.map((r, i) => ({ id: r.id ?? String(900 + i), orderId: order.id, createdAt: r.createdAt ?? `2026-03-0${2 + i}T09:00:00Z`, reason: r.reason ?? '', lines: r.lines ?? [], amount: r.amount })),
  };
}
