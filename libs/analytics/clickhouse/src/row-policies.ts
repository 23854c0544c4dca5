import { BI_VIEWS, DATABASES, type BiViewName } from './names';

/**
 * ClickHouse row policies for scoped BI users (server mode; docs/security.md). A BI user (Power
 * BI, Tableau, a commissioner's data team reading ClickHouse directly) gets a scope: England, a
 * region, an ICB or a commissioner. The rule is the reporting API's (libs/access/domain, scope.ts):
 * practice-level rows, and everything about incidents, breaches, losses of record access and
 * non-compliance, only for organisations within the scope; roll-ups at or above the scope's level,
 * published anyway, stay visible.
 *
 * The policies are AS RESTRICTIVE: ClickHouse ANDs restrictive policies with whatever else applies
 * to the user, so a permissive policy somebody adds later (`USING 1 TO ALL`, say) cannot widen a
 * scope, while ClickHouse's permissive default would OR them together. A user therefore has one
 * scope: the policies are named after the user alone (`gpds_scope_<user>`), and generating them
 * again with another scope replaces them in place. England's scope is no policy at all: its
 * statements drop any the user had.
 *
 * A view without a policy is read whole by anyone granted it (ClickHouse's
 * `users_without_row_policies_can_read_rows`, true by default since 24.1), so a scoped user must
 * be granted exactly the views biScopedGrants lists, never `bi.*`: a view added later is then
 * invisible to the user until it has been classified here.
 */

/** How a `bi` view's rows are limited to a scope (every view is classified: a new one fails to compile until it is). */
export type BiViewScoping =
  /** Published anyway, or reference data: the organisation directory, rule catalogues, index definitions, trajectories. No policy. */
  | { readonly kind: 'published' }
  /** The platform's own operations (projection_errors holds refused rows of any table as text): not granted to scoped users. */
  | { readonly kind: 'operational' }
  /**
   * One row per organisation (a practice, or a commissioner for its own incidents) carrying its
   * parents on the view's as_of (pcn_code ... region_code): kept when the scope is the organisation
   * or one of those parents, so by the hierarchy in force on the day the row is about.
   */
  | { readonly kind: 'dated'; readonly organisation: string }
  /**
   * Rows about one organisation (a practice, for the commissioner's incidents a commissioner) and
   * no parents: kept when it is the scope or under it in today's hierarchy, as the API shows a
   * practice's whole timeline to whoever has it in scope on asOf (a BI user's asOf is today).
   */
  | { readonly kind: 'current'; readonly organisation: string }
  /**
   * Figures per organisation at every level: rows at or above the scope's level kept (published
   * anyway, as the API's roll-ups), rows below it only for organisations within the scope today.
   */
  | { readonly kind: 'rollup'; readonly organisation: string; readonly level: string };

const PUBLISHED: BiViewScoping = { kind: 'published' };
const OPERATIONAL: BiViewScoping = { kind: 'operational' };
/** Rows about one organisation, named by `organisation` (a practice unless said). */
const about = (kind: 'dated' | 'current', organisation = 'practice_code'): BiViewScoping => ({ kind, organisation });

/** Every `bi` view and how its rows are scoped (docs/analytics.md describes the views). */
export const BI_VIEW_SCOPING: Readonly<Record<BiViewName, BiViewScoping>> = {
  // The organisation directory and its evidence: public ODS data, and what the policies read.
  [BI_VIEWS.organisations]: PUBLISHED,
  [BI_VIEWS.organisationRelationships]: PUBLISHED,
  [BI_VIEWS.organisationHierarchy]: PUBLISHED,
  [BI_VIEWS.organisationObservations]: PUBLISHED,
  [BI_VIEWS.hierarchySources]: PUBLISHED,
  // Measurements attached to an organisation at any level (organisation_level).
  [BI_VIEWS.utilisationSamples]: { kind: 'rollup', organisation: 'organisation_code', level: 'organisation_level' },
  [BI_VIEWS.utilisationMonthly]: { kind: 'rollup', organisation: 'organisation_code', level: 'organisation_level' },
  [BI_VIEWS.carbonMetrics]: { kind: 'rollup', organisation: 'organisation_code', level: 'organisation_level' },
  [BI_VIEWS.carbonMonthly]: { kind: 'rollup', organisation: 'organisation_code', level: 'organisation_level' },
  // A practice's governance facts, as logged and as of a date (no parents in the rows: today's hierarchy).
  [BI_VIEWS.agreementEvents]: about('current'),
  [BI_VIEWS.agreementsAt]: about('current'),
  [BI_VIEWS.agreements]: about('current'),
  [BI_VIEWS.bcpReviews]: about('current'),
  [BI_VIEWS.bcpLatestReviewAt]: about('current'),
  [BI_VIEWS.bcpLatestReview]: about('current'),
  [BI_VIEWS.capabilityChanges]: about('current'),
  [BI_VIEWS.capabilityStatusAt]: about('current'),
  [BI_VIEWS.capabilityStatus]: about('current'),
  [BI_VIEWS.dsptAssessments]: about('current'),
  [BI_VIEWS.dpoDesignations]: about('current'),
  [BI_VIEWS.casRegistrations]: about('current'),
  [BI_VIEWS.clinicalSafetyAssessments]: about('current'),
  [BI_VIEWS.itReviews]: about('current'),
  [BI_VIEWS.localServerChanges]: about('current'),
  [BI_VIEWS.remoteAccessAssessments]: about('current'),
  [BI_VIEWS.unsupportedSoftwareChanges]: about('current'),
  [BI_VIEWS.cyberIncidentChanges]: about('current', 'organisation_code'),
  [BI_VIEWS.dataBreaches]: about('current'),
  [BI_VIEWS.recordAccessChanges]: about('current'),
  [BI_VIEWS.subcontractorApprovals]: about('current'),
  // Compliance: per practice with its parents on as_of; per organisation at every level.
  [BI_VIEWS.complianceRules]: PUBLISHED,
  [BI_VIEWS.complianceAt]: about('dated'),
  [BI_VIEWS.complianceByOrganisationAt]: { kind: 'rollup', organisation: 'organisation_code', level: 'level' },
  // National measures.
  [BI_VIEWS.maturityIndexDefinitions]: PUBLISHED,
  [BI_VIEWS.maturityIndexAt]: about('dated'),
  [BI_VIEWS.maturityByOrganisationAt]: { kind: 'rollup', organisation: 'organisation_code', level: 'level' },
  [BI_VIEWS.netZeroTrajectory]: PUBLISHED,
  [BI_VIEWS.netZeroAt]: { kind: 'rollup', organisation: 'organisation_code', level: 'level' },
  // Incidents, breaches and losses of record access: restricted at every level, parents on as_of.
  [BI_VIEWS.cyberIncidentsAt]: about('dated', 'organisation_code'),
  [BI_VIEWS.dataBreachesAt]: about('dated'),
  [BI_VIEWS.recordAccessLossesAt]: about('dated'),
  [BI_VIEWS.projectionErrors]: OPERATIONAL,
  [BI_VIEWS.projectionStatus]: OPERATIONAL,
};

/** The code of England in the hierarchy (national_code; @gpds/access's ENGLAND): the scope that sees everything. */
const ENGLAND = 'ENG';

/** The hierarchy's levels, lowest first (the API's SCOPE_LEVELS). */
const LEVELS = `['PRACTICE', 'PCN', 'COMMISSIONER', 'ICB', 'REGION', 'NATIONAL']`;

/** The parent columns of bi.organisation_hierarchy and of the views that carry them. */
const PARENTS = ['pcn_code', 'commissioner_code', 'icb_code', 'region_code'] as const;

export interface BiRowPolicyOptions {
  /** The `bi` database (default 'bi'). */
  readonly bi?: string;
  /** The ClickHouse user or role the policies apply to. */
  readonly user: string;
  /** The scope: ENG, or the ODS code of a region, ICB or commissioner. */
  readonly scope: string;
}

/** One view's policy: the condition a row must meet to be seen. */
export interface BiRowPolicy {
  readonly view: BiViewName;
  readonly condition: string;
}

const DATABASE = /^[a-z_][a-z0-9_]*$/;
const USER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const SCOPE = /^[A-Z0-9]{2,10}$/;

function database(bi: string | undefined): string {
  const name = bi ?? DATABASES.bi;
  if (!DATABASE.test(name)) throw new Error(`bi row policies: database '${name}' is not a lower-case identifier; give the bi database's name, e.g. 'bi'`);
  return name;
}

function user(name: string): string {
  if (!USER.test(name)) {
    throw new Error(
      `bi row policies: user '${name}' is not a plain identifier (a letter or _, then letters, digits, _; at most 64); name the ClickHouse user or role, e.g. bi_qwe`,
    );
  }
  return name;
}

function scope(code: string): string {
  if (!SCOPE.test(code)) {
    throw new Error(
      `bi row policies: scope '${code}' is not an ODS code (2 to 10 capital letters or digits); give ENG, a region, an ICB or a commissioner, e.g. QWE`,
    );
  }
  return code;
}

/** The policy's name on every view: one per user, so a new scope replaces the old. */
function policyName(userName: string): string {
  return `gpds_scope_${userName}`;
}

/** Today's hierarchy: the codes of the scope and of every organisation under it. Validated code, so a literal. */
function withinToday(bi: string, code: string): string {
  return `(SELECT code FROM ${bi}.${BI_VIEWS.organisationHierarchy}(on_date = today()) WHERE has([code, ${PARENTS.join(', ')}], '${code}'))`;
}

/** The levels at or above the scope's level in today's hierarchy (none when the scope is not open today: then only rows within it, i.e. none). */
function levelsAtOrAboveScope(bi: string, code: string): string {
  return `(SELECT arrayJoin(arraySlice(${LEVELS}, indexOf(${LEVELS}, level))) FROM ${bi}.${BI_VIEWS.organisationHierarchy}(on_date = today()) WHERE code = '${code}')`;
}

/** The scopings that limit rows (the rest get no policy). */
type LimitedScoping = Extract<BiViewScoping, { readonly kind: 'dated' | 'current' | 'rollup' }>;

function isLimited(scoping: BiViewScoping): scoping is LimitedScoping {
  return scoping.kind === 'dated' || scoping.kind === 'current' || scoping.kind === 'rollup';
}

function condition(scoping: LimitedScoping, bi: string, code: string): string {
  switch (scoping.kind) {
    case 'dated':
      return `has([${[scoping.organisation, ...PARENTS].join(', ')}], '${code}')`;
    case 'current':
      return `${scoping.organisation} IN ${withinToday(bi, code)}`;
    case 'rollup':
      return `${scoping.level} IN ${levelsAtOrAboveScope(bi, code)} OR ${scoping.organisation} IN ${withinToday(bi, code)}`;
  }
}

/** The views that get a policy, those holding practice-level or restricted rows, with their scoping. */
function limitedViews(): Array<{ view: BiViewName; scoping: LimitedScoping }> {
  return (Object.keys(BI_VIEW_SCOPING) as BiViewName[]).flatMap((view) => {
    const scoping = BI_VIEW_SCOPING[view];
    return isLimited(scoping) ? [{ view, scoping }] : [];
  });
}

/**
 * The condition of each view's policy for `scope` (empty for England). Published and operational
 * views get none: the former hold only what is published anyway, the latter are not granted.
 */
export function biRowPolicyConditions(options: Omit<BiRowPolicyOptions, 'user'>): BiRowPolicy[] {
  const bi = database(options.bi);
  const code = scope(options.scope);
  if (code === ENGLAND) return [];
  return limitedViews().map(({ view, scoping }) => ({ view, condition: condition(scoping, bi, code) }));
}

/** DROP ROW POLICY for each view that may hold the user's policy (the way back to no policy). */
export function biRowPolicyDrops(options: Omit<BiRowPolicyOptions, 'scope'>): string[] {
  const bi = database(options.bi);
  const name = policyName(user(options.user));
  return limitedViews().map(({ view }) => `DROP ROW POLICY IF EXISTS ${name} ON ${bi}.${view}`);
}

/**
 * The statements that limit `user` to `scope` on the `bi` views: one CREATE ROW POLICY OR
 * REPLACE per view holding practice-level or restricted rows. For England, the drops instead:
 * England's scope is no policy.
 */
export function biRowPolicies(options: BiRowPolicyOptions): string[] {
  const bi = database(options.bi);
  const name = policyName(user(options.user));
  if (scope(options.scope) === ENGLAND) return biRowPolicyDrops(options);
  return biRowPolicyConditions(options).map(
    (p) => `CREATE ROW POLICY OR REPLACE ${name} ON ${bi}.${p.view} FOR SELECT USING ${p.condition} AS RESTRICTIVE TO ${options.user}`,
  );
}

/** SELECT on each view a scoped user may read: those with a policy and those published anyway, nothing operational. */
export function biScopedGrants(options: Omit<BiRowPolicyOptions, 'scope'>): string[] {
  const bi = database(options.bi);
  const to = user(options.user);
  return (Object.keys(BI_VIEW_SCOPING) as BiViewName[])
    .filter((v) => BI_VIEW_SCOPING[v].kind !== 'operational')
    .map((view) => `GRANT SELECT ON ${bi}.${view} TO ${to}`);
}

/**
 * infra/clickhouse/row-policies.sql for a user and scope: how to use it, then the grants and the
 * policies. Its test holds the file in the repository to this text for bi_qwe and QWE.
 */
export function biRowPolicySql(options: BiRowPolicyOptions): string {
  const statements = [...biScopedGrants(options), ...biRowPolicies(options)];
  const header = `-- Row policies for a scoped BI user on a ClickHouse server (docs/security.md): here user
-- ${options.user}, scope ${options.scope}. Generated by biRowPolicySql in
-- libs/analytics/clickhouse/src/row-policies.ts: do not edit by hand, generate again (step 3).
-- A test holds infra/clickhouse/row-policies.sql (bi_qwe, QWE) to the function.
--
-- A scoped user sees practice-level rows, and everything about incidents, breaches, losses of
-- record access and non-compliance, only for organisations within the scope (the rule of the
-- GraphQL API); roll-ups at or above the scope's level, published anyway, stay visible.
--
-- 1. Create the user (as an administrator, after the projector has migrated the schema):
--      CREATE USER ${options.user} IDENTIFIED WITH sha256_password BY '<secret>';
-- 2. Run this file:  clickhouse-client --multiquery < infra/clickhouse/row-policies.sql
--    It grants SELECT on exactly the views listed below. Never grant bi.* (nor the role
--    gpds_bi_reader) to a scoped user: a view without a policy is read whole by whoever may
--    read it, and a view added later must be classified (BI_VIEW_SCOPING) before it is granted.
-- 3. For another user or scope, generate the same from the function and run that instead:
--      SWC_NODE_PROJECT=tsconfig.base.json node -r @swc-node/register -e \\
--        "process.stdout.write(require('./libs/analytics/clickhouse/src/row-policies.ts').biRowPolicySql({ user: 'bi_y56', scope: 'Y56' }))" > bi_y56.sql
--    Generating again with another scope replaces the user's policies (one scope per user).
--    Scope ENG (England) has no policy: its file drops the user's policies instead.
--    To remove a user: biRowPolicyDrops({ user }), then DROP USER.
-- The policies are AS RESTRICTIVE (a permissive policy elsewhere cannot widen them) and assume
-- access_control_improvements.users_without_row_policies_can_read_rows = true (the default since
-- ClickHouse 24.1), so users without a policy, such as the API's, keep reading every row.
`;
  return `${header}\n${statements.map((s) => `${s};`).join('\n')}\n`;
}
