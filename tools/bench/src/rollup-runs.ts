import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UNLIMITED_READS, startPlatform } from '@gpds/platform-testing';
import { load, type BenchQuery } from './direct-sql-process';
import { analystKey, caughtUp, compare, directSql, graphqlRequest, pct, type Comparison } from './graphql.bench';
import { emit, progress } from './report';

export interface RollupRunOptions {
  /** A data directory whose analytics store is filled (the platform starts on it with its demo and reference imports off). */
  readonly dataDir: string;
  readonly queries: readonly BenchQuery[];
  /** The GraphQL document of each query, by name. */
  readonly documents: Readonly<Record<string, string>>;
  readonly runs: number;
  readonly requests: number;
  readonly concurrency: readonly number[];
  /** The variables of each request of a query in a run (default: its args, every time). */
  readonly variables?: (query: BenchQuery, run: number) => () => Record<string, unknown>;
}

/**
 * The roll-up benchmarks' method (ADR 0007): each run starts the one-process platform on the data
 * directory, sends each query over HTTP with an analyst key from each number of clients (after 10
 * warm-up requests), stops it, then sends the same SQL as ReportingQueries prepares it straight to
 * the same chDB from a fresh process. Answers each query's rows: GraphQL p50/p95 beside the direct
 * SQL's (medians of the runs) and their ratio, each also printed as a JSON line.
 */
export async function measureRollups<T extends Record<string, unknown> & Comparison>(
  options: RollupRunOptions,
  row: (query: BenchQuery, concurrency: number, comparison: Comparison) => T,
): Promise<T[]> {
  const graphql: Record<string, number[][]> = {};
  const direct: Record<string, number[][]> = {};
  let key = '';
  for (let run = 1; run <= options.runs; run++) {
    const platform = await startPlatform({ DATA_DIR: options.dataDir, DEMO_DATA: 'off', REFERENCE_IMPORT: 'off', ...UNLIMITED_READS }, 300_000);
    try {
      await caughtUp(platform);
      key ||= await analystKey(platform.url, readFileSync(join(options.dataDir, 'admin.key'), 'utf8').trim());
      for (const q of options.queries) {
        const variables = options.variables?.(q, run) ?? (() => q.args as unknown as Record<string, unknown>);
        const request = (): Promise<unknown> => graphqlRequest(platform.url, key, options.documents[q.name]!, variables());
        if (run === 1) progress(`answer of ${q.name}: ${JSON.stringify(await request()).slice(0, 400)}...`);
        for (const concurrency of options.concurrency) {
          await load(request, 10, concurrency);
          const latencies = await load(request, options.requests, concurrency);
          (graphql[`${q.name}/${concurrency}`] ??= []).push(latencies);
          progress(`run ${run}: GraphQL ${q.name}, ${concurrency} client(s): p50 ${pct(latencies, 50).toFixed(1)} ms, p95 ${pct(latencies, 95).toFixed(1)} ms`);
        }
      }
    } finally {
      await platform.stop();
    }
    const measured = directSql(join(options.dataDir, 'analytics'), [...options.queries], options.requests, options.concurrency);
    for (const [id, latencies] of Object.entries(measured)) {
      (direct[id] ??= []).push(latencies);
      progress(`run ${run}: direct SQL ${id.replace('/', ', ')} client(s): p50 ${pct(latencies, 50).toFixed(1)} ms, p95 ${pct(latencies, 95).toFixed(1)} ms`);
    }
  }
  return options.queries.flatMap((q) =>
    options.concurrency.map((concurrency) => {
      const id = `${q.name}/${concurrency}`;
      const measured = row(q, concurrency, compare(graphql[id]!, direct[id]!));
      emit(measured);
      return measured;
    }),
  );
}
