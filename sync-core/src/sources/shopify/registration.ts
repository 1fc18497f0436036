import { registerSource } from '../registration';
import { ShopifySourceConfig } from './config';
import { createShopifySource } from './index';

export const shopifyRegistration = registerSource({
  platform: 'shopify',
  label: 'Shopify',
  config: ShopifySourceConfig,
  create: (settings) => createShopifySource(settings),
  simulator: 'shopify',
});
