export * from './analytics-client';
export * from './migrations';
export * from './schema';
export * from './projector';
export * from './rebuild';
export * from './checksum';
export * from './projection-service';
