export * from './types';
export * from './settings';
export * from './vat';
export * from './reference';
export { planOrder, vatFor, destinationCountry, type PlanOutcome } from './plan-order';
export { planRefund, planCancellation, allocateGross } from './plan-refund';
