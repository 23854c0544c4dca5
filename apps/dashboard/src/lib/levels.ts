/**
 * The organisation hierarchy as the dashboard walks it: England -> region -> ICB -> commissioner
 * (sub-ICB location) -> PCN -> practice (docs/organisations.md). Drilling down goes one level.
 */

export const LEVELS = ['PRACTICE', 'PCN', 'COMMISSIONER', 'ICB', 'REGION', 'NATIONAL'] as const;
export type Level = (typeof LEVELS)[number];

/** The level one down from each: the rows of an organisation's overview. */
export const CHILD_LEVEL: Readonly<Record<Level, Level | null>> = {
  NATIONAL: 'REGION',
  REGION: 'ICB',
  ICB: 'COMMISSIONER',
  COMMISSIONER: 'PCN',
  PCN: 'PRACTICE',
  PRACTICE: null,
};

/** Each level in words, singular and plural, as a sentence uses them. */
export const LEVEL_NAMES: Readonly<Record<Level, { readonly one: string; readonly many: string }>> = {
  NATIONAL: { one: 'England', many: 'England' },
  REGION: { one: 'region', many: 'regions' },
  ICB: { one: 'ICB', many: 'ICBs' },
  COMMISSIONER: { one: 'commissioner (sub-ICB location)', many: 'commissioners (sub-ICB locations)' },
  PCN: { one: 'primary care network', many: 'primary care networks' },
  PRACTICE: { one: 'practice', many: 'practices' },
};

/** "Commissioner (sub-ICB location)": a level's name to start a sentence or a caption. */
export function levelTitle(level: Level): string {
  const { one } = LEVEL_NAMES[level];
  return one.charAt(0).toUpperCase() + one.slice(1);
}

export function isLevel(value: unknown): value is Level {
  return typeof value === 'string' && (LEVELS as readonly string[]).includes(value);
}

/** An organisation as roll-up rows and breadcrumbs name it. */
export interface OrganisationRef {
  readonly code: string;
  readonly name: string;
  readonly level: Level;
}

/**
 * Where to ask about an organisation's own figures: a roll-up at its level needs a parent above
 * it, so its nearest ancestor (none for England, and none for a region: England is no parent
 * code the API takes). `ancestors` is nearest first, as the API answers.
 */
export function ownRollupParent(organisation: OrganisationRef, ancestors: readonly OrganisationRef[]): string | null {
  const parent = ancestors[0];
  return parent && parent.level !== 'NATIONAL' ? parent.code : null;
}

/** The parent argument of a roll-up of an organisation's children: the organisation, except England (no parent). */
export function childRollupParent(organisation: OrganisationRef): string | null {
  return organisation.level === 'NATIONAL' ? null : organisation.code;
}

/**
 * The children that skip the level one down: under a commissioner, the practices in no primary
 * care network (the ODS files' PCN code "U"). The API lists them among the commissioner's children,
 * but a roll-up by PCN has no row for them, so the overview lists them on their own (by name), or
 * they could not be reached by drilling down.
 */
export function childrenOutsideChildLevel(organisation: OrganisationRef, children: readonly OrganisationRef[]): OrganisationRef[] {
  const childLevel = CHILD_LEVEL[organisation.level];
  return children.filter((child) => child.level !== childLevel).sort((a, b) => a.name.localeCompare(b.name, 'en-GB') || a.code.localeCompare(b.code));
}
