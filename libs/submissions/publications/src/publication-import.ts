import type { EvidenceSummary, OrganisationLevel } from '@gpds/organisations';
import type { RecordResult } from '@gpds/submissions';
import { publicationSystem } from './publication-evidence';
import type { Publication, PublicationRow } from './publication-reader';
import type { SubmittedData } from '@gpds/shared-contracts';

/** Where a row's counts were attached, and why there. */
export interface Placement {
  readonly level: OrganisationLevel;
  readonly code: string;
  /** Set when the row could not go where it says (an unassigned practice, an unknown code). */
  readonly note: string | null;
}

// 'U' and 'Unallocated' are how the publications mark a practice in no PCN.
const UNMAPPED = new Set(['', 'unmapped', 'unassigned', 'unknown', 'u', 'unallocated']);

/**
 * Attaches a row to the most specific organisation it names: the practice; for an "Unassigned"
 * practice, the most specific of its PCN, sub-ICB location, ICB and region whose every level above
 * is mapped too (a row in sub-ICB location 71E but in no ICB counts for its region, where the file's
 * own ICB and region figures count it); a row unmapped at every level counts for England only.
 * Whether the code is known is then checked by the submission path like any other record (an
 * unknown one is reported, not imported).
 */
export function placeRow(row: PublicationRow): Placement {
  const named = (code: string): boolean => !UNMAPPED.has(code.toLowerCase());
  if (named(row.practice)) return { level: 'PRACTICE', code: row.practice, note: null };
  const levels = [
    [row.pcn, 'PCN', 'PCN'],
    [row.subIcb, 'COMMISSIONER', 'sub-ICB location'],
    [row.icb, 'ICB', 'ICB'],
    [row.region, 'REGION', 'region'],
  ] as const;
  for (const [i, [code, level, name]] of levels.entries()) {
    if (!named(code)) continue;
    const unmappedAbove = levels.slice(i + 1).find(([above]) => !named(above));
    if (unmappedAbove) continue;
    return { level, code, note: `unassigned practice: attributed to ${name} ${code}` };
  }
  return {
    level: 'NATIONAL',
    code: 'ENG',
    note: levels.some(([code]) => named(code))
      ? 'unassigned practice whose region is not mapped: counted for England only'
      : 'unassigned practice with no PCN, sub-ICB location, ICB or region mapped: counted for England only',
  };
}

export interface PublicationPlan {
  readonly records: Array<Record<string, unknown>>;
  readonly placements: Record<OrganisationLevel, number>;
  readonly notes: Array<{ line: number; note: string }>;
  readonly totals: Record<string, number>;
}

/** One utilisation sample per row and metric, from the publication as the source system. */
export function planPublication(publication: Publication): PublicationPlan {
  const periodStart = publication.month;
  const end = new Date(`${periodStart}T00:00:00Z`);
  end.setUTCMonth(end.getUTCMonth() + 1);
  end.setUTCDate(0);
  const periodEnd = end.toISOString().slice(0, 10);
  const system = publicationSystem(publication);
  const placements = { PRACTICE: 0, PCN: 0, COMMISSIONER: 0, ICB: 0, REGION: 0, NATIONAL: 0 } as Record<OrganisationLevel, number>;
  const notes: Array<{ line: number; note: string }> = [...publication.readNotes];
  const totals: Record<string, number> = {};
  const records: Array<Record<string, unknown>> = [];
  const seen = new Map<string, number>();
  for (const row of publication.rows) {
    if (row.month !== publication.month) {
      notes.push({ line: row.line, note: `the row is for ${row.month}, not the publication's month ${publication.month}: not imported` });
      continue;
    }
    const placement = placeRow(row);
    placements[placement.level]++;
    if (placement.note) notes.push({ line: row.line, note: placement.note });
    const rowKey = `${row.practice}/${row.pcn}/${row.subIcb}/${row.icb}`;
    const repeat = (seen.get(rowKey) ?? 0) + 1;
    seen.set(rowKey, repeat);
    for (const [metric, value] of row.values) {
      totals[metric] = (totals[metric] ?? 0) + value;
      records.push({
        type: 'UtilisationSampleRecorded',
        schemaVersion: 1,
        source: { system, recordId: `${publication.month.slice(0, 7)}/${rowKey}${repeat > 1 ? `#${repeat}` : ''}/${metric}` },
        occurredAt: `${periodEnd}T23:59:59Z`,
        data: {
          organisationCode: placement.code,
          organisationLevel: placement.level,
          capability: publication.capability,
          metric,
          periodStart,
          periodEnd,
          value,
          supplier: row.supplier,
        } satisfies SubmittedData<'UtilisationSampleRecorded'>,
      });
    }
  }
  return { records, placements, notes, totals };
}

export interface PublicationImportReport {
  readonly file: string;
  readonly kind: string;
  readonly month: string;
  readonly rows: number;
  readonly samples: number;
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: number;
  readonly placements: Record<OrganisationLevel, number>;
  /** Rows attached elsewhere than the practice, and why. */
  readonly notes: Array<{ line: number; note: string }>;
  /** Rows and samples that could not be placed or were refused, with the reason. */
  readonly notImported: Array<{ line?: number; reason: string }>;
  /** Sum of each metric over the rows read (the publication's own totals to check against). */
  readonly totals: Record<string, number>;
  /** The placements the publication states, recorded as hierarchy evidence before its samples. */
  readonly hierarchy: HierarchyReport | null;
}

/** What recording the publication's placements did (see EvidenceSummary in @gpds/organisations). */
export interface HierarchyReport {
  readonly source: string;
  readonly outcome: string;
  readonly eventsAppended: number;
  readonly practices: number;
  readonly agreed: number;
  readonly added: number;
  readonly differed: EvidenceSummary['differed'];
  readonly learned: readonly string[];
  readonly timelinesChanged: number;
}

/** Sends the plan through a submission sink in batches, with progress; the sink is HTTP or in-process. */
export async function sendPublication(
  publication: Publication,
  plan: PublicationPlan,
  sink: (records: Array<Record<string, unknown>>) => Promise<RecordResult[]>,
  onProgress?: (done: number, total: number) => void,
  hierarchy: HierarchyReport | null = null,
  batchSize = 5_000,
): Promise<PublicationImportReport> {
  let accepted = 0;
  let duplicates = 0;
  let rejected = 0;
  const notImported: Array<{ line?: number; reason: string }> = publication.unreadable.map((u) => ({ line: u.line, reason: u.reason }));
  for (let i = 0; i < plan.records.length; i += batchSize) {
    const batch = plan.records.slice(i, i + batchSize);
    const results = await sink(batch);
    results.forEach((r, j) => {
      if (r.status === 'accepted') accepted++;
      else if (r.status === 'duplicate') duplicates++;
      else {
        rejected++;
        const record = batch[j] as { source: { recordId: string } };
        notImported.push({ reason: `${record.source.recordId}: ${r.errors?.map((e) => e.message).join('; ') ?? 'rejected'}` });
      }
    });
    onProgress?.(Math.min(i + batchSize, plan.records.length), plan.records.length);
  }
  return {
    file: publication.file,
    kind: publication.kind,
    month: publication.month,
    rows: publication.rows.length,
    samples: plan.records.length,
    accepted,
    duplicates,
    rejected,
    placements: plan.placements,
    notes: plan.notes,
    notImported,
    totals: plan.totals,
    hierarchy,
  };
}
