import { registerTarget } from '../registration';
import { MoneybirdTargetConfig } from './config';
import { createMoneybirdTarget } from './index';

export const moneybirdRegistration = registerTarget({
  name: 'moneybird',
  label: 'Moneybird',
  config: MoneybirdTargetConfig,
  create: (section) => createMoneybirdTarget(section),
  simulator: 'moneybird',
  registersPayments: (section) => section.registerPayments,
});
