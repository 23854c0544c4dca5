import { openAnalyticsStore } from '@gpds/analytics-clickhouse';
import { ReportingQueries, type UtilisationArgs } from '@gpds/reporting-queries';

/**
 * The graphql benchmark's baseline, in a process of its own as fresh as the platform's: opens the
 * embedded analytics store the platform used, prepares each roll-up's SQL exactly as the API
 * does (ReportingQueries), and sends it straight to chDB from `concurrency` clients. Input: one
 * JSON argument; output: one JSON line of latencies in ms per query and concurrency.
 */
interface Job {
  readonly path: string;
  readonly queries: Array<{ name: string; args: UtilisationArgs }>;
  readonly requests: number;
  readonly concurrency: number[];
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as Job;
  const analytics = openAnalyticsStore({ kind: 'chdb', path: job.path });
  const out: Record<string, number[]> = {};
  try {
    const queries = new ReportingQueries(analytics.client, { database: 'gpds', bi: 'bi' });
    for (const q of job.queries) {
      // The benchmark's GraphQL query selects no rate: the API prepares it without one.
      const prepared = await queries.prepareUtilisation(q.args, { rates: false });
      const request = async (): Promise<void> => {
        await (await analytics.client.query({ query: prepared.sql, query_params: prepared.params, format: 'JSONEachRow' })).json();
      };
      for (const concurrency of job.concurrency) {
        await load(request, 20, concurrency);
        out[`${q.name}/${concurrency}`] = await load(request, job.requests, concurrency);
      }
    }
  } finally {
    await analytics.close();
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

/** `count` requests from `concurrency` clients, each sending its next request when its last one is answered; latencies in ms. */
export async function load(request: () => Promise<unknown>, count: number, concurrency: number): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next++;
        const started = process.hrtime.bigint();
        await request();
        latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
    }),
  );
  return latencies;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`direct SQL baseline failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
