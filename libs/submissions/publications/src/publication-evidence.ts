import { ODS_SOURCE_SYSTEM, type HierarchyEvidence, type ObservedOrganisation } from '@gpds/organisations';
import type { EvidenceReport } from '@gpds/organisations-importer';
import type { HierarchyReport } from './publication-import';
import type { Publication } from './publication-reader';

// How the publications mark a level they cannot name.
const UNNAMED = new Set(['', 'u', 'unallocated', 'unassigned', 'unmapped', 'unknown', 'null', '-']);
const PRACTICE_CODE = /^[A-Z]\d{5}$/;
/**
 * The shapes of the NHS organisation codes each level takes (ODS): a level whose code has another
 * shape (an edition giving ONS codes such as E54000050, say) states nothing, rather than register
 * an organisation the hierarchy does not have.
 */
const CODE_SHAPE = {
  pcn: /^U\d{5}$/,
  subIcb: /^(\d{2}[A-Z]|[A-Z0-9]{5})$/,
  icb: /^Q[A-Z0-9]{2}$/,
  region: /^Y\d{2}$/,
} as const;

/** The source system of everything imported from a publication (its samples and its placements). */
export function publicationSystem(publication: Pick<Publication, 'kind' | 'month'>): string {
  return `nhs-england-publication:${publication.kind}:${publication.month.slice(0, 7)}`;
}

/**
 * The source system to record a source's evidence under: the mapping files' for a mapping file,
 * the publication's own (the one its samples come from) for a publication's placements.
 */
export function evidenceSystem(evidence: Pick<HierarchyEvidence, 'evidence' | 'source'>): string {
  if (evidence.evidence === 'MAPPING_FILE') return ODS_SOURCE_SYSTEM;
  // 'online-consultation 2025-11' -> nhs-england-publication:online-consultation:2025-11, as publicationSystem.
  return `nhs-england-publication:${evidence.source.trim().replace(/\s+/g, ':')}`;
}

/** What recording a publication's placements did, for its import report. */
export function hierarchyReport(report: EvidenceReport): HierarchyReport {
  const s = report.summary;
  return {
    source: report.source,
    outcome: report.outcome,
    eventsAppended: report.eventsAppended,
    practices: s.practices,
    agreed: s.agreed,
    added: s.added,
    differed: s.differed,
    learned: s.learned,
    timelinesChanged: s.timelinesChanged,
  };
}

/** The source name of a publication's evidence: its kind and month. */
export function publicationSource(publication: Pick<Publication, 'kind' | 'month'>): string {
  return `${publication.kind} ${publication.month.slice(0, 7)}`;
}

/**
 * A publication's practice rows as hierarchy evidence for its month: each practice with the PCN,
 * sub-ICB location (CCG before July 2022) and ICB the row places it in; each sub-ICB location in
 * the ICB most of its rows name, each ICB in the region most of its rows name. Partial: a
 * practice without a row says nothing. Rows of "Unassigned" practices and levels marked
 * unmapped state nothing.
 */
export function publicationEvidence(publication: Publication): HierarchyEvidence {
  const from = publication.month;
  const next = new Date(`${from}T00:00:00Z`);
  next.setUTCMonth(next.getUTCMonth() + 1);
  const named = (code: string): boolean => !UNNAMED.has(code.trim().toLowerCase());
  const usable = (level: keyof typeof CODE_SHAPE, code: string): boolean => named(code) && CODE_SHAPE[level].test(code);
  const practices = new Map<string, ObservedOrganisation>();
  const names = new Map<string, { level: ObservedOrganisation['level']; name: string }>();
  const votes = new Map<string, Map<string, number>>();
  const vote = (child: string, parent: string): void => {
    const tally = votes.get(child) ?? new Map<string, number>();
    tally.set(parent, (tally.get(parent) ?? 0) + 1);
    votes.set(child, tally);
  };
  for (const row of publication.rows) {
    if (row.month !== publication.month || !PRACTICE_CODE.test(row.practice) || practices.has(row.practice)) continue;
    const pcn = usable('pcn', row.pcn);
    const subIcb = usable('subIcb', row.subIcb);
    const icb = usable('icb', row.icb);
    const region = usable('region', row.region);
    const parents: ObservedOrganisation['parents'] = {
      // A practice in no PCN ('U', 'Unallocated') is stated as in none; a PCN code of another shape states nothing.
      ...(pcn || !named(row.pcn) ? { MEMBER_OF_PCN: pcn ? row.pcn : '' } : {}),
      ...(subIcb ? { COMMISSIONED_BY: row.subIcb } : {}),
      ...(icb ? { IN_ICB: row.icb } : {}),
    };
    practices.set(row.practice, { code: row.practice, level: 'PRACTICE', name: row.names.practice, postcode: '', parents });
    if (pcn) names.set(row.pcn, { level: 'PCN', name: row.names.pcn });
    if (subIcb) names.set(row.subIcb, { level: 'COMMISSIONER', name: row.names.subIcb });
    if (icb) names.set(row.icb, { level: 'ICB', name: row.names.icb });
    if (region) names.set(row.region, { level: 'REGION', name: row.names.region });
    if (subIcb && icb) vote(row.subIcb, row.icb);
    if (icb && region) vote(row.icb, row.region);
  }
  const majority = (code: string): string | undefined => [...(votes.get(code) ?? [])].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
  const higher: ObservedOrganisation[] = [...names].map(([code, { level, name }]) => {
    const parent = majority(code);
    const relationship = level === 'COMMISSIONER' ? 'PART_OF_ICB' : level === 'ICB' ? 'IN_REGION' : null;
    return { code, level, name, postcode: '', parents: relationship && parent ? { [relationship]: parent } : {} };
  });
  return {
    source: publicationSource(publication),
    evidence: 'PUBLICATION',
    from,
    to: next.toISOString().slice(0, 10),
    complete: false,
    organisations: [...higher, ...practices.values()],
  };
}
