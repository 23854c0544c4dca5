import type { HierarchySnapshot } from './mapping-snapshot';
import type { OrganisationDirectory } from './organisation-directory';
import { nextDay, organisationStreamId, type OrganisationEvent, type OrganisationLevel, type RelationshipKind } from './organisation-events';

/** The source system of events derived from the national practice mapping files. */
export const ODS_SOURCE_SYSTEM = 'ods-practice-mapping';

export interface PlannedEvent {
  readonly streamId: string;
  /** Stable per snapshot and fact: re-importing a file yields the same ids (duplicates). */
  readonly recordId: string;
  readonly event: OrganisationEvent;
}

export interface SnapshotDiffOptions {
  /** The date of the snapshot the directory was last brought up to, or null for the first import. */
  readonly previousSnapshot: string | null;
  /**
   * Dates on which changes of a relationship kind are known to take effect, e.g. 1 July 2022 for
   * commissioners (CCGs became sub-ICB locations of ICBs). A change seen between two snapshots
   * takes the first such date after the earlier one; otherwise the later snapshot's date.
   */
  readonly knownChangeDates: Readonly<Partial<Record<RelationshipKind, readonly string[]>>>;
}

export interface SnapshotDiff {
  readonly events: PlannedEvent[];
  readonly summary: {
    readonly registered: Record<OrganisationLevel, number>;
    readonly renamed: number;
    readonly closed: Record<OrganisationLevel, number>;
    readonly relationshipChanges: Record<RelationshipKind, number>;
    /** Practices whose commissioner changed. */
    readonly practicesReparented: number;
    /** Practices whose NHS England region changed (through their commissioner and ICB). */
    readonly practicesChangingRegion: number;
    readonly newPractices: number;
    readonly closedPractices: number;
  };
}

const LEVELS: OrganisationLevel[] = ['PRACTICE', 'PCN', 'COMMISSIONER', 'ICB', 'REGION', 'NATIONAL'];
const KINDS: RelationshipKind[] = ['MEMBER_OF_PCN', 'COMMISSIONED_BY', 'PART_OF_ICB', 'IN_REGION'];

/**
 * The events that bring the directory up to a snapshot: new organisations, names, parents and
 * closures, each dated by the rules in docs/organisations.md. Pure: the caller appends them.
 */
export function diffSnapshot(directory: OrganisationDirectory, snapshot: HierarchySnapshot, options: SnapshotDiffOptions): SnapshotDiff {
  const first = options.previousSnapshot === null;
  // First sight in a later snapshot: it appeared after the previous one, at the earliest the next day.
  const appearedFrom = first ? '' : nextDay(options.previousSnapshot!);
  const events: PlannedEvent[] = [];
  const count = <K extends string>(keys: K[]): Record<K, number> => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  const registered = count(LEVELS);
  const closed = count(LEVELS);
  const relationshipChanges = count(KINDS);
  let renamed = 0;
  const plan = (code: string, fact: string, event: OrganisationEvent): void => {
    events.push({ streamId: organisationStreamId(code), recordId: `${snapshot.date}/${code}/${fact}`, event });
  };

  // Organisations, parents before children, each once.
  const organisations = new Map<string, { level: OrganisationLevel; name: string; postcode: string }>();
  // parent '' means "none from then on" (a practice leaving every PCN).
  const relationships = new Map<string, { child: string; parent: string; kind: RelationshipKind }>();
  const relate = (child: string, parent: string, kind: RelationshipKind): void => {
    relationships.set(`${child}/${kind}`, { child, parent, kind });
  };
  for (const p of snapshot.practices) {
    organisations.set(p.region.code, { level: 'REGION', name: p.region.name, postcode: '' });
    organisations.set(p.icb.code, { level: 'ICB', name: p.icb.name, postcode: '' });
    organisations.set(p.commissioner.code, { level: 'COMMISSIONER', name: p.commissioner.name, postcode: '' });
    if (p.pcn) organisations.set(p.pcn.code, { level: 'PCN', name: p.pcn.name, postcode: '' });
    relate(p.icb.code, p.region.code, 'IN_REGION');
    relate(p.commissioner.code, p.icb.code, 'PART_OF_ICB');
  }
  for (const p of snapshot.practices) {
    organisations.set(p.code, { level: 'PRACTICE', name: p.name, postcode: p.postcode });
    relate(p.code, p.pcn?.code ?? '', 'MEMBER_OF_PCN');
    relate(p.code, p.commissioner.code, 'COMMISSIONED_BY');
  }

  const newlyRegistered = new Set<string>();
  for (const [code, org] of organisations) {
    const known = directory.organisation(code);
    if (!known) {
      newlyRegistered.add(code);
      registered[org.level]++;
      plan(code, 'registered', {
        type: 'OrganisationRegistered',
        data: { code, name: org.name, level: org.level, effectiveFrom: appearedFrom, postcode: org.postcode },
      });
    } else if (known.name !== org.name) {
      renamed++;
      plan(code, 'renamed', { type: 'OrganisationRenamed', data: { code, name: org.name, effectiveFrom: snapshot.date } });
    }
  }

  for (const { child, parent, kind } of relationships.values()) {
    const current = directory.currentParent(child, kind);
    if (current === parent || (current === null && parent === '')) continue;
    const effectiveFrom = current === null ? (newlyRegistered.has(child) ? appearedFrom : snapshot.date) : changeDate(kind, options, snapshot.date);
    relationshipChanges[kind]++;
    plan(child, `${kind}`, {
      type: 'OrganisationRelationshipChanged',
      data: { childCode: child, parentCode: parent, relationship: kind, effectiveFrom, effectiveTo: '' },
    });
  }

  // Whatever the directory holds open and the snapshot no longer names has closed by its date.
  for (const org of directory.all()) {
    if (org.closedOn !== '' || organisations.has(org.code) || org.level === 'NATIONAL') continue;
    closed[org.level]++;
    plan(org.code, 'closed', { type: 'OrganisationClosed', data: { code: org.code, closedOn: snapshot.date, successorCode: '' } });
  }

  // Practice-level effects, for the summary.
  let practicesReparented = 0;
  let practicesChangingRegion = 0;
  if (!first) {
    const regionOf = new Map<string, string>();
    for (const p of snapshot.practices) regionOf.set(p.code, p.region.code);
    for (const p of snapshot.practices) {
      if (newlyRegistered.has(p.code)) continue;
      const before = directory.lineageOn(p.code, options.previousSnapshot!);
      if (before.commissioner !== null && before.commissioner !== p.commissioner.code) practicesReparented++;
      if (before.region !== null && before.region !== regionOf.get(p.code)) practicesChangingRegion++;
    }
  }

  return {
    events,
    summary: {
      registered,
      renamed,
      closed,
      relationshipChanges,
      practicesReparented,
      practicesChangingRegion,
      newPractices: first ? 0 : registered.PRACTICE,
      closedPractices: closed.PRACTICE,
    },
  };
}

function changeDate(kind: RelationshipKind, options: SnapshotDiffOptions, snapshotDate: string): string {
  const previous = options.previousSnapshot ?? '';
  const known = (options.knownChangeDates[kind] ?? []).filter((d) => d > previous && d <= snapshotDate).sort();
  return known[0] ?? snapshotDate;
}
