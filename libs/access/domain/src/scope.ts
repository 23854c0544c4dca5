import { ENGLAND, type Principal } from './principal';

/** The levels of the organisation hierarchy, lowest first (the reporting API's Level). */
export const SCOPE_LEVELS = ['PRACTICE', 'PCN', 'COMMISSIONER', 'ICB', 'REGION', 'NATIONAL'] as const;
export type ScopeLevel = (typeof SCOPE_LEVELS)[number];

/**
 * What a question reads, as the scope rule sees it (docs/security.md):
 * - `rollup`: figures per organisation at `level` under `parent` (utilisation, adoption,
 *   coverage, carbon, Net Zero, compliance shares, maturity). Published anyway at or above the
 *   principal's scope level: visible to every analyst there; below it only under the scope.
 * - `restricted`: incidents, breaches, losses of record access and non-compliance lists, at any
 *   level: only under the scope.
 * - `organisation`: one organisation's directory entry, or the organisations one level down
 *   (`level` is the level of what is shown): as a roll-up.
 * - `practice`: a practice's state, timeline, outcomes with their explanations and maturity
 *   inputs: only within the scope.
 */
export type ScopedRead =
  | { readonly kind: 'rollup'; readonly parent: string; readonly level: ScopeLevel }
  | { readonly kind: 'restricted'; readonly parent: string }
  | { readonly kind: 'organisation'; readonly code: string; readonly level: ScopeLevel }
  | { readonly kind: 'practice'; readonly code: string };

/** The principal's scope as the hierarchy has it on the date asked about. */
export interface ResolvedScope {
  readonly code: string;
  readonly name: string;
  /** Null when the scope is not an organisation of the hierarchy on that date (then only published roll-ups above every level... none: nothing in detail). */
  readonly level: ScopeLevel | null;
}

/** Asked outside the principal's scope: FORBIDDEN, naming the scope (never a silently empty answer). */
export class OutOfScopeError extends Error {
  constructor(
    message: string,
    readonly scope: string,
    readonly organisation: string,
  ) {
    super(message);
    this.name = 'OutOfScopeError';
  }
}

/** Whether `organisation` is the scope or under it on the date asked about (the hierarchy's ancestors). */
export type WithinScope = (organisation: string) => Promise<boolean>;

function rank(level: ScopeLevel): number {
  return SCOPE_LEVELS.indexOf(level);
}

/**
 * The scope rule, the one place it is decided: resolves when `principal` may read `read` on
 * `asOf`, throws OutOfScopeError otherwise. England's scope reads everything without a look at
 * the hierarchy.
 */
export async function checkScope(
  principal: Pick<Principal, 'scope'>,
  read: ScopedRead,
  context: { readonly asOf: string; readonly scope: () => Promise<ResolvedScope>; readonly within: WithinScope },
): Promise<void> {
  if (principal.scope === ENGLAND) return;
  const scope = await context.scope();
  const publishedAtLevel = (level: ScopeLevel): boolean => scope.level !== null && rank(level) >= rank(scope.level);
  const target = read.kind === 'organisation' || read.kind === 'practice' ? read.code : read.parent;
  if ((read.kind === 'rollup' || read.kind === 'organisation') && publishedAtLevel(read.level)) return;
  if (await context.within(target)) return;
  const named = `${scope.code}${scope.name && scope.name !== scope.code ? ` (${scope.name})` : ''}`;
  const what =
    read.kind === 'restricted'
      ? 'incidents, breaches, losses of record access and non-compliance lists'
      : read.kind === 'practice'
        ? "a practice's state, timeline, outcomes, explanations and index inputs"
        : `figures below the ${scope.level ?? 'scope'} level`;
  throw new OutOfScopeError(
    `your scope is ${named}: ${what} are visible only for organisations within it on ${context.asOf}, and ${target === ENGLAND ? 'England as a whole' : target} is not; ask about ${scope.code} or an organisation under it`,
    scope.code,
    target,
  );
}
