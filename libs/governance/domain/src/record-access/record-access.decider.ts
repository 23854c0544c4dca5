import type { FactOf } from '@gpds/shared-contracts';
import { assertPracticeOpen, type DecisionContext } from '../context';
import { Rejection, dateOf } from '../rejection';

/** A practice's losses of access to its patient records, from lost to restored, on the practice's stream. */
export type RecordAccessLost = FactOf<'RecordAccessLost'>;
export type RecordAccessRestored = FactOf<'RecordAccessRestored'>;

/** One loss of access: when it was lost and when restored (null while lost), both occurredAt instants. */
export interface RecordAccessOutage {
  readonly lostAt: string;
  readonly restoredAt: string | null;
}
/** The practice's outages, earliest first; at most one open. */
export type RecordAccessState = readonly RecordAccessOutage[];

export function decideRecordAccessLost(command: RecordAccessLost, outages: RecordAccessState, context: DecisionContext): RecordAccessLost[] {
  const d = command.data;
  assertPracticeOpen(d.practiceCode, dateOf(command.occurredAt), context);
  const open = outages.find((o) => o.restoredAt === null);
  if (open) {
    throw new Rejection(
      'ALREADY_LOST',
      'occurredAt',
      `practice ${d.practiceCode} has had no access to its records since ${open.lostAt}: record its restoration before another loss`,
    );
  }
  const at = Date.parse(command.occurredAt);
  const during = outages.find((o) => o.restoredAt !== null && Date.parse(o.lostAt) <= at && at <= Date.parse(o.restoredAt));
  if (during) {
    throw new Rejection(
      'OVERLAPS_OUTAGE',
      'occurredAt',
      `practice ${d.practiceCode} had already lost access to its records at ${command.occurredAt}: from ${during.lostAt} until ${during.restoredAt}`,
    );
  }
  return [command];
}

export function decideRecordAccessRestored(command: RecordAccessRestored, outages: RecordAccessState, context: DecisionContext): RecordAccessRestored[] {
  const d = command.data;
  assertPracticeOpen(d.practiceCode, dateOf(command.occurredAt), context);
  const open = outages.find((o) => o.restoredAt === null);
  if (!open) {
    throw new Rejection('NOT_LOST', 'occurredAt', `practice ${d.practiceCode} has access to its records (no loss of access is open): nothing to restore`);
  }
  const lostAt = Date.parse(open.lostAt);
  const at = Date.parse(command.occurredAt);
  if (at < lostAt) {
    throw new Rejection(
      'RESTORED_BEFORE_LOST',
      'occurredAt',
      `record access cannot be restored before it was lost: practice ${d.practiceCode} lost it at ${open.lostAt}, after ${command.occurredAt}`,
    );
  }
  // A loss recorded before an earlier-recorded one (facts arrive out of order) must end before that one began.
  const overlapped = outages.find((o) => o.restoredAt !== null && lostAt < Date.parse(o.lostAt) && Date.parse(o.lostAt) <= at);
  if (overlapped) {
    throw new Rejection(
      'OVERLAPS_OUTAGE',
      'occurredAt',
      `the loss of access from ${open.lostAt} cannot last until ${command.occurredAt}: practice ${d.practiceCode} lost access again at ${overlapped.lostAt} (until ${overlapped.restoredAt}), so it had been restored before then`,
    );
  }
  return [command];
}

/** The outages, earliest first: a restoration closes the open one (a restoration without one, never decided so, changes nothing). */
export function evolveRecordAccess(outages: RecordAccessState, event: RecordAccessLost | RecordAccessRestored): RecordAccessState {
  if (event.type === 'RecordAccessLost') {
    return [...outages, { lostAt: event.occurredAt, restoredAt: null }].sort((a, b) => Date.parse(a.lostAt) - Date.parse(b.lostAt));
  }
  const at = Date.parse(event.occurredAt);
  // The latest open outage that began by then.
  const index = outages.findLastIndex((o) => o.restoredAt === null && Date.parse(o.lostAt) <= at);
  if (index < 0) return outages;
  return outages.map((o, i) => (i === index ? { ...o, restoredAt: event.occurredAt } : o));
}
