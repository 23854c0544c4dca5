import type { FactOf } from '@gpds/shared-contracts';
import { assertPracticeOpen, requireInstant, type DecisionContext } from '../context';
import { Rejection, dateOf } from '../rejection';

/**
 * Personal data breaches at a practice (GDPR Article 33: reported to the ICO within 72 hours of
 * detection), on the practice's stream. A later record of the same breach may add its ICO report.
 */
export type DataBreachReported = FactOf<'DataBreachReported'>;

export interface DataBreachState {
  readonly detectedAt: string;
  /** When it was reported to the ICO, or '' while no record has said. */
  readonly reportedToIcoAt: string;
}
/** By breach id. */
export type DataBreachesState = ReadonlyMap<string, DataBreachState>;

export function decideDataBreachReported(command: DataBreachReported, breaches: DataBreachesState, context: DecisionContext): DataBreachReported[] {
  const d = command.data;
  const recordedAt = Date.parse(command.occurredAt);
  requireInstant(d.detectedAt, 'data.detectedAt');
  const detectedAt = Date.parse(d.detectedAt);
  if (detectedAt > recordedAt) {
    throw new Rejection(
      'DETECTED_AFTER_REPORT',
      'data.detectedAt',
      `breach ${d.breachId} is recorded at ${command.occurredAt}, before it was detected (${d.detectedAt}): a breach is recorded once the practice is aware of it`,
    );
  }
  if (d.reportedToIcoAt !== '') {
    requireInstant(d.reportedToIcoAt, 'data.reportedToIcoAt');
    const reportedAt = Date.parse(d.reportedToIcoAt);
    if (reportedAt < detectedAt) {
      throw new Rejection(
        'ICO_REPORT_BEFORE_DETECTION',
        'data.reportedToIcoAt',
        `a breach's ICO report cannot precede its detection: breach ${d.breachId} was detected at ${d.detectedAt}, after the report at ${d.reportedToIcoAt}`,
      );
    }
    if (reportedAt > recordedAt) {
      throw new Rejection(
        'ICO_REPORT_IN_FUTURE',
        'data.reportedToIcoAt',
        `breach ${d.breachId}'s ICO report at ${d.reportedToIcoAt} is after this record of it (${command.occurredAt}): a record says what has happened by then`,
      );
    }
  }
  assertPracticeOpen(d.practiceCode, dateOf(command.occurredAt), context);
  const known = breaches.get(d.breachId);
  if (known) {
    if (Date.parse(known.detectedAt) !== detectedAt) {
      throw new Rejection(
        'BREACH_CHANGED',
        'data.detectedAt',
        `breach ${d.breachId} was recorded as detected at ${known.detectedAt}, not ${d.detectedAt}: every record of a breach gives the same detection time`,
      );
    }
    if (known.reportedToIcoAt !== '' && d.reportedToIcoAt !== '' && Date.parse(known.reportedToIcoAt) !== Date.parse(d.reportedToIcoAt)) {
      throw new Rejection(
        'ICO_REPORT_CHANGED',
        'data.reportedToIcoAt',
        `breach ${d.breachId} was recorded as reported to the ICO at ${known.reportedToIcoAt}, not ${d.reportedToIcoAt}: a breach is reported once`,
      );
    }
  }
  return [command];
}

/** Every breach's detection and ICO report: a later record without a report time keeps the one known. */
export function evolveDataBreaches(breaches: DataBreachesState, event: DataBreachReported): DataBreachesState {
  const d = event.data;
  const known = breaches.get(d.breachId);
  return new Map(breaches).set(d.breachId, {
    detectedAt: known?.detectedAt ?? d.detectedAt,
    reportedToIcoAt: known?.reportedToIcoAt || d.reportedToIcoAt,
  });
}
