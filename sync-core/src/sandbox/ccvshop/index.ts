export { startCcvShopSimulator } from './server';
export type {
  CcvShopSimulator,
  CcvShopSimulatorOptions,
  CcvShopControls,
  CcvShopFaults,
  CcvShopStats,
  CcvRateLimits,
} from './server';
export { buildCcvOrder, computeTotals } from './build-order';
export type { CcvOrderSpec, CcvRowSpec, CcvCustomerSpec, CcvStoredOrder, CcvJson } from './build-order';
export { dutchCcvOrderSpecs } from './seed';
export { generateCcvOrders } from './generate';
export { ccvShopSandboxStarter, SANDBOX_CCV_PUBLIC, SANDBOX_CCV_SECRET } from './sandbox-shop';
