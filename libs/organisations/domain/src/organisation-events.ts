import type { EventData, EvidenceKindJson, FactOf, OrganisationLevelJson, RelationshipKindJson } from '@gpds/shared-contracts';

/**
 * Organisation reference events as stored: the proto3 JSON form of gpds.events.v1, typed by
 * the generated contracts. Dates: 'YYYY-MM-DD'; '' where the contract allows an empty date
 * (an organisation that existed before records begin, a relationship still in force).
 */
export type OrganisationLevel = Exclude<OrganisationLevelJson, 'ORGANISATION_LEVEL_UNSPECIFIED'>;
export type RelationshipKind = Exclude<RelationshipKindJson, 'RELATIONSHIP_KIND_UNSPECIFIED'>;

export type OrganisationRegistered = EventData<'OrganisationRegistered'>;
export type OrganisationRenamed = EventData<'OrganisationRenamed'>;
export type OrganisationRelationshipChanged = EventData<'OrganisationRelationshipChanged'>;
export type OrganisationClosed = EventData<'OrganisationClosed'>;
export type OrganisationObserved = EventData<'OrganisationObserved'>;
export type HierarchySourceRecorded = EventData<'HierarchySourceRecorded'>;
export type OrganisationTimelineResolved = EventData<'OrganisationTimelineResolved'>;
export type EvidenceKind = Exclude<EvidenceKindJson, 'EVIDENCE_KIND_UNSPECIFIED'>;

export type OrganisationEvent = { [T in OrganisationEventType]: Omit<FactOf<T>, 'occurredAt'> }[OrganisationEventType];
type OrganisationEventType =
  | 'OrganisationRegistered'
  | 'OrganisationRenamed'
  | 'OrganisationRelationshipChanged'
  | 'OrganisationClosed'
  | 'OrganisationObserved'
  | 'HierarchySourceRecorded'
  | 'OrganisationTimelineResolved';

export const ORGANISATION_EVENT_TYPES: ReadonlySet<string> = new Set<OrganisationEventType>([
  'OrganisationRegistered',
  'OrganisationRenamed',
  'OrganisationRelationshipChanged',
  'OrganisationClosed',
  'OrganisationObserved',
  'HierarchySourceRecorded',
  'OrganisationTimelineResolved',
]);

/** The level a relationship's parent is at. */
export const PARENT_LEVEL: Readonly<Record<RelationshipKind, OrganisationLevel>> = {
  MEMBER_OF_PCN: 'PCN',
  COMMISSIONED_BY: 'COMMISSIONER',
  PART_OF_ICB: 'ICB',
  IN_REGION: 'REGION',
  IN_ICB: 'ICB',
};

/** Stream of an organisation's reference events. */
export function organisationStreamId(code: string): string {
  return `organisation-${code}`;
}

/** The stream of the hierarchy's sources (which mapping files and publications are recorded). */
export const HIERARCHY_SOURCES_STREAM = 'organisation-sources';

/** 'YYYY-MM-DD' of the day after `date`. */
export function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

export function isIsoDate(value: string): boolean {
  // Checked by arithmetic, not by a Date round trip: this runs for every date of every record.
  if (typeof value !== 'string' || value.length !== 10 || !ISO_DATE.test(value)) return false;
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(5, 7));
  const day = Number(value.slice(8, 10));
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 ? (leap ? 29 : 28) : DAYS_IN_MONTH[month - 1]!);
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;
