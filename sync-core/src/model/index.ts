export * from './money';
export * from './errors';
export * from './order';
