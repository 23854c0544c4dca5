import { clickhouseInstant, isoDate, isoInstant, page, today } from '../shared/arguments';
import { connection, type Connection } from '../shared/connection';
import type { QueryContext } from '../shared/query-context';
import { agreementInForceSql, deployedCapabilitiesSql, latestBcpReviewSql, timelineSql } from './practice.sql';

export interface TimelineEntry {
  readonly kind: string;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly eventId: string;
  readonly eventPosition: number;
  readonly sourceSystem: string;
  readonly sourceRecord: string;
  readonly summary: string;
}

export interface PracticeState {
  readonly agreementInForce: { agreementId: string; commissionerCode: string; termStart: string; termEnd: string } | null;
  readonly latestBcpReview: { reviewedOn: string; outcome: string; reviewedBy: string } | null;
  readonly capabilities: Array<{ capability: string; since: string; solution: string; supplier: string }>;
}

/** One practice: what is in force for it on a date, and every fact about it with its event. */
export class PracticeQueries {
  constructor(private readonly context: QueryContext) {}

  async state(code: string, asOf?: string | null): Promise<PracticeState> {
    const on = asOf ? isoDate('asOf', asOf) : today();
    const params = { code, asOf: on, knownAt: clickhouseInstant(new Date()) };
    const bi = this.context.bi;
    const [agreements, reviews, capabilities] = await Promise.all([
      this.context.rows<{ agreement_id: string; commissioner_code: string; term_start: string; term_end: string }>(agreementInForceSql(bi), params),
      this.context.rows<{ reviewed_on: string; outcome: string; reviewed_by: string }>(latestBcpReviewSql(bi), params),
      this.context.rows<{ capability: string; since: string; solution: string; supplier: string }>(deployedCapabilitiesSql(bi), params),
    ]);
    const a = agreements[0];
    const r = reviews[0];
    return {
      agreementInForce: a ? { agreementId: a.agreement_id, commissionerCode: a.commissioner_code, termStart: a.term_start, termEnd: a.term_end } : null,
      latestBcpReview: r ? { reviewedOn: r.reviewed_on, outcome: r.outcome, reviewedBy: r.reviewed_by } : null,
      capabilities,
    };
  }

  /** Every fact about a practice, newest first, each with the event it came from. */
  async timeline(code: string, args: { first?: number | null; after?: string | null }): Promise<Connection<TimelineEntry>> {
    const { limit, offset } = page(args.first, args.after);
    const rows = await this.context.rows<{
      kind: string;
      occurred_at: string;
      recorded_at: string;
      event_id: string;
      event_position: string;
      source_system: string;
      source_record: string;
      summary: string;
      total: string;
    }>(timelineSql(this.context.database), { code, limit, offset });
    return connection(
      rows.map((r) => ({
        kind: r.kind,
        occurredAt: isoInstant(r.occurred_at),
        recordedAt: isoInstant(r.recorded_at),
        eventId: r.event_id,
        eventPosition: Number(r.event_position),
        sourceSystem: r.source_system,
        sourceRecord: r.source_record,
        summary: r.summary,
      })),
      rows,
      offset,
    );
  }
}
