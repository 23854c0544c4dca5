export * from './open-platform-event-store';
export * from './reference-import';
export * from './admin-key';
export * from './projections';
export * from './process-lifecycle';
export * from './demo-data';
export * from './health';
