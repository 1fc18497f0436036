/**
 * Builds CCV Shop order and order-row resources as the REST API returns them (snake_case, money as
 * JSON numbers, status 1–14, a separate `paid` flag, percentage-only row tax).
 *
 * Arithmetic (⚠ CCV does not document it; this is the simplest rule consistent with the public
 * sample, where total_tax = 21/121 × total_price): row `total_price` = (price − discount) × count;
 * `total_price` = Σ rows + shipping + payment costs + extra costs − coupon discount; `total_tax` =
 * Σ per VAT rate of round(gross × r / (100 + r)) (or round(net × r / 100) when rows exclude VAT),
 * the coupon discount spread over the rows in proportion to their totals. Shipping and surcharges
 * carry `shipping_tax_percentage` in the same price basis as the rows. Intra-community and
 * platform sales carry no VAT.
 */
import { D, type Dec, dec, fixed, sum } from '../../model/money';

export interface CcvRowSpec {
  name: string;
  sku?: string;
  count: number;
  /** Unit price (incl. VAT when the order's rows include VAT). */
  price: string;
  /** Discount per unit. */
  discount?: string;
  /** VAT percentage (21, 9, 0). */
  tax: number;
  productType?: string;
}

export interface CcvCustomerSpec {
  userId?: number | null;
  email: string;
  firstName: string;
  lastName: string;
  company?: string;
  street: string;
  housenumber: number;
  suffix?: string;
  zipcode: string;
  city: string;
  countryCode?: string;
  country?: string;
  telephone?: string;
  btw?: string;
  customertype?: 'b2c' | 'b2b';
  delivery?: {
    firstName: string;
    lastName: string;
    street: string;
    housenumber: number;
    zipcode: string;
    city: string;
    countryCode: string;
  } | null;
}

export interface CcvOrderSpec {
  id: number;
  ordernumber: number;
  prefix?: string | null;
  createDate: string;
  status?: number;
  paid?: boolean;
  isCompleted?: boolean;
  paymethod?: string;
  paymethodLabel?: string;
  rowsIncludeTax?: boolean;
  shipping?: string;
  shippingTax?: number;
  paymethodCosts?: string;
  extraCosts?: { amount: string; description: string } | null;
  coupon?: { code: string; type: 'percentage' | 'price'; value: string } | null;
  intraCommunity?: boolean;
  platformSale?: boolean;
  currency?: string;
  deliverMethod?: 'shipping' | 'delivery' | 'pickup';
  customer: CcvCustomerSpec;
  rows: CcvRowSpec[];
}

export type CcvJson = Record<string, unknown>;

export interface CcvStoredOrder {
  order: CcvJson;
  rows: CcvJson[];
}

function num(d: Dec | string): number {
  return Number(fixed(d));
}

export function computeTotals(spec: CcvOrderSpec) {
  const incl = spec.rowsIncludeTax ?? true;
  const rowTotals = spec.rows.map((r) =>
    dec(r.price)
      .minus(r.discount ?? '0')
      .times(r.count)
      .toDecimalPlaces(2, D.ROUND_HALF_UP),
  );
  const rowsTotal = sum(rowTotals);
  const coupon = spec.coupon
    ? spec.coupon.type === 'percentage'
      ? rowsTotal.times(spec.coupon.value).div(100).toDecimalPlaces(2, D.ROUND_HALF_UP)
      : D.min(dec(spec.coupon.value), rowsTotal)
    : new D(0);
  const shipping = dec(spec.shipping ?? '0');
  const payCosts = dec(spec.paymethodCosts ?? '0');
  const extra = dec(spec.extraCosts?.amount ?? '0');
  const shipRate = spec.shippingTax ?? 21;
  const noVat = !!(spec.intraCommunity || spec.platformSale);
  // Coupon spread over rows in proportion to their totals.
  const shares: Dec[] = [];
  let used = new D(0);
  rowTotals.forEach((t, i) => {
    if (i === rowTotals.length - 1) shares.push(coupon.minus(used));
    else {
      const s = rowsTotal.isZero()
        ? new D(0)
        : coupon.times(t).div(rowsTotal).toDecimalPlaces(2, D.ROUND_HALF_UP);
      shares.push(s);
      used = used.plus(s);
    }
  });
  const base = new Map<number, Dec>();
  const add = (rate: number, a: Dec) => base.set(rate, (base.get(rate) ?? new D(0)).plus(a));
  spec.rows.forEach((r, i) => add(noVat ? 0 : r.tax, rowTotals[i].minus(shares[i])));
  add(noVat ? 0 : shipRate, shipping.plus(payCosts).plus(extra));
  let tax = new D(0);
  for (const [rate, amount] of base) {
    const r = dec(rate);
    tax = tax.plus(
      (incl ? amount.times(r).div(r.plus(100)) : amount.times(r).div(100)).toDecimalPlaces(
        2,
        D.ROUND_HALF_UP,
      ),
    );
  }
  const beforeTax = rowsTotal.plus(shipping).plus(payCosts).plus(extra).minus(coupon);
  const total = incl ? beforeTax : beforeTax.plus(tax);
  return { rowTotals, rowsTotal, coupon, shipping, payCosts, extra, tax, total };
}

function address(c: CcvCustomerSpec) {
  return {
    gender: null,
    initials: '',
    first_name: c.firstName,
    last_name: c.lastName,
    full_name: `${c.firstName} ${c.lastName}`,
    company: c.company ?? '',
    address_line_1: `${c.street} ${c.housenumber}${c.suffix ?? ''}`,
    address_line_2: '',
    street: c.street,
    housenumber: c.housenumber,
    housenumber_suffix: c.suffix ?? '',
    zipcode: c.zipcode,
    city: c.city,
    province: '',
    telephone: c.telephone ?? '',
    fax: '',
    mobile: '',
    comment: '',
    country: c.country ?? 'Nederland',
    country_code: c.countryCode ?? 'NL',
  };
}

const EMPTY_DELIVERY = {
  gender: null,
  full_name: '',
  initials: '',
  company: '',
  address_line_1: '',
  address_line_2: '',
  street: '',
  housenumber: null,
  housenumber_suffix: '',
  zipcode: '',
  city: '',
  province: '',
  telephone: '',
  mobile: '',
  comment: '',
  country: '',
  country_code: null,
};

let rowSeq = 648_300_000;

export function buildCcvOrder(spec: CcvOrderSpec, apiRoot: string): CcvStoredOrder {
  const t = computeTotals(spec);
  const incl = spec.rowsIncludeTax ?? true;
  const completed = spec.isCompleted ?? true;
  const href = `${apiRoot}/orders/${spec.id}/`;
  const c = spec.customer;
  const order: CcvJson = {
    href,
    id: spec.id,
    ordernumber_prefix: completed ? (spec.prefix ?? null) : null,
    ordernumber: completed ? spec.ordernumber : null,
    ordernumber_full: completed ? `${spec.prefix ?? ''}${spec.ordernumber}` : null,
    invoicenumber: null,
    transaction_id: spec.paid ? `tr_${spec.id}` : null,
    create_date: spec.createDate,
    deliver_method: spec.deliverMethod ?? 'shipping',
    deliver_date: null,
    take_out_window: { start: null, end: null },
    is_platform_sale: !!spec.platformSale,
    orderedinlng: 'nl',
    status: spec.status ?? 1,
    is_completed: completed,
    paid: spec.paid ?? false,
    safety_deposit_returned: false,
    paymethod_id: 3,
    paymethod: spec.paymethod ?? 'iDEAL',
    paymethod_label: spec.paymethodLabel ?? spec.paymethod ?? 'iDEAL',
    taxes_included: true,
    order_row_taxes_included: incl,
    shipping_taxes_included: incl,
    shipping_tax_percentage: spec.shippingTax ?? 21,
    is_intra_community_order: !!spec.intraCommunity,
    total_orderrow_price: num(t.rowsTotal),
    total_shipping: num(t.shipping),
    total_discounts: num(t.coupon),
    total_price: num(t.total),
    currency: spec.currency ?? 'EUR',
    total_tax: num(t.tax),
    total_weight: 0,
    extra_payment_option: '',
    extra_payment_option_price: 0,
    extra_payment_option_no_sentprice: false,
    extra_payment_option_pay_on_pickup: false,
    extra_price: 0,
    paymethod_costs: num(t.payCosts),
    credit_point_discount: 0,
    extra_costs: num(t.extra),
    extra_costs_description: spec.extraCosts?.description ?? '',
    track_and_trace_code: '',
    track_and_trace_carrier: null,
    track_and_trace_deeplink: '',
    reservationnumber: '',
    delivery_option: null,
    user: c.userId
      ? { id: String(c.userId), discount_percentage: 0, href: `${apiRoot}/users/${c.userId}` }
      : null,
    discountcoupon: spec.coupon
      ? {
          code: spec.coupon.code,
          discount: Number(spec.coupon.value),
          type: spec.coupon.type,
          enddate: null,
          onetimeuse: false,
          minimumprice: 0,
          givesfreeshipping: false,
        }
      : {
          code: '',
          discount: 0,
          type: '',
          enddate: null,
          onetimeuse: false,
          minimumprice: 0,
          givesfreeshipping: false,
        },
    customer: {
      billingaddress: address(c),
      deliveryaddress: c.delivery
        ? {
            ...EMPTY_DELIVERY,
            full_name: `${c.delivery.firstName} ${c.delivery.lastName}`,
            address_line_1: `${c.delivery.street} ${c.delivery.housenumber}`,
            street: c.delivery.street,
            housenumber: c.delivery.housenumber,
            zipcode: c.delivery.zipcode,
            city: c.delivery.city,
            country_code: c.delivery.countryCode,
          }
        : EMPTY_DELIVERY,
      email: c.email,
      customertype: c.customertype ?? (c.btw ? 'b2b' : 'b2c'),
      btw: c.btw ?? '',
      kvk: '',
      iban: '',
      reference: '',
    },
    pickup_address: null,
    orderrows: { href: `${apiRoot}/orders/${spec.id}/orderrows/` },
    ordernotes: { href: `${apiRoot}/orders/${spec.id}/ordernotes/` },
    invoices: { href: `${apiRoot}/orders/${spec.id}/invoices/` },
  };
  const rows = spec.rows.map((r, i) => {
    rowSeq += 1;
    const unit = dec(r.price).minus(r.discount ?? '0');
    return {
      href: `${apiRoot}/orderrows/${rowSeq}/`,
      id: rowSeq,
      order_id: spec.id,
      product_type: r.productType ?? 'product',
      product_name: r.name,
      product_number: r.sku ?? '',
      sub_product_number: '',
      sub_sku_number: '',
      sub_ean_number: '',
      product_id: 845_000_000 + i,
      count: r.count,
      price: Number(r.price),
      product_purchase_price: 0,
      discount: Number(r.discount ?? '0'),
      custom_price: false,
      tax: r.tax,
      unit: 'stuk',
      weight: 0,
      memo: '',
      user_discount: 0,
      original_price: num(unit),
      selling_price: num(unit),
      price_without_discount: Number(r.price),
      total_price: num(t.rowTotals[i]),
      total_extra_option_price: 0,
      price_with_attributes: num(unit),
      total_price_with_attributes: num(t.rowTotals[i]),
      attributes: [],
      uploads: [],
      parent: { href: `${apiRoot}/orders/${spec.id}` },
    };
  });
  return { order, rows };
}
