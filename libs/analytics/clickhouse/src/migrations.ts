import { createHash } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import { clusterMigrations, clusterStatements } from './cluster-ddl';
import { TABLES } from './names';

/** One versioned schema change: statements run one by one (ClickHouse takes one per request). */
export interface AnalyticsMigration {
  readonly version: number;
  readonly name: string;
  readonly statements: readonly string[];
}

export interface AnalyticsMigrationReport {
  readonly applied: readonly number[];
  readonly current: number;
}

export interface MigrateAnalyticsOptions {
  /**
   * The ClickHouse cluster (CLICKHOUSE_CLUSTER) the schema spans, if any: every statement, the
   * ledger's included, then runs in cluster form (cluster-ddl.ts). The ledger is replicated too,
   * so a process connected to any replica sees what has been applied.
   */
  readonly cluster?: string | null;
}

/**
 * Applies the migrations not yet recorded in `<database>.schema_migrations`, in order. Each
 * statement must be idempotent (IF NOT EXISTS, OR REPLACE): ClickHouse has no transactions, so a
 * migration cut short is run again from its first statement on the next start. A recorded
 * migration whose statements changed is refused. Checksums are of the statements as run, so a
 * database made in cluster mode is refused by a process without it, and the other way round.
 */
export async function migrateAnalytics(
  client: ClickHouseClient,
  database: string,
  migrations: readonly AnalyticsMigration[],
  options: MigrateAnalyticsOptions = {},
): Promise<AnalyticsMigrationReport> {
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`Database name '${database}' must be a lower-case identifier`);
  const { cluster } = options;
  for (const query of clusterStatements(ledgerStatements(database), cluster)) await client.command({ query });
  const appliedRows = await (
    await client.query({
      query: `SELECT version, argMax(checksum, applied_at) AS checksum FROM ${database}.${TABLES.schemaMigrations} GROUP BY version`,
      format: 'JSONEachRow',
    })
  ).json<{ version: number; checksum: string }>();
  const applied = new Map(appliedRows.map((r) => [Number(r.version), r.checksum]));
  const done: number[] = [];
  for (const migration of [...clusterMigrations(migrations, cluster)].sort((a, b) => a.version - b.version)) {
    const checksum = createHash('sha256').update(migration.statements.join('\n;\n')).digest('hex');
    const existing = applied.get(migration.version);
    if (existing !== undefined) {
      if (existing !== checksum) {
        throw new Error(
          `Analytics migration ${migration.version} ('${migration.name}') was changed after it was applied; add a new migration instead` +
            (cluster ? ` (or, if ${database} was made without CLICKHOUSE_CLUSTER, unset it: docs/analytics.md, "Cluster mode")` : ''),
        );
      }
      continue;
    }
    for (const statement of migration.statements) await client.command({ query: statement });
    await client.insert({
      table: `${database}.${TABLES.schemaMigrations}`,
      values: [{ version: migration.version, name: migration.name, checksum }],
      format: 'JSONEachRow',
    });
    done.push(migration.version);
  }
  return { applied: done, current: Math.max(0, ...migrations.map((m) => m.version)) };
}

/** The database and the migration ledger, as every migration run first makes sure of. */
export function ledgerStatements(database: string): readonly string[] {
  return [
    `CREATE DATABASE IF NOT EXISTS ${database}`,
    `CREATE TABLE IF NOT EXISTS ${database}.${TABLES.schemaMigrations}
            (version UInt32, name String, checksum String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3))
            ENGINE = ReplacingMergeTree ORDER BY version`,
  ];
}
