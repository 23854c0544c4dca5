export { type ApiKeyPrincipal, ApiKeyStore, InvalidKeyRequestError, loadLegacySourceOwners, migrateApiKeys, type Role } from './api-keys';
