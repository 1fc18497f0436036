/**
 * Builds simulator orders the way Shopify computes them, with decimal arithmetic:
 * - discounts are allocated over the line items in proportion to their totals (the last line takes
 *   the remainder, so allocations add up to the cent);
 * - tax is computed per line item on its discounted total and rounded per line (half up), from the
 *   tax-inclusive price (`price × r / (1 + r)`) when `taxesIncluded`, else `price × r`;
 * - order tax lines are the per-(title, rate) sums of the line and shipping tax lines;
 * - `subtotalPrice` = Σ discounted line totals, `totalPrice` = subtotal + shipping (+ tax when
 *   prices exclude tax); tips are a non-taxable line item "Tip" and are part of the total;
 * - POS cash payments in a cash-rounding currency are rounded to 0.05: the difference is
 *   `totalCashRoundingAdjustment.paymentSet` and the SALE transaction is the rounded amount.
 */
import { D, type Dec, dec, fixed, sum } from '../../model/money';
import type {
  SimDiscountAllocation,
  SimDiscountApplication,
  SimLineItem,
  SimMailingAddress,
  SimMoneyBag,
  SimOrder,
  SimRefund,
  SimShippingLine,
  SimTaxLine,
  SimTransaction,
} from './types';

export interface LineSpec {
  title: string;
  variantTitle?: string;
  sku?: string | null;
  /** Unit price as entered in the shop (incl. tax when the order's taxesIncluded). */
  unitPrice: string;
  quantity: number;
  /** Tax rate as a fraction ("0.21"); "0" for zero-rated; omit with taxable=false. */
  taxRate?: string;
  taxTitle?: string;
  taxable?: boolean;
  productId?: number | null;
}

export interface ShippingSpec {
  title: string;
  code?: string;
  price: string;
  taxRate?: string;
  taxTitle?: string;
}

export interface DiscountSpec {
  kind: 'code' | 'automatic' | 'manual';
  /** The code (kind 'code') or title. */
  name: string;
  type: 'percentage' | 'fixed_amount';
  /** Percentage ("10") or amount ("5.00"). */
  value: string;
}

export interface CustomerSpec {
  id: number;
  email: string;
  firstName: string;
  lastName: string;
  phone?: string | null;
  numberOfOrders?: number;
  /** The customer's "Collect tax" switched off in the admin. */
  taxExempt?: boolean;
  /** TaxExemption values, e.g. ['EU_REVERSE_CHARGE_EXEMPTION_RULE']. */
  taxExemptions?: string[];
  /** Customer metafields, e.g. { namespace: 'custom', key: 'vat_number', value: 'DE123456789' }. */
  metafields?: Array<{ namespace: string; key: string; value: string; type?: string }>;
}

/** Tax exemptions under which Shopify charges no tax at checkout (the ones the simulator knows). */
export const EXEMPTING_TAX_EXEMPTIONS = ['EU_REVERSE_CHARGE_EXEMPTION_RULE'];

export interface OrderSpec {
  id: number;
  number: number;
  createdAt: string;
  processedAt?: string;
  updatedAt?: string;
  sourceName?: string;
  taxesIncluded: boolean;
  currency?: string;
  /** Customer currency and the shop → presentment conversion rate. */
  presentment?: { currency: string; rate: string };
  customer?: CustomerSpec | null;
  email?: string | null;
  billingAddress?: SimMailingAddress | null;
  shippingAddress?: SimMailingAddress | null;
  retailLocation?: SimOrder['retailLocation'];
  lines: LineSpec[];
  shipping?: ShippingSpec[];
  discount?: DiscountSpec | null;
  tip?: string | null;
  /** Gateway name: 'shopify_payments', 'cash', 'bank_deposit', 'manual', 'paypal' … */
  gateway?: string;
  /** 'paid' (SALE success), 'authorized' (AUTHORIZATION only), 'pending' (no transaction). */
  payment?: 'paid' | 'authorized' | 'pending';
  /** Round the cash payment to 0.05 (POS in CHF/BE/FI EUR, DKK, SEK, NOK, CAD, AUD, NZD). */
  cashRounding?: boolean;
  test?: boolean;
  /** Checkout custom attributes (e.g. a VAT number field added by an app). */
  customAttributes?: Array<{ key: string; value: string | null }>;
  /** "Charge taxes" off on the draft order. */
  taxExempt?: boolean;
}

export function money(
  amount: Dec | string,
  currency: string,
  presentment?: { currency: string; rate: string },
): SimMoneyBag {
  const shop = fixed(amount);
  const pres = presentment ? fixed(dec(shop).times(presentment.rate)) : shop;
  return {
    shopMoney: { amount: shop, currencyCode: currency },
    presentmentMoney: { amount: pres, currencyCode: presentment?.currency ?? currency },
  };
}

function taxOn(gross: Dec, rate: string, included: boolean): Dec {
  const r = dec(rate);
  const raw = included ? gross.times(r).div(r.plus(1)) : gross.times(r);
  return raw.toDecimalPlaces(2, D.ROUND_HALF_UP);
}

function taxLine(
  title: string,
  rate: string,
  amount: Dec,
  currency: string,
  pres?: OrderSpec['presentment'],
): SimTaxLine {
  const r = dec(rate);
  return {
    title,
    rate: r.toNumber(),
    ratePercentage: r.times(100).toNumber(),
    priceSet: money(amount, currency, pres),
    channelLiable: false,
    source: 'Shopify',
  };
}

/** Split `total` over `weights` proportionally, in cents; the last share takes the remainder. */
export function allocate(total: Dec, weights: Dec[]): Dec[] {
  const base = sum(weights);
  if (base.isZero()) return weights.map(() => new D(0));
  const out: Dec[] = [];
  let used = new D(0);
  weights.forEach((w, i) => {
    if (i === weights.length - 1) out.push(total.minus(used));
    else {
      const share = total.times(w).div(base).toDecimalPlaces(2, D.ROUND_HALF_UP);
      out.push(share);
      used = used.plus(share);
    }
  });
  return out;
}

export function gid(type: string, id: number | string): string {
  return `gid://shopify/${type}/${id}`;
}

let globalSeq = 9_000_000;
export function nextId(): number {
  globalSeq += 1;
  return globalSeq;
}

export function buildOrder(spec: OrderSpec): SimOrder {
  const cur = spec.currency ?? 'EUR';
  const pres = spec.presentment;
  const inc = spec.taxesIncluded;
  const m = (a: Dec | string) => money(a, cur, pres);

  const lineSpecs: LineSpec[] = [...spec.lines];
  if (spec.tip && !dec(spec.tip).isZero()) {
    lineSpecs.push({
      title: 'Tip',
      unitPrice: spec.tip,
      quantity: 1,
      taxable: false,
      sku: null,
      productId: null,
    });
  }
  const originals = lineSpecs.map((l) => dec(l.unitPrice).times(l.quantity));

  let application: SimDiscountApplication | null = null;
  let allocations: Dec[] = lineSpecs.map(() => new D(0));
  if (spec.discount) {
    const d = spec.discount;
    application = {
      __typename:
        d.kind === 'code'
          ? 'DiscountCodeApplication'
          : d.kind === 'automatic'
            ? 'AutomaticDiscountApplication'
            : 'ManualDiscountApplication',
      allocationMethod: 'ACROSS',
      index: 0,
      targetType: 'LINE_ITEM',
      ...(d.kind === 'code' ? { code: d.name } : { title: d.name }),
      ...(d.kind === 'manual' ? { description: null } : {}),
    };
    // Tips are never discounted.
    const weights = lineSpecs.map((l, i) =>
      l.title === 'Tip' && l.productId === null ? new D(0) : originals[i],
    );
    const base = sum(weights);
    const amount =
      d.type === 'percentage'
        ? base.times(d.value).div(100).toDecimalPlaces(2, D.ROUND_HALF_UP)
        : D.min(dec(d.value), base);
    allocations = allocate(amount, weights);
  }

  // A tax-exempt customer (or order) is charged no tax at all: no tax lines anywhere.
  const exempt =
    spec.taxExempt === true ||
    spec.customer?.taxExempt === true ||
    (spec.customer?.taxExemptions ?? []).some((e) => EXEMPTING_TAX_EXEMPTIONS.includes(e));
  const lineItems: SimLineItem[] = lineSpecs.map((l, i) => {
    const lineId = nextId();
    const discounted = originals[i].minus(allocations[i]);
    const taxable = l.taxable ?? true;
    const taxes: SimTaxLine[] =
      taxable && l.taxRate !== undefined && !exempt
        ? [taxLine(l.taxTitle ?? 'BTW', l.taxRate, taxOn(discounted, l.taxRate, inc), cur, pres)]
        : [];
    const allocs: SimDiscountAllocation[] =
      application && !allocations[i].isZero()
        ? [{ allocatedAmountSet: m(allocations[i]), discountApplication: application }]
        : [];
    const productId = l.productId === undefined ? 7_000_000 + i : l.productId;
    return {
      id: gid('LineItem', lineId),
      name: l.variantTitle ? `${l.title} - ${l.variantTitle}` : l.title,
      title: l.title,
      sku: l.sku === undefined ? null : l.sku,
      quantity: l.quantity,
      currentQuantity: l.quantity,
      taxable,
      requiresShipping: productId !== null && spec.sourceName !== 'pos',
      originalUnitPriceSet: m(l.unitPrice),
      // Across-allocated (order-level) discounts do not change the discounted unit price.
      discountedUnitPriceSet: m(l.unitPrice),
      originalTotalSet: m(originals[i]),
      discountedTotalSet: m(originals[i]),
      totalDiscountSet: m(allocations[i]),
      discountAllocations: allocs,
      taxLines: taxes,
      variant:
        productId === null
          ? null
          : {
              id: gid('ProductVariant', 40_000_000 + productId),
              sku: l.sku ?? null,
              title: l.variantTitle ?? 'Default Title',
            },
      product: productId === null ? null : { id: gid('Product', productId), title: l.title },
    };
  });

  const shippingLines: SimShippingLine[] = (spec.shipping ?? []).map((s) => {
    const price = dec(s.price);
    return {
      id: gid('ShippingLine', nextId()),
      title: s.title,
      code: s.code ?? s.title,
      source: 'shopify',
      isRemoved: false,
      originalPriceSet: m(price),
      discountedPriceSet: m(price),
      discountAllocations: [],
      taxLines:
        s.taxRate !== undefined && !exempt
          ? [taxLine(s.taxTitle ?? 'BTW', s.taxRate, taxOn(price, s.taxRate, inc), cur, pres)]
          : [],
    };
  });

  // Order tax lines: per (title, rate) sums.
  const byRate = new Map<string, { title: string; rate: string; amount: Dec }>();
  for (const tl of [...lineItems.flatMap((l) => l.taxLines), ...shippingLines.flatMap((s) => s.taxLines)]) {
    const key = `${tl.title}|${tl.rate}`;
    const cur0 = byRate.get(key) ?? { title: tl.title, rate: String(tl.rate), amount: new D(0) };
    cur0.amount = cur0.amount.plus(tl.priceSet.shopMoney.amount);
    byRate.set(key, cur0);
  }
  const taxLines = [...byRate.values()].map((t) => taxLine(t.title, t.rate, t.amount, cur, pres));
  const totalTax = sum(taxLines.map((t) => t.priceSet.shopMoney.amount));
  const subtotal = sum(lineItems.map((l, i) => originals[i].minus(allocations[i])));
  const shippingTotal = sum(shippingLines.map((s) => s.discountedPriceSet.shopMoney.amount));
  const total = subtotal.plus(shippingTotal).plus(inc ? 0 : totalTax);
  const discountTotal = sum(allocations);

  const gateway = spec.gateway ?? (spec.sourceName === 'pos' ? 'cash' : 'shopify_payments');
  let rounding = new D(0);
  if (spec.cashRounding && gateway === 'cash') {
    rounding = total.div('0.05').toDecimalPlaces(0, D.ROUND_HALF_UP).times('0.05').minus(total);
  }
  const processedAt = spec.processedAt ?? spec.createdAt;
  const transactions: SimTransaction[] = [];
  const payment = spec.payment ?? 'paid';
  if (payment === 'paid' || payment === 'authorized') {
    transactions.push({
      id: gid('OrderTransaction', nextId()),
      kind: payment === 'paid' ? 'SALE' : 'AUTHORIZATION',
      status: 'SUCCESS',
      gateway,
      amountSet: m(total.plus(rounding)),
      processedAt,
      test: false,
      parentTransaction: null,
    });
  }

  const customer = spec.customer
    ? {
        id: gid('Customer', spec.customer.id),
        legacyResourceId: String(spec.customer.id),
        email: spec.customer.email,
        firstName: spec.customer.firstName,
        lastName: spec.customer.lastName,
        phone: spec.customer.phone ?? null,
        numberOfOrders: String(spec.customer.numberOfOrders ?? 1),
        taxExempt: spec.customer.taxExempt ?? false,
        taxExemptions: [...(spec.customer.taxExemptions ?? [])],
        metafields: (spec.customer.metafields ?? []).map((m) => ({
          id: gid('Metafield', nextId()),
          namespace: m.namespace,
          key: m.key,
          value: m.value,
          type: m.type ?? 'single_line_text_field',
        })),
      }
    : null;

  const order: SimOrder = {
    id: gid('Order', spec.id),
    legacyResourceId: String(spec.id),
    name: `#${spec.number}`,
    email: spec.email !== undefined ? spec.email : (spec.customer?.email ?? null),
    phone: null,
    createdAt: spec.createdAt,
    updatedAt: spec.updatedAt ?? spec.createdAt,
    processedAt,
    closedAt: null,
    cancelledAt: null,
    cancelReason: null,
    sourceName: spec.sourceName ?? 'web',
    test: spec.test ?? false,
    currencyCode: cur,
    presentmentCurrencyCode: pres?.currency ?? cur,
    taxesIncluded: inc,
    // Order.taxExempt: "Charge taxes" off, or a customer with "Collect tax" off.
    taxExempt: spec.taxExempt === true || spec.customer?.taxExempt === true,
    customAttributes: (spec.customAttributes ?? []).map((a) => ({ key: a.key, value: a.value })),
    displayFinancialStatus: null,
    displayFulfillmentStatus: 'UNFULFILLED',
    fullyPaid: false,
    unpaid: true,
    paymentGatewayNames: payment === 'pending' && gateway === 'shopify_payments' ? [] : [gateway],
    discountCodes: spec.discount?.kind === 'code' ? [spec.discount.name] : [],
    subtotalPriceSet: m(subtotal),
    totalPriceSet: m(total),
    currentTotalPriceSet: m(total),
    totalTaxSet: m(totalTax),
    currentTotalTaxSet: m(totalTax),
    totalDiscountsSet: m(discountTotal),
    totalShippingPriceSet: m(shippingTotal),
    totalRefundedSet: m('0'),
    totalReceivedSet: m('0'),
    totalTipReceivedSet: m(spec.tip ?? '0'),
    totalCashRoundingAdjustment: { paymentSet: m(rounding), refundSet: m('0') },
    taxLines,
    customer,
    billingAddress: spec.billingAddress ?? null,
    shippingAddress: spec.shippingAddress ?? null,
    retailLocation: spec.retailLocation ?? null,
    lineItems,
    shippingLines,
    refunds: [],
    transactions,
  };
  recomputeFinancials(order);
  return order;
}

function bagAmount(b: SimMoneyBag): Dec {
  return dec(b.shopMoney.amount);
}

/** displayFinancialStatus, totals received/refunded and current totals, from transactions and refunds. */
export function recomputeFinancials(order: SimOrder): void {
  const cur = order.currencyCode;
  const pres =
    order.presentmentCurrencyCode !== cur
      ? { currency: order.presentmentCurrencyCode, rate: presRate(order) }
      : undefined;
  const m = (a: Dec | string) => money(a, cur, pres);
  const all = [...order.transactions, ...order.refunds.flatMap((r) => r.transactions)];
  const ok = all.filter((t) => t.status === 'SUCCESS');
  const received = sum(
    ok.filter((t) => t.kind === 'SALE' || t.kind === 'CAPTURE').map((t) => bagAmount(t.amountSet)),
  );
  const refunded = sum(ok.filter((t) => t.kind === 'REFUND').map((t) => bagAmount(t.amountSet)));
  const authorized = ok.some((t) => t.kind === 'AUTHORIZATION');
  const due = bagAmount(order.totalPriceSet).plus(bagAmount(order.totalCashRoundingAdjustment.paymentSet));
  let status: string;
  if (order.cancelledAt && received.isZero()) status = authorized ? 'VOIDED' : 'VOIDED';
  else if (received.isZero()) status = authorized ? 'AUTHORIZED' : 'PENDING';
  else if (received.lessThan(due)) status = 'PARTIALLY_PAID';
  else if (refunded.isZero()) status = 'PAID';
  else if (refunded.greaterThanOrEqualTo(received)) status = 'REFUNDED';
  else status = 'PARTIALLY_REFUNDED';
  order.displayFinancialStatus = status;
  order.fullyPaid = received.greaterThanOrEqualTo(due) && !due.isZero();
  order.unpaid = received.isZero();
  order.totalReceivedSet = m(received);
  order.totalRefundedSet = m(refunded);
  const refundedGross = sum(order.refunds.map((r) => refundGross(r, order.taxesIncluded)));
  const refundedTax = sum(
    order.refunds.map((r) =>
      sum([
        ...r.refundLineItems.map((l) => bagAmount(l.totalTaxSet)),
        ...r.refundShippingLines.map((s) => bagAmount(s.taxAmountSet)),
      ]),
    ),
  );
  order.currentTotalPriceSet = m(bagAmount(order.totalPriceSet).minus(refundedGross));
  order.currentTotalTaxSet = m(bagAmount(order.totalTaxSet).minus(refundedTax));
  for (const li of order.lineItems) {
    const q = sum(
      order.refunds.flatMap((r) =>
        r.refundLineItems.filter((x) => x.lineItem.id === li.id).map((x) => String(x.quantity)),
      ),
    );
    li.currentQuantity = li.quantity - q.toNumber();
  }
}

function presRate(order: SimOrder): string {
  const s = dec(order.totalPriceSet.shopMoney.amount);
  if (s.isZero()) return '1';
  return dec(order.totalPriceSet.presentmentMoney.amount).div(s).toDecimalPlaces(6).toString();
}

/** Gross value of a refund (incl. tax): its line subtotals (+ tax when prices exclude tax) and shipping. */
export function refundGross(r: SimRefund, taxesIncluded: boolean): Dec {
  const lines = sum(
    r.refundLineItems.map((l) =>
      taxesIncluded
        ? dec(l.subtotalSet.shopMoney.amount)
        : dec(l.subtotalSet.shopMoney.amount).plus(l.totalTaxSet.shopMoney.amount),
    ),
  );
  const ship = sum(
    r.refundShippingLines.map((s) =>
      taxesIncluded
        ? dec(s.subtotalAmountSet.shopMoney.amount)
        : dec(s.subtotalAmountSet.shopMoney.amount).plus(s.taxAmountSet.shopMoney.amount),
    ),
  );
  const adj = sum(r.orderAdjustments.map((a) => dec(a.amountSet.shopMoney.amount)));
  return lines.plus(ship).plus(adj);
}

export interface RefundSpec {
  createdAt: string;
  note?: string | null;
  lines?: Array<{ lineItemId: string; quantity: number; restockType?: 'RETURN' | 'NO_RESTOCK' | 'CANCEL' }>;
  /** Refund these shipping lines in full. */
  shippingLineIds?: string[];
  /** Whether money goes back (a REFUND transaction); default true. */
  withTransaction?: boolean;
}

/**
 * Refund lines the way Shopify does: the refunded share of a line's discounted total and of its
 * tax, pro rata by quantity; refunding the last remaining units takes the exact remainder so a
 * line refunded in several steps adds up to the line. `subtotalSet` is in the line's price basis
 * (incl. tax when the order's taxesIncluded) — ⚠ assumption, see docs/sources.md.
 */
export function addRefund(order: SimOrder, spec: RefundSpec): SimRefund {
  const cur = order.currencyCode;
  const m = (a: Dec | string) =>
    money(
      a,
      cur,
      order.presentmentCurrencyCode !== cur
        ? { currency: order.presentmentCurrencyCode, rate: presRate(order) }
        : undefined,
    );
  const refundLineItems = (spec.lines ?? []).map((rl) => {
    const li = order.lineItems.find((l) => l.id === rl.lineItemId);
    if (!li) throw new Error(`line item ${rl.lineItemId} is not on order ${order.name}`);
    if (!Number.isInteger(rl.quantity) || rl.quantity <= 0)
      throw new Error('refund quantity must be a positive whole number');
    const already = order.refunds.flatMap((r) => r.refundLineItems).filter((x) => x.lineItem.id === li.id);
    const alreadyQty = already.reduce((a, x) => a + x.quantity, 0);
    if (alreadyQty + rl.quantity > li.quantity)
      throw new Error(`cannot refund ${rl.quantity} of ${li.name}: only ${li.quantity - alreadyQty} left`);
    const discounted = dec(li.originalTotalSet.shopMoney.amount).minus(li.totalDiscountSet.shopMoney.amount);
    const lineTax = sum(li.taxLines.map((t) => t.priceSet.shopMoney.amount));
    let subtotal: Dec;
    let tax: Dec;
    if (alreadyQty + rl.quantity === li.quantity) {
      subtotal = discounted.minus(sum(already.map((x) => x.subtotalSet.shopMoney.amount)));
      tax = lineTax.minus(sum(already.map((x) => x.totalTaxSet.shopMoney.amount)));
    } else {
      subtotal = discounted.times(rl.quantity).div(li.quantity).toDecimalPlaces(2, D.ROUND_HALF_UP);
      tax = lineTax.times(rl.quantity).div(li.quantity).toDecimalPlaces(2, D.ROUND_HALF_UP);
    }
    return {
      id: gid('RefundLineItem', nextId()),
      lineItem: li,
      quantity: rl.quantity,
      restockType: rl.restockType ?? 'RETURN',
      restocked: (rl.restockType ?? 'RETURN') !== 'NO_RESTOCK',
      priceSet: li.originalUnitPriceSet,
      subtotalSet: m(subtotal),
      totalTaxSet: m(tax),
    };
  });
  const refundShippingLines = (spec.shippingLineIds ?? []).map((sid) => {
    const sl = order.shippingLines.find((s) => s.id === sid);
    if (!sl) throw new Error(`shipping line ${sid} is not on order ${order.name}`);
    if (order.refunds.some((r) => r.refundShippingLines.some((x) => x.shippingLine.id === sid)))
      throw new Error('shipping line already refunded');
    return {
      id: gid('RefundShippingLine', nextId()),
      shippingLine: sl,
      subtotalAmountSet: sl.discountedPriceSet,
      taxAmountSet: m(sum(sl.taxLines.map((t) => t.priceSet.shopMoney.amount))),
    };
  });
  const rid = nextId();
  const refund: SimRefund = {
    id: gid('Refund', rid),
    legacyResourceId: String(rid),
    createdAt: spec.createdAt,
    updatedAt: spec.createdAt,
    note: spec.note ?? null,
    totalRefundedSet: m('0'),
    refundLineItems,
    refundShippingLines,
    orderAdjustments: [],
    transactions: [],
  };
  const gross = refundGross(refund, order.taxesIncluded);
  if (spec.withTransaction ?? true) {
    const parent = order.transactions.find((t) => t.kind === 'SALE' && t.status === 'SUCCESS') ?? null;
    refund.transactions.push({
      id: gid('OrderTransaction', nextId()),
      kind: 'REFUND',
      status: 'SUCCESS',
      gateway: parent?.gateway ?? null,
      amountSet: m(gross),
      processedAt: spec.createdAt,
      test: false,
      parentTransaction: parent,
    });
    refund.totalRefundedSet = m(gross);
  }
  order.refunds.push(refund);
  order.updatedAt = maxIso(order.updatedAt, spec.createdAt);
  recomputeFinancials(order);
  return refund;
}

export function maxIso(a: string, b: string): string {
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

/** Record a payment (SALE) for the outstanding amount. */
export function markPaid(order: SimOrder, at: string, gateway?: string): void {
  const due = dec(order.totalPriceSet.shopMoney.amount)
    .plus(order.totalCashRoundingAdjustment.paymentSet.shopMoney.amount)
    .minus(order.totalReceivedSet.shopMoney.amount);
  if (due.lessThanOrEqualTo(0)) return;
  order.transactions.push({
    id: gid('OrderTransaction', nextId()),
    kind: 'SALE',
    status: 'SUCCESS',
    gateway: gateway ?? order.paymentGatewayNames[0] ?? 'manual',
    amountSet: money(due, order.currencyCode),
    processedAt: at,
    test: false,
    parentTransaction: null,
  });
  if (!order.paymentGatewayNames.length) order.paymentGatewayNames.push(gateway ?? 'manual');
  order.updatedAt = maxIso(order.updatedAt, at);
  recomputeFinancials(order);
}

export function cancelOrder(
  order: SimOrder,
  at: string,
  reason: 'CUSTOMER' | 'DECLINED' | 'FRAUD' | 'INVENTORY' | 'OTHER' | 'STAFF' = 'CUSTOMER',
): void {
  order.cancelledAt = at;
  order.cancelReason = reason;
  order.closedAt = at;
  order.updatedAt = maxIso(order.updatedAt, at);
  recomputeFinancials(order);
}
