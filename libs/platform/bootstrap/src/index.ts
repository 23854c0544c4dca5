export { ensureAdminKey } from './admin-key';
export { importDemoData } from './demo-data';
export { type HealthCheck, type HealthProbe, probeHealth, withTimeout } from './health/health-checks';
export { HealthModule } from './health/health.module';
export { EventStoreUnavailableError, openPlatformEventStore, type PlatformEventStore } from './open-platform-event-store';
export { listenOn, processLogAndConfig, stopOnSignals } from './process-lifecycle';
export { analyticsDatabase, connectAnalytics, openPlatformProjections, type PlatformProjections } from './projections';
export { importReferenceData } from './reference-import';
export { AuditLifecycleModule, migrateAccess, openAccess, type AccessParts } from './access';
