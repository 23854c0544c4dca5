import { openAnalyticsStore } from '@gpds/analytics-clickhouse';
import { ReportingQueries, type ComplianceArgs, type MaturityArgs, type NetZeroArgs, type UtilisationArgs } from '@gpds/reporting-queries';

/**
 * The graphql benchmark's baseline, in a process of its own as fresh as the platform's: opens the
 * embedded analytics store the platform used, prepares each roll-up's SQL exactly as the API
 * does (ReportingQueries), and sends it straight to chDB from `concurrency` clients. Input: one
 * JSON argument; output: one JSON line of latencies in ms per query and concurrency.
 */
/** A roll-up the API answers, by the ReportingQueries method that prepares its SQL. */
export type BenchQuery =
  | { readonly name: string; readonly kind?: 'utilisation'; readonly args: UtilisationArgs }
  | { readonly name: string; readonly kind: 'compliance'; readonly args: ComplianceArgs }
  /** The roll-up with its evaluation inline, asked for `dates` in turn (each request the next date). */
  | { readonly name: string; readonly kind: 'complianceOneShot'; readonly args: ComplianceArgs; readonly dates: readonly string[] }
  | { readonly name: string; readonly kind: 'nonCompliant'; readonly args: ComplianceArgs & { rule: string } }
  | { readonly name: string; readonly kind: 'maturity'; readonly args: MaturityArgs }
  | { readonly name: string; readonly kind: 'netZero'; readonly args: NetZeroArgs };

interface Job {
  readonly path: string;
  readonly queries: BenchQuery[];
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
      const prepared =
        q.kind === 'complianceOneShot'
          ? await queries.prepareComplianceOneShot(q.args)
          : q.kind === 'compliance'
            ? await queries.prepareCompliance(q.args)
            : q.kind === 'nonCompliant'
              ? await queries.prepareNonCompliantPractices(q.args)
              : q.kind === 'maturity'
                ? await queries.prepareMaturity(q.args)
                : q.kind === 'netZero'
                  ? await queries.prepareNetZero(q.args)
                  : // The benchmark's GraphQL query selects no rate: the API prepares it without one.
                    await queries.prepareUtilisation(q.args, { rates: false });
      // What the API sends for one answer: its checks first, then the query (for a date in turn, when the question has dates).
      let turn = 0;
      const request = async (): Promise<void> => {
        for (const b of prepared.before ?? []) await (await analytics.client.query({ query: b.sql, query_params: b.params, format: 'JSONEachRow' })).json();
        const params = q.kind === 'complianceOneShot' ? { ...prepared.params, asOf: q.dates[turn++ % q.dates.length] } : prepared.params;
        await (await analytics.client.query({ query: prepared.sql, query_params: params, format: 'JSONEachRow' })).json();
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
