import { registerSource } from '../registration';
import { WooCommerceSourceConfig } from './config';
import { createWooCommerceSource } from './index';

export const wooCommerceRegistration = registerSource({
  platform: 'woocommerce',
  label: 'WooCommerce',
  config: WooCommerceSourceConfig,
  create: (settings) => createWooCommerceSource(settings),
  simulator: 'woocommerce',
});
