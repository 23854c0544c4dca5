import { Inject, Injectable, Module, type BeforeApplicationShutdown, type DynamicModule } from '@nestjs/common';
import { migrateApiKeys, ApiKeyStore } from '@gpds/access-api-keys';
import { AuditLog, migrateAudit } from '@gpds/access-audit';
import { PrincipalRateLimits, rateLimitsFromEnv } from '@gpds/access-http';
import { type DashboardSignInSettings, OidcVerifier, dashboardSignInFromEnv, oidcSettingsFromEnv } from '@gpds/access-oidc';
import type { SqlDatabase, SqlQueryable } from '@gpds/event-store-postgres';
import { ConfigError } from '@gpds/shared-config';

/** Who may do what, as every process that answers requests needs it (docs/security.md). */
export interface AccessParts {
  /** API keys (machines: connectors, BI service accounts, the CLI). */
  readonly keys: ApiKeyStore;
  /** OIDC access tokens (people, through NHS CIS2 Authentication), where OIDC_ISSUER is set. */
  readonly tokens: OidcVerifier | null;
  /** The dashboard's NHS CIS2 sign-in (DASHBOARD_OIDC_CLIENT_ID with OIDC_ISSUER), or null: API keys only. */
  readonly dashboardSignIn: DashboardSignInSettings | null;
  /** Per-principal GraphQL cost and submission records a minute, and operations at once. */
  readonly rateLimits: PrincipalRateLimits;
  /** The append-only audit trail of operations, submission batches and key changes. */
  readonly audit: AuditLog;
  /** Writes what the audit trail still holds in memory. */
  close(): Promise<void>;
}

/** The access tables (API keys, the audit trail), migrated on the owner's connection (openEventStore's asOwner). */
export async function migrateAccess(owner: SqlDatabase): Promise<void> {
  await migrateApiKeys(owner);
  await migrateAudit(owner);
}

/**
 * Keys, tokens, limits and the audit trail from the environment: API_KEY_CACHE_MS (how long a
 * verified key is trusted before the database is asked again, so how soon a revocation made by
 * another process takes effect; default 5000), OIDC_* (oidcSettingsFromEnv), DASHBOARD_OIDC_*
 * (dashboardSignInFromEnv) and RATE_LIMIT_*
 * (rateLimitsFromEnv). A bad value stops the process with a ConfigError naming the variable.
 */
export function openAccess(
  db: SqlQueryable,
  env: Readonly<Record<string, string | undefined>>,
  log: { error(details: Record<string, unknown>, message: string): void },
): AccessParts {
  const cacheMs = env['API_KEY_CACHE_MS'] ? Number(env['API_KEY_CACHE_MS']) : 5_000;
  if (!Number.isSafeInteger(cacheMs) || cacheMs < 0 || cacheMs > 60_000) {
    throw new ConfigError('API_KEY_CACHE_MS', `must be a whole number of milliseconds from 0 to 60000, not ${JSON.stringify(env['API_KEY_CACHE_MS'])}`);
  }
  const oidc = oidcSettingsFromEnv(env);
  const dashboardSignIn = dashboardSignInFromEnv(env, oidc);
  const audit = new AuditLog(db, {
    onError: (error) => log.error({ err: error }, 'the audit trail could not record entries (they are kept and tried again)'),
  });
  return {
    keys: new ApiKeyStore(db, cacheMs),
    tokens: oidc ? new OidcVerifier(oidc) : null,
    dashboardSignIn,
    rateLimits: new PrincipalRateLimits(rateLimitsFromEnv(env)),
    audit,
    close: () => audit.close(),
  };
}

const AUDIT_LOG = Symbol('AUDIT_LOG');

/** Writes the audit trail's last entries when the application shuts down, before the event store closes (onApplicationShutdown). */
@Injectable()
class AuditLifecycle implements BeforeApplicationShutdown {
  constructor(@Inject(AUDIT_LOG) private readonly audit: AuditLog) {}

  async beforeApplicationShutdown(): Promise<void> {
    await this.audit.close();
  }
}

/** Mount in every process that records to the audit trail: its entries are written before the process lets go of the database. */
@Module({})
export class AuditLifecycleModule {
  static register(audit: AuditLog): DynamicModule {
    return { module: AuditLifecycleModule, providers: [{ provide: AUDIT_LOG, useValue: audit }, AuditLifecycle] };
  }
}
