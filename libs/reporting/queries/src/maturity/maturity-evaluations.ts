import { createHash } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import { LIST_SIZE_SAMPLES, TABLES } from '@gpds/analytics-clickhouse';
import { MATURITY_INDEXES } from '@gpds/shared-reference-data';
import type { ComplianceEvaluations } from '../compliance/evaluations';
import { MaterialisedTables, type Materialised } from '../shared/materialised';
import { practiceIndexesSql } from './maturity.sql';

/** Part of every table's name: a change to how they are built, or to a definition, gives every one a new name. */
const LAYOUT = `maturity-indexes/1|${createHash('sha256').update(JSON.stringify(MATURITY_INDEXES)).digest('hex').slice(0, 16)}`;

/**
 * Every practice's maturity index on a date, under every version of the definition, materialised
 * per date, knowledge time and version of the facts (as the compliance evaluations it is built
 * from): a roll-up, a drill-down or a month of a trend then reads about 6,500 rows per version.
 * Its version is the compliance evaluation's (which covers the capability facts) and the state of
 * the list sizes (the list-size utilisation samples, not the others); both are checked before every answer.
 */
export class MaturityEvaluations {
  private readonly tables: MaterialisedTables;

  constructor(
    client: ClickHouseClient,
    private readonly options: { readonly database: string; readonly keep?: number },
    private readonly evaluations: ComplianceEvaluations,
  ) {
    this.tables = new MaterialisedTables(client, { database: options.database, prefix: 'maturity_', keep: options.keep });
  }

  /** The indexes of `asOf` as known at `knownAt` (or null: now) under `hierarchyTable`; `checks`: what the API runs before each answer. */
  async get(asOf: string, knownAt: string | null, hierarchyTable: string): Promise<Materialised> {
    const evaluation = await this.evaluations.get(asOf, knownAt, hierarchyTable);
    // Only the list-size samples, not every utilisation sample: a stream of activity figures would
    // otherwise rebuild the indexes on every question (docs/scaling.md, the soak).
    const lists = this.tables.rowsVersionCheck(TABLES.utilisationSamples, LIST_SIZE_SAMPLES);
    const { table } = await this.tables.get(`${LAYOUT}|${evaluation.table}`, [lists], {
      select: practiceIndexesSql(this.options.database, evaluation.table, MATURITY_INDEXES),
      params: { asOf, knownAt: knownAt ?? new Date().toISOString().replace('T', ' ').replace('Z', '') },
      orderBy: '(index_version, code)',
    });
    return { table, checks: [evaluation.check, lists] };
  }

  forgetAll(): void {
    this.tables.forgetAll();
    this.evaluations.forgetAll();
  }
}
