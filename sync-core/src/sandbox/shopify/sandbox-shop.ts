/**
 * The simulated Shopify shop for the sandbox/demo (`registerShopStarter('shopify', shopifySandboxStarter)`
 * in sandbox/shops.ts), with the source configuration that reads it.
 */
import type { ShopStarter } from '../shops';
import { startShopifySimulator } from './server';

export const SANDBOX_SHOPIFY_TOKEN = 'shpat_sandbox_0000000000000000000000';

export const shopifySandboxStarter: ShopStarter = async ({ seed, orders, port }) => {
  const sim = await startShopifySimulator({
    port,
    seed: false,
    generate: { count: orders, seed },
    accessTokens: [SANDBOX_SHOPIFY_TOKEN],
    bucketSize: 2000,
    restoreRate: 1000,
  }); // a Plus-sized bucket keeps the demo quick
  return {
    platform: 'shopify',
    url: sim.url,
    sourceConfig: {
      platform: 'shopify',
      shopDomain: sim.shopDomain,
      baseUrl: sim.url,
      accessToken: SANDBOX_SHOPIFY_TOKEN,
      shopId: 'sandbox-shopify',
    },
    close: () => sim.close(),
  };
};
