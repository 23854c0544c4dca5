export { ConfigError, eventStoreEngine, type EventStoreEngine, type PlatformConfig, readPlatformConfig, redactUrl } from './platform-config';
