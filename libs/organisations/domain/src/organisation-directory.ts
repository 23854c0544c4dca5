import { PARENT_LEVEL, type OrganisationEvent, type OrganisationLevel, type RelationshipKind } from './organisation-events';

export interface OrganisationRecord {
  readonly code: string;
  name: string;
  readonly level: OrganisationLevel;
  /** Empty: existed before records begin. */
  readonly openedOn: string;
  closedOn: string;
  readonly postcode: string;
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

  apply(event: OrganisationEvent): void {
    switch (event.type) {
      case 'OrganisationRegistered': {
        const d = event.data;
        // The importer always names a level; an event without one places nothing.
        if (d.level === 'ORGANISATION_LEVEL_UNSPECIFIED') return;
        if (!this.organisations.has(d.code)) {
          this.organisations.set(d.code, { code: d.code, name: d.name, level: d.level, openedOn: d.effectiveFrom, closedOn: '', postcode: d.postcode });
        }
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

  /** The latest parent, whatever the date: what a new snapshot is compared with. */
  currentParent(child: string, relationship: RelationshipKind): string | null {
    const periods = this.parents.get(key(child, relationship));
    return periods?.find((p) => p.to === '')?.parent || null;
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

  lineageOn(practice: string, date: string): Lineage {
    const commissioner = this.parentOn(practice, 'COMMISSIONED_BY', date);
    const icb = commissioner ? this.parentOn(commissioner, 'PART_OF_ICB', date) : null;
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
