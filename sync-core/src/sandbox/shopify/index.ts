export { startShopifySimulator } from './server';
export type {
  ShopifySimulator,
  ShopifySimulatorOptions,
  ShopifyShopControls,
  ShopifySimulatorFaults,
  ShopifySimulatorStats,
} from './server';
export { buildOrder, addRefund, markPaid, cancelOrder } from './build-order';
export type {
  OrderSpec,
  LineSpec,
  ShippingSpec,
  DiscountSpec,
  RefundSpec,
  CustomerSpec,
} from './build-order';
export { dutchShopifyOrderSpecs, seedDutchShop } from './seed';
export { graphqlOrderFromRest } from './rest-order';
export { SHOPIFY_SDL, shopifySchema } from './schema';
export { restOrder, restRefund, signWebhook } from './webhooks';
export type { ShopifyWebhookTopic, WebhookDelivery } from './webhooks';
export { generateShopifyOrders } from './generate';
export { shopifySandboxStarter, SANDBOX_SHOPIFY_TOKEN } from './sandbox-shop';
