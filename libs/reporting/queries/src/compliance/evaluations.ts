import type { ClickHouseClient } from '@clickhouse/client';
import { COMPLIANCE_TABLES } from '@gpds/analytics-clickhouse';
import { COMPLIANCE_RULES, OUTCOMES } from '@gpds/compliance';
import { MaterialisedTables } from '../shared/materialised';
import { evaluationSql } from './compliance.sql';

/** Part of every evaluation's name: a change to how evaluations are built gives every one a new name. */
const LAYOUT = 'compliance-evaluation/1';

/** The outcome column type of an evaluation: one byte a rule. */
export const OUTCOME_TYPE = `Enum8(${OUTCOMES.map((o, i) => `'${o}' = ${i + 1}`).join(', ')})`;

/** An evaluation: every practice open on a date, each rule's outcome (o0, o1, ... in catalogue order). */
export interface Evaluation {
  /** `<db>_reporting.compliance_<version>`. */
  readonly table: string;
  /** The query that told the evaluation's version, and its parameters: what the API runs before each answer. */
  readonly check: { readonly sql: string; readonly params: Record<string, unknown> };
}

/**
 * Compliance evaluations, materialised: every practice open on a date judged against every rule,
 * as a small table, built once per date, knowledge time and version of the facts and hierarchy,
 * then read by every roll-up, drill-down and list of that date (national, a region, an ICB, the
 * non-compliant practices of a rule; the maturity index of the date). An answer can change only
 * when the fact tables the rules read or the hierarchy change, so the version is the state of
 * those tables (their identities and row counts), checked on every question (MaterialisedTables), and the hierarchy version.
 */
export class ComplianceEvaluations {
  private readonly tables: MaterialisedTables;

  constructor(
    client: ClickHouseClient,
    private readonly options: { readonly database: string; readonly keep?: number },
  ) {
    this.tables = new MaterialisedTables(client, { database: options.database, prefix: 'compliance_', keep: options.keep });
  }

  /**
   * The evaluation of `asOf` with the facts known at `knownAt` ('YYYY-MM-DD hh:mm:ss.sss', or null:
   * everything known when asked), practices and their openness by `hierarchyTable` (the
   * HierarchyCache version to answer with).
   */
  async get(asOf: string, knownAt: string | null, hierarchyTable: string): Promise<Evaluation> {
    const check = this.tables.versionCheck(COMPLIANCE_TABLES);
    const rules = COMPLIANCE_RULES.rules;
    const { table } = await this.tables.get(`${LAYOUT}|rules v${COMPLIANCE_RULES.version}|${asOf}|${knownAt ?? 'now'}|${hierarchyTable}`, [check], {
      select: `SELECT code, ${rules.map((_, i) => `CAST(o${i} AS ${OUTCOME_TYPE}) AS o${i}`).join(', ')} FROM (${evaluationSql(this.options.database, hierarchyTable)})`,
      params: { asOf, knownAt: knownAt ?? new Date().toISOString().replace('T', ' ').replace('Z', '') },
      orderBy: 'code',
    });
    return { table, check };
  }

  /** Forgets what this process built (another may have dropped it): the next questions check, and build again what is gone. */
  forgetAll(): void {
    this.tables.forgetAll();
  }
}
