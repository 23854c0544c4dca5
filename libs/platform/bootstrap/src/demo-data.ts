import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { systemPrincipal } from '@gpds/access';
import type { OrganisationDirectory } from '@gpds/organisations';
import { sharedDataDir } from '@gpds/shared-runtime';
import type { RecordResult, SubmissionProcessor } from '@gpds/submissions';
import type { EventStore } from '@gpds/event-store';
import { recordHierarchyEvidence } from '@gpds/organisations-importer';
import { hierarchyReport, planPublication, publicationEvidence, publicationSystem, readPublication, sendPublication } from '@gpds/submissions-publications';
import type { DemoFact } from './demo-practice';
import { BCP_DEADLINE, syntheticDemo, type CarbonStory } from './demo-synthetic';

/**
 * Demo data for the one-command platform: the real December 2025 national publications, and
 * SYNTHETIC facts for the event kinds no real file covers (every governance kind of the
 * Operating Model, and carbon), generated for the real practice list over 2021-2026 (carbon
 * from FY2019/20, the Net Zero baseline year) and shaped for the compliance rules and the three
 * national measures (demo-synthetic.ts, demo-operating-model.ts). Every synthetic record's
 * source system is `SYNTHETIC_SOURCE`, so it can be told apart (and left out) in any answer.
 */
export { SYNTHETIC_SOURCE } from './demo-practice';

export interface DemoDataLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export interface DemoDataReport {
  readonly publications: Array<{
    file: string;
    samples: number;
    accepted: number;
    duplicates: number;
    rejected: number;
    /** Practices the publication placed differently from the mapping files (the month's hierarchy follows the publication). */
    placementsDiffered: number | null;
  }>;
  readonly synthetic: {
    records: number;
    accepted: number;
    duplicates: number;
    rejected: number;
    firstRejections: string[];
    /** Records sent, by event type. */
    byType: Record<string, number>;
  };
  /** The commissioner whose 2022 BCP reviews were sent after everything else (null when the directory has none to choose). */
  readonly lateReturn: LateReturnReport | null;
  /** The synthetic carbon metrics' story for Net Zero: the ICB with no FY2019/20 baseline, the ICBs on and off track. */
  readonly carbon: CarbonStory;
  readonly seconds: number;
}

/** What the late commissioner return changed, and the question that shows it. */
export interface LateReturnReport {
  readonly commissioner: string;
  readonly records: number;
  /** After everything else was stored, before the late return was: ask with knownAt = this to see the answer as it was. */
  readonly knownBefore: string;
  readonly question: {
    readonly rule: 'BCP_REVIEWED_BY_2022_07_31';
    readonly asOf: string;
    readonly level: 'COMMISSIONER';
    /** The commissioner's ICB on asOf. */
    readonly parent: string | null;
    /** Its practices open on asOf: UNKNOWN with knownAt = knownBefore; without knownAt, `compliant` of them COMPLIANT. */
    readonly practices: number;
    readonly compliant: number;
    readonly graphql: string;
  };
}

const MARKER = 'demo-data.json';

/** True when this data directory already holds the demo data (the marker written when it finished). */
export function demoDataImported(dataDir: string): boolean {
  return existsSync(join(dataDir, MARKER));
}

/**
 * Imports the demo data through the same command path as every submission (validation,
 * idempotency by source record, audit): the publications, the synthetic facts, then one
 * commissioner's late return of its 2022 BCP reviews. Idempotent: an interrupted import carries
 * on, a finished one is marked in DATA_DIR and skipped.
 */
export async function importDemoData(
  dataDir: string,
  processor: SubmissionProcessor,
  directory: () => OrganisationDirectory,
  log: DemoDataLog,
  options: { now?: Date; batchSize?: number; store?: EventStore } = {},
): Promise<DemoDataReport | null> {
  if (demoDataImported(dataDir)) {
    const previous = JSON.parse(readFileSync(join(dataDir, MARKER), 'utf8')) as { importedAt?: string };
    log.info({ importedAt: previous.importedAt }, 'demo data already imported: skipping (DEMO_DATA=off skips it on a new DATA_DIR)');
    return null;
  }
  const started = Date.now();
  const principal = systemPrincipal('demo-data');
  const sink = async (records: Array<Record<string, unknown>>): Promise<RecordResult[]> => {
    const results = await processor.process(
      records.map((value, index) => ({ index, value })),
      principal,
      `demo-data-${Date.now()}`,
    );
    // PGlite answers without leaving the microtask queue: give the event loop a turn (logs, HTTP, the projector's timers).
    await new Promise((resolve) => setImmediate(resolve));
    return results;
  };
  const shared = sharedDataDir();
  const publications: DemoDataReport['publications'] = [];
  if (!shared) log.warn({}, 'no ../shared/data (or SHARED_DATA_DIR): the demo has no national publications');
  for (const file of shared ? ['online-consultation-submissions_2025-12.xlsx', 'cloud-based-telephony_2025-12.xlsx'] : []) {
    const path = join(shared!, 'publications', file);
    if (!existsSync(path)) {
      log.warn({ file: path }, `demo data: ${file} is not there; skipping it`);
      continue;
    }
    const publication = await readPublication(path);
    const plan = planPublication(publication);
    // The publication's placements first: its month's hierarchy follows them (docs/organisations.md).
    const hierarchy = options.store
      ? hierarchyReport(
          await recordHierarchyEvidence(options.store, publicationEvidence(publication), {
            system: publicationSystem(publication),
            actor: 'demo-data',
            directory: directory(),
          }),
        )
      : null;
    const report = await sendPublication(
      publication,
      plan,
      sink,
      (done, total) => log.info({ file, done, total }, `demo data: ${file}: ${done}/${total} samples`),
      hierarchy,
      2_000,
    );
    publications.push({
      file,
      samples: report.samples,
      accepted: report.accepted,
      duplicates: report.duplicates,
      rejected: report.rejected,
      placementsDiffered: hierarchy?.differed.length ?? null,
    });
  }

  const demo = syntheticDemo(directory(), options.now ?? new Date());
  const batchSize = options.batchSize ?? 2_000;
  const total = demo.facts.length + (demo.lateReturn?.facts.length ?? 0);
  const synthetic: DemoDataReport['synthetic'] = { records: 0, accepted: 0, duplicates: 0, rejected: 0, firstRejections: [], byType: {} };
  const send = async (facts: readonly DemoFact[]): Promise<void> => {
    for (let i = 0; i < facts.length; i += batchSize) {
      const batch = facts.slice(i, i + batchSize);
      for (const f of batch) synthetic.byType[f.type] = (synthetic.byType[f.type] ?? 0) + 1;
      for (const result of await sink(batch.map((f) => f.record))) {
        if (result.status === 'accepted') synthetic.accepted++;
        else if (result.status === 'duplicate') synthetic.duplicates++;
        else {
          synthetic.rejected++;
          if (synthetic.firstRejections.length < 5)
            synthetic.firstRejections.push(`${JSON.stringify(batch[result.index]!.record['source'])}: ${result.errors?.map((e) => e.message).join('; ')}`);
        }
      }
      synthetic.records += batch.length;
      log.info({ done: synthetic.records, total }, `demo data: synthetic facts ${synthetic.records}/${total}`);
    }
  };
  // Each chunk touches few practices' streams: the facts come practice by practice, each by date.
  await send(demo.facts);
  let lateReturn: LateReturnReport | null = null;
  if (demo.lateReturn) {
    // A late commissioner return, stored a few milliseconds after everything else (recordedAt differs).
    const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));
    await pause();
    const knownBefore = new Date().toISOString();
    await pause();
    const duplicatesBefore = synthetic.duplicates;
    await send(demo.lateReturn.facts);
    if (synthetic.duplicates > duplicatesBefore)
      log.warn(
        { duplicates: synthetic.duplicates - duplicatesBefore },
        'demo data: an interrupted earlier import had stored part of the late return already: knownBefore does not show the answer before it',
      );
    const { commissioner, icb, practices, onTime } = demo.lateReturn;
    lateReturn = {
      commissioner,
      records: demo.lateReturn.facts.length,
      knownBefore,
      question: {
        rule: 'BCP_REVIEWED_BY_2022_07_31',
        asOf: BCP_DEADLINE,
        level: 'COMMISSIONER',
        parent: icb,
        practices,
        compliant: onTime,
        graphql: `{ compliance(rules: ["BCP_REVIEWED_BY_2022_07_31"], level: COMMISSIONER${icb ? `, parent: "${icb}"` : ''}, asOf: "${BCP_DEADLINE}", knownAt: "${knownBefore}") { nodes { organisation { code } rules { compliant nonCompliant unknown } } } }`,
      },
    };
    log.info(
      { lateReturn },
      `demo data: commissioner ${commissioner}'s 2022 BCP reviews (${lateReturn.records}) arrived late: on ${BCP_DEADLINE} as known at ${knownBefore} its ${practices} practices are UNKNOWN for BCP_REVIEWED_BY_2022_07_31; as known now ${onTime} are COMPLIANT`,
    );
  }
  log.info(
    { carbon: demo.carbon },
    `demo data: carbon from FY2019/20 (the Net Zero baseline year); ICB ${demo.carbon.withoutBaseline ?? '(none)'} sent none before FY2021/22, so it has no baseline; ${demo.carbon.onTrack.length} ICBs on track, ${demo.carbon.offTrack.length} off track`,
  );
  const report: DemoDataReport = { publications, synthetic, lateReturn, carbon: demo.carbon, seconds: Math.round((Date.now() - started) / 100) / 10 };
  writeFileSync(join(dataDir, MARKER), `${JSON.stringify({ importedAt: new Date().toISOString(), ...report }, null, 2)}\n`);
  return report;
}
