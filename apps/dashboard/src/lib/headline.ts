/**
 * The time-travel check: with "as known at" set, the overview's headline figure (its
 * organisation's compliance counts, every rule at once and each rule) is also asked as known
 * today, and the page says how many of its figures differ, for which rules, and under which of
 * the organisations one level down, so a reader reproducing a published figure sees at once
 * whether later data changed it, and where.
 */

export interface CountsLike {
  readonly compliant: number;
  readonly nonCompliant: number;
  readonly unknown: number;
  readonly evaluated: number;
}

export interface HeadlineFigures {
  readonly allRules: CountsLike;
  readonly rules: readonly (CountsLike & { readonly rule: { readonly id: string } })[];
}

const FIELDS = ['compliant', 'nonCompliant', 'unknown', 'evaluated'] as const;

/** Every figure of a headline, by name ("all.compliant", "DSPT_STANDARDS_MET.unknown"...); none when nothing was known. */
export function headlineFigures(headline: HeadlineFigures | null): Map<string, number> {
  const figures = new Map<string, number>();
  if (!headline) return figures;
  for (const field of FIELDS) figures.set(`all.${field}`, headline.allRules[field]);
  for (const rule of headline.rules) for (const field of FIELDS) figures.set(`${rule.rule.id}.${field}`, rule[field]);
  return figures;
}

/** The names of every figure of either answer, and of those that differ (in the headline's order). */
function compare(then: HeadlineFigures | null, today: HeadlineFigures | null): { readonly names: readonly string[]; readonly differing: readonly string[] } {
  const a = headlineFigures(then);
  const b = headlineFigures(today);
  const names = [...new Set([...a.keys(), ...b.keys()])];
  return { names, differing: names.filter((name) => a.get(name) !== b.get(name)) };
}

/**
 * How many figures differ between the answer as known then and as known today: a figure present
 * in one and missing in the other (nothing known then) differs.
 */
export function countDifferences(then: HeadlineFigures | null, today: HeadlineFigures | null): { readonly compared: number; readonly differing: number } {
  const { names, differing } = compare(then, today);
  return { compared: names.length, differing: differing.length };
}

/** Every rule at once, as the figures' names write it ("all.compliant"). */
export const EVERY_RULE = 'all';

export interface RuleDifference {
  /** A rule's id, or EVERY_RULE. */
  readonly rule: string;
  readonly differing: number;
}

/**
 * Which rules' figures differ, and how many of each rule's four: every rule at once first, then
 * the rules in the catalogue's order (the API's), rules with none differing left out. The note
 * names them, so a reader reproducing a figure knows which rule later data changed.
 */
export function differencesByRule(then: HeadlineFigures | null, today: HeadlineFigures | null): RuleDifference[] {
  const byRule = new Map<string, number>();
  for (const name of compare(then, today).differing) {
    const rule = name.slice(0, name.lastIndexOf('.'));
    byRule.set(rule, (byRule.get(rule) ?? 0) + 1);
  }
  return [...byRule].map(([rule, differing]) => ({ rule, differing }));
}

export interface OrganisationDifference<Org> {
  readonly organisation: Org;
  readonly differing: number;
}

/**
 * Which of the organisations one level down have figures that differ between then and today,
 * matched by code (one known on one side only differs in every figure): most differing first,
 * then by name. Where a figure changed is as useful as that it did: the reader goes to that
 * organisation next.
 */
export function differencesByOrganisation<Org extends { readonly code: string; readonly name: string }>(
  then: readonly (HeadlineFigures & { readonly organisation: Org })[],
  today: readonly (HeadlineFigures & { readonly organisation: Org })[],
): OrganisationDifference<Org>[] {
  const before = new Map(then.map((row) => [row.organisation.code, row]));
  const now = new Map(today.map((row) => [row.organisation.code, row]));
  const differences: OrganisationDifference<Org>[] = [];
  for (const code of new Set([...before.keys(), ...now.keys()])) {
    const a = before.get(code) ?? null;
    const b = now.get(code) ?? null;
    const row = a ?? b;
    const differing = countDifferences(a, b).differing;
    if (row && differing > 0) differences.push({ organisation: row.organisation, differing });
  }
  return differences.sort((x, y) => y.differing - x.differing || x.organisation.name.localeCompare(y.organisation.name, 'en-GB'));
}

/** Lines a note lists before "and N more": enough to act on, short enough to read. */
export const NOTE_LINES = 5;

/** The first `cap` items, and how many were left out. */
export function capped<T>(items: readonly T[], cap = NOTE_LINES): { readonly shown: readonly T[]; readonly more: number } {
  return { shown: items.slice(0, cap), more: Math.max(0, items.length - cap) };
}

function figures(count: number): string {
  return `${count.toLocaleString('en-GB')} ${count === 1 ? 'figure differs' : 'figures differ'}`;
}

/** "Business continuity plan reviewed: 3 figures differ for 15A" (`title` of the rule, or of every rule at once). */
export function ruleDifferenceLine(difference: RuleDifference, title: string, organisationCode: string): string {
  return `${title}: ${figures(difference.differing)} for ${organisationCode}`;
}

/** "NHS Oxfordshire PCN (U12345): 4 figures differ". */
export function organisationDifferenceLine(difference: OrganisationDifference<{ readonly code: string; readonly name: string }>): string {
  return `${difference.organisation.name} (${difference.organisation.code}): ${figures(difference.differing)}`;
}

/** "and 3 more rules", or nothing. */
export function moreLine(more: number, one: string, many: string): string | null {
  return more > 0 ? `and ${more.toLocaleString('en-GB')} more ${more === 1 ? one : many}` : null;
}

/** The note the page shows: "3 figures differ from what is known today", or that none does. */
export function differenceNote(differing: number): string {
  if (differing === 0) return 'These figures are the same as what is known today.';
  return `${differing.toLocaleString('en-GB')} ${differing === 1 ? 'figure differs' : 'figures differ'} from what is known today.`;
}
