import { registerTarget } from '../registration';
import { ExactTargetConfig } from './config';
import { createExactTarget } from './index';

export const exactRegistration = registerTarget({
  name: 'exact',
  label: 'Exact Online',
  config: ExactTargetConfig,
  create: (section) => createExactTarget(section),
  simulator: 'exact',
  registersPayments: (section) => section.payments?.register === true,
});
