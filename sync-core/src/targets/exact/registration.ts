import { registerTarget } from '../registration';
import { ExactTargetConfig } from './config';
import { createExactTarget } from './index';

export const exactRegistration = registerTarget({
  name: 'exact',
  label: 'Exact Online',
  config: ExactTargetConfig,
  create: (section, deps) => createExactTarget(section, { fetch: deps?.fetch, store: deps?.store }),
  simulator: 'exact',
  registersPayments: (section) => section.payments?.register === true,
  // 60 calls per minute per app and division; keep 2 for the plugin or other tools
  sharedRateLimit: { limit: 58, windowMs: 60_000, padMs: 1000 },
});
