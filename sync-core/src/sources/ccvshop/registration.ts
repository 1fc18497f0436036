import { registerSource } from '../registration';
import { CcvShopSourceConfig } from './config';
import { createCcvShopSource } from './index';

export const ccvShopRegistration = registerSource({
  platform: 'ccvshop',
  label: 'CCV Shop',
  config: CcvShopSourceConfig,
  // the CCV change tracker keeps its state in the run's store
  create: (settings, store) => createCcvShopSource(settings, store ? { store } : {}),
  simulator: 'ccvshop',
});
