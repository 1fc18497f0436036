/**
 * The GraphQL documents the Shopify source sends and zod schemas for what comes back.
 * Only shop money is requested (we book the shop currency); presentment money only for the total.
 */
import { z } from 'zod';

export const FIRST_TRANSACTIONS = 20;
export const FIRST_REFUNDS = 25;

const MONEY = 'fragment Shop on MoneyBag { shopMoney { amount currencyCode } }';

const TAX_LINE = 'title rate ratePercentage priceSet { ...Shop }';

const LINE_ITEM = `id name title sku quantity taxable
  originalUnitPriceSet { ...Shop } originalTotalSet { ...Shop } totalDiscountSet { ...Shop }
  discountAllocations { allocatedAmountSet { ...Shop } discountApplication { __typename index
    ... on DiscountCodeApplication { code } ... on AutomaticDiscountApplication { title } ... on ManualDiscountApplication { title } } }
  taxLines { ${TAX_LINE} }
  variant { id sku } product { id }`;

const ADDRESS = 'address1 address2 city company countryCodeV2 firstName lastName phone province zip';

const ORDER = `id legacyResourceId name email phone createdAt updatedAt processedAt cancelledAt cancelReason closedAt
  sourceName test currencyCode presentmentCurrencyCode taxesIncluded displayFinancialStatus displayFulfillmentStatus
  paymentGatewayNames discountCodes
  totalPriceSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
  totalTaxSet { ...Shop } totalTipReceivedSet { ...Shop }
  totalCashRoundingAdjustment { paymentSet { ...Shop } refundSet { ...Shop } }
  taxLines { ${TAX_LINE} }
  taxExempt customAttributes { key value }
  customer { id legacyResourceId email firstName lastName phone taxExempt taxExemptions
    vatMetafield: metafield(namespace: $vatNamespace, key: $vatKey) { value } }
  billingAddress { ${ADDRESS} } shippingAddress { ${ADDRESS} }
  retailLocation { id name address { countryCode } }
  lineItems(first: $lineItems) { pageInfo { hasNextPage endCursor } nodes { ${LINE_ITEM} } }
  shippingLines(first: 10) { pageInfo { hasNextPage } nodes { id title code discountedPriceSet { ...Shop } taxLines { ${TAX_LINE} } } }
  transactions(first: ${FIRST_TRANSACTIONS}) { id kind status gateway processedAt amountSet { ...Shop } }
  refunds(first: ${FIRST_REFUNDS}) { id }`;

/** The variables every query that reads whole orders needs besides its own. */
export interface VatMetafieldVariables {
  vatNamespace: string;
  vatKey: string;
}

export const ORDERS_PAGE_QUERY = `query ShopbooksOrders($first: Int!, $after: String, $query: String, $lineItems: Int!, $vatNamespace: String!, $vatKey: String!) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes { ${ORDER} }
  }
}
${MONEY}`;

export const ORDER_QUERY = `query ShopbooksOrder($id: ID!, $lineItems: Int!, $vatNamespace: String!, $vatKey: String!) {
  order(id: $id) { ${ORDER} }
}
${MONEY}`;

export const ORDER_LINE_ITEMS_QUERY = `query ShopbooksOrderLineItems($id: ID!, $first: Int!, $after: String) {
  order(id: $id) { lineItems(first: $first, after: $after) { pageInfo { hasNextPage endCursor } nodes { ${LINE_ITEM} } } }
}
${MONEY}`;

/** One refund by id (only for orders that have refunds; Order.refunds has no cursor paging). */
export const REFUND_QUERY = `query ShopbooksRefund($id: ID!, $lines: Int!) {
  refund(id: $id) {
    id legacyResourceId createdAt note totalRefundedSet { ...Shop }
    refundLineItems(first: $lines) { pageInfo { hasNextPage } nodes { id quantity subtotalSet { ...Shop } totalTaxSet { ...Shop } lineItem { id name sku taxLines { ${TAX_LINE} } } } }
    refundShippingLines(first: 5) { nodes { id subtotalAmountSet { ...Shop } taxAmountSet { ...Shop } shippingLine { id title taxLines { ${TAX_LINE} } } } }
    transactions(first: 5) { nodes { kind status amountSet { ...Shop } } }
  }
}
${MONEY}`;

/** The token's granted scopes (to tell a missing read_all_orders from "no such order"). */
export const ACCESS_SCOPES_QUERY = `query ShopbooksAccessScopes { currentAppInstallation { accessScopes { handle } } }`;
export const AccessScopesData = z.object({
  currentAppInstallation: z.object({ accessScopes: z.array(z.object({ handle: z.string() })) }),
});

export const ORDERS_COUNT_QUERY = `query ShopbooksOrdersCount($query: String) { ordersCount(query: $query, limit: 100000) { count precision } }`;

// ---- response schemas --------------------------------------------------------------------------

const MoneyV2 = z.object({ amount: z.string(), currencyCode: z.string() });
const ShopBag = z.object({ shopMoney: MoneyV2 });
const TaxLine = z.object({
  title: z.string(),
  rate: z.number().nullable(),
  ratePercentage: z.number().nullable(),
  priceSet: ShopBag,
});
export type GqlTaxLine = z.infer<typeof TaxLine>;

const DiscountApplication = z.object({
  __typename: z.string(),
  index: z.number(),
  code: z.string().optional(),
  title: z.string().optional(),
});

export const GqlLineItem = z.object({
  id: z.string(),
  name: z.string(),
  title: z.string(),
  sku: z.string().nullable(),
  quantity: z.number().int(),
  taxable: z.boolean(),
  originalUnitPriceSet: ShopBag,
  originalTotalSet: ShopBag,
  totalDiscountSet: ShopBag,
  discountAllocations: z.array(
    z.object({ allocatedAmountSet: ShopBag, discountApplication: DiscountApplication }),
  ),
  taxLines: z.array(TaxLine),
  variant: z.object({ id: z.string(), sku: z.string().nullable() }).nullable(),
  product: z.object({ id: z.string() }).nullable(),
});
export type GqlLineItem = z.infer<typeof GqlLineItem>;

const PageInfo = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable().optional() });
export const GqlLineItemConnection = z.object({ pageInfo: PageInfo, nodes: z.array(GqlLineItem) });

const Address = z
  .object({
    address1: z.string().nullable(),
    address2: z.string().nullable(),
    city: z.string().nullable(),
    company: z.string().nullable(),
    countryCodeV2: z.string().nullable(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    phone: z.string().nullable(),
    province: z.string().nullable(),
    zip: z.string().nullable(),
  })
  .nullable();
export type GqlAddress = z.infer<typeof Address>;

const Transaction = z.object({
  id: z.string().optional(),
  kind: z.string(),
  status: z.string(),
  gateway: z.string().nullable().optional(),
  processedAt: z.string().nullable().optional(),
  amountSet: ShopBag,
});
export type GqlTransaction = z.infer<typeof Transaction>;

export const GqlOrder = z.object({
  id: z.string(),
  legacyResourceId: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  processedAt: z.string(),
  cancelledAt: z.string().nullable(),
  cancelReason: z.string().nullable(),
  closedAt: z.string().nullable(),
  sourceName: z.string().nullable(),
  test: z.boolean(),
  currencyCode: z.string(),
  presentmentCurrencyCode: z.string(),
  taxesIncluded: z.boolean(),
  /** API 2023-07+: no tax charged ("Charge taxes" off, or the customer's "Collect tax" off). */
  taxExempt: z.boolean().default(false),
  customAttributes: z.array(z.object({ key: z.string(), value: z.string().nullable() })).default([]),
  displayFinancialStatus: z.string().nullable(),
  displayFulfillmentStatus: z.string(),
  paymentGatewayNames: z.array(z.string()),
  discountCodes: z.array(z.string()),
  totalPriceSet: z.object({ shopMoney: MoneyV2, presentmentMoney: MoneyV2 }),
  totalTaxSet: ShopBag.nullable(),
  totalTipReceivedSet: ShopBag,
  totalCashRoundingAdjustment: z.object({ paymentSet: ShopBag, refundSet: ShopBag }),
  taxLines: z.array(TaxLine),
  customer: z
    .object({
      id: z.string(),
      legacyResourceId: z.string(),
      email: z.string().nullable(),
      firstName: z.string().nullable(),
      lastName: z.string().nullable(),
      phone: z.string().nullable(),
      taxExempt: z.boolean().default(false),
      /** TaxExemption values, e.g. EU_REVERSE_CHARGE_EXEMPTION_RULE. */
      taxExemptions: z.array(z.string()).default([]),
      /** The configured VAT-number metafield (alias of metafield(namespace, key)). */
      vatMetafield: z.object({ value: z.string() }).nullable().default(null),
    })
    .nullable(),
  billingAddress: Address,
  shippingAddress: Address,
  retailLocation: z
    .object({ id: z.string(), name: z.string(), address: z.object({ countryCode: z.string().nullable() }) })
    .nullable(),
  lineItems: GqlLineItemConnection,
  shippingLines: z.object({
    pageInfo: z.object({ hasNextPage: z.boolean() }),
    nodes: z.array(
      z.object({
        id: z.string().nullable(),
        title: z.string(),
        code: z.string().nullable(),
        discountedPriceSet: ShopBag,
        taxLines: z.array(TaxLine),
      }),
    ),
  }),
  transactions: z.array(Transaction),
  refunds: z.array(z.object({ id: z.string() })),
});
export type GqlOrder = z.infer<typeof GqlOrder>;

export const GqlRefund = z.object({
  id: z.string(),
  legacyResourceId: z.string(),
  createdAt: z.string().nullable(),
  note: z.string().nullable(),
  totalRefundedSet: ShopBag,
  refundLineItems: z.object({
    pageInfo: z.object({ hasNextPage: z.boolean() }),
    nodes: z.array(
      z.object({
        id: z.string().nullable(),
        quantity: z.number().int(),
        subtotalSet: ShopBag,
        totalTaxSet: ShopBag,
        lineItem: z.object({
          id: z.string(),
          name: z.string(),
          sku: z.string().nullable(),
          taxLines: z.array(TaxLine),
        }),
      }),
    ),
  }),
  refundShippingLines: z.object({
    nodes: z.array(
      z.object({
        id: z.string(),
        subtotalAmountSet: ShopBag,
        taxAmountSet: ShopBag,
        shippingLine: z.object({ id: z.string().nullable(), title: z.string(), taxLines: z.array(TaxLine) }),
      }),
    ),
  }),
  transactions: z.object({ nodes: z.array(Transaction) }),
});
export type GqlRefund = z.infer<typeof GqlRefund>;

export const OrdersPageData = z.object({
  orders: z.object({ pageInfo: PageInfo, nodes: z.array(z.unknown()) }),
});
export const OrderData = z.object({ order: z.unknown().nullable() });
export const OrderLineItemsData = z.object({
  order: z.object({ lineItems: GqlLineItemConnection }).nullable(),
});
export const RefundData = z.object({ refund: z.unknown().nullable() });
export const OrdersCountData = z.object({
  ordersCount: z.object({ count: z.number(), precision: z.string() }).nullable(),
});

/** All refund ids and transactions of an order whose first batch was full. */
export const ORDER_MORE_QUERY = `query ShopbooksOrderMore($id: ID!) {
  order(id: $id) {
    transactions(first: 200) { id kind status gateway processedAt amountSet { ...Shop } }
    refunds(first: 250) { id }
  }
}
${MONEY}`;
export const OrderMoreData = z.object({
  order: z
    .object({ transactions: z.array(Transaction), refunds: z.array(z.object({ id: z.string() })) })
    .nullable(),
});
