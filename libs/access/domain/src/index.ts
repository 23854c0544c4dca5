export * from './principal';
export * from './scope';
export * from './claims';
