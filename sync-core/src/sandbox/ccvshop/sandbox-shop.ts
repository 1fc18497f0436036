/**
 * The simulated CCV shop for the sandbox/demo (`registerShopStarter('ccvshop', ccvShopSandboxStarter)`
 * in sandbox/shops.ts), with the source configuration that reads it.
 */
import type { ShopStarter } from '../shops';
import { startCcvShopSimulator } from './server';

export const SANDBOX_CCV_PUBLIC = 'pk_sandbox_ccvshop';
export const SANDBOX_CCV_SECRET = 'sk_sandbox_ccvshop_0000000000000000';

export const ccvShopSandboxStarter: ShopStarter = async ({ seed, orders, port }) => {
  const sim = await startCcvShopSimulator({
    port,
    seed: false,
    generate: { count: orders, seed },
    publicKey: SANDBOX_CCV_PUBLIC,
    secretKey: SANDBOX_CCV_SECRET,
  });
  return {
    platform: 'ccvshop',
    url: sim.url,
    sourceConfig: {
      platform: 'ccvshop',
      baseUrl: sim.url,
      publicKey: SANDBOX_CCV_PUBLIC,
      secretKey: SANDBOX_CCV_SECRET,
      shopId: 'sandbox-ccvshop',
    },
    close: () => sim.close(),
  };
};
