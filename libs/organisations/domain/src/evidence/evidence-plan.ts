import { createHash } from 'node:crypto';
import type { EventData } from '@gpds/shared-contracts';
import type { Lineage, OrganisationDirectory } from '../organisation-directory';
import {
  HIERARCHY_SOURCES_STREAM,
  organisationStreamId,
  type EvidenceKind,
  type OrganisationEvent,
  type OrganisationLevel,
  type RelationshipKind,
} from '../organisation-events';
import { resolveTimeline, sameTimeline, type KnownChangeDates, type Observation, type RecordedSource, type ResolvedTimeline } from './resolve-timeline';

/** What one source says about the hierarchy: a mapping file on its date, or a publication for its month. */
export interface HierarchyEvidence {
  /** 'gp-reg-pat-prac-map 2025-10-01', 'online-consultation 2025-04'. */
  readonly source: string;
  readonly evidence: EvidenceKind;
  readonly from: string;
  /** Exclusive. */
  readonly to: string;
  /** Whether an organisation it does not name was not open (a mapping file). */
  readonly complete: boolean;
  readonly organisations: readonly ObservedOrganisation[];
}

export interface ObservedOrganisation {
  readonly code: string;
  readonly level: OrganisationLevel;
  readonly name: string;
  readonly postcode: string;
  /** '' states "none" (a practice in no PCN). */
  readonly parents: Readonly<Partial<Record<RelationshipKind, string>>>;
}

export interface PlannedEvent {
  readonly streamId: string;
  /** Stable per source and fact: recording the same evidence again yields the same ids (duplicates). */
  readonly recordId: string;
  readonly event: OrganisationEvent;
  /** The event's occurredAt date. */
  readonly occurredOn: string;
}

/** A practice the evidence places differently from the hierarchy the platform had for that date. */
export interface PlacementDifference {
  readonly practice: string;
  readonly changes: ReadonlyArray<{ readonly level: 'PCN' | 'COMMISSIONER' | 'ICB' | 'REGION'; readonly from: string | null; readonly to: string | null }>;
}

export interface EvidenceSummary {
  readonly practices: number;
  /** Practices placed where the hierarchy already had them on the evidence's date. */
  readonly agreed: number;
  /** Practices the hierarchy did not have open on that date (new to it, or learned from this source). */
  readonly added: number;
  /** Practices placed elsewhere: the hierarchy now follows the evidence, old -> new. */
  readonly differed: readonly PlacementDifference[];
  /** Practices no mapping file names, registered from this source. */
  readonly learned: readonly string[];
  /** Organisations new to the directory, by level. */
  readonly registered: Record<OrganisationLevel, number>;
  /** Organisations this evidence closed (a complete source without them), by level. */
  readonly closed: Record<OrganisationLevel, number>;
  readonly renamed: number;
  /** Organisations whose resolved timeline changed (one OrganisationTimelineResolved each). */
  readonly timelinesChanged: number;
  /** Against the previous complete source (a mapping file), where there is one. */
  readonly sincePrevious: {
    readonly source: string;
    readonly newPractices: number;
    readonly closedPractices: number;
    readonly practicesReparented: number;
    readonly practicesChangingRegion: number;
  } | null;
}

export interface EvidencePlan {
  readonly events: PlannedEvent[];
  readonly summary: EvidenceSummary;
  /** Whether every observation and the source itself were recorded before (nothing to do but complete resolutions). */
  readonly alreadyRecorded: boolean;
}

const LEVELS: OrganisationLevel[] = ['PRACTICE', 'PCN', 'COMMISSIONER', 'ICB', 'REGION', 'NATIONAL'];

/**
 * The events that record a source's evidence and bring every timeline it touches up to date:
 * one OrganisationObserved per organisation it names, the source marker, and one
 * OrganisationTimelineResolved per organisation whose resolved timeline changes. Pure: the caller
 * appends them (observations first, the marker last).
 */
export function planEvidence(directory: OrganisationDirectory, evidence: HierarchyEvidence, knownChangeDates: KnownChangeDates): EvidencePlan {
  const { source } = evidence;
  const events: PlannedEvent[] = [];
  const incoming = new Map<string, Observation>();
  for (const o of evidence.organisations) {
    const parents = new Map<RelationshipKind, string>();
    for (const [kind, parent] of Object.entries(o.parents) as Array<[RelationshipKind, string]>) parents.set(kind, parent);
    incoming.set(o.code, {
      source,
      evidence: evidence.evidence,
      level: o.level,
      name: o.name,
      postcode: o.postcode,
      from: evidence.from,
      to: evidence.to,
      parents,
    });
    const data: EventData<'OrganisationObserved'> = {
      code: o.code,
      level: o.level,
      name: o.name,
      postcode: o.postcode,
      evidence: evidence.evidence,
      source,
      observedFrom: evidence.from,
      observedTo: evidence.to,
      parents: [...parents].map(([relationship, parentCode]) => ({ relationship, parentCode })),
    };
    events.push({
      streamId: organisationStreamId(o.code),
      recordId: `${source}/${o.code}/observed`,
      event: { type: 'OrganisationObserved', data },
      occurredOn: evidence.from,
    });
  }
  const alreadyRecorded =
    directory.source(source) !== undefined && evidence.organisations.every((o) => directory.observationsOf(o.code).some((x) => x.source === source));
  const recordedSource: RecordedSource = { source, evidence: evidence.evidence, from: evidence.from, to: evidence.to, complete: evidence.complete };
  const sources = [...directory.sources().filter((s) => s.source !== source), recordedSource];

  // A complete source can close anything it does not name; a partial one touches only what it names.
  const affected = new Set<string>(incoming.keys());
  if (evidence.complete) for (const code of directory.observedCodes()) affected.add(code);
  const registered = count(LEVELS);
  const closed = count(LEVELS);
  let renamed = 0;
  const timelines = new Map<string, ResolvedTimeline>();
  for (const code of [...affected].sort()) {
    const observations = directory.observationsOf(code).filter((o) => o.source !== source);
    const mine = incoming.get(code);
    if (mine) observations.push(mine);
    const timeline = resolveTimeline(code, observations, sources, knownChangeDates);
    if (!timeline) continue;
    timelines.set(code, timeline);
    const before = directory.resolvedTimeline(code);
    if (before && sameTimeline(before, timeline)) continue;
    const known = directory.organisation(code);
    if (!known) registered[timeline.level]++;
    else {
      if (known.name !== timeline.name) renamed++;
      if (known.closedOn === '' && timeline.closedOn !== '') closed[timeline.level]++;
    }
    const data: EventData<'OrganisationTimelineResolved'> = {
      code,
      level: timeline.level,
      name: timeline.name,
      postcode: timeline.postcode,
      openedOn: timeline.openedOn,
      closedOn: timeline.closedOn,
      parents: timeline.parents.map((p) => ({ ...p })),
      learnedFrom: timeline.learnedFrom,
      observations: observations.length,
    };
    // Named by what it was resolved from and what it says: the same evidence resolves to the same id.
    const digest = createHash('sha256')
      .update(JSON.stringify([observations.map((o) => o.source).sort(), sources.map((s) => s.source).sort(), data]))
      .digest('hex')
      .slice(0, 16);
    events.push({
      streamId: organisationStreamId(code),
      recordId: `resolved/${code}/${digest}`,
      event: { type: 'OrganisationTimelineResolved', data },
      occurredOn: timeline.openedOn || evidence.from,
    });
  }
  events.push({
    streamId: HIERARCHY_SOURCES_STREAM,
    recordId: `${source}/recorded`,
    event: {
      type: 'HierarchySourceRecorded',
      data: {
        source,
        evidence: evidence.evidence,
        observedFrom: evidence.from,
        observedTo: evidence.to,
        complete: evidence.complete,
        organisations: evidence.organisations.length,
      },
    },
    occurredOn: evidence.from,
  });

  return { events, alreadyRecorded, summary: summarise(directory, evidence, sources, timelines, { registered, closed, renamed }, events) };
}

function summarise(
  directory: OrganisationDirectory,
  evidence: HierarchyEvidence,
  sources: readonly RecordedSource[],
  timelines: ReadonlyMap<string, ResolvedTimeline>,
  counts: { registered: Record<OrganisationLevel, number>; closed: Record<OrganisationLevel, number>; renamed: number },
  events: readonly PlannedEvent[],
): EvidenceSummary {
  const byCode = new Map(evidence.organisations.map((o) => [o.code, o]));
  const stated = (practice: ObservedOrganisation): Lineage => {
    const commissioner = practice.parents.COMMISSIONED_BY || null;
    const icb = practice.parents.IN_ICB || (commissioner ? byCode.get(commissioner)?.parents.PART_OF_ICB || null : null);
    return {
      practice: practice.code,
      pcn: practice.parents.MEMBER_OF_PCN || null,
      commissioner,
      icb,
      region: icb ? byCode.get(icb)?.parents.IN_REGION || null : null,
    };
  };
  const practices = evidence.organisations.filter((o) => o.level === 'PRACTICE');
  let agreed = 0;
  let added = 0;
  const differed: PlacementDifference[] = [];
  const learned: string[] = [];
  for (const p of practices) {
    if (timelines.get(p.code)?.learnedFrom === evidence.source && !directory.organisation(p.code)) learned.push(p.code);
    if (!directory.isOpenOn(p.code, evidence.from)) {
      added++;
      continue;
    }
    const before = directory.lineageOn(p.code, evidence.from);
    const now = stated(p);
    const changes = (['pcn', 'commissioner', 'icb', 'region'] as const)
      .filter((level) => before[level] !== now[level])
      .map((level) => ({ level: level.toUpperCase() as PlacementDifference['changes'][number]['level'], from: before[level], to: now[level] }));
    if (changes.length === 0) agreed++;
    else differed.push({ practice: p.code, changes });
  }

  let sincePrevious: EvidenceSummary['sincePrevious'] = null;
  const previous = sources
    .filter((s) => s.complete && s.source !== evidence.source && s.from < evidence.from)
    .sort((a, b) => (a.from < b.from ? -1 : 1))
    .at(-1);
  if (evidence.complete && previous) {
    const inFile = new Set(practices.map((p) => p.code));
    let newPractices = 0;
    let practicesReparented = 0;
    let practicesChangingRegion = 0;
    for (const p of practices) {
      if (!directory.isOpenOn(p.code, previous.from)) {
        newPractices++;
        continue;
      }
      const before = directory.lineageOn(p.code, previous.from);
      const now = stated(p);
      if (before.commissioner !== null && before.commissioner !== now.commissioner) practicesReparented++;
      if (before.region !== null && before.region !== now.region) practicesChangingRegion++;
    }
    const closedPractices = directory
      .all('PRACTICE')
      .filter(
        (o) => directory.isOpenOn(o.code, previous.from) && !inFile.has(o.code) && directory.observationsOf(o.code).some((x) => x.source === previous.source),
      ).length;
    sincePrevious = { source: previous.source, newPractices, closedPractices, practicesReparented, practicesChangingRegion };
  }
  return {
    practices: practices.length,
    agreed,
    added,
    differed: differed.sort((a, b) => (a.practice < b.practice ? -1 : 1)),
    learned: learned.sort(),
    registered: counts.registered,
    closed: counts.closed,
    renamed: counts.renamed,
    timelinesChanged: events.filter((e) => e.event.type === 'OrganisationTimelineResolved').length,
    sincePrevious,
  };
}

function count<K extends string>(keys: K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}
