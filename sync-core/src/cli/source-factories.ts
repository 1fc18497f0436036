/** Source platforms besides WooCommerce, by platform name. */
import type { Platform } from '../model/order';
import type { Source } from '../sources/port';
import type { Store } from '../store/port';
import { shopifySourceFactory } from '../sources/shopify';
import { ccvShopSourceFactory } from '../sources/ccvshop';

export const sourceFactories: Partial<Record<Platform, (config: Record<string, unknown>, store?: Store) => Source>> = {
  shopify: (config) => shopifySourceFactory(config),
  // the CCV change tracker keeps its state in the run's store
  ccvshop: (config, store) => ccvShopSourceFactory(config, store),
};
