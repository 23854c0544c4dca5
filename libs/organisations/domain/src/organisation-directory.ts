import type { Observation, RecordedSource, ResolvedTimeline } from './evidence/resolve-timeline';
import { PARENT_LEVEL, type OrganisationEvent, type OrganisationLevel, type RelationshipKind } from './organisation-events';

export interface OrganisationRecord {
  readonly code: string;
  name: string;
  readonly level: OrganisationLevel;
  /** Empty: existed before records begin. */
  readonly openedOn: string;
  closedOn: string;
  readonly postcode: string;
  /** The publication that made it known, when no mapping file names it. */
  readonly learnedFrom: string;
}

/** Bumped whenever the folded state's shape changes: a snapshot of another format is ignored (and rebuilt). */
const DIRECTORY_STATE_FORMAT = 1;

/** The folded state as plain data (JSON-safe). */
export interface DirectoryState {
  readonly format: number;
  readonly organisations: readonly OrganisationRecord[];
  readonly parents: ReadonlyArray<readonly [string, readonly Period[]]>;
  readonly observed: ReadonlyArray<readonly [string, ReadonlyArray<Omit<Observation, 'parents'> & { parents: Array<[RelationshipKind, string]> }>]>;
  readonly sources: readonly RecordedSource[];
  readonly resolved: readonly ResolvedTimeline[];
}

interface Period {
  readonly parent: string;
  readonly from: string;
  to: string;
}

/** The hierarchy path of a practice on a date: each level's code, or null where unknown. */
export interface Lineage {
  readonly practice: string;
  readonly pcn: string | null;
  readonly commissioner: string | null;
  readonly icb: string | null;
  readonly region: string | null;
}

/**
 * Every organisation and every dated parent relationship, folded from the organisation events:
 * answers "who was this practice's commissioner on 31 July 2022" with the hierarchy in force on
 * that date, never today's.
 */
export class OrganisationDirectory {
  private readonly organisations = new Map<string, OrganisationRecord>();
  private readonly parents = new Map<string, Period[]>();
  /** Every observation of every organisation, by code then source: what timelines are resolved from. */
  private readonly observed = new Map<string, Map<string, Observation>>();
  private readonly recordedSources = new Map<string, RecordedSource>();
  /** The last timeline resolved for each organisation. */
  private readonly resolved = new Map<string, ResolvedTimeline>();

  apply(event: OrganisationEvent): void {
    switch (event.type) {
      case 'OrganisationRegistered': {
        const d = event.data;
        // The importer always names a level; an event without one places nothing.
        if (d.level === 'ORGANISATION_LEVEL_UNSPECIFIED') return;
        if (!this.organisations.has(d.code)) {
          this.organisations.set(d.code, {
            code: d.code,
            name: d.name,
            level: d.level,
            openedOn: d.effectiveFrom,
            closedOn: '',
            postcode: d.postcode,
            learnedFrom: '',
          });
        }
        return;
      }
      case 'OrganisationObserved': {
        const d = event.data;
        if (d.level === 'ORGANISATION_LEVEL_UNSPECIFIED' || d.evidence === 'EVIDENCE_KIND_UNSPECIFIED') return;
        const parents = new Map<RelationshipKind, string>();
        // Nested messages' fields are optional in the JSON form: an absent one is its default.
        for (const p of d.parents) if (p.relationship && p.relationship !== 'RELATIONSHIP_KIND_UNSPECIFIED') parents.set(p.relationship, p.parentCode ?? '');
        const byCode = this.observed.get(d.code) ?? new Map<string, Observation>();
        byCode.set(d.source, {
          source: d.source,
          evidence: d.evidence,
          level: d.level,
          name: d.name,
          postcode: d.postcode,
          from: d.observedFrom,
          to: d.observedTo,
          parents,
        });
        this.observed.set(d.code, byCode);
        return;
      }
      case 'HierarchySourceRecorded': {
        const d = event.data;
        if (d.evidence === 'EVIDENCE_KIND_UNSPECIFIED') return;
        this.recordedSources.set(d.source, { source: d.source, evidence: d.evidence, from: d.observedFrom, to: d.observedTo, complete: d.complete });
        return;
      }
      case 'OrganisationTimelineResolved': {
        const d = event.data;
        if (d.level === 'ORGANISATION_LEVEL_UNSPECIFIED') return;
        // Replaces everything known about the organisation before.
        this.organisations.set(d.code, {
          code: d.code,
          name: d.name,
          level: d.level,
          openedOn: d.openedOn,
          closedOn: d.closedOn,
          postcode: d.postcode,
          learnedFrom: d.learnedFrom,
        });
        for (const kind of Object.keys(PARENT_LEVEL) as RelationshipKind[]) this.parents.delete(key(d.code, kind));
        const parents: ResolvedTimeline['parents'][number][] = [];
        for (const p of d.parents) {
          if (!p.relationship || p.relationship === 'RELATIONSHIP_KIND_UNSPECIFIED') continue;
          const period = {
            relationship: p.relationship,
            parentCode: p.parentCode ?? '',
            effectiveFrom: p.effectiveFrom ?? '',
            effectiveTo: p.effectiveTo ?? '',
          };
          parents.push(period);
          const k = key(d.code, p.relationship);
          const periods = this.parents.get(k) ?? [];
          periods.push({ parent: period.parentCode, from: period.effectiveFrom, to: period.effectiveTo });
          periods.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
          this.parents.set(k, periods);
        }
        this.resolved.set(d.code, {
          code: d.code,
          level: d.level,
          name: d.name,
          postcode: d.postcode,
          openedOn: d.openedOn,
          closedOn: d.closedOn,
          parents,
          learnedFrom: d.learnedFrom,
        });
        return;
      }
      case 'OrganisationRenamed': {
        const org = this.organisations.get(event.data.code);
        if (org) org.name = event.data.name;
        return;
      }
      case 'OrganisationClosed': {
        const org = this.organisations.get(event.data.code);
        if (org) org.closedOn = event.data.closedOn;
        // Relationships end with the organisation.
        for (const kind of Object.keys(PARENT_LEVEL) as RelationshipKind[]) {
          const open = this.parents.get(key(event.data.code, kind))?.find((p) => p.to === '');
          if (open) open.to = event.data.closedOn;
        }
        return;
      }
      case 'OrganisationRelationshipChanged': {
        const d = event.data;
        if (d.relationship === 'RELATIONSHIP_KIND_UNSPECIFIED') return;
        const k = key(d.childCode, d.relationship);
        const periods = this.parents.get(k) ?? [];
        // A new parent ends the one in force before it.
        for (const p of periods) if (p.to === '' && d.effectiveFrom !== '' && (p.from === '' || p.from < d.effectiveFrom)) p.to = d.effectiveFrom;
        periods.push({ parent: d.parentCode, from: d.effectiveFrom, to: d.effectiveTo });
        periods.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
        this.parents.set(k, periods);
        return;
      }
    }
  }

  /** The whole folded state as plain data (for a snapshot: `fromState` gives the same directory back). */
  exportState(): DirectoryState {
    return {
      format: DIRECTORY_STATE_FORMAT,
      organisations: [...this.organisations.values()].map((o) => ({ ...o })),
      parents: [...this.parents].map(([k, periods]) => [k, periods.map((p) => ({ ...p }))]),
      observed: [...this.observed].map(([code, bySource]) => [code, [...bySource.values()].map((o) => ({ ...o, parents: [...o.parents] }))]),
      sources: [...this.recordedSources.values()],
      resolved: [...this.resolved.values()],
    };
  }

  /** A directory from `exportState`'s data; null when the data is of another format (an older platform's snapshot). */
  static fromState(state: DirectoryState): OrganisationDirectory | null {
    if (state?.format !== DIRECTORY_STATE_FORMAT) return null;
    const directory = new OrganisationDirectory();
    for (const o of state.organisations) directory.organisations.set(o.code, { ...o });
    for (const [k, periods] of state.parents)
      directory.parents.set(
        k,
        periods.map((p) => ({ ...p })),
      );
    for (const [code, observations] of state.observed)
      directory.observed.set(code, new Map(observations.map((o) => [o.source, { ...o, parents: new Map(o.parents) }])));
    for (const s of state.sources) directory.recordedSources.set(s.source, s);
    for (const r of state.resolved) directory.resolved.set(r.code, r);
    return directory;
  }

  get size(): number {
    return this.organisations.size;
  }

  organisation(code: string): OrganisationRecord | undefined {
    return this.organisations.get(code);
  }

  all(level?: OrganisationLevel): OrganisationRecord[] {
    return [...this.organisations.values()].filter((o) => level === undefined || o.level === level);
  }

  /** Whether the organisation existed on the date (open-ended where the records do not say). */
  isOpenOn(code: string, date: string): boolean {
    const org = this.organisations.get(code);
    if (!org) return false;
    return (org.openedOn === '' || org.openedOn <= date) && (org.closedOn === '' || date < org.closedOn);
  }

  parentOn(child: string, relationship: RelationshipKind, date: string): string | null {
    const periods = this.parents.get(key(child, relationship));
    const period = periods?.find((p) => (p.from === '' || p.from <= date) && (p.to === '' || date < p.to));
    return period?.parent || null; // '' records "no parent from then on"
  }

  commissionerOn(practice: string, date: string): string | null {
    return this.parentOn(practice, 'COMMISSIONED_BY', date);
  }

  /**
   * Every parent in force on some day from `from` to `to` (inclusive), in date order, each once;
   * null stands for days with none. The parent only changes where a period starts or ends, so
   * those days (and `from`) are the ones to ask about.
   */
  parentsDuring(child: string, relationship: RelationshipKind, from: string, to: string): Array<string | null> {
    const days = new Set([from]);
    for (const p of this.parents.get(key(child, relationship)) ?? [])
      for (const day of [p.from, p.to]) if (day !== '' && day > from && day <= to) days.add(day);
    return [...new Set([...days].sort().map((day) => this.parentOn(child, relationship, day)))];
  }

  commissionersDuring(practice: string, from: string, to: string): Array<string | null> {
    return this.parentsDuring(practice, 'COMMISSIONED_BY', from, to);
  }

  /** The observations recorded for an organisation, by source. */
  observationsOf(code: string): readonly Observation[] {
    return [...(this.observed.get(code)?.values() ?? [])];
  }

  /** Codes with at least one observation. */
  observedCodes(): IterableIterator<string> {
    return this.observed.keys();
  }

  sources(): readonly RecordedSource[] {
    return [...this.recordedSources.values()];
  }

  source(name: string): RecordedSource | undefined {
    return this.recordedSources.get(name);
  }

  /** The timeline last resolved for an organisation, if one was. */
  resolvedTimeline(code: string): ResolvedTimeline | undefined {
    return this.resolved.get(code);
  }

  /**
   * A practice's lineage: its PCN and commissioner, its ICB as a source placed the practice itself
   * (IN_ICB) or else its commissioner's, and that ICB's region.
   */
  lineageOn(practice: string, date: string): Lineage {
    const commissioner = this.parentOn(practice, 'COMMISSIONED_BY', date);
    const icb = this.parentOn(practice, 'IN_ICB', date) ?? (commissioner ? this.parentOn(commissioner, 'PART_OF_ICB', date) : null);
    return {
      practice,
      pcn: this.parentOn(practice, 'MEMBER_OF_PCN', date),
      commissioner,
      icb,
      region: icb ? this.parentOn(icb, 'IN_REGION', date) : null,
    };
  }
}

function key(child: string, relationship: RelationshipKind): string {
  return `${child}\u0000${relationship}`;
}
