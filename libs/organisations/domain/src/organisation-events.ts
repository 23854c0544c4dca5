/** Organisation reference events as stored (the proto3 JSON form of gpds.events.v1). Dates: 'YYYY-MM-DD'. */
export type OrganisationLevel = 'PRACTICE' | 'PCN' | 'COMMISSIONER' | 'ICB' | 'REGION' | 'NATIONAL';
export type RelationshipKind = 'MEMBER_OF_PCN' | 'COMMISSIONED_BY' | 'PART_OF_ICB' | 'IN_REGION';

export interface OrganisationRegistered {
  readonly code: string;
  readonly name: string;
  readonly level: OrganisationLevel;
  /** Empty when it existed before records begin. */
  readonly effectiveFrom: string;
  readonly postcode: string;
}

export interface OrganisationRenamed {
  readonly code: string;
  readonly name: string;
  readonly effectiveFrom: string;
}

export interface OrganisationRelationshipChanged {
  readonly childCode: string;
  readonly parentCode: string;
  readonly relationship: RelationshipKind;
  /** Inclusive; empty when it held before records begin. */
  readonly effectiveFrom: string;
  /** Exclusive; empty while in force. */
  readonly effectiveTo: string;
}

export interface OrganisationClosed {
  readonly code: string;
  readonly closedOn: string;
  readonly successorCode: string;
}

export type OrganisationEvent =
  | { readonly type: 'OrganisationRegistered'; readonly data: OrganisationRegistered }
  | { readonly type: 'OrganisationRenamed'; readonly data: OrganisationRenamed }
  | { readonly type: 'OrganisationRelationshipChanged'; readonly data: OrganisationRelationshipChanged }
  | { readonly type: 'OrganisationClosed'; readonly data: OrganisationClosed };

export const ORGANISATION_EVENT_TYPES: ReadonlySet<string> = new Set([
  'OrganisationRegistered',
  'OrganisationRenamed',
  'OrganisationRelationshipChanged',
  'OrganisationClosed',
]);

/** The level a relationship's parent is at. */
export const PARENT_LEVEL: Readonly<Record<RelationshipKind, OrganisationLevel>> = {
  MEMBER_OF_PCN: 'PCN',
  COMMISSIONED_BY: 'COMMISSIONER',
  PART_OF_ICB: 'ICB',
  IN_REGION: 'REGION',
};

/** Stream of an organisation's reference events. */
export function organisationStreamId(code: string): string {
  return `organisation-${code}`;
}

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
