import { parameter, type ComplianceRule, type RuleId } from '@gpds/compliance';
import { TABLES } from '../names';

/**
 * The compliance rules evaluated where the facts are: for every practice, each rule's outcome
 * (COMPLIANT, NON_COMPLIANT, UNKNOWN) as of a date, over the facts recorded by a knowledge time,
 * with the values it compared and the events that decided it. One SQL source for the reporting
 * API and the `bi` views (docs/compliance.md, ADR 0025), built from the rule catalogue
 * (@gpds/compliance): a rule's parameters are catalogue data, written into the SQL as checked
 * literals; the date and knowledge time travel as query parameters.
 *
 * Each rule reads one evidence source: a subquery with one row per practice that has any fact
 * the rule reads (`n` > 0), reduced to what the rule compares (the first or latest fact, or per
 * server, finding or breach). A practice without a row has none: UNKNOWN.
 */

/** How the date evaluated and the knowledge time appear in the SQL: query parameters, or a view's. */
export interface ComplianceAt {
  readonly asOf: string;
  readonly knownAt: string;
}

/** The reporting API's parameters: {asOf:Date}, {knownAt:DateTime64(3)}. */
export const QUERY_PARAMETERS: ComplianceAt = { asOf: '{asOf:Date}', knownAt: '{knownAt:DateTime64(3)}' };
/** A parameterised `bi` view's: as_of, known_at (as the other `_at` views). */
export const VIEW_PARAMETERS: ComplianceAt = { asOf: '{as_of:Date}', knownAt: '{known_at:DateTime64(3)}' };

type SourceKey = 'agreements' | 'bcp' | 'servers' | 'dspt' | 'dpo' | 'cas' | 'remote' | 'capabilities' | 'it' | 'breaches' | 'software';

/** The fact tables the rules read: an answer can only change when one of them (or the hierarchy) does. */
export const COMPLIANCE_TABLES = [
  TABLES.practiceAgreements,
  TABLES.practiceBcpReviews,
  TABLES.practiceLocalServers,
  TABLES.practiceDsptAssessments,
  TABLES.practiceDpoDesignations,
  TABLES.practiceCasRegistrations,
  TABLES.practiceRemoteAccessAssessments,
  TABLES.practiceCapabilities,
  TABLES.practiceItReviews,
  TABLES.practiceDataBreaches,
  TABLES.practiceUnsupportedSoftware,
] as const;

/** The event a fact row came from: (type, event id, position, occurred at, recorded at, source system, source record). */
function fact(type: string): string {
  return `tuple(${type}, toString(event_id), event_position, toString(occurred_at), toString(recorded_at), source_system, source_record)`;
}
const BY_OCCURRED = 'arraySort(f -> tupleElement(f, 4), groupArray';

/**
 * The order of a table's facts, latest last: by a date column, then by event position, as one
 * number (days since 1970 above the position's 40 bits): ClickHouse picks argMax by a number
 * about twice as fast as by a tuple.
 */
function orderBy(dateColumn: string): string {
  return `(toUInt64(${dateColumn}) * 1099511627776 + event_position)`;
}

// Catalogue values written into SQL: checked, never request input.
function date(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new Error(`compliance rule parameter '${value}' is not a date`);
  return `toDate('${value}')`;
}
function num(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`compliance rule parameter '${value}' is not a number`);
  return String(value);
}
function codes(values: readonly string[]): string {
  for (const v of values) if (!/^[A-Z0-9_]+$/.test(v)) throw new Error(`compliance rule parameter '${v}' is not a code`);
  return `[${values.map((v) => `'${v}'`).join(', ')}]`;
}

interface Context {
  readonly db: string;
  readonly at: ComplianceAt;
  /** The evidence scan's practice filter ('1' for all). */
  readonly only: string;
  /**
   * With the values compared and the deciding events. Without them (roll-ups), a source computes
   * only what the outcomes need: ClickHouse plans a query in time that grows with its text, and
   * for a national roll-up the planning is a good part of the answer's time.
   */
  readonly detail: boolean;
}

interface RuleSql {
  readonly source: SourceKey;
  /** The outcome, over the source's row `e` (all defaults when the practice has none). */
  outcome(e: string, at: ComplianceAt): string;
  /** The values compared, as Map(String, String): the names explain() of @gpds/compliance reads. */
  values(e: string, at: ComplianceAt): string;
  /** The deciding events, Array(fact tuple). */
  facts(e: string): string;
}

const t = (e: string, column: string, i: number): string => `tupleElement(${e}.${column}, ${i})`;

/** The columns a source always has, then those it has only with detail. */
function columns(c: Context, always: readonly string[], detail: readonly string[]): string {
  return [...always, ...(c.detail ? detail : [])].join(',\n          ');
}

/** The evidence sources, each one subquery per practice. `rules` gives the parameters a source needs. */
function sourceSql(key: SourceKey, c: Context, rules: ReadonlyMap<RuleId, ComplianceRule>): string {
  const { db, at, only } = c;
  const A = at.asOf;
  const K = at.knownAt;
  const facts = (type: string) => (c.detail ? [`${BY_OCCURRED}(${fact(type)})) AS facts`] : []);
  switch (key) {
    case 'agreements': {
      const order = '(in_force, starts, agreement_id)';
      return `SELECT ${columns(
        c,
        ['practice_code', 'count() AS n', 'max(in_force) AS covered'],
        [`argMax(tuple(agreement_id, commissioner, starts, last_day, toUInt8(ended_on IS NOT NULL)), ${order}) AS pick`, `argMax(facts, ${order}) AS deciding`],
      )}
        FROM (
          SELECT ${columns(
            c,
            [
              'practice_code',
              'agreement_id',
              `toDate(minIf(occurred_at, change = 'SIGNED')) AS signed_on`,
              `assumeNotNull(minIf(term_start, change = 'SIGNED')) AS starts`,
              `assumeNotNull(maxIf(term_end, change = 'SIGNED')) AS ends`,
              `minIf(terminated_on, change = 'TERMINATED') AS ended_on`,
              `if(ended_on IS NULL, ends, least(ends, assumeNotNull(ended_on) - 1)) AS last_day`,
              `toUInt8(starts <= ${A} AND ${A} <= last_day) AS in_force`,
            ],
            [
              `anyIf(commissioner_code, change = 'SIGNED') AS commissioner`,
              ...facts("if(change = 'SIGNED', 'CcgPracticeAgreementSigned', 'CcgPracticeAgreementTerminated')"),
            ],
          )}
          FROM ${db}.${TABLES.practiceAgreements}
          WHERE recorded_at <= ${K} AND ${only}
          GROUP BY practice_code, agreement_id
          HAVING countIf(change = 'SIGNED') > 0)
        WHERE signed_on <= ${A}
        GROUP BY practice_code`;
    }
    case 'bcp': {
      const order = orderBy('reviewed_on');
      return `SELECT ${columns(
        c,
        ['practice_code', 'count() AS n', 'min(reviewed_on) AS first_on', 'max(reviewed_on) AS latest_on'],
        [
          `argMin(tuple(reviewed_by, outcome), ${order}) AS earliest`,
          `argMin(${fact("'BusinessContinuityPlanReviewed'")}, ${order}) AS first_fact`,
          `argMax(tuple(reviewed_by, outcome), ${order}) AS latest`,
          `argMax(${fact("'BusinessContinuityPlanReviewed'")}, ${order}) AS latest_fact`,
        ],
      )}
        FROM ${db}.${TABLES.practiceBcpReviews}
        WHERE reviewed_on <= ${A} AND recorded_at <= ${K} AND ${only}
        GROUP BY practice_code`;
    }
    case 'servers': {
      const deadline = date(parameter<string>(rules.get('NO_LOCAL_CLINICAL_SERVER')!, 'deadline'));
      const offending = `(latest = 'RECORDED' OR decommissioned > ${deadline})`;
      const order = `(${offending}, latest = 'RECORDED', decommissioned, server)`;
      return `SELECT ${columns(
        c,
        ['practice_code', 'count() AS n', `countIf(${offending}) AS offending`],
        [
          `countIf(latest = 'RECORDED') AS in_place`,
          `argMax(tuple(server, recorded, if(latest = 'RECORDED', '', toString(decommissioned))), ${order}) AS pick`,
          `argMax(facts, ${order}) AS deciding`,
        ],
      )}
        FROM (
          SELECT ${columns(
            c,
            [
              'practice_code',
              'server',
              `minIf(changed_on, change = 'RECORDED') AS recorded`,
              `maxIf(changed_on, change = 'DECOMMISSIONED') AS decommissioned`,
              `argMax(change, ${orderBy('changed_on')}) AS latest`,
            ],
            facts("if(change = 'RECORDED', 'LocalClinicalServerRecorded', 'LocalClinicalServerDecommissioned')"),
          )}
          FROM ${db}.${TABLES.practiceLocalServers}
          WHERE changed_on <= ${A} AND recorded_at <= ${K} AND ${only}
          GROUP BY practice_code, server)
        GROUP BY practice_code`;
    }
    case 'dspt':
      return latest(c, TABLES.practiceDsptAssessments, 'published_on', 'DsptAssessmentPublished', ['status'], ['financial_year'], {
        order: `toUInt64(toUInt16OrZero(substring(financial_year, 1, 4)) - 1990) * 72057594037927936 + ${orderBy('published_on')}`,
      });
    case 'dpo':
      return latest(c, TABLES.practiceDpoDesignations, 'designated_on', 'DataProtectionOfficerDesignated', [], ['provision']);
    case 'cas':
      return latest(c, TABLES.practiceCasRegistrations, 'recorded_on', 'CasRegistrationRecorded', ['email', 'mobile'], []);
    case 'remote':
      return latest(c, TABLES.practiceRemoteAccessAssessments, 'assessed_on', 'RemoteAccessCapacityAssessed', ['capacity_percent'], ['solution']);
    case 'it':
      return latest(c, TABLES.practiceItReviews, 'reviewed_on', 'ItReviewCompleted', [], ['reviewed_by']);
    case 'capabilities': {
      const eight = codes(parameter<readonly string[]>(rules.get('PATIENT_FACING_ALL_EIGHT')!, 'capabilities'));
      const latestChange = `argMax(change, ${orderBy('changed_on')})`;
      return `SELECT ${columns(
        c,
        ['practice_code', 'count() AS n', 'countIf(deployed) AS deployed_count'],
        ['arraySort(groupArrayIf(capability, deployed)) AS deployed_list', 'arraySort(f -> tupleElement(f, 4), groupArray(fact)) AS facts'],
      )}
        FROM (
          SELECT ${columns(
            c,
            ['practice_code', 'capability', `${latestChange} = 'DEPLOYED' AS deployed`],
            [`argMax(${fact("if(change = 'DEPLOYED', 'CapabilityDeployed', 'CapabilityWithdrawn')")}, ${orderBy('changed_on')}) AS fact`],
          )}
          FROM ${db}.${TABLES.practiceCapabilities}
          WHERE changed_on <= ${A} AND recorded_at <= ${K} AND capability IN ${eight} AND ${only}
          GROUP BY practice_code, capability)
        GROUP BY practice_code`;
    }
    case 'breaches': {
      const hours = num(parameter<number>(rules.get('BREACHES_REPORTED_WITHIN_72H')!, 'hours'));
      const order = '(late, detected, breach_id)';
      return `SELECT ${columns(
        c,
        ['practice_code', 'count() AS n', 'countIf(late = 1) AS late_breaches'],
        [
          'countIf(reportable = 1) AS reportable_breaches',
          `argMax(tuple(breach_id, toString(detected), ifNull(toString(reported), ''), seconds), ${order}) AS pick`,
          `arraySlice(arrayFlatten(arrayMap(b -> tupleElement(b, 2), arrayReverseSort(b -> tupleElement(b, 1), groupArray(tuple(${order}, facts))))), 1, 20) AS deciding`,
        ],
      )}
        FROM (
          SELECT ${columns(
            c,
            [
              'practice_code',
              'breach_id',
              'min(detected_at) AS detected',
              `argMax(reportable_to_ico, ${orderBy('recorded_on')}) AS reportable`,
              'min(reported_to_ico_at) AS reported',
              `ifNull(reported, toDateTime64(${A} + 1, 3, 'UTC')) AS reached_by`,
              `toUInt8(reportable = 1 AND reached_by > detected + INTERVAL ${hours} HOUR) AS late`,
            ],
            [`dateDiff('second', detected, reached_by) AS seconds`, ...facts("'DataBreachReported'")],
          )}
          FROM ${db}.${TABLES.practiceDataBreaches}
          WHERE recorded_on <= ${A} AND recorded_at <= ${K} AND ${only}
          GROUP BY practice_code, breach_id)
        GROUP BY practice_code`;
    }
    case 'software': {
      const order = '(open = 0, detected, asset, product)';
      return `SELECT ${columns(
        c,
        ['practice_code', 'count() AS n', 'countIf(open = 1) AS open_findings'],
        [`argMin(tuple(asset, product, detected, ifNull(toString(ends), '')), ${order}) AS pick`, `argMin(facts, ${order}) AS deciding`],
      )}
        FROM (
          SELECT ${columns(
            c,
            ['practice_code', 'asset', 'product', `toUInt8(argMax(change, ${orderBy('changed_on')}) = 'DETECTED') AS open`],
            [
              `minIf(changed_on, change = 'DETECTED') AS detected`,
              `argMaxIf(end_of_support, ${orderBy('changed_on')}, change = 'DETECTED') AS ends`,
              ...facts("if(change = 'DETECTED', 'UnsupportedSoftwareDetected', 'UnsupportedSoftwareRemediated')"),
            ],
          )}
          FROM ${db}.${TABLES.practiceUnsupportedSoftware}
          WHERE changed_on <= ${A} AND recorded_at <= ${K} AND ${only}
          GROUP BY practice_code, asset, product)
        GROUP BY practice_code`;
    }
  }
}

/**
 * The latest fact on or before the date (by `order`, default the date then the event position),
 * of a table with one row per fact: `n`, `latest_on`, each of `compared` as a column of its own, and with
 * detail `latest` (the date and `described`, a tuple) and `latest_fact`.
 */
function latest(
  c: Context,
  table: string,
  dateColumn: string,
  type: string,
  compared: readonly string[],
  described: readonly string[],
  options: { readonly order?: string } = {},
): string {
  const order = options.order ?? orderBy(dateColumn);
  return `SELECT ${columns(
    c,
    ['practice_code', 'count() AS n', `max(${dateColumn}) AS latest_on`, ...compared.map((column) => `argMax(${column}, ${order}) AS ${column}`)],
    [`argMax(tuple(${[dateColumn, ...described].join(', ')}), ${order}) AS latest`, `argMax(${fact(`'${type}'`)}, ${order}) AS latest_fact`],
  )}
    FROM ${c.db}.${table}
    WHERE ${dateColumn} <= ${c.at.asOf} AND recorded_at <= ${c.at.knownAt} AND ${c.only}
    GROUP BY practice_code`;
}

const oneFact = (e: string, column: string) => `if(${e}.n = 0, [], [${e}.${column}])`;
const since = (months: number, at: ComplianceAt) => `toString(addMonths(${at.asOf}, -${months}))`;
const text = (expression: string) => `toString(${expression})`;

/** Each rule: the source it reads, its outcome, the values it compared, the events that decided it. */
const RULE_SQL: Record<RuleId, (rule: ComplianceRule) => RuleSql> = {
  AGREEMENT_IN_FORCE: () => ({
    source: 'agreements',
    outcome: (e) => `multiIf(${e}.n = 0, 'UNKNOWN', ${e}.covered = 1, 'COMPLIANT', 'NON_COMPLIANT')`,
    values: (e) =>
      `map('agreements', toString(${e}.n), 'agreement_id', ${t(e, 'pick', 1)}, 'commissioner', ${t(e, 'pick', 2)}, 'term_start', ${text(t(e, 'pick', 3))},
           'last_day', ${text(t(e, 'pick', 4))}, 'terminated', toString(${t(e, 'pick', 5)}))`,
    facts: (e) => `${e}.deciding`,
  }),
  BCP_REVIEWED_BY_2022_07_31: (rule) => ({
    source: 'bcp',
    outcome: (e) => `multiIf(${e}.n = 0, 'UNKNOWN', ${e}.first_on <= ${date(parameter<string>(rule, 'deadline'))}, 'COMPLIANT', 'NON_COMPLIANT')`,
    values: (e) =>
      `map('reviews', toString(${e}.n), 'first_on', toString(${e}.first_on), 'first_by', ${t(e, 'earliest', 1)}, 'first_outcome', ${t(e, 'earliest', 2)})`,
    facts: (e) => oneFact(e, 'first_fact'),
  }),
  BCP_REVIEWED_LAST_12_MONTHS: (rule) => {
    const months = parameter<number>(rule, 'months');
    return {
      source: 'bcp',
      outcome: (e, at) => `multiIf(${e}.n = 0, 'UNKNOWN', ${e}.latest_on >= addMonths(${at.asOf}, -${num(months)}), 'COMPLIANT', 'NON_COMPLIANT')`,
      values: (e, at) =>
        `map('reviews', toString(${e}.n), 'latest_on', toString(${e}.latest_on), 'latest_by', ${t(e, 'latest', 1)}, 'latest_outcome', ${t(e, 'latest', 2)},
             'since', ${since(months, at)})`,
      facts: (e) => oneFact(e, 'latest_fact'),
    };
  },
  NO_LOCAL_CLINICAL_SERVER: (rule) => ({
    source: 'servers',
    outcome: (e, at) =>
      `multiIf(${e}.n = 0, 'UNKNOWN', ${at.asOf} <= ${date(parameter<string>(rule, 'deadline'))}, 'COMPLIANT', ${e}.offending > 0, 'NON_COMPLIANT', 'COMPLIANT')`,
    values: (e) =>
      `map('servers', toString(${e}.n), 'in_place', toString(${e}.in_place), 'offending', toString(${e}.offending), 'server', ${t(e, 'pick', 1)},
           'recorded_on', ${text(t(e, 'pick', 2))}, 'decommissioned_on', ${t(e, 'pick', 3)})`,
    facts: (e) => `${e}.deciding`,
  }),
  DSPT_STANDARDS_MET: (rule) => ({
    source: 'dspt',
    outcome: (e) => `multiIf(${e}.n = 0, 'UNKNOWN', ${e}.status IN ${codes(parameter<readonly string[]>(rule, 'statuses'))}, 'COMPLIANT', 'NON_COMPLIANT')`,
    values: (e) => `map('published_on', ${text(t(e, 'latest', 1))}, 'financial_year', ${t(e, 'latest', 2)}, 'status', ${e}.status)`,
    facts: (e) => oneFact(e, 'latest_fact'),
  }),
  DPO_DESIGNATED: () => ({
    source: 'dpo',
    outcome: (e) => `if(${e}.n = 0, 'UNKNOWN', 'COMPLIANT')`,
    values: (e) => `map('designated_on', ${text(t(e, 'latest', 1))}, 'provision', ${t(e, 'latest', 2)})`,
    facts: (e) => oneFact(e, 'latest_fact'),
  }),
  CAS_REGISTERED: () => ({
    source: 'cas',
    outcome: (e) => `multiIf(${e}.n = 0, 'UNKNOWN', ${e}.email = 1 AND ${e}.mobile = 1, 'COMPLIANT', 'NON_COMPLIANT')`,
    values: (e) => `map('recorded_on', ${text(t(e, 'latest', 1))}, 'email', toString(${e}.email), 'mobile', toString(${e}.mobile))`,
    facts: (e) => oneFact(e, 'latest_fact'),
  }),
  REMOTE_ACCESS_60_PERCENT: (rule) => ({
    source: 'remote',
    outcome: (e) => `multiIf(${e}.n = 0, 'UNKNOWN', ${e}.capacity_percent >= ${num(parameter<number>(rule, 'minimumPercent'))}, 'COMPLIANT', 'NON_COMPLIANT')`,
    values: (e) => `map('assessed_on', ${text(t(e, 'latest', 1))}, 'solution', ${t(e, 'latest', 2)}, 'capacity_percent', toString(${e}.capacity_percent))`,
    facts: (e) => oneFact(e, 'latest_fact'),
  }),
  PATIENT_FACING_ALL_EIGHT: (rule) => {
    const eight = parameter<readonly string[]>(rule, 'capabilities');
    return {
      source: 'capabilities',
      outcome: (e) => `multiIf(${e}.n = 0, 'UNKNOWN', ${e}.deployed_count = ${eight.length}, 'COMPLIANT', 'NON_COMPLIANT')`,
      values: (e) =>
        `map('deployed', arrayStringConcat(${e}.deployed_list, ','), 'missing', arrayStringConcat(arrayFilter(c -> NOT has(${e}.deployed_list, c), ${codes(eight)}), ','))`,
      facts: (e) => `${e}.facts`,
    };
  },
  IT_REVIEW_LAST_12_MONTHS: (rule) => {
    const months = parameter<number>(rule, 'months');
    return {
      source: 'it',
      outcome: (e, at) => `multiIf(${e}.n = 0, 'UNKNOWN', ${e}.latest_on >= addMonths(${at.asOf}, -${num(months)}), 'COMPLIANT', 'NON_COMPLIANT')`,
      values: (e, at) =>
        `map('reviews', toString(${e}.n), 'latest_on', toString(${e}.latest_on), 'latest_by', ${t(e, 'latest', 2)}, 'since', ${since(months, at)})`,
      facts: (e) => oneFact(e, 'latest_fact'),
    };
  },
  BREACHES_REPORTED_WITHIN_72H: () => ({
    source: 'breaches',
    outcome: (e) => `multiIf(${e}.n = 0, 'UNKNOWN', ${e}.late_breaches > 0, 'NON_COMPLIANT', 'COMPLIANT')`,
    values: (e) =>
      `map('breaches', toString(${e}.n), 'reportable', toString(${e}.reportable_breaches), 'late', toString(${e}.late_breaches), 'breach_id', ${t(e, 'pick', 1)},
           'detected_at', ${t(e, 'pick', 2)}, 'reported_at', ${t(e, 'pick', 3)}, 'seconds', toString(${t(e, 'pick', 4)}))`,
    facts: (e) => `${e}.deciding`,
  }),
  NO_UNSUPPORTED_SOFTWARE: () => ({
    source: 'software',
    outcome: (e) => `multiIf(${e}.n = 0, 'UNKNOWN', ${e}.open_findings > 0, 'NON_COMPLIANT', 'COMPLIANT')`,
    values: (e) =>
      `map('findings', toString(${e}.n), 'open', toString(${e}.open_findings), 'asset', ${t(e, 'pick', 1)}, 'product', ${t(e, 'pick', 2)},
           'detected_on', ${text(t(e, 'pick', 3))}, 'end_of_support', ${t(e, 'pick', 4)})`,
    facts: (e) => `${e}.deciding`,
  }),
};

export interface PracticeComplianceSqlOptions {
  /** The database of the projected tables. */
  readonly db: string;
  /** The rules to evaluate, in the order of the output columns o0, o1, ... */
  readonly rules: readonly ComplianceRule[];
  /** Every rule of the catalogue version in use (a source may need another rule's parameter). */
  readonly catalogue: readonly ComplianceRule[];
  readonly at: ComplianceAt;
  /** A query with one row per practice to evaluate: `code`, and any columns to carry through (e.g. `grp`). */
  readonly practices: string;
  /** The columns of `practices` to carry through besides code. */
  readonly carry?: readonly string[];
  /**
   * How the evidence scans are narrowed: 'all' (every practice: the whole country), or a filter on
   * practice_code of the caller's, e.g. `practice_code = {code:String}` (one practice, by the
   * tables' primary key).
   */
  readonly narrow: 'all' | { readonly filter: string };
  /** Also the values compared (v0, ...) and the deciding events (f0, ...). */
  readonly detail: boolean;
}

/**
 * One row per practice of `practices`: code, the carried columns, and per rule i its outcome
 * `o<i>` (and with detail `v<i>` Map(String, String), `f<i>` Array of event tuples).
 */
export function practiceComplianceSql(options: PracticeComplianceSqlOptions): string {
  const { at } = options;
  const byId = new Map(options.catalogue.map((r) => [r.id, r] as const));
  const only = options.narrow === 'all' ? '1' : options.narrow.filter;
  const context: Context = { db: options.db, at, only, detail: options.detail };
  const rules = options.rules.map((rule) => RULE_SQL[rule.id](rule));
  const sources = [...new Set(rules.map((r) => r.source))];
  const alias = (key: SourceKey) => `e_${key}`;
  const columns = rules.flatMap((r, i) => {
    const e = alias(r.source);
    return [`${r.outcome(e, at)} AS o${i}`, ...(options.detail ? [`${r.values(e, at)} AS v${i}`, `${r.facts(e)} AS f${i}`] : [])];
  });
  const carry = (options.carry ?? []).map((c) => `p.${c} AS ${c}`);
  return `WITH practices AS (${options.practices})
SELECT p.code AS code${carry.map((c) => `, ${c}`).join('')}${columns.map((c) => `,\n  ${c}`).join('')}
FROM practices AS p
${sources.map((key) => `LEFT JOIN (${sourceSql(key, context, byId)}) AS ${alias(key)} ON ${alias(key)}.practice_code = p.code`).join('\n')}`;
}

/** The fact tuple's fields, in order, as practiceComplianceSql returns them in f<i>. */
export const FACT_FIELDS = ['type', 'eventId', 'eventPosition', 'occurredAt', 'recordedAt', 'sourceSystem', 'sourceRecord'] as const;
