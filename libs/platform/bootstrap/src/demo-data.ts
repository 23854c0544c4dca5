import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OrganisationDirectory } from '@gpds/organisations';
import { CARBON_CATEGORIES, patientFacingCapabilities } from '@gpds/shared-reference-data';
import { sharedDataDir } from '@gpds/shared-runtime';
import type { RecordResult, SubmissionProcessor } from '@gpds/submissions';
import type { EventStore } from '@gpds/event-store';
import { recordHierarchyEvidence } from '@gpds/organisations-importer';
import { hierarchyReport, planPublication, publicationEvidence, publicationSystem, readPublication, sendPublication } from '@gpds/submissions-publications';
import type { EventType, SubmittedData } from '@gpds/shared-contracts';

/**
 * Demo data for the one-command platform: the real December 2025 national publications, and
 * SYNTHETIC facts for the event kinds no real file covers (agreements, BCP reviews, capability
 * deployments, carbon), generated for the real practice list. Every synthetic record's source
 * system is `SYNTHETIC_SOURCE`, so it can be told apart (and left out) in any answer.
 */
export const SYNTHETIC_SOURCE = 'synthetic-demo';

/** The demo's synthetic facts are about this period: agreements 2024-2027, reviews and deployments Oct 2025 - Sep 2026. */
const HIERARCHY_DATE = '2025-10-01';

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
  readonly synthetic: { records: number; accepted: number; duplicates: number; rejected: number; firstRejections: string[] };
  readonly seconds: number;
}

const MARKER = 'demo-data.json';

/** True when this data directory already holds the demo data (the marker written when it finished). */
export function demoDataImported(dataDir: string): boolean {
  return existsSync(join(dataDir, MARKER));
}

/**
 * Imports the demo data through the same command path as every submission (validation,
 * idempotency by source record, audit). Idempotent: an interrupted import carries on, a finished
 * one is marked in DATA_DIR and skipped.
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
  const principal = { keyId: 'demo-data', organisation: 'ENG', role: 'admin' as const };
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

  const records = syntheticRecords(directory(), options.now ?? new Date());
  const batchSize = options.batchSize ?? 2_000;
  const synthetic = { records: records.length, accepted: 0, duplicates: 0, rejected: 0, firstRejections: [] as string[] };
  for (let i = 0; i < records.length; i += batchSize) {
    const batch = records.slice(i, i + batchSize);
    for (const result of await sink(batch)) {
      if (result.status === 'accepted') synthetic.accepted++;
      else if (result.status === 'duplicate') synthetic.duplicates++;
      else {
        synthetic.rejected++;
        if (synthetic.firstRejections.length < 5)
          synthetic.firstRejections.push(
            `${JSON.stringify((batch[result.index] as { source: unknown }).source)}: ${result.errors?.map((e) => e.message).join('; ')}`,
          );
      }
    }
    const done = Math.min(i + batchSize, records.length);
    log.info({ done, total: records.length }, `demo data: synthetic facts ${done}/${records.length}`);
  }
  const report: DemoDataReport = { publications, synthetic, seconds: Math.round((Date.now() - started) / 100) / 10 };
  writeFileSync(join(dataDir, MARKER), `${JSON.stringify({ importedAt: new Date().toISOString(), ...report }, null, 2)}\n`);
  return report;
}

/** A deterministic number in [0, 1) for a key: the same practice gets the same facts on every run. */
function chance(key: string): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0) / 2 ** 32;
}

function dayBetween(key: string, from: string, to: string): string {
  const a = Date.parse(`${from}T00:00:00Z`);
  const b = Date.parse(`${to}T00:00:00Z`);
  return new Date(a + Math.floor(chance(key) * ((b - a) / 86_400_000 + 1)) * 86_400_000).toISOString().slice(0, 10);
}

function record<T extends EventType>(type: T, recordId: string, occurredOn: string, data: SubmittedData<T>): Record<string, unknown> {
  return { type, schemaVersion: 1, source: { system: SYNTHETIC_SOURCE, recordId }, occurredAt: `${occurredOn}T09:00:00Z`, data };
}

/** Share of practices with each capability deployed in the synthetic demo (made up; shaped like the national picture). */
const ADOPTION: Record<string, number> = {
  REPEAT_PRESCRIPTION_REQUEST: 0.98,
  APPOINTMENT_REQUEST: 0.9,
  RECORD_VIEW: 0.95,
  RECORD_UPDATE: 0.6,
  PATIENT_DETAILS_UPDATE: 0.7,
  ONLINE_CONSULTATION: 0.97,
  VIDEO_CONSULTATION: 0.75,
  SECURE_MESSAGING: 0.85,
  REMOTE_ACCESS: 0.92,
  ADVANCED_TELEPHONY: 0.8,
};

/**
 * Synthetic facts for every practice open on 1 October 2025: an agreement with its commissioner
 * (most practices), a BCP review by it, capability deployments (a few later withdrawn), and
 * monthly carbon metrics per commissioner for the financial years 2024/25 and 2025/26 to date.
 * Nothing is dated after `now`.
 */
export function syntheticRecords(directory: OrganisationDirectory, now: Date): Array<Record<string, unknown>> {
  const today = now.toISOString().slice(0, 10);
  const latest = (date: string): string => (date < today ? date : today);
  const out: Array<Record<string, unknown>> = [];
  const capabilities = [...patientFacingCapabilities(), 'REMOTE_ACCESS', 'ADVANCED_TELEPHONY'];
  for (const practice of directory.all('PRACTICE')) {
    const code = practice.code;
    if (!directory.isOpenOn(code, HIERARCHY_DATE)) continue;
    const commissioner = directory.commissionerOn(code, HIERARCHY_DATE);
    if (!commissioner) continue;
    const opened = practice.openedOn && practice.openedOn > '2024-04-01' ? practice.openedOn : '2024-04-01';
    if (chance(`${code}/agreement`) < 0.94 && directory.commissionerOn(code, opened) === commissioner) {
      const agreementId = `demo-${code}-2024`;
      out.push(
        record('CcgPracticeAgreementSigned', `agreement/${code}/2024`, opened, {
          agreementId,
          practiceCode: code,
          commissionerCode: commissioner,
          termStart: opened,
          termEnd: '2027-03-31',
        }),
      );
      if (chance(`${code}/terminated`) < 0.03) {
        const on = latest(dayBetween(`${code}/terminated-on`, '2025-10-02', '2026-06-30'));
        out.push(
          record('CcgPracticeAgreementTerminated', `agreement/${code}/2024/terminated`, on, {
            agreementId,
            practiceCode: code,
            commissionerCode: commissioner,
            terminatedOn: on,
            reason: 'practice merger (synthetic)',
          }),
        );
      }
    }
    if (chance(`${code}/bcp`) < 0.88) {
      const on = latest(dayBetween(`${code}/bcp-on`, '2025-10-02', '2026-09-30'));
      const covers = ['LOSS_OF_RECORD_ACCESS', 'CYBER', 'REMOTE_WORKING'].filter((c) => chance(`${code}/bcp/${c}`) < 0.8);
      out.push(
        record('BusinessContinuityPlanReviewed', `bcp/${code}/${on}`, on, {
          practiceCode: code,
          reviewedBy: commissioner,
          outcome: chance(`${code}/bcp-outcome`) < 0.9 ? 'APPROVED' : 'CHANGES_REQUIRED',
          covers,
        }),
      );
    }
    for (const capability of capabilities) {
      if (chance(`${code}/${capability}`) >= (ADOPTION[capability] ?? 0.5)) continue;
      const on = latest(dayBetween(`${code}/${capability}/on`, '2025-10-02', '2026-06-30'));
      out.push(
        record('CapabilityDeployed', `capability/${code}/${capability}/deployed`, on, {
          practiceCode: code,
          capability,
          solution: `${capability.toLowerCase()} solution (synthetic)`,
          supplier: 'SYNTHETIC',
          route: 'GP_IT_FUTURES',
        }),
      );
      if (chance(`${code}/${capability}/withdrawn`) < 0.02) {
        const off = latest(dayBetween(`${code}/${capability}/off`, '2026-07-01', '2026-10-31'));
        if (off > on)
          out.push(
            record('CapabilityWithdrawn', `capability/${code}/${capability}/withdrawn`, off, {
              practiceCode: code,
              capability,
              reason: 'contract ended (synthetic)',
            }),
          );
      }
    }
  }
  const categories = ['ELECTRICITY', 'GAS', 'STAFF_TRAVEL', 'PATIENT_TRAVEL', 'TRAVEL_AVOIDED'].filter((c) => CARBON_CATEGORIES.has(c));
  for (const commissioner of directory.all('COMMISSIONER')) {
    if (!directory.isOpenOn(commissioner.code, HIERARCHY_DATE)) continue;
    for (let m = 0; m < 24; m++) {
      const start = new Date(Date.UTC(2024, 3 + m, 1));
      const end = new Date(Date.UTC(2024, 4 + m, 0));
      const periodEnd = end.toISOString().slice(0, 10);
      if (periodEnd >= today || start.toISOString().slice(0, 10) < (commissioner.openedOn || '')) continue;
      const periodStart = start.toISOString().slice(0, 10);
      for (const category of categories) {
        const scale = { ELECTRICITY: 90_000, GAS: 70_000, STAFF_TRAVEL: 25_000, PATIENT_TRAVEL: 160_000, TRAVEL_AVOIDED: 30_000 }[category] ?? 10_000;
        // A gentle downward trend, a winter peak for heating, and noise per commissioner.
        const winter = category === 'GAS' || category === 'ELECTRICITY' ? 1 + 0.35 * Math.cos(((start.getUTCMonth() - 0) / 12) * 2 * Math.PI) : 1;
        // Emissions avoided count against the footprint: negative, as the carbon catalogue records them.
        const kg =
          Math.round(scale * winter * (1 - m * 0.004) * (0.6 + 0.8 * chance(`${commissioner.code}/${category}`))) * (category === 'TRAVEL_AVOIDED' ? -1 : 1);
        out.push(
          record('CarbonMetricRecorded', `carbon/${commissioner.code}/${periodStart}/${category}`, periodEnd, {
            organisationCode: commissioner.code,
            organisationLevel: 'COMMISSIONER',
            periodStart,
            periodEnd,
            footprint: CARBON_CATEGORIES.get(category)!.footprint,
            category,
            kgCo2e: kg,
            method: 'synthetic demo estimate',
          }),
        );
      }
    }
  }
  return out;
}
