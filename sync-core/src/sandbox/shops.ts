/** The simulated shop of the sandbox, per platform, with the source configuration that reads it. */
import type { Platform } from '../model/order';
import { ShopbooksError } from '../model/errors';
import { startWooCommerceSimulator, SANDBOX_CONSUMER_KEY, SANDBOX_CONSUMER_SECRET, type WooSimulator } from './woocommerce';
import { shopifySandboxStarter } from './shopify';
import { ccvShopSandboxStarter } from './ccvshop';

export interface SandboxShop {
  platform: Platform;
  url: string;
  sourceConfig: { platform: Platform } & Record<string, unknown>;
  /** The WooCommerce simulator itself (tests and soak scenarios change orders in the shop). */
  woo?: WooSimulator;
  close(): Promise<void>;
}

export type ShopStarter = (o: { seed: number; orders: number; port: number }) => Promise<SandboxShop>;

const starters: Partial<Record<Platform, ShopStarter>> = {
  woocommerce: async ({ seed, orders, port }) => {
    // as on MySQL: orders saved in one second come back in a different order per list request
    const sim = await startWooCommerceSimulator({ port, seed, orderCount: orders, unstableTies: { seed } });
    return {
      platform: 'woocommerce',
      url: sim.url,
      sourceConfig: { platform: 'woocommerce', url: sim.url, consumerKey: SANDBOX_CONSUMER_KEY, consumerSecret: SANDBOX_CONSUMER_SECRET, shopId: 'sandbox-woocommerce' },
      woo: sim,
      close: () => sim.close(),
    };
  },
  shopify: shopifySandboxStarter,
  ccvshop: ccvShopSandboxStarter,
};

/** Other platforms register their simulated shop here. */
export function registerShopStarter(platform: Platform, starter: ShopStarter): void {
  starters[platform] = starter;
}

export async function startShopSource(platform: string, o: { seed: number; orders: number; port: number }): Promise<SandboxShop> {
  const start = starters[platform as Platform];
  if (!start) throw new ShopbooksError('ConfigInvalid', `The sandbox has no simulated ${platform} shop in this build.`);
  return start(o);
}
