export { AUDIT_MIGRATIONS, migrateAudit } from './audit-migrations';
export {
  AUDIT_OVERFLOW_FACTOR,
  type AuditEntry,
  type AuditEntryInput,
  AuditLog,
  AuditLogError,
  type AuditLogOptions,
  type AuditLogStats,
  type AuditTrailPage,
  type PendingAuditEntry,
} from './audit-log';
export {
  hashQuery,
  isSecretKey,
  MAX_AUDIT_DEPTH,
  MAX_AUDIT_JSON_BYTES,
  REDACTED,
  redact,
  type RedactOptions,
  redactText,
  type TruncatedValue,
  UNREADABLE,
} from './redact';
export { AUDIT_KINDS, type AuditKind, AuditQueryError, type AuditTrailArgs, DEFAULT_TRAIL_PAGE, MAX_TRAIL_DAYS, MAX_TRAIL_PAGE } from './trail-query';
