import { createHash } from 'node:crypto';
import { PROJECTED_TABLES } from '@gpds/analytics';
import {
  DISTRIBUTED_TABLES,
  REPLICA_PATH,
  clusterMigrations,
  clusterStatement,
  clusterStatements,
  distributedTableOf,
  validateClusterName,
} from './cluster-ddl';
import { type AnalyticsMigration, ledgerStatements } from './migrations';
import { dropRebuildDatabaseSql, exchangeTableSql, rebuildDatabaseOf } from './rebuild';
import { ROLLUP_TABLES, SWAPPED_TABLES, biMigrations, tableMigrations } from './schema';
import { TABLES } from './names';

/**
 * Cluster mode's DDL, checked over the real schema: every migration's statements (tables, views,
 * materialized views, bi views), the migration ledger, and the rebuild's swap and drop. No
 * ClickHouse cluster runs here (chDB has none), so these are checks of the statements emitted.
 */

const CLUSTER = 'gpds_cluster';
const ON = `ON CLUSTER '${CLUSTER}'`;
const DB = 'gpds';
const BI = 'bi';

/** What migrateAnalytics runs for the live database: the ledger, then every migration. */
const schema = (db = DB): AnalyticsMigration[] => [...tableMigrations(db), ...biMigrations(db, BI)];
const allStatements = (migrations: readonly AnalyticsMigration[]): string[] => migrations.flatMap((m) => [...m.statements]);
const flat = (sql: string): string => sql.replace(/\s+/g, ' ').trim();
const checksum = (m: AnalyticsMigration): string => createHash('sha256').update(m.statements.join('\n;\n')).digest('hex');

const clustered = clusterMigrations(schema(), CLUSTER);
const clusteredStatements = [...clusterStatements(ledgerStatements(DB), CLUSTER), ...allStatements(clustered)];

describe('cluster mode unset: the single-server DDL as it is', () => {
  it('hands back the very migrations and statements, for no cluster, null or an empty name', () => {
    const migrations = schema();
    for (const none of [undefined, null, '']) {
      expect(clusterMigrations(migrations, none)).toBe(migrations);
      expect(clusterStatements(ledgerStatements(DB), none)).toEqual(ledgerStatements(DB));
    }
    expect(clusterMigrations(migrations, null)).toEqual(schema());
  });

  it('keeps the checksums every existing database recorded for its migrations (gpds, bi)', () => {
    // Applied migrations are refused when their statements change (migrations.ts), so these are
    // the statements of today, byte for byte: the embedded default and single servers run them.
    const recorded: Record<number, string> = {
      1: '379cf8218360af16ed680690f69b64c15fee38e6b0313987eb88754a4b1f5e8e',
      2: '2d4942c55862ab9fb8874f197046f117613391abecf7445f749a03b0a1fa09cc',
      3: '8ae9528cec3345eb5570169749a708747cacce60203c17f1bc002c1503d8719d',
      4: 'f5210e4687b7d687ae5400b903ba7f65ec63324a7938b399397fe1079479e3a3',
      5: 'a508e2a4559c6ebd0cd0b842d1f09d0b03ef9e2e6df6e994b2d5741f2866002d',
      101: '058084ff58021eded76138b6e12634f13cda00e2c057b92d316971c275da4aa8',
      102: 'f99cd3723dd9416d9f18d3cc310f9d344d0bfa6b1bb38ab9c88c907ee11182e7',
      103: '4dbe9fc93b8afbeccac73d6cd940a764bc7e90d277cf8f9bbd1c8c80c798bea7',
      104: '8327e9892bbab974e73df6db305cd2bdfb69ced8954cab3925a6590cdd56098f',
      105: '0702d73c6d2f19b0ed2746f196d278511271b1a99fc96956715502e01a8cb2bb',
    };
    const unclustered = clusterMigrations(schema(), null);
    for (const [version, sum] of Object.entries(recorded)) {
      const migration = unclustered.find((m) => m.version === Number(version));
      expect(migration && checksum(migration)).toBe(sum);
    }
    // And in cluster mode every one differs: a database is made in one mode or the other.
    for (const migration of clustered) expect(checksum(migration)).not.toBe(recorded[migration.version]);
  });

  it('keeps the ledger, the swap and the drop of a rebuild as they were', () => {
    expect(ledgerStatements(DB)).toEqual([
      'CREATE DATABASE IF NOT EXISTS gpds',
      `CREATE TABLE IF NOT EXISTS gpds.schema_migrations
            (version UInt32, name String, checksum String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3))
            ENGINE = ReplacingMergeTree ORDER BY version`,
    ]);
    expect(exchangeTableSql(DB, rebuildDatabaseOf(DB), 'projector_state')).toBe('EXCHANGE TABLES gpds.projector_state AND gpds_rebuild.projector_state');
    expect(exchangeTableSql(DB, rebuildDatabaseOf(DB), 'projector_state', null)).toBe('EXCHANGE TABLES gpds.projector_state AND gpds_rebuild.projector_state');
    expect(dropRebuildDatabaseSql(DB)).toBe('DROP DATABASE IF EXISTS gpds_rebuild SYNC');
  });
});

describe('cluster mode: the schema as replicated and distributed DDL', () => {
  it('runs every CREATE, DROP and ALTER ON CLUSTER, right after the name of what it makes', () => {
    const named =
      /^\s*(?:CREATE (?:OR REPLACE )?(?:DATABASE|TABLE|VIEW|MATERIALIZED VIEW) (?:IF NOT EXISTS )?|DROP (?:DATABASE|TABLE|VIEW) (?:IF EXISTS )?|ALTER TABLE )[a-z_.]+ (ON CLUSTER '[^']*')/;
    const kinds = new Set<string>();
    for (const statement of clusteredStatements) {
      const match = named.exec(statement);
      expect({ statement: flat(statement).slice(0, 120), onCluster: match?.[1] }).toEqual({ statement: flat(statement).slice(0, 120), onCluster: ON });
      expect(statement.split('ON CLUSTER').length - 1).toBe(1);
      kinds.add(flat(statement).split(' ').slice(0, 3).join(' '));
    }
    // Every kind of statement the schema has was seen: databases, tables, views, materialized views, drops, alters.
    expect([...kinds].sort()).toEqual(
      expect.arrayContaining([
        'CREATE DATABASE IF',
        'CREATE TABLE IF',
        'CREATE OR REPLACE',
        'CREATE MATERIALIZED VIEW',
        'DROP VIEW IF',
        `ALTER TABLE ${DB}.${TABLES.utilisationSamples}`,
      ]),
    );
  });

  it('puts ON CLUSTER where ClickHouse takes it in views, materialized views and drops', () => {
    const mv = clusteredStatements.find((s) => s.includes(`CREATE MATERIALIZED VIEW IF NOT EXISTS ${DB}.utilisation_monthly_mv`));
    expect(mv).toMatch(new RegExp(`^CREATE MATERIALIZED VIEW IF NOT EXISTS gpds\\.utilisation_monthly_mv ${ON} TO gpds\\.utilisation_monthly AS`));
    const view = clusteredStatements.find((s) => s.startsWith(`CREATE OR REPLACE VIEW ${BI}.organisations `));
    expect(view).toMatch(new RegExp(`^CREATE OR REPLACE VIEW bi\\.organisations ${ON} DEFINER = CURRENT_USER SQL SECURITY DEFINER AS SELECT`));
    expect(clusteredStatements).toContain(`CREATE DATABASE IF NOT EXISTS ${BI} ${ON}`);
    expect(clusteredStatements).toContain(`CREATE DATABASE IF NOT EXISTS ${DB} ${ON}`);
    expect(clusteredStatements).toContain(`DROP VIEW IF EXISTS ${DB}.utilisation_monthly_mv ${ON}`);
  });

  it('leaves no non-replicated engine: every table is Replicated or Distributed', () => {
    const engines = clusteredStatements.flatMap((s) => [...s.matchAll(/\bENGINE\s*=\s*(\w+)/g)].map((m) => m[1]));
    expect(engines.length).toBeGreaterThan(30);
    for (const engine of engines) expect(engine).toMatch(/^(Replicated\w*MergeTree|Distributed)$/);
    expect(new Set(engines)).toEqual(new Set(['ReplicatedReplacingMergeTree', 'ReplicatedMergeTree', 'ReplicatedSummingMergeTree', 'Distributed']));
    // Keeper paths by table UUID, replicas by the server's macro.
    for (const s of clusteredStatements.filter((x) => /ENGINE = Replicated/.test(x))) {
      expect(s).toMatch(/ENGINE = Replicated\w*MergeTree\('\/clickhouse\/tables\/\{uuid\}\/\{shard\}', '\{replica\}'/);
    }
  });

  it('keeps every engine argument and clause: ORDER BY, PARTITION BY, Summing columns, settings', () => {
    // Undo exactly what cluster mode does and get the single-server statement back.
    const undo = (sql: string): string =>
      sql
        .replace(` ${ON}`, '')
        .replace(/Replicated(\w*MergeTree)\('\/clickhouse\/tables\/\{uuid\}\/\{shard\}', '\{replica\}'(?:, )?/, '$1(')
        .replace(/(\w*MergeTree)\(\)/, '$1')
        .replace(/\breplicated_deduplication_window\b/g, 'non_replicated_deduplication_window');
    const single = allStatements(schema());
    const clusterOnly = allStatements(clustered).filter((s) => !/_all ON CLUSTER/.test(s));
    expect(clusterOnly.map(undo)).toEqual(single);

    const monthly = clusteredStatements.find((s) => s.startsWith(`CREATE TABLE IF NOT EXISTS ${DB}.${TABLES.utilisationMonthly} `))!;
    expect(flat(monthly)).toContain(
      `ENGINE = ReplicatedSummingMergeTree('${REPLICA_PATH}', '{replica}', (value, samples)) PARTITION BY toYear(month) ` +
        'ORDER BY (capability, metric, month, organisation_code, organisation_level) SETTINGS replicated_deduplication_window = 10000',
    );
    const carbon = clusteredStatements.find((s) => s.startsWith(`CREATE TABLE IF NOT EXISTS ${DB}.${TABLES.carbonMonthly} `))!;
    expect(flat(carbon)).toContain(`ENGINE = ReplicatedSummingMergeTree('${REPLICA_PATH}', '{replica}', (kg_co2e, metrics)) PARTITION BY toYear(month)`);
    const samples = clusteredStatements.find((s) => s.startsWith(`CREATE TABLE IF NOT EXISTS ${DB}.${TABLES.utilisationSamples} `))!;
    expect(flat(samples)).toContain(
      `ENGINE = ReplicatedMergeTree('${REPLICA_PATH}', '{replica}') PARTITION BY toYear(period_start) ` +
        'ORDER BY (capability, metric, period_start, organisation_code, event_position) SETTINGS replicated_deduplication_window = 10000',
    );
    const errors = clusteredStatements.find((s) => s.startsWith(`CREATE TABLE IF NOT EXISTS ${DB}.${TABLES.projectionErrors} `))!;
    expect(flat(errors)).toContain(`ENGINE = ReplicatedReplacingMergeTree('${REPLICA_PATH}', '{replica}') ORDER BY (table_name, event_position)`);
    const ledger = clusteredStatements.find((s) => s.includes(`${DB}.${TABLES.schemaMigrations}`))!;
    expect(flat(ledger)).toContain(`ENGINE = ReplicatedReplacingMergeTree('${REPLICA_PATH}', '{replica}') ORDER BY version`);
  });

  it('keeps engine arguments of every MergeTree form, a Replacing version among them', () => {
    const sql = (engine: string) => `CREATE TABLE IF NOT EXISTS db.t (k String, v UInt64, s Int8) ENGINE = ${engine} ORDER BY k`;
    expect(clusterStatement(sql('ReplacingMergeTree(v)'), 'c')).toBe(
      `CREATE TABLE IF NOT EXISTS db.t ON CLUSTER 'c' (k String, v UInt64, s Int8) ENGINE = ReplicatedReplacingMergeTree('${REPLICA_PATH}', '{replica}', v) ORDER BY k`,
    );
    expect(clusterStatement(sql('CollapsingMergeTree(s)'), 'c')).toContain(
      `ENGINE = ReplicatedCollapsingMergeTree('${REPLICA_PATH}', '{replica}', s) ORDER BY k`,
    );
    expect(clusterStatement(sql('MergeTree()'), 'c')).toContain(`ENGINE = ReplicatedMergeTree('${REPLICA_PATH}', '{replica}') ORDER BY k`);
    expect(clusterStatement(sql("SummingMergeTree((v, tuple(')')).1))"), 'c')).toContain(
      `ENGINE = ReplicatedSummingMergeTree('${REPLICA_PATH}', '{replica}', (v, tuple(')')).1)) ORDER BY k`,
    );
  });

  it('keeps insert deduplication across replicas: the window is the replicated one, at the same size', () => {
    const before = allStatements(schema()).join('\n');
    const after = clusteredStatements.join('\n');
    expect(after).not.toContain('non_replicated_deduplication_window');
    const windows = (text: string, name: string): number => text.split(`${name} = 10000`).length - 1;
    expect(windows(before, 'non_replicated_deduplication_window')).toBeGreaterThan(20);
    expect(windows(after, ' replicated_deduplication_window')).toBe(windows(before, 'non_replicated_deduplication_window'));
  });

  it('gives each projected and roll-up table a Distributed <table>_all, made after the table and over the cluster', () => {
    const created = allStatements(schema()).flatMap((s) => /^CREATE TABLE IF NOT EXISTS gpds\.(\w+) /.exec(s)?.[1] ?? []);
    expect(DISTRIBUTED_TABLES).toEqual([...PROJECTED_TABLES, ...ROLLUP_TABLES]);
    for (const table of DISTRIBUTED_TABLES) {
      expect(created).toContain(table);
      const all = `CREATE TABLE IF NOT EXISTS gpds.${table}_all ${ON} AS gpds.${table} ENGINE = Distributed('${CLUSTER}', gpds, ${table}, rand())`;
      const at = clusteredStatements.indexOf(all);
      expect({ table, at: at >= 0 }).toEqual({ table, at: true });
      expect(clusteredStatements.filter((s) => s === all)).toHaveLength(1);
      expect(clusteredStatements.findIndex((s) => s.startsWith(`CREATE TABLE IF NOT EXISTS gpds.${table} ${ON} (`))).toBeLessThan(at);
      expect(distributedTableOf(table)).toBe(`${table}_all`);
    }
    const distributed = clusteredStatements.filter((s) => s.includes('ENGINE = Distributed'));
    expect(distributed).toHaveLength(DISTRIBUTED_TABLES.length);
    for (const own of [TABLES.projectorState, TABLES.rebuildSwaps, TABLES.projectionErrors, TABLES.schemaMigrations]) {
      expect(distributed.join('\n')).not.toContain(`${own}_all`);
    }
  });

  it('changes a Distributed table’s columns with its table’s, and refuses an ALTER it cannot mirror', () => {
    const at = clusteredStatements.findIndex((s) => s.startsWith(`ALTER TABLE gpds.${TABLES.utilisationSamples} ${ON} MODIFY COLUMN value UInt64`));
    expect(at).toBeGreaterThan(0);
    expect(clusteredStatements[at]).toBe(`ALTER TABLE gpds.utilisation_samples ${ON} MODIFY COLUMN value UInt64 SETTINGS mutations_sync = 2`);
    expect(clusteredStatements[at + 1]).toBe(`ALTER TABLE gpds.utilisation_samples_all ${ON} MODIFY COLUMN value UInt64`);
    expect(clusteredStatements).toContain(`ALTER TABLE gpds.utilisation_monthly_all ${ON} MODIFY COLUMN value UInt128`);
    expect(clusterStatements(['ALTER TABLE gpds.carbon_metrics ADD COLUMN x Decimal(10, 2), ADD COLUMN y String'], 'c')).toEqual([
      "ALTER TABLE gpds.carbon_metrics ON CLUSTER 'c' ADD COLUMN x Decimal(10, 2), ADD COLUMN y String",
      "ALTER TABLE gpds.carbon_metrics_all ON CLUSTER 'c' ADD COLUMN x Decimal(10, 2), ADD COLUMN y String",
    ]);
    expect(clusterStatements(['ALTER TABLE gpds.carbon_metrics MODIFY TTL period_start + INTERVAL 10 YEAR'], 'c')).toEqual([
      "ALTER TABLE gpds.carbon_metrics ON CLUSTER 'c' MODIFY TTL period_start + INTERVAL 10 YEAR",
    ]);
    expect(() => clusterStatements(['ALTER TABLE gpds.carbon_metrics ADD COLUMN x String, MODIFY TTL period_start + INTERVAL 1 YEAR'], 'c')).toThrow(
      /split it into one ALTER of columns and one of the rest/,
    );
  });

  it('keeps the bi views reading the local replicas, not the Distributed tables', () => {
    const bi = allStatements(clusterMigrations(biMigrations(DB, BI), CLUSTER));
    expect(bi.length).toBeGreaterThan(40);
    for (const statement of bi) expect(statement).not.toMatch(/\b\w+_all\b/);
    expect(bi.join('\n')).toContain(`FROM ${DB}.${TABLES.utilisationSamples}`);
  });

  it('swaps and drops a rebuild ON CLUSTER, and makes the rebuild database in cluster form too', () => {
    for (const table of SWAPPED_TABLES) {
      expect(exchangeTableSql(DB, rebuildDatabaseOf(DB), table, CLUSTER)).toBe(`EXCHANGE TABLES gpds.${table} AND gpds_rebuild.${table} ${ON}`);
    }
    expect(dropRebuildDatabaseSql(DB, CLUSTER)).toBe(`DROP DATABASE IF EXISTS gpds_rebuild ${ON} SYNC`);
    expect(clusterStatement('RENAME TABLE a.x TO a.y', CLUSTER)).toBe(`RENAME TABLE a.x TO a.y ${ON}`);
    const rebuild = allStatements(clusterMigrations(tableMigrations('gpds_rebuild'), CLUSTER));
    expect(rebuild.every((s) => s.includes(ON))).toBe(true);
    expect(rebuild).toContain(
      `CREATE TABLE IF NOT EXISTS gpds_rebuild.utilisation_samples_all ${ON} AS gpds_rebuild.utilisation_samples ENGINE = Distributed('${CLUSTER}', gpds_rebuild, utilisation_samples, rand())`,
    );
  });

  it('refuses a cluster name that could change the statement, saying what a name may hold', () => {
    for (const bad of ["gpds'; DROP DATABASE gpds; --", 'my cluster', "o'clock", '1cluster', 'a{b}', ' ']) {
      expect(() => validateClusterName(bad)).toThrow(/is not a cluster name: use the name of a cluster in the servers' remote_servers/);
      expect(() => clusterStatements(['CREATE DATABASE IF NOT EXISTS gpds'], bad)).toThrow(/no quotes or spaces/);
      expect(() => clusterMigrations(schema(), bad)).toThrow(/is not a cluster name/);
    }
    for (const good of ['gpds', 'gpds_cluster', 'nhs-analytics.prod', 'C1']) expect(validateClusterName(good)).toBe(good);
  });

  it('refuses a statement it cannot run on every replica, rather than run it on one', () => {
    expect(() => clusterStatement('INSERT INTO gpds.t VALUES (1)', 'c')).toThrow(/cannot run this statement on every replica.*INSERT INTO/);
    expect(() => clusterStatement('CREATE TABLE IF NOT EXISTS gpds.t (k String) ENGINE = Memory', 'c')).toThrow(/cannot replicate ENGINE = Memory/);
    expect(() => clusterStatement('CREATE TABLE IF NOT EXISTS gpds.t AS gpds.u', 'c')).toThrow(/needs an ENGINE/);
    expect(() => clusterStatement("CREATE DATABASE IF NOT EXISTS gpds ON CLUSTER 'other'", 'c')).toThrow(/already names a cluster/);
    expect(() => clusterStatement("EXCHANGE TABLES a.x AND b.x ON CLUSTER 'other'", 'c')).toThrow(/already names a cluster/);
  });
});
