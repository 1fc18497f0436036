/**
 * The subset of Shopify's Admin GraphQL schema (API 2024-10 and later) that the simulator serves.
 * Field names, nullability and argument names follow shopify.dev's reference; everything not
 * listed here is rejected by graphql-js validation with the same kind of error Shopify returns
 * ("Field 'x' doesn't exist on type 'Order'"), so a client cannot ask for a field the simulator
 * would silently leave out.
 */
import { buildSchema, GraphQLSchema } from 'graphql';

export const SHOPIFY_SDL = /* GraphQL */ `
  scalar DateTime
  scalar Decimal
  scalar UnsignedInt64
  scalar URL

  enum CurrencyCode {
    EUR
    USD
    GBP
    CAD
    AUD
    NZD
    CHF
    DKK
    SEK
    NOK
    PLN
    JPY
  }
  enum CountryCode {
    NL
    BE
    DE
    FR
    GB
    US
    CA
    AT
    ES
    IT
    LU
    DK
    SE
    NO
    CH
    FI
    IE
    PL
    PT
  }

  enum OrderSortKeys {
    CREATED_AT
    CUSTOMER_NAME
    FINANCIAL_STATUS
    FULFILLMENT_STATUS
    ID
    NUMBER
    PO_NUMBER
    PROCESSED_AT
    RELEVANCE
    TOTAL_ITEMS_QUANTITY
    TOTAL_PRICE
    UPDATED_AT
    DESTINATION
  }
  enum OrderDisplayFinancialStatus {
    AUTHORIZED
    EXPIRED
    PAID
    PARTIALLY_PAID
    PARTIALLY_REFUNDED
    PENDING
    REFUNDED
    VOIDED
  }
  enum OrderDisplayFulfillmentStatus {
    FULFILLED
    IN_PROGRESS
    ON_HOLD
    OPEN
    PARTIALLY_FULFILLED
    PENDING_FULFILLMENT
    RESTOCKED
    SCHEDULED
    UNFULFILLED
    REQUEST_DECLINED
  }
  enum OrderCancelReason {
    CUSTOMER
    DECLINED
    FRAUD
    INVENTORY
    OTHER
    STAFF
  }
  enum OrderTransactionKind {
    AUTHORIZATION
    CAPTURE
    CHANGE
    EMV_AUTHORIZATION
    REFUND
    SALE
    SUGGESTED_REFUND
    VOID
  }
  enum OrderTransactionStatus {
    AWAITING_RESPONSE
    ERROR
    FAILURE
    PENDING
    SUCCESS
    UNKNOWN
  }
  enum RefundLineItemRestockType {
    CANCEL
    LEGACY_RESTOCK
    NO_RESTOCK
    RETURN
  }
  enum DiscountApplicationAllocationMethod {
    ACROSS
    EACH
    ONE
  }
  enum DiscountApplicationTargetType {
    LINE_ITEM
    SHIPPING_LINE
  }
  enum CountPrecision {
    AT_LEAST
    EXACT
  }

  type MoneyV2 {
    amount: Decimal!
    currencyCode: CurrencyCode!
  }
  type MoneyBag {
    shopMoney: MoneyV2!
    presentmentMoney: MoneyV2!
  }

  type PageInfo {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }
  type Count {
    count: Int!
    precision: CountPrecision!
  }

  type Shop {
    id: ID!
    name: String!
    myshopifyDomain: String!
    currencyCode: CurrencyCode!
    ianaTimezone: String!
  }

  type MailingAddress {
    address1: String
    address2: String
    city: String
    company: String
    country: String
    countryCodeV2: CountryCode
    firstName: String
    lastName: String
    name: String
    phone: String
    province: String
    provinceCode: String
    zip: String
  }

  type LocationAddress {
    address1: String
    city: String
    countryCode: String
    zip: String
  }
  type Location {
    id: ID!
    name: String!
    address: LocationAddress!
  }

  "Available customer tax exemptions (the values the simulator knows; Shopify has many more)."
  enum TaxExemption {
    EU_REVERSE_CHARGE_EXEMPTION_RULE
    CA_STATUS_CARD_EXEMPTION
    CA_DIPLOMAT_EXEMPTION
    CA_BC_RESELLER_EXEMPTION
    US_CA_RESELLER_EXEMPTION
    US_NY_RESELLER_EXEMPTION
  }

  type Metafield {
    id: ID!
    namespace: String!
    key: String!
    value: String!
    type: String!
  }

  type Attribute {
    key: String!
    value: String
  }

  type Customer {
    id: ID!
    legacyResourceId: UnsignedInt64!
    email: String
    firstName: String
    lastName: String
    phone: String
    numberOfOrders: UnsignedInt64!
    taxExempt: Boolean!
    taxExemptions: [TaxExemption!]!
    "A metafield by namespace and key (namespace omitted: the app-reserved namespace)."
    metafield(namespace: String, key: String!): Metafield
  }

  type AccessScope {
    handle: String!
    description: String!
  }
  type AppInstallation {
    id: ID!
    accessScopes: [AccessScope!]!
  }

  type TaxLine {
    title: String!
    rate: Float
    ratePercentage: Float
    priceSet: MoneyBag!
    channelLiable: Boolean
    source: String
  }

  interface DiscountApplication {
    allocationMethod: DiscountApplicationAllocationMethod!
    index: Int!
    targetType: DiscountApplicationTargetType!
  }
  type DiscountCodeApplication implements DiscountApplication {
    allocationMethod: DiscountApplicationAllocationMethod!
    index: Int!
    targetType: DiscountApplicationTargetType!
    code: String!
  }
  type AutomaticDiscountApplication implements DiscountApplication {
    allocationMethod: DiscountApplicationAllocationMethod!
    index: Int!
    targetType: DiscountApplicationTargetType!
    title: String!
  }
  type ManualDiscountApplication implements DiscountApplication {
    allocationMethod: DiscountApplicationAllocationMethod!
    index: Int!
    targetType: DiscountApplicationTargetType!
    title: String!
    description: String
  }

  type DiscountAllocation {
    allocatedAmountSet: MoneyBag!
    discountApplication: DiscountApplication!
  }

  type ProductVariant {
    id: ID!
    sku: String
    title: String!
  }
  type Product {
    id: ID!
    title: String!
  }

  type LineItem {
    id: ID!
    name: String!
    title: String!
    sku: String
    quantity: Int!
    currentQuantity: Int!
    taxable: Boolean!
    requiresShipping: Boolean!
    originalUnitPriceSet: MoneyBag!
    discountedUnitPriceSet: MoneyBag!
    originalTotalSet: MoneyBag!
    discountedTotalSet: MoneyBag!
    totalDiscountSet: MoneyBag!
    discountAllocations: [DiscountAllocation!]!
    taxLines(first: Int): [TaxLine!]!
    variant: ProductVariant
    product: Product
  }
  type LineItemEdge {
    cursor: String!
    node: LineItem!
  }
  type LineItemConnection {
    edges: [LineItemEdge!]!
    nodes: [LineItem!]!
    pageInfo: PageInfo!
  }

  type ShippingLine {
    id: ID
    title: String!
    code: String
    source: String
    isRemoved: Boolean!
    originalPriceSet: MoneyBag!
    discountedPriceSet: MoneyBag!
    discountAllocations: [DiscountAllocation!]!
    taxLines: [TaxLine!]!
  }
  type ShippingLineEdge {
    cursor: String!
    node: ShippingLine!
  }
  type ShippingLineConnection {
    edges: [ShippingLineEdge!]!
    nodes: [ShippingLine!]!
    pageInfo: PageInfo!
  }

  type OrderTransaction {
    id: ID!
    kind: OrderTransactionKind!
    status: OrderTransactionStatus!
    gateway: String
    amountSet: MoneyBag!
    processedAt: DateTime
    test: Boolean!
    parentTransaction: OrderTransaction
  }
  type OrderTransactionEdge {
    cursor: String!
    node: OrderTransaction!
  }
  type OrderTransactionConnection {
    edges: [OrderTransactionEdge!]!
    nodes: [OrderTransaction!]!
    pageInfo: PageInfo!
  }

  type RefundLineItem {
    id: ID
    lineItem: LineItem!
    quantity: Int!
    restockType: RefundLineItemRestockType!
    restocked: Boolean!
    priceSet: MoneyBag!
    subtotalSet: MoneyBag!
    totalTaxSet: MoneyBag!
  }
  type RefundLineItemEdge {
    cursor: String!
    node: RefundLineItem!
  }
  type RefundLineItemConnection {
    edges: [RefundLineItemEdge!]!
    nodes: [RefundLineItem!]!
    pageInfo: PageInfo!
  }

  type RefundShippingLine {
    id: ID!
    shippingLine: ShippingLine!
    subtotalAmountSet: MoneyBag!
    taxAmountSet: MoneyBag!
  }
  type RefundShippingLineEdge {
    cursor: String!
    node: RefundShippingLine!
  }
  type RefundShippingLineConnection {
    edges: [RefundShippingLineEdge!]!
    nodes: [RefundShippingLine!]!
    pageInfo: PageInfo!
  }

  type OrderAdjustment {
    id: ID!
    amountSet: MoneyBag!
    taxAmountSet: MoneyBag!
    reason: String
  }
  type OrderAdjustmentEdge {
    cursor: String!
    node: OrderAdjustment!
  }
  type OrderAdjustmentConnection {
    edges: [OrderAdjustmentEdge!]!
    nodes: [OrderAdjustment!]!
    pageInfo: PageInfo!
  }

  type Refund {
    id: ID!
    legacyResourceId: UnsignedInt64!
    createdAt: DateTime
    updatedAt: DateTime!
    note: String
    totalRefundedSet: MoneyBag!
    refundLineItems(first: Int, after: String): RefundLineItemConnection!
    refundShippingLines(first: Int, after: String): RefundShippingLineConnection!
    orderAdjustments(first: Int, after: String): OrderAdjustmentConnection!
    transactions(first: Int, after: String): OrderTransactionConnection!
  }

  type CashRoundingAdjustment {
    paymentSet: MoneyBag!
    refundSet: MoneyBag!
  }

  type Order {
    id: ID!
    legacyResourceId: UnsignedInt64!
    name: String!
    email: String
    phone: String
    createdAt: DateTime!
    updatedAt: DateTime!
    processedAt: DateTime!
    closedAt: DateTime
    cancelledAt: DateTime
    cancelReason: OrderCancelReason
    sourceName: String
    test: Boolean!
    currencyCode: CurrencyCode!
    presentmentCurrencyCode: CurrencyCode!
    taxesIncluded: Boolean!
    taxExempt: Boolean!
    customAttributes: [Attribute!]!
    displayFinancialStatus: OrderDisplayFinancialStatus
    displayFulfillmentStatus: OrderDisplayFulfillmentStatus!
    fullyPaid: Boolean!
    unpaid: Boolean!
    paymentGatewayNames: [String!]!
    discountCodes: [String!]!
    subtotalPriceSet: MoneyBag
    totalPriceSet: MoneyBag!
    currentTotalPriceSet: MoneyBag!
    totalTaxSet: MoneyBag
    currentTotalTaxSet: MoneyBag!
    totalDiscountsSet: MoneyBag
    totalShippingPriceSet: MoneyBag!
    totalRefundedSet: MoneyBag!
    totalReceivedSet: MoneyBag!
    totalTipReceivedSet: MoneyBag!
    totalCashRoundingAdjustment: CashRoundingAdjustment!
    taxLines: [TaxLine!]!
    customer: Customer
    billingAddress: MailingAddress
    shippingAddress: MailingAddress
    retailLocation: Location
    lineItems(first: Int, after: String, last: Int, before: String, reverse: Boolean): LineItemConnection!
    shippingLines(first: Int, after: String, includeRemovals: Boolean): ShippingLineConnection!
    refunds(first: Int): [Refund!]!
    transactions(first: Int): [OrderTransaction!]!
  }
  type OrderEdge {
    cursor: String!
    node: Order!
  }
  type OrderConnection {
    edges: [OrderEdge!]!
    nodes: [Order!]!
    pageInfo: PageInfo!
  }

  type QueryRoot {
    shop: Shop!
    currentAppInstallation: AppInstallation!
    order(id: ID!): Order
    refund(id: ID!): Refund
    orders(
      first: Int
      after: String
      last: Int
      before: String
      reverse: Boolean
      sortKey: OrderSortKeys
      query: String
    ): OrderConnection!
    ordersCount(query: String, limit: Int): Count
  }

  schema {
    query: QueryRoot
  }
`;

let cached: GraphQLSchema | null = null;
export function shopifySchema(): GraphQLSchema {
  if (!cached) cached = buildSchema(SHOPIFY_SDL);
  return cached;
}
