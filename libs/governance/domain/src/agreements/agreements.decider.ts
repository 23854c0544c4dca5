import type { FactOf } from '@gpds/shared-contracts';
import { assertPracticeOpen, requireDate, type DecisionContext } from '../context';
import { Rejection, dateOf } from '../rejection';

/** CCG-Practice Agreements: a practice's agreements with its commissioner, on the practice's stream. */
export type AgreementSigned = FactOf<'CcgPracticeAgreementSigned'>;
export type AgreementTerminated = FactOf<'CcgPracticeAgreementTerminated'>;

export interface AgreementState {
  readonly commissionerCode: string;
  readonly termStart: string;
  readonly termEnd: string;
  /** The last day in force: termEnd, or the day before termination. */
  readonly lastDay: string;
}
export type AgreementsState = ReadonlyMap<string, AgreementState>;

export function decideAgreementSigned(command: AgreementSigned, agreements: AgreementsState, context: DecisionContext): AgreementSigned[] {
  const d = command.data;
  const on = dateOf(command.occurredAt);
  requireDate(d.termStart, 'data.termStart');
  requireDate(d.termEnd, 'data.termEnd');
  if (d.termEnd < d.termStart) throw new Rejection('INVALID_TERM', 'data.termEnd', `the term ends (${d.termEnd}) before it starts (${d.termStart})`);
  if (on > d.termEnd)
    throw new Rejection(
      'SIGNED_AFTER_TERM',
      'occurredAt',
      `the agreement is signed on ${on}, after its term ended (${d.termEnd}): an agreement is signed before or during its term`,
    );
  assertPracticeOpen(d.practiceCode, d.termStart, context);
  const commissioner = context.commissionerOn(d.practiceCode, d.termStart);
  if (commissioner !== d.commissionerCode) {
    throw new Rejection(
      'NOT_THE_PRACTICE_COMMISSIONER',
      'data.commissionerCode',
      `${d.commissionerCode} did not commission practice ${d.practiceCode} on ${d.termStart}${commissioner ? ` (${commissioner} did)` : ''}`,
    );
  }
  if (agreements.has(d.agreementId)) {
    throw new Rejection('AGREEMENT_EXISTS', 'data.agreementId', `agreement ${d.agreementId} is already recorded for practice ${d.practiceCode}`);
  }
  for (const [id, a] of agreements) {
    if (d.termStart <= a.lastDay && a.termStart <= d.termEnd) {
      throw new Rejection(
        'AGREEMENTS_OVERLAP',
        'data.termStart',
        `the term ${d.termStart} to ${d.termEnd} overlaps agreement ${id} (${a.termStart} to ${a.lastDay}): terminate it first`,
      );
    }
  }
  return [command];
}

export function decideAgreementTerminated(command: AgreementTerminated, agreements: AgreementsState): AgreementTerminated[] {
  const d = command.data;
  requireDate(d.terminatedOn, 'data.terminatedOn');
  const agreement = agreements.get(d.agreementId);
  if (!agreement) throw new Rejection('UNKNOWN_AGREEMENT', 'data.agreementId', `practice ${d.practiceCode} has no agreement ${d.agreementId}`);
  if (d.terminatedOn <= agreement.termStart || d.terminatedOn > agreement.lastDay) {
    throw new Rejection(
      'AGREEMENT_NOT_IN_FORCE',
      'data.terminatedOn',
      `agreement ${d.agreementId} is in force from ${agreement.termStart} to ${agreement.lastDay}: it cannot be terminated on ${d.terminatedOn}`,
    );
  }
  if (d.commissionerCode !== agreement.commissionerCode) {
    throw new Rejection(
      'NOT_THE_PRACTICE_COMMISSIONER',
      'data.commissionerCode',
      `agreement ${d.agreementId} is with ${agreement.commissionerCode}, not ${d.commissionerCode}`,
    );
  }
  return [command];
}

export function evolveAgreements(agreements: AgreementsState, event: AgreementSigned | AgreementTerminated): AgreementsState {
  const next = new Map(agreements);
  if (event.type === 'CcgPracticeAgreementSigned') {
    const d = event.data;
    next.set(d.agreementId, { commissionerCode: d.commissionerCode, termStart: d.termStart, termEnd: d.termEnd, lastDay: d.termEnd });
  } else {
    const current = next.get(event.data.agreementId);
    if (current) next.set(event.data.agreementId, { ...current, lastDay: previousDay(event.data.terminatedOn) });
  }
  return next;
}

function previousDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}
