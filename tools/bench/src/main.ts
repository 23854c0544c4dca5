import { runAccessBench } from './access.bench';
import { runComplianceBench } from './compliance.bench';
import { runDashboardBench } from './dashboard.bench';
import { runEventStoreBench } from './event-store.bench';
import { runGraphqlBench } from './graphql.bench';
import { runMeasuresBench } from './measures.bench';
import { runProjectionBench } from './projection.bench';
import { runPublicationsBench } from './publications.bench';
import { runSoakBench } from './soak.bench';
import { runSubmissionsBench } from './submissions.bench';
import { progress } from './report';

/**
 * `npm run bench -- <name> [options]`: runs one benchmark, prints each measured row as one
 * JSON line on stdout (progress on stderr) and rewrites its section of docs/benchmarks.md.
 */
const benchmarks: Record<string, (args: string[]) => Promise<void>> = {
  'event-store': runEventStoreBench,
  submissions: runSubmissionsBench,
  projection: runProjectionBench,
  graphql: runGraphqlBench,
  publications: runPublicationsBench,
  compliance: runComplianceBench,
  measures: runMeasuresBench,
  access: runAccessBench,
  dashboard: runDashboardBench,
  soak: runSoakBench,
};

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const run = name ? benchmarks[name] : undefined;
  if (!run) {
    progress(`${name ? `unknown benchmark '${name}'` : 'no benchmark named'}: use one of ${Object.keys(benchmarks).join(', ')} (npm run bench -- <name>)`);
    process.exit(2);
  }
  await run(args);
}

main().catch((error: unknown) => {
  progress(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
