import { COMPLIANCE_RULES, complianceRule, parameter } from '@gpds/compliance';
import { GRANULARITIES, QueryArgumentError, clickhouseInstant, dateRange, instant, isoInstant, type Granularity } from '../shared/arguments';
import { connection, entry, type Connection } from '../shared/connection';
import type { OrganisationEntry } from '../shared/hierarchy-cache';
import { periodOf, type Period } from '../shared/period';
import type { PreparedQuery, QueryContext, RollupScope, Scope } from '../shared/query-context';
import { incidentsRollupSql, recordAccessLossPageSql } from './incidents.sql';

/** Cyber incidents detected in the period (and reported by asOf). */
export interface CyberIncidentCounts {
  readonly reported: number;
  /** Severity 1 (most severe) to 4, each with its count, in that order. */
  readonly bySeverity: ReadonlyArray<{ readonly severity: number; readonly incidents: number }>;
  readonly highSeverity: number;
  /** High-severity incidents not resolved on or before asOf. */
  readonly highSeverityOpen: number;
  readonly open: number;
  /** Hours from detection to report: the median and the 90th percentile (linear between ranks), null with no incident. */
  readonly medianHoursToReport: number | null;
  readonly p90HoursToReport: number | null;
}

/** Personal data breaches detected in the period, as BREACHES_REPORTED_WITHIN_72H reads them. */
export interface DataBreachCounts {
  readonly detected: number;
  readonly reportable: number;
  /** Reportable ones that reached the ICO at most 72 hours after detection (72 h exactly is within). */
  readonly reportedWithin72Hours: number;
  /** reportedWithin72Hours / reportable; null when none is reportable. */
  readonly shareWithin72Hours: number | null;
  /** Reportable ones that reached the ICO more than 72 hours after detection. */
  readonly reportedLate: number;
  /** Reportable ones with no ICO report known on asOf. */
  readonly notReported: number;
  /** Of those not reported, the ones whose 72 hours had passed by the end of asOf. */
  readonly overdue: number;
}

/** Losses of access to patient records begun in the period. */
export interface RecordAccessCounts {
  readonly losses: number;
  readonly practicesAffected: number;
  /** Hours without access, summed; an ongoing loss counts to the end of asOf. */
  readonly totalHours: number;
  readonly medianHours: number | null;
  /** Not restored on or before asOf. */
  readonly ongoing: number;
  readonly bcpActivated: number;
  /** Losses at a practice whose BCP had been reviewed in the 12 months before the loss began. */
  readonly bcpReviewed: number;
}

export interface IncidentRow {
  readonly organisation: OrganisationEntry;
  readonly period: Period;
  readonly cyber: CyberIncidentCounts;
  readonly breaches: DataBreachCounts;
  readonly recordAccess: RecordAccessCounts;
}

/** What every incidents answer was worked out for. */
export interface IncidentTerms {
  /** The version of the compliance rules whose parameters it used (the 72 hours, the 12 months). */
  readonly rulesVersion: number;
  readonly asOf: string;
  /** As asked (ISO 8601), or null: everything known when asked. */
  readonly knownAt: string | null;
}

export interface RecordAccessLoss {
  readonly practice: OrganisationEntry;
  /** The practice's organisation at the level asked (the practice itself at PRACTICE). */
  readonly organisation: OrganisationEntry;
  readonly lostAt: string;
  /** Null while ongoing on asOf. */
  readonly restoredAt: string | null;
  /** To the restoration, or (ongoing) to the end of asOf. */
  readonly hours: number;
  readonly ongoing: boolean;
  readonly cause: string;
  readonly bcpActivated: boolean;
  readonly bcpReviewed: boolean;
  /** The practice's latest BCP review on or before the day the loss began, or null. */
  readonly bcpReviewedOn: string | null;
  /** The loss's event, then its restoration's. */
  readonly eventIds: readonly string[];
}

export interface IncidentArgs extends RollupScope {
  readonly from: string;
  readonly to: string;
  readonly granularity?: Granularity | null;
  readonly knownAt?: string | null;
}

export interface RecordAccessLossArgs extends Omit<RollupScope, 'level'> {
  /** Default PRACTICE. */
  readonly level?: string | null;
  readonly from: string;
  readonly to: string;
  readonly knownAt?: string | null;
}

interface RollupRecord {
  code: string;
  period: string;
  cyber_reported: string;
  cyber_by_severity: string[];
  cyber_high_severity: string;
  cyber_high_severity_open: string;
  cyber_open: string;
  cyber_hours_to_report: Array<number | null>;
  breach_detected: string;
  breach_reportable: string;
  breach_within: string;
  breach_late: string;
  breach_not_reported: string;
  breach_overdue: string;
  loss_count: string;
  loss_practices: string;
  loss_hours: number;
  loss_median_hours: number | null;
  loss_ongoing: string;
  loss_bcp_activated: string;
  loss_bcp_reviewed: string;
  total: string;
}

interface LossRecord {
  practice_code: string;
  grp: string;
  lost_at: string;
  restored_at: string | null;
  hours: number;
  ongoing: number;
  cause: string;
  bcp_activated: number;
  bcp_reviewed: number;
  bcp_reviewed_on: string | null;
  lost_event_id: string;
  restored_event_id: string | null;
  total: string;
}

/** A number or null (ClickHouse answers NaN for a quantile of nothing, which JSON carries as null). */
const orNull = (value: number | null | undefined): number | null =>
  value === null || value === undefined || Number.isNaN(Number(value)) ? null : Number(value);

/**
 * The compliance rules' parameters the measures share, so the two agree: "within 72 hours" is
 * BREACHES_REPORTED_WITHIN_72H's, "reviewed" is BCP_REVIEWED_LAST_12_MONTHS's (of the rules in force).
 */
const RULE_PARAMETERS = {
  hours: parameter<number>(rule('BREACHES_REPORTED_WITHIN_72H'), 'hours'),
  months: parameter<number>(rule('BCP_REVIEWED_LAST_12_MONTHS'), 'months'),
};

function rule(id: string) {
  const found = complianceRule(id);
  if (!found) throw new Error(`the compliance rules (v${COMPLIANCE_RULES.version}) have no ${id}: the incidents measures read its parameter`);
  return found;
}

/**
 * The incidents measures (docs/measures.md): per organisation at a level under a parent and per
 * period, cyber incidents by severity and their time to report, personal data breaches and how
 * many reached the ICO within 72 hours, losses of access to patient records and how the practices
 * coped; and the losses one by one. Each incident counts in the period holding its detection (a
 * loss: its beginning), as of asOf (default: `to`, or today if earlier), which picks the
 * hierarchy and the day "open" and "ongoing" are judged on, over the facts (and the hierarchy)
 * known at knownAt (default now).
 */
export class IncidentQueries {
  constructor(private readonly context: QueryContext) {}

  /** The roll-up's SQL and parameters, as the API sends them. */
  async prepare(args: IncidentArgs): Promise<PreparedQuery & { scope: Scope; terms: IncidentTerms; granularity: Granularity | null }> {
    const granularity = this.granularity(args.granularity);
    const { scope, params, terms } = await this.scope(args);
    const sql = incidentsRollupSql({ ...scope.sql, granularity });
    return { sql, params, scope, terms, granularity };
  }

  async rollup(args: IncidentArgs): Promise<Connection<IncidentRow> & IncidentTerms> {
    const { sql, params, scope, terms, granularity } = await this.prepare(args);
    const rows = await this.context.rows<RollupRecord>(sql, params);
    const n = (value: string | number) => Number(value);
    const page = connection(
      rows.map((r): IncidentRow => {
        const reportable = n(r.breach_reportable);
        const within = n(r.breach_within);
        return {
          organisation: entry(scope.organisations, r.code, scope.level),
          period: periodOf(r.period, granularity, args.from, args.to),
          cyber: {
            reported: n(r.cyber_reported),
            bySeverity: r.cyber_by_severity.map((count, i) => ({ severity: i + 1, incidents: n(count) })),
            highSeverity: n(r.cyber_high_severity),
            highSeverityOpen: n(r.cyber_high_severity_open),
            open: n(r.cyber_open),
            medianHoursToReport: orNull(r.cyber_hours_to_report[0]),
            p90HoursToReport: orNull(r.cyber_hours_to_report[1]),
          },
          breaches: {
            detected: n(r.breach_detected),
            reportable,
            reportedWithin72Hours: within,
            shareWithin72Hours: reportable > 0 ? within / reportable : null,
            reportedLate: n(r.breach_late),
            notReported: n(r.breach_not_reported),
            overdue: n(r.breach_overdue),
          },
          recordAccess: {
            losses: n(r.loss_count),
            practicesAffected: n(r.loss_practices),
            totalHours: n(r.loss_hours),
            medianHours: orNull(r.loss_median_hours),
            ongoing: n(r.loss_ongoing),
            bcpActivated: n(r.loss_bcp_activated),
            bcpReviewed: n(r.loss_bcp_reviewed),
          },
        };
      }),
      rows,
      scope.offset,
    );
    return { ...page, ...terms };
  }

  /** The losses of record access begun between from and to under the parent, each with its practice's organisation at the level (default PRACTICE). */
  async recordAccessLosses(args: RecordAccessLossArgs): Promise<Connection<RecordAccessLoss> & IncidentTerms> {
    const { scope, params, terms } = await this.scope({ ...args, level: args.level ?? 'PRACTICE' });
    const rows = await this.context.rows<LossRecord>(recordAccessLossPageSql(scope.sql), params);
    const page = connection(
      rows.map((r): RecordAccessLoss => ({
        practice: entry(scope.organisations, r.practice_code, 'PRACTICE'),
        organisation: entry(scope.organisations, r.grp, scope.level),
        lostAt: isoInstant(r.lost_at),
        restoredAt: r.restored_at === null ? null : isoInstant(r.restored_at),
        hours: Number(r.hours),
        ongoing: Number(r.ongoing) === 1,
        cause: r.cause,
        bcpActivated: Number(r.bcp_activated) === 1,
        bcpReviewed: Number(r.bcp_reviewed) === 1,
        bcpReviewedOn: r.bcp_reviewed_on,
        eventIds: [r.lost_event_id, ...(r.restored_event_id ? [r.restored_event_id] : [])],
      })),
      rows,
      scope.offset,
    );
    return { ...page, ...terms };
  }

  /** The range, knowledge time and scope asked about, checked, with the query parameters they make. */
  private async scope(args: RollupScope & { from: string; to: string; knownAt?: string | null }) {
    const { from, to } = dateRange(args.from, args.to);
    const asked = args.knownAt ? instant('knownAt', args.knownAt) : null;
    // Without knownAt, the facts as known now and the current hierarchy (not one built for this instant).
    const scope = await this.context.scope(args, to, asked);
    if (scope.asOf < from) {
      throw new QueryArgumentError(
        'asOf',
        `${scope.asOf} is before from (${from}): as of then nothing in the range had happened; ask with asOf on or after from (default: to, or today if earlier)`,
      );
    }
    const params = {
      from,
      to,
      asOf: scope.asOf,
      knownAt: asked ?? clickhouseInstant(new Date()),
      hours: RULE_PARAMETERS.hours,
      months: RULE_PARAMETERS.months,
      parent: scope.parent,
      limit: scope.limit,
      offset: scope.offset,
    };
    return { scope, params, terms: { rulesVersion: COMPLIANCE_RULES.version, asOf: scope.asOf, knownAt: args.knownAt ?? null } satisfies IncidentTerms };
  }

  private granularity(given: string | null | undefined): Granularity | null {
    if (given === null || given === undefined) return null;
    if (!(GRANULARITIES as readonly string[]).includes(given)) {
      throw new QueryArgumentError('granularity', `'${given}' is not a granularity: use one of ${GRANULARITIES.join(', ')}, or none for the whole range`);
    }
    return given as Granularity;
  }
}
