import { PROJECTED_TABLES } from '@gpds/analytics';
import type { AnalyticsMigration } from './migrations';
import { TABLES } from './names';

/**
 * Cluster mode (CLICKHOUSE_CLUSTER=<name>): the schema's DDL rewritten for a ClickHouse cluster of
 * one shard and N replicas. The schema (schema.ts, migrations.ts, rebuild.ts) writes its DDL once,
 * for one server; this module turns each statement into its cluster form, so the embedded and
 * single-server DDL stays byte-for-byte what it was, and so the two cannot drift apart: a new
 * migration is in cluster form the day it is written, or refused here with a message.
 *
 * - Every CREATE, DROP, ALTER, EXCHANGE and RENAME runs `ON CLUSTER '<name>'`: each replica holds
 *   its own copy of every database, table and view, created from the one statement.
 * - MergeTree engines become their Replicated twins (ReplicatedMergeTree, ReplicatedSummingMergeTree
 *   with its columns, ReplicatedReplacingMergeTree with its version), keyed in Keeper by the table's
 *   UUID ({@link REPLICA_PATH}), with ORDER BY, PARTITION BY and every other clause unchanged.
 * - `non_replicated_deduplication_window` becomes `replicated_deduplication_window`: the
 *   projector's insert_deduplication_token (ADR 0013) keeps its effect across replicas, because a
 *   replicated table keeps its insert hashes in Keeper, shared by every replica, where a
 *   non-replicated one keeps them on its own disk. A range replayed after a crash, through this
 *   replica or any other, is recognised and dropped (also in the materialized views, by
 *   deduplicate_blocks_in_dependent_materialized_views), so a fact is counted once cluster-wide.
 * - Each projected and roll-up table gets a Distributed table `<table>_all` over the cluster, for
 *   BI tools connected to any node and ready for more shards. The `bi` views keep reading the local
 *   replicas: with one shard every replica holds everything, and a local read is the fastest.
 *
 * What stays node-local, unconverted: the reporting API's per-process scratch and caches (the
 * hierarchy cache's Join tables and the materialised query tables in `gpds_reporting`,
 * libs/reporting/queries/src/shared/). They are rebuilt by each process from the replicated
 * tables, so each API process must keep one ClickHouse node for its session (docs/analytics.md,
 * "Cluster mode").
 *
 * What must hold on the servers: the databases are Atomic (ClickHouse's default engine), which
 * gives tables the UUIDs the Keeper paths use and makes EXCHANGE TABLES atomic; `remote_servers`
 * names the cluster; `macros` define `{shard}` and `{replica}` on each node; Keeper is configured.
 */

/** Keeper path of a replicated table: ClickHouse's own default_replica_path. */
export const REPLICA_PATH = '/clickhouse/tables/{uuid}/{shard}';
/** Replica name: the `{replica}` macro each server's config defines. */
export const REPLICA_NAME = '{replica}';

/** Tables that get a Distributed `<table>_all`: what the projector writes and the roll-ups. */
export const DISTRIBUTED_TABLES: readonly string[] = [...PROJECTED_TABLES, TABLES.utilisationMonthly, TABLES.carbonMonthly];

/** The Distributed table over a table's replicas. */
export function distributedTableOf(table: string): string {
  return `${table}_all`;
}

const CLUSTER_NAME = /^[A-Za-z][A-Za-z0-9_.-]*$/;

/**
 * A cluster name as `remote_servers` spells it: letters, digits, `_`, `.` and `-`, starting with a
 * letter. Refused otherwise, since it is spliced into DDL (`ON CLUSTER '<name>'`), where a quote
 * or a space would change the statement.
 */
export function validateClusterName(name: string): string {
  if (!CLUSTER_NAME.test(name)) {
    throw new Error(
      `ClickHouse cluster name ${JSON.stringify(name)} is not a cluster name: use the name of a cluster in the servers' remote_servers ` +
        '(letters, digits, _, . and -, starting with a letter; no quotes or spaces)',
    );
  }
  return name;
}

/** Each migration's statements in cluster form; with no cluster, the migrations as they are (the same objects). */
export function clusterMigrations(migrations: readonly AnalyticsMigration[], cluster: string | null | undefined): readonly AnalyticsMigration[] {
  if (!cluster) return migrations;
  return migrations.map((m) => ({ version: m.version, name: m.name, statements: clusterStatements(m.statements, cluster) }));
}

/**
 * Statements in cluster form, in order, each followed by what the cluster needs beside it: a
 * projected or roll-up table's Distributed `<table>_all` after its CREATE, and the same column
 * change on `<table>_all` after an ALTER of the table's columns. With no cluster, the statements as
 * they are. A statement of a form not known here is refused rather than run on one node only.
 */
export function clusterStatements(statements: readonly string[], cluster: string | null | undefined): readonly string[] {
  if (!cluster) return statements;
  const name = validateClusterName(cluster);
  return statements.flatMap((statement) => {
    const clustered = clusterStatement(statement, name);
    const twin = distributedTwin(statement, name);
    return twin ? [clustered, twin] : [clustered];
  });
}

/** One statement in cluster form (no Distributed twin): ON CLUSTER, and a CREATE TABLE's engine replicated. */
export function clusterStatement(statement: string, cluster: string | null | undefined): string {
  if (!cluster) return statement;
  const onCluster = ` ON CLUSTER '${validateClusterName(cluster)}'`;
  const named = NAMED.exec(statement);
  if (named) {
    const [whole] = named;
    const rest = statement.slice(whole.length);
    if (/^\s+ON\s+CLUSTER\b/i.test(rest)) throw alreadyClustered(statement);
    const clustered = `${whole}${onCluster}${rest}`;
    return /^\s*CREATE\s+TABLE\b/i.test(statement) ? replicateTable(clustered) : clustered;
  }
  if (/^\s*(EXCHANGE\s+TABLES|RENAME\s+TABLE)\s/i.test(statement)) {
    if (/\sON\s+CLUSTER\s/i.test(statement)) throw alreadyClustered(statement);
    return `${statement.trimEnd()}${onCluster}`;
  }
  throw new Error(
    `Cluster mode cannot run this statement on every replica: ${head(statement)}. Write it as CREATE, DROP or ALTER of a named object, ` +
      'EXCHANGE TABLES or RENAME TABLE, or teach libs/analytics/clickhouse/src/cluster-ddl.ts its form',
  );
}

function alreadyClustered(statement: string): Error {
  return new Error(`This statement already names a cluster: write it without ON CLUSTER, and cluster mode adds the configured one (${head(statement)})`);
}

const IDENT = '[A-Za-z_][A-Za-z0-9_]*';
const QUALIFIED = `${IDENT}(?:\\.${IDENT})?`;
/** The statement up to the name of what it creates, drops or alters: ON CLUSTER goes right after the name. */
const NAMED = new RegExp(
  '^\\s*(?:' +
    [
      `CREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:DATABASE|TABLE|VIEW|MATERIALIZED\\s+VIEW)\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?${QUALIFIED}`,
      `DROP\\s+(?:DATABASE|TABLE|VIEW|DICTIONARY)\\s+(?:IF\\s+EXISTS\\s+)?${QUALIFIED}`,
      `ALTER\\s+TABLE\\s+${QUALIFIED}`,
    ].join('|') +
    ')(?=\\s|\\(|$)',
  'i',
);

const MERGE_TREE = /^(|Summing|Replacing|Aggregating|Collapsing|VersionedCollapsing|Graphite|Coalescing)MergeTree$/;

/**
 * A CREATE TABLE with its MergeTree engine made Replicated: the Keeper path and replica first,
 * then the engine's own arguments (Summing columns, Replacing version) as they were; and its
 * deduplication window kept in Keeper. Any other engine is refused: it would hold different rows
 * on each replica.
 */
function replicateTable(statement: string): string {
  const engine = /\bENGINE\s*=\s*([A-Za-z]+)/.exec(statement);
  if (!engine) throw new Error(`Cluster mode needs an ENGINE on every CREATE TABLE, to replicate it: ${head(statement)}`);
  const clause = engine[0];
  const name = engine[1] ?? '';
  if (name.startsWith('Replicated') || name === 'Distributed') return statement;
  if (!MERGE_TREE.test(name)) {
    throw new Error(
      `Cluster mode cannot replicate ENGINE = ${name} (${head(statement)}): use a MergeTree-family engine, or keep the table out of the analytics migrations`,
    );
  }
  const afterName = engine.index + clause.length;
  let args = '';
  let end = afterName;
  const open = /^\s*\(/.exec(statement.slice(afterName));
  if (open) {
    const start = afterName + open[0].length;
    const close = matchingParen(statement, start - 1);
    args = statement.slice(start, close).trim();
    end = close + 1;
  }
  const replicated = `Replicated${name}('${REPLICA_PATH}', '${REPLICA_NAME}'${args ? `, ${args}` : ''})`;
  const rebuilt = `${statement.slice(0, engine.index)}ENGINE = ${replicated}${statement.slice(end)}`;
  return rebuilt.replace(/\bnon_replicated_deduplication_window\b/g, 'replicated_deduplication_window');
}

/** The index of the `)` that closes the `(` at `open`, past nested brackets and quoted strings. */
function matchingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i += 1) {
    const c = text[i];
    if (c === "'" || c === '"' || c === '`') {
      i = closingQuote(text, i);
      continue;
    }
    if (c === '(') depth += 1;
    if (c === ')' && --depth === 0) return i;
  }
  throw new Error(`Unbalanced brackets in: ${head(text)}`);
}

function closingQuote(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i += 1) {
    if (text[i] === '\\') i += 1;
    else if (text[i] === quote) {
      if (text[i + 1] === quote)
        i += 1; // '' inside a string
      else return i;
    }
  }
  throw new Error(`Unterminated string in: ${head(text)}`);
}

/** What a statement needs on a Distributed `<table>_all` beside it, if anything. */
function distributedTwin(statement: string, cluster: string): string | null {
  const create = new RegExp(`^\\s*CREATE\\s+TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(${IDENT})\\.(${IDENT})(?=\\s|\\()`, 'i').exec(statement);
  if (create) {
    const [, db, table] = create as unknown as [string, string, string];
    if (!DISTRIBUTED_TABLES.includes(table)) return null;
    const all = distributedTableOf(table);
    // `AS <table>` takes the columns from the replicated table just created on each node;
    // rand() spreads inserts over shards, were there more than one (nothing inserts here today).
    return `CREATE TABLE IF NOT EXISTS ${db}.${all} ON CLUSTER '${cluster}' AS ${db}.${table} ENGINE = Distributed('${cluster}', ${db}, ${table}, rand())`;
  }
  const alter = new RegExp(`^\\s*ALTER\\s+TABLE\\s+(${IDENT})\\.(${IDENT})\\s+([\\s\\S]*)$`, 'i').exec(statement);
  if (alter) {
    const [, db, table, body] = alter as unknown as [string, string, string, string];
    if (!DISTRIBUTED_TABLES.includes(table)) return null;
    const commands = topLevelCommands(body.replace(/\s+SETTINGS\s[\s\S]*$/i, ''));
    const columnChanges = commands.filter((c) => /^(ADD|DROP|MODIFY|RENAME|COMMENT)\s+COLUMN\b/i.test(c));
    if (columnChanges.length === 0) return null;
    if (columnChanges.length !== commands.length) {
      throw new Error(
        `Cluster mode cannot mirror an ALTER that mixes column changes with other changes onto ${db}.${distributedTableOf(table)}: ` +
          `split it into one ALTER of columns and one of the rest (${head(statement)})`,
      );
    }
    // A Distributed table has no data of its own: a column change is a change of its metadata.
    return `ALTER TABLE ${db}.${distributedTableOf(table)} ON CLUSTER '${cluster}' ${columnChanges.join(', ')}`;
  }
  return null;
}

/** An ALTER's comma-separated commands, not splitting inside brackets or strings (`Decimal(10, 2)`). */
function topLevelCommands(body: string): string[] {
  const commands: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < body.length; i += 1) {
    const c = body[i];
    if (c === "'" || c === '"' || c === '`') i = closingQuote(body, i);
    else if (c === '(') depth += 1;
    else if (c === ')') depth -= 1;
    else if (c === ',' && depth === 0) {
      commands.push(body.slice(from, i).trim());
      from = i + 1;
    }
  }
  commands.push(body.slice(from).trim());
  return commands.filter((c) => c !== '');
}

function head(statement: string): string {
  const flat = statement.replace(/\s+/g, ' ').trim();
  return flat.length > 100 ? `'${flat.slice(0, 100)}…'` : `'${flat}'`;
}
