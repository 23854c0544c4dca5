export { AdminKeysModule } from './admin-keys.module';
export { ApiKeyRefusal, authenticateApiKey } from './api-key-check';
export { API_KEYS, ApiKeyGuard, apiKeyProviders, type AuthenticatedRequest, Roles } from './auth';
