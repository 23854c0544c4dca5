export { ConfigError, type PlatformConfig, readPlatformConfig, redactUrl } from './platform-config';
