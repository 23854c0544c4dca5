export { isKurrentDbUrl, parseKurrentDbUrl, redactKurrentDbUrl, type KurrentDbConnectionString } from './connection-string';
export { KurrentDbCheckpointStore } from './kurrentdb-checkpoint-store';
export { KurrentDbEventStore, KurrentDbVersionError, type KurrentDbEventStoreOptions } from './kurrentdb-event-store';
export { DEFAULT_LEASE_TTL_MS, type LeaseOptions } from './lease-locks';
export { openKurrentDbEventStore, type OpenedKurrentDbEventStore } from './open-kurrentdb-event-store';
