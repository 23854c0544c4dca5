import type { FactOf } from '@gpds/shared-contracts';
import { assertPracticeOpen, requireDate, type DecisionContext } from '../context';
import { Rejection, dateOf } from '../rejection';

/** Software past its supplier's end of support found on a practice asset, and its remediation, on the practice's stream. */
export type UnsupportedSoftwareDetected = FactOf<'UnsupportedSoftwareDetected'>;
export type UnsupportedSoftwareRemediated = FactOf<'UnsupportedSoftwareRemediated'>;

/** The latest finding of a product on an asset: the day detected, and the day remediated (null while open). */
export interface SoftwareFinding {
  readonly asset: string;
  readonly product: string;
  readonly detectedOn: string;
  readonly remediatedOn: string | null;
}
/** By asset and product (findingKey). */
export type UnsupportedSoftwareState = ReadonlyMap<string, SoftwareFinding>;

/** One finding per asset and product: a key neither can forge by containing the other. */
export function findingKey(asset: string, product: string): string {
  return JSON.stringify([asset, product]);
}

export function decideUnsupportedSoftwareDetected(
  command: UnsupportedSoftwareDetected,
  findings: UnsupportedSoftwareState,
  context: DecisionContext,
): UnsupportedSoftwareDetected[] {
  const d = command.data;
  const on = dateOf(command.occurredAt);
  requireDate(d.endOfSupport, 'data.endOfSupport');
  // endOfSupport is the last day of support: the software is unsupported from the day after.
  if (on <= d.endOfSupport) {
    throw new Rejection(
      'STILL_SUPPORTED',
      'data.endOfSupport',
      `${d.product} is supported until ${d.endOfSupport} (its last day of support): it cannot be found unsupported on ${on}`,
    );
  }
  assertPracticeOpen(d.practiceCode, on, context);
  const finding = findings.get(findingKey(d.asset, d.product));
  if (finding && finding.remediatedOn === null) {
    throw new Rejection(
      'ALREADY_DETECTED',
      'data.asset',
      `${d.product} on asset ${d.asset} at practice ${d.practiceCode} was already found unsupported on ${finding.detectedOn} and is not remediated yet`,
    );
  }
  if (finding && finding.remediatedOn !== null && on < finding.remediatedOn) {
    throw new Rejection(
      'ALREADY_DETECTED',
      'data.asset',
      `${d.product} on asset ${d.asset} at practice ${d.practiceCode} was found unsupported on ${finding.detectedOn} and remediated on ${finding.remediatedOn}: it can be found again from ${finding.remediatedOn}, not on ${on}`,
    );
  }
  return [command];
}

export function decideUnsupportedSoftwareRemediated(
  command: UnsupportedSoftwareRemediated,
  findings: UnsupportedSoftwareState,
  context: DecisionContext,
): UnsupportedSoftwareRemediated[] {
  const d = command.data;
  const on = dateOf(command.occurredAt);
  assertPracticeOpen(d.practiceCode, on, context);
  const finding = findings.get(findingKey(d.asset, d.product));
  if (!finding || finding.remediatedOn !== null) {
    throw new Rejection(
      'NOT_DETECTED',
      'data.asset',
      `${d.product} on asset ${d.asset} at practice ${d.practiceCode} has no open finding${finding ? ` (the last was remediated on ${finding.remediatedOn})` : ''}: nothing to remediate`,
    );
  }
  if (on < finding.detectedOn) {
    throw new Rejection(
      'REMEDIATED_BEFORE_DETECTED',
      'occurredAt',
      `${d.product} on asset ${d.asset} was found unsupported on ${finding.detectedOn}: it cannot be remediated before that (${on})`,
    );
  }
  return [command];
}

/**
 * Each asset and product's latest finding. Order-robust: a fact about an earlier finding (one
 * that reaches the stream after a later one) does not replace what is known of the later one.
 */
export function evolveUnsupportedSoftware(
  findings: UnsupportedSoftwareState,
  event: UnsupportedSoftwareDetected | UnsupportedSoftwareRemediated,
): UnsupportedSoftwareState {
  const { asset, product } = event.data;
  const key = findingKey(asset, product);
  const on = dateOf(event.occurredAt);
  const current = findings.get(key);
  if (event.type === 'UnsupportedSoftwareDetected') {
    // Open already, or a day of the known finding: nothing new.
    if (current && (current.remediatedOn === null || on < current.remediatedOn)) return findings;
    return new Map(findings).set(key, { asset, product, detectedOn: on, remediatedOn: null });
  }
  // Unknown, before the latest finding (an earlier one's end), or after it was remediated already.
  if (!current || on < current.detectedOn || (current.remediatedOn !== null && current.remediatedOn <= on)) return findings;
  return new Map(findings).set(key, { ...current, remediatedOn: on });
}
