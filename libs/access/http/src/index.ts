export { AdminKeysModule } from './admin-keys.module';
export { ApiKeyRefusal, authenticateApiKey, bearerKey } from './api-key-check';
export { API_KEYS, ApiKeyGuard, apiKeyProviders, type AuthenticatedRequest, Roles } from './auth';
export {
  DEFAULT_RATE_LIMITS,
  PrincipalRateLimits,
  RateLimited,
  rateLimitsFromEnv,
  SYSTEM_CLOCK,
  type RateLimitClock,
  type RateLimitKind,
  type RateLimitSettings,
} from './rate-limits';
export { type KeyChange, type OnKeyChange } from './admin-keys.controller';
