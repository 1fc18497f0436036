import { registerTarget } from '../registration';
import { MoneybirdTargetConfig } from './config';
import { createMoneybirdTarget } from './index';

export const moneybirdRegistration = registerTarget({
  name: 'moneybird',
  label: 'Moneybird',
  config: MoneybirdTargetConfig,
  create: (section, deps) => createMoneybirdTarget(section, { fetch: deps?.fetch }),
  simulator: 'moneybird',
  registersPayments: (section) => section.registerPayments,
  // 150 requests per 5 minutes (sliding); one of headroom
  sharedRateLimit: { limit: 149, windowMs: 300_000, padMs: 1000 },
});
