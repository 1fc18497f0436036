/** The simulator's stored order shape: the GraphQL Order fields, with lists kept as plain arrays. */

export interface SimMoneyV2 {
  amount: string;
  currencyCode: string;
}
export interface SimMoneyBag {
  shopMoney: SimMoneyV2;
  presentmentMoney: SimMoneyV2;
}

export interface SimTaxLine {
  title: string;
  /** Shopify returns the rate as a JSON number (0.21). */
  rate: number;
  ratePercentage: number;
  priceSet: SimMoneyBag;
  channelLiable: boolean;
  source: string | null;
}

export interface SimDiscountApplication {
  __typename: 'DiscountCodeApplication' | 'AutomaticDiscountApplication' | 'ManualDiscountApplication';
  allocationMethod: 'ACROSS' | 'EACH' | 'ONE';
  index: number;
  targetType: 'LINE_ITEM' | 'SHIPPING_LINE';
  code?: string;
  title?: string;
  description?: string | null;
}

export interface SimDiscountAllocation {
  allocatedAmountSet: SimMoneyBag;
  discountApplication: SimDiscountApplication;
}

export interface SimLineItem {
  id: string;
  name: string;
  title: string;
  sku: string | null;
  quantity: number;
  currentQuantity: number;
  taxable: boolean;
  requiresShipping: boolean;
  originalUnitPriceSet: SimMoneyBag;
  discountedUnitPriceSet: SimMoneyBag;
  originalTotalSet: SimMoneyBag;
  discountedTotalSet: SimMoneyBag;
  totalDiscountSet: SimMoneyBag;
  discountAllocations: SimDiscountAllocation[];
  taxLines: SimTaxLine[];
  variant: { id: string; sku: string | null; title: string } | null;
  product: { id: string; title: string } | null;
}

export interface SimShippingLine {
  id: string;
  title: string;
  code: string | null;
  source: string | null;
  isRemoved: boolean;
  originalPriceSet: SimMoneyBag;
  discountedPriceSet: SimMoneyBag;
  discountAllocations: SimDiscountAllocation[];
  taxLines: SimTaxLine[];
}

export interface SimTransaction {
  id: string;
  kind:
    | 'AUTHORIZATION'
    | 'CAPTURE'
    | 'CHANGE'
    | 'EMV_AUTHORIZATION'
    | 'REFUND'
    | 'SALE'
    | 'SUGGESTED_REFUND'
    | 'VOID';
  status: 'AWAITING_RESPONSE' | 'ERROR' | 'FAILURE' | 'PENDING' | 'SUCCESS' | 'UNKNOWN';
  gateway: string | null;
  amountSet: SimMoneyBag;
  processedAt: string | null;
  test: boolean;
  parentTransaction: SimTransaction | null;
}

export interface SimRefundLineItem {
  id: string;
  lineItem: SimLineItem;
  quantity: number;
  restockType: 'CANCEL' | 'LEGACY_RESTOCK' | 'NO_RESTOCK' | 'RETURN';
  restocked: boolean;
  priceSet: SimMoneyBag;
  subtotalSet: SimMoneyBag;
  totalTaxSet: SimMoneyBag;
}

export interface SimRefundShippingLine {
  id: string;
  shippingLine: SimShippingLine;
  subtotalAmountSet: SimMoneyBag;
  taxAmountSet: SimMoneyBag;
}

export interface SimOrderAdjustment {
  id: string;
  amountSet: SimMoneyBag;
  taxAmountSet: SimMoneyBag;
  reason: string | null;
}

export interface SimRefund {
  id: string;
  legacyResourceId: string;
  createdAt: string;
  updatedAt: string;
  note: string | null;
  totalRefundedSet: SimMoneyBag;
  refundLineItems: SimRefundLineItem[];
  refundShippingLines: SimRefundShippingLine[];
  orderAdjustments: SimOrderAdjustment[];
  transactions: SimTransaction[];
}

export interface SimMailingAddress {
  address1: string | null;
  address2: string | null;
  city: string | null;
  company: string | null;
  country: string | null;
  countryCodeV2: string | null;
  firstName: string | null;
  lastName: string | null;
  name: string | null;
  phone: string | null;
  province: string | null;
  provinceCode: string | null;
  zip: string | null;
}

export interface SimCustomer {
  id: string;
  legacyResourceId: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  numberOfOrders: string;
  taxExempt: boolean;
  /** TaxExemption enum values, e.g. EU_REVERSE_CHARGE_EXEMPTION_RULE. */
  taxExemptions: string[];
  metafields: SimMetafield[];
}

export interface SimMetafield {
  id: string;
  namespace: string;
  key: string;
  value: string;
  type: string;
}

/** Order.customAttributes: checkout attributes ("note attributes"), key/value. */
export interface SimAttribute {
  key: string;
  value: string | null;
}

export interface SimOrder {
  id: string;
  legacyResourceId: string;
  name: string;
  email: string | null;
  phone: string | null;
  createdAt: string;
  updatedAt: string;
  processedAt: string;
  closedAt: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
  sourceName: string | null;
  test: boolean;
  currencyCode: string;
  presentmentCurrencyCode: string;
  taxesIncluded: boolean;
  taxExempt: boolean;
  customAttributes: SimAttribute[];
  displayFinancialStatus: string | null;
  displayFulfillmentStatus: string;
  fullyPaid: boolean;
  unpaid: boolean;
  paymentGatewayNames: string[];
  discountCodes: string[];
  subtotalPriceSet: SimMoneyBag;
  totalPriceSet: SimMoneyBag;
  currentTotalPriceSet: SimMoneyBag;
  totalTaxSet: SimMoneyBag;
  currentTotalTaxSet: SimMoneyBag;
  totalDiscountsSet: SimMoneyBag;
  totalShippingPriceSet: SimMoneyBag;
  totalRefundedSet: SimMoneyBag;
  totalReceivedSet: SimMoneyBag;
  totalTipReceivedSet: SimMoneyBag;
  totalCashRoundingAdjustment: { paymentSet: SimMoneyBag; refundSet: SimMoneyBag };
  taxLines: SimTaxLine[];
  customer: SimCustomer | null;
  billingAddress: SimMailingAddress | null;
  shippingAddress: SimMailingAddress | null;
  retailLocation: {
    id: string;
    name: string;
    address: { address1: string | null; city: string | null; countryCode: string | null; zip: string | null };
  } | null;
  lineItems: SimLineItem[];
  shippingLines: SimShippingLine[];
  refunds: SimRefund[];
  transactions: SimTransaction[];
}
