/**
 * The view as a URL, so every view can be shared and the browser's back and forward buttons work:
 * `/?org=QWE&asOf=2025-12-01&knownAt=2026-01-15T09:00:00Z&measure=compliance&rule=DSPT_MET&practice=A81001`.
 * Pure: parsing never throws (a hand-edited link shows the nearest sensible view and says what it
 * ignored), and serialising then parsing gives the same state.
 */
import { parseIsoDate } from './format';

/** The overview's panels, in page order; `measure` names the one the view opens at. */
export const MEASURES = ['compliance', 'maturity', 'net-zero', 'utilisation', 'incidents'] as const;
export type Measure = (typeof MEASURES)[number];

/** Every rule at once: the API's `allRules`. */
export const ALL_RULES = 'all';

export interface ViewState {
  /** The organisation the overview is about (ODS code; ENG for England). */
  readonly org: string;
  /** The effective date (YYYY-MM-DD). */
  readonly asOf: string;
  /** Only what the platform knew by then (an ISO instant, UTC), or null: everything known now. */
  readonly knownAt: string | null;
  /** The panel the view opens at, or null: the top of the overview. */
  readonly measure: Measure | null;
  /** The compliance rule shown, or ALL_RULES. */
  readonly rule: string;
  /** A practice whose page is open (ODS code), or null: the overview. */
  readonly practice: string | null;
}

export interface ParsedViewState {
  readonly state: ViewState;
  /** What the URL held that could not be used, in words, for the page to say. */
  readonly problems: readonly string[];
}

export const ENGLAND = 'ENG';

const CODE = /^[A-Z0-9]{1,12}$/;
const RULE = /^[A-Z0-9_]{1,80}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** The default view: England today, everything known now. */
export function defaultViewState(today: string): ViewState {
  return { org: ENGLAND, asOf: today, knownAt: null, measure: null, rule: ALL_RULES, practice: null };
}

/** An instant as the URL and the API carry it: UTC, seconds, no milliseconds when there are none. */
export function canonicalInstant(text: string): string | null {
  if (!INSTANT.test(text)) return null;
  const ms = Date.parse(text);
  if (Number.isNaN(ms) || !parseIsoDate(text)) return null;
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function code(value: string | null): string | null {
  const upper = value?.trim().toUpperCase() ?? '';
  return CODE.test(upper) ? upper : null;
}

/** Reads a URL's query string (`?org=...`, with or without the `?`); `today` (YYYY-MM-DD) fills a missing date. */
export function parseViewState(search: string, today: string): ParsedViewState {
  const params = new URLSearchParams(search);
  const state = { ...defaultViewState(today) } as { -readonly [K in keyof ViewState]: ViewState[K] };
  const problems: string[] = [];
  const read = (name: string): string | null => {
    const value = params.get(name);
    return value === null || value.trim() === '' ? null : value.trim();
  };

  const org = read('org');
  if (org !== null) {
    const parsed = code(org);
    if (parsed) state.org = parsed;
    else problems.push(`org '${org}' is not an organisation code (letters and digits, e.g. QWE): showing England`);
  }

  const asOf = read('asOf');
  if (asOf !== null) {
    if (/^\d{4}-\d{2}-\d{2}$/.test(asOf) && parseIsoDate(asOf)) state.asOf = asOf;
    else problems.push(`asOf '${asOf}' is not a calendar date (YYYY-MM-DD): showing ${today}`);
  }

  // A '+' of a zone offset typed into a link arrives as a space.
  const knownAt = read('knownAt')?.replace(/ (\d{2}:\d{2})$/, '+$1') ?? null;
  if (knownAt !== null) {
    const instant = canonicalInstant(knownAt);
    if (instant) state.knownAt = instant;
    else problems.push(`knownAt '${knownAt}' is not a date and time with a zone (e.g. 2026-01-15T09:00:00Z): showing everything known now`);
  }

  const measure = read('measure');
  if (measure !== null) {
    if ((MEASURES as readonly string[]).includes(measure)) state.measure = measure as Measure;
    else problems.push(`measure '${measure}' is not one of ${MEASURES.join(', ')}: showing the whole overview`);
  }

  const rule = read('rule');
  if (rule !== null) {
    if (rule.toLowerCase() === ALL_RULES) state.rule = ALL_RULES;
    else if (RULE.test(rule.toUpperCase())) state.rule = rule.toUpperCase();
    else problems.push(`rule '${rule}' is not a rule id (e.g. BCP_REVIEWED_LAST_12_MONTHS): showing every rule at once`);
  }

  const practice = read('practice');
  if (practice !== null) {
    const parsed = code(practice);
    if (parsed) state.practice = parsed;
    else problems.push(`practice '${practice}' is not a practice code (e.g. A81001): showing the overview`);
  }

  return { state, problems };
}

/** The query string of a view (with its `?`): org and asOf always (a shared link must not drift with today's date), the rest when set. */
export function serializeViewState(state: ViewState): string {
  const params = new URLSearchParams();
  params.set('org', state.org);
  params.set('asOf', state.asOf);
  if (state.knownAt) params.set('knownAt', state.knownAt);
  if (state.measure) params.set('measure', state.measure);
  if (state.rule !== ALL_RULES) params.set('rule', state.rule);
  if (state.practice) params.set('practice', state.practice);
  // URLSearchParams escapes ':' in the instant; it is legal in a query string and reads better as it is.
  return `?${params.toString().replace(/%3A/g, ':')}`;
}

/** Whether two views show the same thing (a history entry is pushed only for a real change). */
export function sameView(a: ViewState, b: ViewState): boolean {
  return serializeViewState(a) === serializeViewState(b);
}
