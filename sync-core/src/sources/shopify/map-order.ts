/**
 * Shopify GraphQL Order (+ its refunds) → canonical Order. Pure; throws ShopbooksError
 * ('MalformedOrder', 'CurrencyMismatch', 'MalformedNumber') with a plain reason.
 *
 * - Amounts are shop money; the order's currency is the shop currency (`currencyCode`).
 * - Line `net` is excl. VAT even when `taxesIncluded`: originalTotal − discount allocations − tax.
 * - Tax rate ids are `title:rate` (e.g. `BTW:0.21`): stable across orders, Shopify has no rate id.
 * - `totals.total` is what the customer was charged: `totalPriceSet` plus the POS cash rounding
 *   adjustment, which becomes a "Cash rounding" fee line with no VAT; tips become a "Tip" fee
 *   line with no VAT.
 */
import { D, type Dec, allocateProportionally, dec, fixed, normalisePercent, sum } from '../../model/money';
import { ShopbooksError } from '../../model/errors';
import {
  Order,
  type Address,
  type Discount,
  type FeeLine,
  type LineTax,
  type OrderLine,
  type OrderState,
  type OrderTax,
  type Refund,
  type RefundLine,
  type ShippingLine,
  type TaxRate,
} from '../../model/order';
import type {
  GqlAddress,
  GqlLineItem,
  GqlOrder,
  GqlRefund,
  GqlTaxLine,
  GqlTransaction,
} from './orders-query';
import { ShopifyVatNumberSettings } from './config';
import { shopifyTaxExempt, shopifyVatNumber } from './vat-number';

export interface ShopifyMapContext {
  shopId: string;
  /** Where the VAT number is read from; the defaults of ShopifyVatNumberSettings when omitted. */
  vatNumber?: ShopifyVatNumberSettings;
}

const DEFAULT_VAT_NUMBER_SETTINGS = ShopifyVatNumberSettings.parse({});

/** Financial statuses that mean the order has been paid in full (refunds come after payment). */
const PAID_STATUSES = new Set(['PAID', 'PARTIALLY_REFUNDED', 'REFUNDED']);

function amount(
  bag: { shopMoney: { amount: string; currencyCode: string } } | null | undefined,
  field: string,
  currency: string,
): Dec {
  if (!bag) return new D(0);
  const { amount: a, currencyCode } = bag.shopMoney;
  if (currencyCode !== currency) {
    throw new ShopbooksError(
      'CurrencyMismatch',
      `Shopify reports ${field} in ${currencyCode}, but the shop currency of this order is ${currency}.`,
      {
        details: { field, currencyCode, currency },
      },
    );
  }
  if (!/^-?\d+(\.\d+)?$/.test(a))
    throw new ShopbooksError(
      'MalformedNumber',
      `Shopify sent ${field} as "${a.slice(0, 30)}", which is not an amount.`,
      { details: { field } },
    );
  return dec(a);
}

export function taxRateId(t: GqlTaxLine): string {
  return `${t.title}:${ratePercent(t).div(100).toString()}`;
}

function ratePercent(t: GqlTaxLine): Dec {
  if (t.ratePercentage !== null && t.ratePercentage !== undefined) return dec(t.ratePercentage);
  if (t.rate !== null && t.rate !== undefined) return dec(t.rate).times(100);
  return new D(0);
}

function raw(d: Dec): string {
  return d.toFixed();
}

function mapAddress(a: GqlAddress): Address | null {
  if (!a) return null;
  const country = (a.countryCodeV2 ?? '').toUpperCase();
  return {
    line1: a.address1 ?? '',
    line2: a.address2 ?? '',
    postcode: a.zip ?? '',
    city: a.city ?? '',
    state: a.province ?? '',
    country: /^[A-Z]{2}$/.test(country) ? country : '',
  };
}

const EMPTY_ADDRESS: Address = { line1: '', line2: '', postcode: '', city: '', state: '', country: '' };

function lineTaxes(taxLines: GqlTaxLine[], currency: string, field: string): LineTax[] {
  const byId = new Map<string, Dec>();
  for (const t of taxLines) {
    const id = taxRateId(t);
    byId.set(id, (byId.get(id) ?? new D(0)).plus(amount(t.priceSet, `${field} tax "${t.title}"`, currency)));
  }
  return [...byId.entries()].map(([rateId, a]) => ({ rateId, amount: fixed(a) }));
}

/** Split `total` over the tax lines in proportion to their amounts (last takes the remainder). */
function splitOverRates(total: Dec, taxLines: GqlTaxLine[], currency: string, field: string): LineTax[] {
  const parts = lineTaxes(taxLines, currency, field);
  if (!parts.length) return [];
  const shares = allocateProportionally(total, parts.map((p) => dec(p.amount)));
  return parts.map((p, i) => ({ rateId: p.rateId, amount: fixed(shares[i]) }));
}

function mapState(o: GqlOrder): OrderState {
  if (o.cancelledAt) return 'cancelled';
  switch (o.displayFinancialStatus) {
    case 'PAID':
    case 'PARTIALLY_REFUNDED':
      return o.displayFulfillmentStatus === 'FULFILLED' ? 'completed' : 'paid';
    case 'REFUNDED':
      return 'refunded';
    case 'PENDING':
    case 'PARTIALLY_PAID':
      return 'pending';
    case 'AUTHORIZED':
      return 'on-hold';
    case 'VOIDED':
      return 'cancelled';
    case 'EXPIRED':
      return 'failed';
    default:
      return 'other';
  }
}

/** The transaction that completed payment of `due` (successful SALE/CAPTURE, in time order). */
function payingTransaction(txs: GqlTransaction[], due: Dec, currency: string): GqlTransaction | null {
  const ok = txs
    .filter((t) => t.status === 'SUCCESS' && (t.kind === 'SALE' || t.kind === 'CAPTURE'))
    .sort((a, b) => Date.parse(a.processedAt ?? '') - Date.parse(b.processedAt ?? ''));
  let paid = new D(0);
  for (const t of ok) {
    paid = paid.plus(amount(t.amountSet, 'transaction amount', currency));
    if (paid.greaterThanOrEqualTo(due)) return t;
  }
  return null;
}

function mapRefund(r: GqlRefund, o: GqlOrder, cur: string): Refund {
  if (r.refundLineItems.pageInfo.hasNextPage) {
    throw new ShopbooksError(
      'MalformedOrder',
      `Refund ${r.legacyResourceId} of order ${o.name} has more refunded lines than Shopbooks reads at once (50).`,
      {
        details: { refundId: r.legacyResourceId },
      },
    );
  }
  const inc = o.taxesIncluded;
  const lines: RefundLine[] = [];
  r.refundLineItems.nodes.forEach((n, i) => {
    const subtotal = amount(n.subtotalSet, 'refund line subtotal', cur);
    const tax = amount(n.totalTaxSet, 'refund line tax', cur);
    const net = inc ? subtotal.minus(tax) : subtotal;
    lines.push({
      id: n.id ?? `${r.id}#line-${i}`,
      kind: 'item',
      originalLineId: n.lineItem.id,
      name: n.lineItem.name,
      sku: n.lineItem.sku || null,
      quantity: String(n.quantity),
      net: fixed(net),
      tax: fixed(tax),
      taxes: splitOverRates(tax, n.lineItem.taxLines, cur, 'refunded line'),
    });
  });
  for (const s of r.refundShippingLines.nodes) {
    const subtotal = amount(s.subtotalAmountSet, 'refund shipping subtotal', cur);
    const tax = amount(s.taxAmountSet, 'refund shipping tax', cur);
    if (subtotal.isZero() && tax.isZero()) continue;
    lines.push({
      id: s.id,
      kind: 'shipping',
      originalLineId: s.shippingLine.id,
      name: s.shippingLine.title,
      sku: null,
      quantity: '1',
      net: fixed(inc ? subtotal.minus(tax) : subtotal),
      tax: fixed(tax),
      taxes: splitOverRates(tax, s.shippingLine.taxLines, cur, 'refunded shipping'),
    });
  }
  const linesGross = sum(lines.map((l) => dec(l.net).plus(l.tax)));
  const refunded = amount(r.totalRefundedSet, 'refund total', cur);
  return {
    id: r.legacyResourceId,
    orderId: o.legacyResourceId,
    createdAt: r.createdAt ?? o.updatedAt,
    amount: fixed(lines.length ? linesGross : refunded),
    reason: r.note ?? '',
    lines,
  };
}

export function mapShopifyOrder(o: GqlOrder, refunds: GqlRefund[], ctx: ShopifyMapContext): Order {
  const cur = o.currencyCode;
  const inc = o.taxesIncluded;
  const shipTo = mapAddress(o.shippingAddress);
  const billTo = mapAddress(o.billingAddress);
  const taxCountry =
    shipTo?.country || billTo?.country || (o.retailLocation?.address.countryCode ?? '').toUpperCase();

  const rates = new Map<string, TaxRate>();
  const noteRate = (t: GqlTaxLine) => {
    const id = taxRateId(t);
    if (!rates.has(id))
      rates.set(id, {
        id,
        percent: normalisePercent(ratePercent(t).toString()),
        label: t.title,
        country: taxCountry,
        taxClass: '',
        compound: false,
      });
  };

  const tip = amount(o.totalTipReceivedSet, 'totalTipReceived', cur);
  const rounding = amount(o.totalCashRoundingAdjustment.paymentSet, 'cash rounding adjustment', cur);
  const total = amount(o.totalPriceSet, 'totalPrice', cur);

  // Tips are non-taxable line items without a product; they are booked as a fee without VAT.
  const isTipCandidate = (li: GqlLineItem) =>
    !li.product && !li.variant && !li.taxable && li.taxLines.length === 0;
  const tipCandidates = o.lineItems.nodes.filter(isTipCandidate);
  const tipLineIds = new Set<string>();
  if (
    tip.greaterThan(0) &&
    tipCandidates.length &&
    sum(tipCandidates.map((l) => amount(l.originalTotalSet, 'tip', cur))).equals(tip)
  ) {
    tipCandidates.forEach((l) => tipLineIds.add(l.id));
  }

  const discounts = new Map<number, { code: string; kind: Discount['kind']; net: Dec; tax: Dec }>();
  const lines: OrderLine[] = [];
  const fees: FeeLine[] = [];
  for (const li of o.lineItems.nodes) {
    if (li.quantity <= 0)
      throw new ShopbooksError(
        'NegativeQuantity',
        `Line "${li.name}" of order ${o.name} has quantity ${li.quantity}.`,
        { details: { lineId: li.id } },
      );
    const original = amount(li.originalTotalSet, `line "${li.name}" total`, cur);
    if (tipLineIds.has(li.id)) {
      fees.push({ id: li.id, name: 'Tip', net: fixed(original), tax: '0.00', taxes: [] });
      continue;
    }
    li.taxLines.forEach(noteRate);
    const allocs = li.discountAllocations.map((a) => ({
      a,
      amt: amount(a.allocatedAmountSet, `line "${li.name}" discount`, cur),
    }));
    const discount = sum(allocs.map((x) => x.amt));
    const afterDiscount = original.minus(discount);
    const taxes = lineTaxes(li.taxLines, cur, `line "${li.name}"`);
    const tax = sum(taxes.map((t) => t.amount));
    const net = inc ? afterDiscount.minus(tax) : afterDiscount;
    // Tax before discounts: Shopify does not report it; recompute it per rate from the original total.
    let subtotalTaxes: LineTax[] = taxes;
    if (!discount.isZero()) {
      subtotalTaxes = li.taxLines.map((t) => {
        const r = ratePercent(t).div(100);
        const st = (inc ? original.times(r).div(r.plus(1)) : original.times(r)).toDecimalPlaces(
          2,
          D.ROUND_HALF_UP,
        );
        return { rateId: taxRateId(t), amount: fixed(st) };
      });
    }
    const subtotalTax = sum(subtotalTaxes.map((t) => t.amount));
    const subtotalNet = inc ? original.minus(subtotalTax) : original;
    const discountTax = subtotalTax.minus(tax);
    for (const { a, amt } of allocs) {
      const share = discount.isZero() ? new D(0) : amt.div(discount);
      const key = a.discountApplication.index;
      const kind: Discount['kind'] =
        a.discountApplication.__typename === 'DiscountCodeApplication'
          ? 'coupon'
          : a.discountApplication.__typename === 'AutomaticDiscountApplication'
            ? 'automatic'
            : 'manual';
      const d = discounts.get(key) ?? {
        code: a.discountApplication.code ?? a.discountApplication.title ?? `discount-${key}`,
        kind,
        net: new D(0),
        tax: new D(0),
      };
      const t = discountTax.times(share);
      d.tax = d.tax.plus(t);
      d.net = d.net.plus(inc ? amt.minus(t) : amt);
      discounts.set(key, d);
    }
    lines.push({
      id: li.id,
      name: li.name,
      sku: li.sku || li.variant?.sku || null,
      productId: li.product?.id ?? null,
      quantity: String(li.quantity),
      unitNet: raw(net.div(li.quantity).toDecimalPlaces(6, D.ROUND_HALF_UP)),
      subtotalNet: fixed(subtotalNet),
      subtotalTax: fixed(subtotalTax),
      net: fixed(net),
      tax: fixed(tax),
      taxes,
      subtotalTaxes,
    });
  }

  const shipping: ShippingLine[] = o.shippingLines.nodes.map((s, i) => {
    s.taxLines.forEach(noteRate);
    const price = amount(s.discountedPriceSet, `shipping "${s.title}"`, cur);
    const taxes = lineTaxes(s.taxLines, cur, `shipping "${s.title}"`);
    const tax = sum(taxes.map((t) => t.amount));
    return {
      id: s.id ?? `shipping-${i}`,
      name: s.title,
      methodId: s.code ?? '',
      net: fixed(inc ? price.minus(tax) : price),
      tax: fixed(tax),
      taxes,
    };
  });

  if (tip.greaterThan(0) && !tipLineIds.size) {
    // Tip not among the line items: add it when that is what makes the order add up.
    const parts = sum([...lines, ...shipping].map((l) => dec(l.net).plus(l.tax)));
    if (parts.plus(tip).equals(total))
      fees.push({ id: `${o.id}#tip`, name: 'Tip', net: fixed(tip), tax: '0.00', taxes: [] });
  }
  if (!rounding.isZero())
    fees.push({
      id: `${o.id}#cash-rounding`,
      name: 'Cash rounding',
      net: fixed(rounding),
      tax: '0.00',
      taxes: [],
    });

  // The shop's tax per rate: the order's tax lines, split into shipping and items.
  o.taxLines.forEach(noteRate);
  const orderTax = new Map<string, Dec>();
  for (const t of o.taxLines)
    orderTax.set(
      taxRateId(t),
      (orderTax.get(taxRateId(t)) ?? new D(0)).plus(amount(t.priceSet, `order tax "${t.title}"`, cur)),
    );
  for (const l of [...lines, ...shipping])
    for (const t of l.taxes) if (!orderTax.has(t.rateId)) orderTax.set(t.rateId, new D(0));
  const taxes: OrderTax[] = [...orderTax.entries()].map(([rateId, totalForRate]) => {
    const shippingTax = sum(
      shipping.flatMap((s) => s.taxes.filter((t) => t.rateId === rateId).map((t) => t.amount)),
    );
    const fromLines = sum(
      lines.flatMap((l) => l.taxes.filter((t) => t.rateId === rateId).map((t) => t.amount)),
    );
    const rateTotal = o.taxLines.some((t) => taxRateId(t) === rateId)
      ? totalForRate
      : fromLines.plus(shippingTax);
    return { rateId, itemsTax: fixed(rateTotal.minus(shippingTax)), shippingTax: fixed(shippingTax) };
  });

  const due = total.plus(rounding);
  const payer = payingTransaction(o.transactions, due, cur);
  // Paid means paid: Shopify's financial status, dated by the paying transaction when there is one.
  const paidAt = PAID_STATUSES.has(o.displayFinancialStatus ?? '') ? (payer?.processedAt ?? o.processedAt) : null;
  const vatNumber = shopifyVatNumber(o, ctx.vatNumber ?? DEFAULT_VAT_NUMBER_SETTINGS);
  const customer = o.customer;
  const billing = o.billingAddress;
  const billingCompany = billing?.company ?? '';
  const input = {
    platform: 'shopify' as const,
    shopId: ctx.shopId,
    id: o.legacyResourceId,
    number: o.name.replace(/^#/, ''),
    status: o.cancelledAt ? 'CANCELLED' : (o.displayFinancialStatus ?? 'UNKNOWN'),
    state: mapState(o),
    channel:
      o.sourceName === 'pos'
        ? 'pos'
        : o.sourceName === 'web' || !o.sourceName
          ? 'web'
          : o.sourceName === 'shopify_draft_order'
            ? 'admin'
            : o.sourceName,
    createdAt: o.createdAt,
    modifiedAt: o.updatedAt,
    paidAt,
    currency: cur,
    pricesIncludeTax: inc,
    customer: {
      shopCustomerId: customer?.legacyResourceId ?? null,
      email: (o.email ?? customer?.email ?? '').trim(),
      firstName: customer?.firstName ?? billing?.firstName ?? '',
      lastName: customer?.lastName ?? billing?.lastName ?? '',
      // a company field that holds only the VAT number is not a company name
      company: vatNumber && billingCompany.replace(/[\s.\-_]/g, '').toUpperCase() === vatNumber ? '' : billingCompany,
      phone: o.phone ?? customer?.phone ?? billing?.phone ?? '',
      vatNumber,
      taxExempt: shopifyTaxExempt(o),
      billing: billTo ?? (o.retailLocation ? { ...EMPTY_ADDRESS, country: taxCountry } : EMPTY_ADDRESS),
      shipping: o.sourceName === 'pos' ? null : shipTo,
    },
    lines,
    shipping,
    fees,
    discounts: [...discounts.values()].map((d) => ({
      code: d.code,
      kind: d.kind,
      net: fixed(d.net),
      tax: fixed(d.tax),
    })),
    taxRates: [...rates.values()],
    taxes,
    totals: {
      total: fixed(due),
      totalTax: fixed(
        o.totalTaxSet
          ? amount(o.totalTaxSet, 'totalTax', cur)
          : sum(taxes.map((t) => dec(t.itemsTax).plus(t.shippingTax))),
      ),
      shippingNet: fixed(sum(shipping.map((s) => s.net))),
      discountNet: fixed(sum([...discounts.values()].map((d) => d.net))),
    },
    refunds: refunds.map((r) => mapRefund(r, o, cur)),
    paymentMethod: payer?.gateway ?? o.paymentGatewayNames[0] ?? '',
    transactionId: payer?.id ?? '',
  };
  const parsed = Order.safeParse(input);
  if (!parsed.success) {
    throw new ShopbooksError(
      'MalformedOrder',
      `Shopify order ${o.name} could not be read: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
      {
        details: { orderId: o.legacyResourceId },
      },
    );
  }
  return parsed.data;
}
