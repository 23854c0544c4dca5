import type { EvidenceKind, OrganisationLevel, RelationshipKind } from '../organisation-events';

/**
 * Which evidence wins, for any date (docs/organisations.md, ADR 0024):
 *   1. a mapping file of that date;
 *   2. else a publication placement of that month (two publications of one month that disagree:
 *      the one earlier in PUBLICATION_PRIORITY, then by source name);
 *   3. else, between two pieces of evidence that agree, what they say; between two that differ,
 *      the change is dated by the tightest bracket: the first known change date for the
 *      relationship inside the gap (1 July 2022 for commissioners, ICBs and regions), else the
 *      first day of the later evidence;
 *   4. before the first evidence, the first evidence's parent (since the organisation opened);
 *      after the last, the last evidence's parent (until it closed).
 * Pure: the same observations give the same timeline whatever order they were recorded in.
 */

/** One source's statement about one organisation, as the directory keeps it. */
export interface Observation {
  readonly source: string;
  readonly evidence: EvidenceKind;
  readonly level: OrganisationLevel;
  readonly name: string;
  readonly postcode: string;
  /** First day covered (inclusive). */
  readonly from: string;
  /** First day not covered (exclusive). */
  readonly to: string;
  /** Parent codes by relationship; '' states "none" (a practice in no PCN). */
  readonly parents: ReadonlyMap<RelationshipKind, string>;
}

/** A source of which every observation is recorded; complete ones state absence too. */
export interface RecordedSource {
  readonly source: string;
  readonly evidence: EvidenceKind;
  readonly from: string;
  readonly to: string;
  readonly complete: boolean;
}

export interface ResolvedParent {
  readonly relationship: RelationshipKind;
  readonly parentCode: string;
  /** '' since records begin. */
  readonly effectiveFrom: string;
  /** '' while in force. */
  readonly effectiveTo: string;
}

export interface ResolvedTimeline {
  readonly code: string;
  readonly level: OrganisationLevel;
  readonly name: string;
  readonly postcode: string;
  readonly openedOn: string;
  readonly closedOn: string;
  readonly parents: readonly ResolvedParent[];
  readonly learnedFrom: string;
}

/** Of two publications of one month that disagree, the first here wins (the larger table, official statistics first). */
export const PUBLICATION_PRIORITY = ['online-consultation', 'cloud-telephony'] as const;

export type KnownChangeDates = Readonly<Partial<Record<RelationshipKind, readonly string[]>>>;

const RELATIONSHIP_ORDER: readonly RelationshipKind[] = ['MEMBER_OF_PCN', 'COMMISSIONED_BY', 'IN_ICB', 'PART_OF_ICB', 'IN_REGION'];

export function resolveTimeline(
  code: string,
  observations: readonly Observation[],
  sources: readonly RecordedSource[],
  knownChangeDates: KnownChangeDates,
): ResolvedTimeline | null {
  if (observations.length === 0) return null;
  const ordered = [...observations].sort(byDateThenWeight);
  const latest = ordered.at(-1)!;
  const inMappingFile = ordered.some((o) => o.evidence === 'MAPPING_FILE');
  // Names and postcodes are the reference data's: the latest mapping file's, else the latest publication's.
  const reference = inMappingFile ? ordered.filter((o) => o.evidence === 'MAPPING_FILE') : ordered;
  const named = reference.filter((o) => o.name !== '').at(-1);
  const withPostcode = reference.filter((o) => o.postcode !== '').at(-1);
  const first = ordered[0]!.from;
  const last = ordered.reduce((max, o) => (o.to > max ? o.to : max), '');

  // Absence: a complete source (a mapping file) that does not name the organisation.
  const seenIn = new Set(ordered.map((o) => o.source));
  const absent = sources.filter((s) => s.complete && !seenIn.has(s.source));
  const absentBefore = absent
    .filter((s) => s.to <= first)
    .sort((a, b) => cmp(a.from, b.from))
    .at(-1);
  const absentAfter = absent.filter((s) => s.from >= last).sort((a, b) => cmp(a.from, b.from))[0];
  // A mapping file's organisation opened the day after the last file without it (the earliest it can have); one only publications show, in the first month they show it.
  const openedOn = inMappingFile ? (absentBefore ? absentBefore.to : '') : first;
  // Closed by the first mapping file without it (facts before are accepted); one only publications show, after the last month they show it.
  const closedOn = absentAfter ? (inMappingFile ? absentAfter.from : last) : '';

  const parents: ResolvedParent[] = [];
  for (const relationship of RELATIONSHIP_ORDER) {
    const stated = ordered.filter((o) => o.parents.has(relationship));
    if (stated.length) parents.push(...parentTimeline(relationship, stated, openedOn, closedOn, knownChangeDates[relationship] ?? []));
  }
  return {
    code,
    level: latest.level,
    name: named?.name ?? '',
    postcode: withPostcode?.postcode ?? '',
    openedOn,
    closedOn,
    parents,
    learnedFrom: inMappingFile ? '' : ordered[0]!.source,
  };
}

interface Segment {
  from: string;
  to: string;
  readonly parent: string;
}

function parentTimeline(
  relationship: RelationshipKind,
  observations: readonly Observation[],
  openedOn: string,
  closedOn: string,
  changeDates: readonly string[],
): ResolvedParent[] {
  // The winning statement on each stretch between the days any statement starts or ends.
  const days = [...new Set(observations.flatMap((o) => [o.from, o.to]))].sort(cmp);
  const segments: Segment[] = [];
  for (let i = 0; i + 1 < days.length; i++) {
    const from = days[i]!;
    const to = days[i + 1]!;
    let winner: Observation | undefined;
    for (const o of observations) if (o.from <= from && to <= o.to && (!winner || outranks(o, winner))) winner = o;
    if (!winner) continue; // a gap between statements
    const parent = winner.parents.get(relationship)!;
    const previous = segments.at(-1);
    if (previous && previous.to === from && previous.parent === parent) previous.to = to;
    else segments.push({ from, to, parent });
  }
  // Gaps: what both sides agree on, or a change dated by the tightest bracket.
  const joined: Segment[] = [];
  for (const segment of segments) {
    const previous = joined.at(-1);
    if (!previous) {
      joined.push({ ...segment });
      continue;
    }
    if (previous.parent === segment.parent) {
      previous.to = segment.to;
      continue;
    }
    if (previous.to < segment.from) {
      const change = changeDates.filter((d) => d >= previous.to && d <= segment.from).sort(cmp)[0] ?? segment.from;
      previous.to = change;
      joined.push({ ...segment, from: change });
    } else joined.push({ ...segment });
  }
  // Before the first statement and after the last: as stated first and last, within the organisation's life.
  joined[0]!.from = openedOn;
  joined.at(-1)!.to = closedOn;
  return joined
    .filter((s) => s.parent !== '' && (s.from === '' || s.to === '' || s.from < s.to))
    .map((s) => ({ relationship, parentCode: s.parent, effectiveFrom: s.from, effectiveTo: s.to }));
}

/** Whether a statement beats another covering the same days: a mapping file over a publication, then the publication priority. */
function outranks(a: Observation, b: Observation): boolean {
  if (a.evidence !== b.evidence) return a.evidence === 'MAPPING_FILE';
  const pa = publicationRank(a.source);
  const pb = publicationRank(b.source);
  if (pa !== pb) return pa < pb;
  return a.source < b.source;
}

function publicationRank(source: string): number {
  const i = PUBLICATION_PRIORITY.findIndex((kind) => source.startsWith(kind));
  return i < 0 ? PUBLICATION_PRIORITY.length : i;
}

function byDateThenWeight(a: Observation, b: Observation): number {
  // By date; on the same date a publication before a mapping file, so "latest" is the mapping file's.
  return cmp(a.from, b.from) || (a.evidence === b.evidence ? cmp(a.source, b.source) : a.evidence === 'MAPPING_FILE' ? 1 : -1);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Two timelines say the same (what decides whether a new resolution is recorded). */
export function sameTimeline(a: ResolvedTimeline, b: ResolvedTimeline): boolean {
  return (
    a.code === b.code &&
    a.level === b.level &&
    a.name === b.name &&
    a.postcode === b.postcode &&
    a.openedOn === b.openedOn &&
    a.closedOn === b.closedOn &&
    a.learnedFrom === b.learnedFrom &&
    a.parents.length === b.parents.length &&
    a.parents.every((p, i) => {
      const q = b.parents[i]!;
      return p.relationship === q.relationship && p.parentCode === q.parentCode && p.effectiveFrom === q.effectiveFrom && p.effectiveTo === q.effectiveTo;
    })
  );
}
