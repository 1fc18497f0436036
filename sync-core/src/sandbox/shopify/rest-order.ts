/**
 * Converts a Shopify REST/webhook order payload (snake_case, `*_set` money bags — the shape of
 * Shopify's documentation sample and of webhook bodies) into the simulator's GraphQL order, so
 * captured payloads can be served over GraphQL. Values are taken as they are: no totals are
 * recomputed (documentation samples do not add up, and the source must cope with what it gets).
 */
import { type Dec, dec, fixed, parseAmount } from '../../model/money';
import type {
  SimDiscountApplication,
  SimLineItem,
  SimMailingAddress,
  SimMoneyBag,
  SimOrder,
  SimRefund,
  SimShippingLine,
  SimTaxLine,
} from './types';

type Json = Record<string, unknown>;

export interface RestConversionOptions {
  /** Force every shop-money currency to the order's `currency` (the docs sample mixes USD and CAD). */
  harmonizeCurrency?: boolean;
}

function obj(v: unknown): Json {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
}
function arr(v: unknown): Json[] {
  return Array.isArray(v) ? (v as Json[]) : [];
}
function str(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

export function graphqlOrderFromRest(rest: Json, opts: RestConversionOptions = {}): SimOrder {
  const currency = String(rest.currency ?? 'USD');
  const presentment = String(rest.presentment_currency ?? currency);
  const bag = (set: unknown, fallback?: unknown): SimMoneyBag => {
    let s = obj(set);
    // Some sample fields wrap the bag once more under their own name.
    if (!s.shop_money && Object.keys(s).length === 1) s = obj(Object.values(s)[0]);
    const shop = obj(s.shop_money);
    const pres = obj(s.presentment_money);
    const shopAmount =
      shop.amount !== undefined
        ? parseAmount(shop.amount, 'shop_money')
        : parseAmount(fallback ?? '0', 'amount');
    return {
      shopMoney: {
        amount: shopAmount,
        currencyCode: opts.harmonizeCurrency ? currency : String(shop.currency_code ?? currency),
      },
      presentmentMoney: {
        amount: pres.amount !== undefined ? parseAmount(pres.amount, 'presentment_money') : shopAmount,
        currencyCode: String(pres.currency_code ?? presentment),
      },
    };
  };
  const taxLine = (t: Json): SimTaxLine => {
    const rate = dec(parseAmount(t.rate, 'rate'));
    return {
      title: String(t.title ?? 'Tax'),
      rate: rate.toNumber(),
      ratePercentage: rate.times(100).toNumber(),
      priceSet: bag(t.price_set, t.price),
      channelLiable: t.channel_liable === true,
      source: null,
    };
  };
  const apps: SimDiscountApplication[] = arr(obj(rest).discount_applications).length
    ? arr(rest.discount_applications).map((a, index) => toApplication(a, index))
    : arr(obj(rest.discount_applications).discount_applications).map((a, index) => toApplication(a, index));

  const lineItems: SimLineItem[] = arr(rest.line_items).map((l) => {
    const qty = Number(l.quantity ?? 0);
    const unit = bag(l.price_set, l.price);
    const total: Dec = dec(unit.shopMoney.amount).times(qty);
    const discount = bag(l.total_discount_set, l.total_discount);
    const totalBag: SimMoneyBag = {
      shopMoney: { ...unit.shopMoney, amount: fixed(total) },
      presentmentMoney: {
        ...unit.presentmentMoney,
        amount: fixed(dec(unit.presentmentMoney.amount).times(qty)),
      },
    };
    return {
      id: `gid://shopify/LineItem/${String(l.id)}`,
      name: String(l.name ?? l.title ?? ''),
      title: String(l.title ?? l.name ?? ''),
      sku: str(l.sku),
      quantity: qty,
      currentQuantity: Number(l.fulfillable_quantity ?? qty),
      taxable: l.taxable !== false,
      requiresShipping: l.requires_shipping !== false,
      originalUnitPriceSet: unit,
      discountedUnitPriceSet: unit,
      originalTotalSet: totalBag,
      discountedTotalSet: totalBag,
      totalDiscountSet: discount,
      discountAllocations: arr(l.discount_allocations).map((a) => ({
        allocatedAmountSet: bag(a.amount_set, a.amount),
        discountApplication:
          apps[Number(a.discount_application_index ?? 0)] ??
          toApplication({ type: 'manual', title: 'discount' }, 0),
      })),
      taxLines: arr(l.tax_lines).map(taxLine),
      variant: l.variant_id
        ? {
            id: `gid://shopify/ProductVariant/${String(l.variant_id)}`,
            sku: str(l.sku),
            title: String(l.variant_title ?? ''),
          }
        : null,
      product: l.product_id
        ? { id: `gid://shopify/Product/${String(l.product_id)}`, title: String(l.title ?? '') }
        : null,
    };
  });
  const shippingLines: SimShippingLine[] = arr(rest.shipping_lines).map((s, i) => ({
    id: `gid://shopify/ShippingLine/${String(s.id ?? i + 1)}`,
    title: String(s.title ?? ''),
    code: str(s.code),
    source: str(s.source),
    isRemoved: false,
    originalPriceSet: bag(s.price_set, s.price),
    discountedPriceSet: bag(s.discounted_price_set, s.discounted_price ?? s.price),
    discountAllocations: [],
    taxLines: arr(s.tax_lines).map(taxLine),
  }));
  const zero = bag(undefined, '0');
  const refunds: SimRefund[] = arr(rest.refunds).map((r) => ({
    id: `gid://shopify/Refund/${String(r.id)}`,
    legacyResourceId: String(r.id),
    createdAt: String(r.created_at),
    updatedAt: String(r.processed_at ?? r.created_at),
    note: str(r.note),
    totalRefundedSet: zero,
    refundLineItems: arr(r.refund_line_items).map((x) => {
      const li = lineItems.find((l) => l.id === `gid://shopify/LineItem/${String(x.line_item_id)}`);
      if (!li) throw new Error(`refund line refers to unknown line item ${String(x.line_item_id)}`);
      return {
        id: `gid://shopify/RefundLineItem/${String(x.id)}`,
        lineItem: li,
        quantity: Number(x.quantity ?? 0),
        restockType: 'NO_RESTOCK' as const,
        restocked: false,
        priceSet: li.originalUnitPriceSet,
        subtotalSet: bag(x.subtotal_set, x.subtotal),
        totalTaxSet: bag(x.total_tax_set, x.total_tax),
      };
    }),
    refundShippingLines: [],
    orderAdjustments: [],
    transactions: [],
  }));
  const customer = obj(rest.customer);
  const address = (a: unknown): SimMailingAddress | null => {
    const x = obj(a);
    if (!Object.keys(x).length) return null;
    return {
      address1: str(x.address1),
      address2: str(x.address2),
      city: str(x.city),
      company: str(x.company),
      country: str(x.country),
      countryCodeV2: str(x.country_code),
      firstName: str(x.first_name),
      lastName: str(x.last_name),
      name: str(x.name),
      phone: str(x.phone),
      province: str(x.province),
      provinceCode: str(x.province_code),
      zip: str(x.zip),
    };
  };
  const totalTax = bag(rest.total_tax_set, rest.total_tax);
  return {
    id: `gid://shopify/Order/${String(rest.id)}`,
    legacyResourceId: String(rest.id),
    name: String(rest.name ?? `#${String(rest.order_number ?? rest.id)}`),
    email: str(rest.email),
    phone: str(rest.phone),
    createdAt: String(rest.created_at),
    updatedAt: String(rest.updated_at ?? rest.created_at),
    processedAt: String(rest.processed_at ?? rest.created_at),
    closedAt: str(rest.closed_at),
    cancelledAt: str(rest.cancelled_at),
    cancelReason: rest.cancelled_at ? String(rest.cancel_reason ?? 'other').toUpperCase() : null,
    sourceName: str(rest.source_name),
    test: rest.test === true,
    currencyCode: currency,
    presentmentCurrencyCode: presentment,
    taxesIncluded: rest.taxes_included === true,
    taxExempt: rest.tax_exempt === true,
    customAttributes: arr(rest.note_attributes).map((a) => ({ key: String(a.name), value: str(a.value) })),
    displayFinancialStatus: rest.financial_status ? String(rest.financial_status).toUpperCase() : null,
    displayFulfillmentStatus:
      rest.fulfillment_status === 'fulfilled'
        ? 'FULFILLED'
        : rest.fulfillment_status === 'partial'
          ? 'PARTIALLY_FULFILLED'
          : 'UNFULFILLED',
    fullyPaid: rest.financial_status === 'paid',
    unpaid: rest.financial_status === 'pending',
    paymentGatewayNames: arr(rest.payment_gateway_names).map(String),
    discountCodes: arr(rest.discount_codes).map((d) => String(d.code)),
    subtotalPriceSet: bag(rest.subtotal_price_set, rest.subtotal_price),
    totalPriceSet: bag(rest.total_price_set, rest.total_price),
    currentTotalPriceSet: bag(rest.current_total_price_set, rest.current_total_price),
    totalTaxSet: totalTax,
    currentTotalTaxSet: bag(rest.current_total_tax_set, rest.current_total_tax),
    totalDiscountsSet: bag(rest.total_discounts_set, rest.total_discounts),
    totalShippingPriceSet: bag(rest.total_shipping_price_set),
    totalRefundedSet: zero,
    totalReceivedSet: zero,
    totalTipReceivedSet: bag(undefined, rest.total_tip_received ?? '0'),
    totalCashRoundingAdjustment: { paymentSet: zero, refundSet: zero },
    taxLines: arr(rest.tax_lines).map(taxLine),
    customer: customer.id
      ? {
          id: `gid://shopify/Customer/${String(customer.id)}`,
          legacyResourceId: String(customer.id),
          email: str(customer.email),
          firstName: str(customer.first_name),
          lastName: str(customer.last_name),
          phone: str(customer.phone),
          numberOfOrders: String(customer.orders_count ?? '0'),
          taxExempt: customer.tax_exempt === true,
          taxExemptions: arr(customer.tax_exemptions).map(String),
          metafields: [],
        }
      : null,
    billingAddress: address(rest.billing_address),
    shippingAddress: address(rest.shipping_address),
    retailLocation: null,
    lineItems,
    shippingLines,
    refunds,
    transactions: [],
  };
}

function toApplication(a: Json, index: number): SimDiscountApplication {
  const type = String(a.type ?? 'manual');
  const base = {
    allocationMethod: String(
      a.allocation_method ?? 'across',
    ).toUpperCase() as SimDiscountApplication['allocationMethod'],
    index,
    targetType: (a.target_type === 'shipping_line'
      ? 'SHIPPING_LINE'
      : 'LINE_ITEM') as SimDiscountApplication['targetType'],
  };
  if (type === 'discount_code')
    return { __typename: 'DiscountCodeApplication', ...base, code: String(a.code ?? '') };
  if (type === 'automatic')
    return { __typename: 'AutomaticDiscountApplication', ...base, title: String(a.title ?? '') };
  return {
    __typename: 'ManualDiscountApplication',
    ...base,
    title: String(a.title ?? a.description ?? 'discount'),
    description: str(a.description),
  };
}
