import type { FactOf } from '@gpds/shared-contracts';
import { assertCommissionerOn, assertPracticeOpen, type DecisionContext } from '../context';
import { Rejection, dateOf } from '../rejection';

/** The commissioner agreed that a practice's sub-contracted provider may use services provided to the practice, on the practice's stream. */
export type SubcontractorAccessApproved = FactOf<'SubcontractorAccessApproved'>;

export function decideSubcontractorAccessApproved(command: SubcontractorAccessApproved, context: DecisionContext): SubcontractorAccessApproved[] {
  const d = command.data;
  const on = dateOf(command.occurredAt);
  const blank = d.services.findIndex((service) => typeof service !== 'string' || service.trim() === '');
  if (blank >= 0) {
    throw new Rejection(
      'INVALID_SERVICE',
      'data.services',
      `data.services[${blank}] is blank: each entry names a service the provider may use, e.g. "clinical system", "NHSmail"`,
    );
  }
  assertPracticeOpen(d.practiceCode, on, context);
  assertCommissionerOn(
    d.practiceCode,
    on,
    d.approvedBy,
    'data.approvedBy',
    "a sub-contractor's access is agreed by the practice's commissioner as of that day",
    context,
  );
  return [command];
}
