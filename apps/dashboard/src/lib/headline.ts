/**
 * The time-travel check: with "as known at" set, the overview's headline figure (its
 * organisation's compliance counts, every rule at once and each rule) is also asked as known
 * today, and the page says how many of its figures differ, so a reader reproducing a published
 * figure sees at once whether later data changed it.
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

/**
 * How many figures differ between the answer as known then and as known today: a figure present
 * in one and missing in the other (nothing known then) differs.
 */
export function countDifferences(then: HeadlineFigures | null, today: HeadlineFigures | null): { readonly compared: number; readonly differing: number } {
  const a = headlineFigures(then);
  const b = headlineFigures(today);
  const names = new Set([...a.keys(), ...b.keys()]);
  let differing = 0;
  for (const name of names) if (a.get(name) !== b.get(name)) differing++;
  return { compared: names.size, differing };
}

/** The note the page shows: "3 figures differ from what is known today", or that none does. */
export function differenceNote(differing: number): string {
  if (differing === 0) return 'These figures are the same as what is known today.';
  return `${differing.toLocaleString('en-GB')} ${differing === 1 ? 'figure differs' : 'figures differ'} from what is known today.`;
}
