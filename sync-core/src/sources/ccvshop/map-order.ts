/**
 * CCV Shop order + order rows → canonical Order. Pure; throws ShopbooksError with a plain reason.
 *
 * CCV gives row prices and a VAT *percentage* per row, and only one VAT figure for the whole order
 * (`total_tax`). The shop's total and total tax are the truth; the per-line VAT is derived:
 * 1. the coupon discount (`total_discounts`) is spread over the rows in proportion to their totals;
 * 2. per VAT rate, tax = round(gross × r/(100+r)) (rows incl. VAT) or round(net × r/100);
 *    if those add up to something other than `total_tax`, the difference goes to the largest rate;
 * 3. each rate's tax is spread over its rows, shipping and surcharges (last one takes the
 *    remainder); line net = gross − tax (incl. VAT) or the row amount (excl. VAT).
 * Intra-community and platform sales carry 0 % on every line.
 * Rate ids are `BTW:<fraction>` (e.g. `BTW:0.21`), the same form the Shopify source uses.
 */
import {
  D,
  type Dec,
  allocateProportionally,
  dec,
  fixed,
  normalisePercent,
  parseAmount,
  sum,
} from '../../model/money';
import { ShopbooksError } from '../../model/errors';
import {
  Order,
  type Address,
  type Discount,
  type FeeLine,
  type OrderLine,
  type OrderState,
  type OrderTax,
  type ShippingLine,
  type TaxRate,
} from '../../model/order';

type Json = Record<string, unknown>;

export interface CcvMapContext {
  shopId: string;
  /** When this version of the order was first seen (CCV has no modification date). */
  modifiedAt: string;
  /** When the paid flag was first seen set (CCV has no payment date). */
  paidAt: string | null;
}

const STATUS_NAMES: Record<number, string> = {
  1: 'New',
  2: 'In process',
  3: 'Wait for manufacturer',
  4: 'Wait for payment',
  5: 'Sent',
  6: 'Delivered',
  7: 'Completed',
  8: 'Cancelled',
  9: 'Wait for supplier',
  10: 'Is being packaged',
  11: 'Ready to be collected',
  12: 'Is being assembled',
  13: 'Backorder',
  14: 'Reserved',
};

export function ccvStatusName(status: number): string {
  return STATUS_NAMES[status] ?? `Status ${status}`;
}

/**
 * Status 1–14 and the separate paid flag → canonical state. Status 7 ("afgerond") is completed
 * whether or not it is paid: payment is carried apart, as `paidAt` (set only by the paid flag).
 */
export function mapCcvState(status: number, paid: boolean): OrderState {
  if (status === 8) return 'cancelled';
  if (status === 7) return 'completed';
  if (paid) return 'paid';
  if (status === 1 || status === 4) return 'pending';
  return 'on-hold';
}

function obj(v: unknown): Json {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
}
function s(v: unknown): string {
  return v === null || v === undefined ? '' : String(v);
}

function money(v: unknown, field: string): Dec {
  try {
    return dec(parseAmount(v, field));
  } catch (e) {
    throw new ShopbooksError(
      'MalformedNumber',
      `CCV Shop sent ${field} as ${JSON.stringify(v)?.slice(0, 30)}, which is not an amount.`,
      { details: { field }, cause: e },
    );
  }
}

export function ccvRateId(percent: Dec | number): string {
  return `BTW:${dec(percent).div(100).toString()}`;
}

function address(a: Json): Address {
  const line1 =
    s(a.address_line_1) ||
    [s(a.street), `${s(a.housenumber)}${s(a.housenumber_suffix)}`].filter(Boolean).join(' ');
  const cc = s(a.country_code).toUpperCase();
  return {
    line1,
    line2: s(a.address_line_2),
    postcode: s(a.zipcode).toUpperCase(),
    city: s(a.city),
    state: s(a.province),
    country: /^[A-Z]{2}$/.test(cc) ? cc : '',
  };
}

interface Part {
  kind: 'row' | 'shipping' | 'fee';
  id: string;
  name: string;
  /** Amount in the order's price basis (gross when incl. VAT), after the coupon share. */
  amount: Dec;
  percent: Dec;
  row?: Json;
  beforeCoupon: Dec;
}

export function mapCcvOrder(order: Json, rows: Json[], ctx: CcvMapContext): Order {
  const id = s(order.id);
  const number = s(order.ordernumber_full) || s(order.ordernumber);
  if (!number)
    throw new ShopbooksError(
      'MalformedOrder',
      `CCV Shop order ${id} has no order number (the checkout was not finished).`,
      { details: { orderId: id } },
    );
  if (order.is_completed === false)
    throw new ShopbooksError('MalformedOrder', `CCV Shop order ${number} is an unfinished checkout.`, {
      details: { orderId: id },
    });
  const status = Number(order.status);
  if (!Number.isInteger(status) || status < 1 || status > 14)
    throw new ShopbooksError(
      'MalformedOrder',
      `CCV Shop order ${number} has an unknown status ${s(order.status)}.`,
    );
  const paid = order.paid === true;
  const currency = s(order.currency) || 'EUR';
  const rowsIncl = order.order_row_taxes_included !== false;
  const shipIncl = order.shipping_taxes_included !== false;
  const noVat =
    order.is_intra_community_order === true ||
    order.is_platform_sale === true ||
    order.taxes_included === false;
  const shipPercent = noVat
    ? new D(0)
    : money(order.shipping_tax_percentage ?? 21, 'shipping_tax_percentage');

  // Every amount is put in the rows' price basis (shipping may differ in principle).
  const toBasis = (amount: Dec, percent: Dec, incl: boolean): Dec => {
    if (incl === rowsIncl) return amount;
    const f = percent.plus(100).div(100);
    return (rowsIncl ? amount.times(f) : amount.div(f)).toDecimalPlaces(6, D.ROUND_HALF_UP);
  };

  const parts: Part[] = rows.map((r, i) => {
    const count = money(r.count, `row ${i + 1} count`);
    if (count.lessThanOrEqualTo(0))
      throw new ShopbooksError(
        'NegativeQuantity',
        `Row "${s(r.product_name)}" of CCV order ${number} has quantity ${count.toString()}.`,
      );
    const total = money(r.total_price, `row ${i + 1} total_price`);
    const percent = noVat || r.product_type === 'deposit' ? new D(0) : money(r.tax, `row ${i + 1} tax`);
    return {
      kind: 'row',
      id: s(r.id),
      name: s(r.product_name),
      amount: total,
      beforeCoupon: total,
      percent,
      row: r,
    };
  });
  const rowsTotal = sum(parts.map((p) => p.amount));
  const statedRowsTotal = money(order.total_orderrow_price, 'total_orderrow_price');
  if (!rowsTotal.equals(statedRowsTotal)) {
    throw new ShopbooksError(
      'TotalsDoNotReconcile',
      `The rows of CCV order ${number} add up to ${fixed(rowsTotal)}, but the order states ${fixed(statedRowsTotal)} for them.`,
      {
        details: { orderId: id },
      },
    );
  }

  // 1. Coupon spread over rows.
  const coupon = money(order.total_discounts, 'total_discounts');
  const couponShares = allocateProportionally(
    coupon,
    parts.map((p) => p.amount),
  );
  parts.forEach((p, i) => {
    p.amount = p.amount.minus(couponShares[i]);
  });

  const extras: Array<[string, string, unknown]> = [
    ['shipping', s(order.deliver_method) === 'pickup' ? 'Ophalen' : 'Verzendkosten', order.total_shipping],
    [
      'paymethod_costs',
      `Betaalkosten ${s(order.paymethod_label) || s(order.paymethod)}`.trim(),
      order.paymethod_costs,
    ],
    [
      'extra_payment_option_price',
      s(order.extra_payment_option) || 'Extra betaaloptie',
      order.extra_payment_option_price,
    ],
    ['extra_costs', s(order.extra_costs_description) || 'Extra kosten', order.extra_costs],
    ['credit_point_discount', 'Spaarpunten', order.credit_point_discount],
  ];
  for (const [key, name, value] of extras) {
    let a = money(value, key);
    if (key === 'credit_point_discount') a = a.negated();
    if (a.isZero()) continue;
    const amount = toBasis(a, shipPercent, shipIncl);
    parts.push({
      kind: key === 'shipping' ? 'shipping' : 'fee',
      id: `${id}#${key}`,
      name,
      amount,
      beforeCoupon: amount,
      percent: shipPercent,
    });
  }

  // 2. Tax per rate, reconciled to the shop's total_tax.
  const totalTax = money(order.total_tax, 'total_tax');
  const byRate = new Map<string, { percent: Dec; base: Dec; tax: Dec }>();
  for (const p of parts) {
    const k = p.percent.toString();
    const e = byRate.get(k) ?? { percent: p.percent, base: new D(0), tax: new D(0) };
    e.base = e.base.plus(p.amount);
    byRate.set(k, e);
  }
  for (const e of byRate.values()) {
    e.tax = (
      rowsIncl ? e.base.times(e.percent).div(e.percent.plus(100)) : e.base.times(e.percent).div(100)
    ).toDecimalPlaces(2, D.ROUND_HALF_UP);
  }
  const computed = sum([...byRate.values()].map((e) => e.tax));
  const diff = totalTax.minus(computed);
  if (!diff.isZero()) {
    const taxed = [...byRate.values()]
      .filter((e) => !e.percent.isZero())
      .sort((a, b) => b.base.abs().comparedTo(a.base.abs()));
    if (!taxed.length) {
      throw new ShopbooksError(
        'TotalsDoNotReconcile',
        `CCV order ${number} states ${fixed(totalTax)} VAT, but none of its lines carries a VAT rate.`,
        { details: { orderId: id } },
      );
    }
    taxed[0].tax = taxed[0].tax.plus(diff);
  }

  // 3. Spread each rate's tax over its parts.
  const lineTax = new Map<Part, Dec>();
  for (const e of byRate.values()) {
    const members = parts.filter((p) => p.percent.equals(e.percent));
    const taxShares = allocateProportionally(
      e.tax,
      members.map((p) => p.amount),
    );
    members.forEach((p, i) => lineTax.set(p, taxShares[i]));
  }

  const rates = new Map<string, TaxRate>();
  const billing = obj(obj(order.customer).billingaddress);
  const delivery = obj(obj(order.customer).deliveryaddress);
  const billTo = address(billing);
  const shipTo =
    s(delivery.street) || s(delivery.address_line_1) || s(delivery.city) ? address(delivery) : null;
  const taxCountry = shipTo?.country || billTo.country;
  const rateOf = (percent: Dec) => {
    const rid = ccvRateId(percent);
    if (!rates.has(rid))
      rates.set(rid, {
        id: rid,
        percent: normalisePercent(percent.toString()),
        label: `BTW ${normalisePercent(percent.toString())}%`,
        country: taxCountry,
        taxClass: '',
        compound: false,
      });
    return rid;
  };
  const netOf = (p: Part, tax: Dec) => (rowsIncl ? p.amount.minus(tax) : p.amount);

  const lines: OrderLine[] = [];
  const shipping: ShippingLine[] = [];
  const fees: FeeLine[] = [];
  let discountNet = new D(0);
  let discountTax = new D(0);
  for (const p of parts) {
    const tax = lineTax.get(p) ?? new D(0);
    const rid = rateOf(p.percent);
    const taxes = [{ rateId: rid, amount: fixed(tax) }];
    const net = netOf(p, tax);
    if (p.kind === 'row' && p.row) {
      const r = p.row;
      const count = money(r.count, 'count');
      // Before the coupon: the row total with the same rate.
      const subTax = p.beforeCoupon.equals(p.amount)
        ? tax
        : (rowsIncl
            ? p.beforeCoupon.times(p.percent).div(p.percent.plus(100))
            : p.beforeCoupon.times(p.percent).div(100)
          ).toDecimalPlaces(2, D.ROUND_HALF_UP);
      const subNet = rowsIncl ? p.beforeCoupon.minus(subTax) : p.beforeCoupon;
      discountNet = discountNet.plus(subNet.minus(net));
      discountTax = discountTax.plus(subTax.minus(tax));
      lines.push({
        id: p.id,
        name: p.name,
        sku: s(r.product_number) || s(r.sub_sku_number) || null,
        productId: r.product_id === null || r.product_id === undefined ? null : s(r.product_id),
        quantity: count.toString(),
        unitNet: net.div(count).toDecimalPlaces(6, D.ROUND_HALF_UP).toFixed(),
        subtotalNet: fixed(subNet),
        subtotalTax: fixed(subTax),
        net: fixed(net),
        tax: fixed(tax),
        taxes,
        subtotalTaxes: [{ rateId: rid, amount: fixed(subTax) }],
      });
    } else if (p.kind === 'shipping') {
      shipping.push({
        id: p.id,
        name: p.name,
        methodId: s(order.deliver_method),
        net: fixed(net),
        tax: fixed(tax),
        taxes,
      });
    } else {
      fees.push({ id: p.id, name: p.name, net: fixed(net), tax: fixed(tax), taxes });
    }
  }

  const taxes: OrderTax[] = [...byRate.values()].map((e) => {
    const rid = ccvRateId(e.percent);
    const shipTax = sum(
      shipping.flatMap((x) => x.taxes.filter((t) => t.rateId === rid).map((t) => t.amount)),
    );
    return { rateId: rid, itemsTax: fixed(e.tax.minus(shipTax)), shippingTax: fixed(shipTax) };
  });

  const coupon0 = obj(order.discountcoupon);
  const discounts: Discount[] = coupon.isZero()
    ? []
    : [
        {
          code: s(coupon0.code) || 'korting',
          kind: 'coupon',
          net: fixed(discountNet),
          tax: fixed(discountTax),
        },
      ];
  const customer = obj(order.customer);
  const user = obj(order.user);
  const input = {
    platform: 'ccvshop' as const,
    shopId: ctx.shopId,
    id,
    number,
    status: String(status),
    state: mapCcvState(status, paid),
    channel: 'web',
    createdAt: s(order.create_date),
    modifiedAt: ctx.modifiedAt,
    // Paid means paid: only the paid flag sets a payment date; status 7 ("afgerond") does not.
    paidAt: paid ? (ctx.paidAt ?? s(order.create_date)) : null,
    currency,
    pricesIncludeTax: rowsIncl,
    customer: {
      shopCustomerId: s(user.id) || null,
      email: s(customer.email).trim(),
      firstName: s(billing.first_name),
      lastName: s(billing.last_name),
      company: s(billing.company),
      phone: s(billing.telephone) || s(billing.mobile),
      vatNumber: s(customer.btw).replace(/\s+/g, '').toUpperCase(),
      // CCV marks an intra-community (ICP) B2B supply on the order; the VAT number is customer.btw.
      taxExempt: order.is_intra_community_order === true,
      billing: billTo,
      shipping: shipTo,
    },
    lines,
    shipping,
    fees,
    discounts,
    taxRates: [...rates.values()],
    taxes,
    totals: {
      total: fixed(money(order.total_price, 'total_price')),
      totalTax: fixed(totalTax),
      shippingNet: fixed(sum(shipping.map((x) => x.net))),
      discountNet: fixed(discountNet),
    },
    refunds: [],
    paymentMethod: s(order.paymethod),
    transactionId: s(order.transaction_id),
  };
  const parsed = Order.safeParse(input);
  if (!parsed.success) {
    throw new ShopbooksError(
      'MalformedOrder',
      `CCV Shop order ${number} could not be read: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
      { details: { orderId: id } },
    );
  }
  return parsed.data;
}
