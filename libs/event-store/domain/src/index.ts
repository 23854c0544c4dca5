export * from './types';
export * from './errors';
export * from './identity';
export * from './validation';
export * from './upcasting';
export * from './ports';
export * from './checkpoint';
export { CatchUpSubscription } from './catch-up-subscription';
