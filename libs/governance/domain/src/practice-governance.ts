import { assertOccurredAt, assertPracticeOpen, requireDate, type DecisionContext } from './context';
import { Rejection, dateOf } from './rejection';

/**
 * A practice's governance stream (`practice-<code>`): its CCG-Practice Agreements, business
 * continuity plan reviews and deployed capabilities. Pure decide/evolve; time and lookups come
 * in through the DecisionContext.
 */
export interface AgreementSigned {
  readonly agreementId: string;
  readonly practiceCode: string;
  readonly commissionerCode: string;
  readonly termStart: string;
  readonly termEnd: string;
}
export interface AgreementTerminated {
  readonly agreementId: string;
  readonly practiceCode: string;
  readonly commissionerCode: string;
  readonly terminatedOn: string;
  readonly reason: string;
}
export interface BcpReviewed {
  readonly practiceCode: string;
  readonly reviewedBy: string;
  readonly outcome: string;
  readonly covers: readonly string[];
}
export interface CapabilityDeployed {
  readonly practiceCode: string;
  readonly capability: string;
  readonly solution: string;
  readonly supplier: string;
  readonly route: string;
}
export interface CapabilityWithdrawn {
  readonly practiceCode: string;
  readonly capability: string;
  readonly reason: string;
}

type Fact<Type extends string, Data> = { readonly type: Type; readonly data: Data; readonly occurredAt: string };

/** Commands are the facts as submitted: "record that this happened". */
export type PracticeGovernanceCommand =
  | Fact<'CcgPracticeAgreementSigned', AgreementSigned>
  | Fact<'CcgPracticeAgreementTerminated', AgreementTerminated>
  | Fact<'BusinessContinuityPlanReviewed', BcpReviewed>
  | Fact<'CapabilityDeployed', CapabilityDeployed>
  | Fact<'CapabilityWithdrawn', CapabilityWithdrawn>;

/** Events carry the same data; a decision either records the fact or rejects it. */
export type PracticeGovernanceEvent = PracticeGovernanceCommand;

export interface AgreementState {
  readonly commissionerCode: string;
  readonly termStart: string;
  readonly termEnd: string;
  /** The last day in force: termEnd, or the day before termination. */
  readonly lastDay: string;
}

export interface PracticeGovernanceState {
  readonly agreements: ReadonlyMap<string, AgreementState>;
  readonly capabilities: ReadonlyMap<string, { readonly solution: string; readonly supplier: string; readonly since: string }>;
  readonly lastBcpReview: string | null;
}

export const initialPracticeGovernanceState: PracticeGovernanceState = { agreements: new Map(), capabilities: new Map(), lastBcpReview: null };

export function practiceStreamId(practiceCode: string): string {
  return `practice-${practiceCode}`;
}

export function decidePracticeGovernance(command: PracticeGovernanceCommand, state: PracticeGovernanceState, context: DecisionContext): PracticeGovernanceEvent[] {
  assertOccurredAt(command.occurredAt, context);
  const on = dateOf(command.occurredAt);
  switch (command.type) {
    case 'CcgPracticeAgreementSigned': {
      const d = command.data;
      requireDate(d.termStart, 'data.termStart');
      requireDate(d.termEnd, 'data.termEnd');
      if (d.termEnd < d.termStart) throw new Rejection('INVALID_TERM', 'data.termEnd', `the term ends (${d.termEnd}) before it starts (${d.termStart})`);
      if (on > d.termEnd) throw new Rejection('SIGNED_AFTER_TERM', 'occurredAt', `the agreement is signed on ${on}, after its term ended (${d.termEnd}): an agreement is signed before or during its term`);
      assertPracticeOpen(d.practiceCode, d.termStart, context);
      const commissioner = context.commissionerOn(d.practiceCode, d.termStart);
      if (commissioner !== d.commissionerCode) {
        throw new Rejection(
          'NOT_THE_PRACTICE_COMMISSIONER',
          'data.commissionerCode',
          `${d.commissionerCode} did not commission practice ${d.practiceCode} on ${d.termStart}${commissioner ? ` (${commissioner} did)` : ''}`,
        );
      }
      if (state.agreements.has(d.agreementId)) {
        throw new Rejection('AGREEMENT_EXISTS', 'data.agreementId', `agreement ${d.agreementId} is already recorded for practice ${d.practiceCode}`);
      }
      for (const [id, a] of state.agreements) {
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
    case 'CcgPracticeAgreementTerminated': {
      const d = command.data;
      requireDate(d.terminatedOn, 'data.terminatedOn');
      const agreement = state.agreements.get(d.agreementId);
      if (!agreement) throw new Rejection('UNKNOWN_AGREEMENT', 'data.agreementId', `practice ${d.practiceCode} has no agreement ${d.agreementId}`);
      if (d.terminatedOn <= agreement.termStart || d.terminatedOn > agreement.lastDay) {
        throw new Rejection(
          'AGREEMENT_NOT_IN_FORCE',
          'data.terminatedOn',
          `agreement ${d.agreementId} is in force from ${agreement.termStart} to ${agreement.lastDay}: it cannot be terminated on ${d.terminatedOn}`,
        );
      }
      if (d.commissionerCode !== agreement.commissionerCode) {
        throw new Rejection('NOT_THE_PRACTICE_COMMISSIONER', 'data.commissionerCode', `agreement ${d.agreementId} is with ${agreement.commissionerCode}, not ${d.commissionerCode}`);
      }
      return [command];
    }
    case 'BusinessContinuityPlanReviewed': {
      const d = command.data;
      assertPracticeOpen(d.practiceCode, on, context);
      const commissioner = context.commissionerOn(d.practiceCode, on);
      if (commissioner !== d.reviewedBy) {
        throw new Rejection(
          'NOT_THE_PRACTICE_COMMISSIONER',
          'data.reviewedBy',
          `a BCP review is recorded by the practice's commissioner as of the review date: ${d.practiceCode}'s on ${on} was ${commissioner ?? 'unknown'}, not ${d.reviewedBy}`,
        );
      }
      return [command];
    }
    case 'CapabilityDeployed': {
      const d = command.data;
      assertPracticeOpen(d.practiceCode, on, context);
      if (!context.isKnownCapability(d.capability)) {
        throw new Rejection('UNKNOWN_CAPABILITY', 'data.capability', `'${d.capability}' is not in the capability catalogue`);
      }
      return [command];
    }
    case 'CapabilityWithdrawn': {
      const d = command.data;
      assertPracticeOpen(d.practiceCode, on, context);
      if (!context.isKnownCapability(d.capability)) {
        throw new Rejection('UNKNOWN_CAPABILITY', 'data.capability', `'${d.capability}' is not in the capability catalogue`);
      }
      const deployed = state.capabilities.get(d.capability);
      if (!deployed) {
        throw new Rejection('CAPABILITY_NOT_DEPLOYED', 'data.capability', `${d.capability} is not deployed at practice ${d.practiceCode}: nothing to withdraw`);
      }
      if (on < deployed.since) {
        throw new Rejection('CAPABILITY_NOT_DEPLOYED', 'occurredAt', `${d.capability} was deployed at practice ${d.practiceCode} on ${deployed.since}, after ${on}`);
      }
      return [command];
    }
  }
}

export function evolvePracticeGovernance(state: PracticeGovernanceState, event: PracticeGovernanceEvent): PracticeGovernanceState {
  const on = dateOf(event.occurredAt);
  switch (event.type) {
    case 'CcgPracticeAgreementSigned': {
      const agreements = new Map(state.agreements);
      const d = event.data;
      agreements.set(d.agreementId, { commissionerCode: d.commissionerCode, termStart: d.termStart, termEnd: d.termEnd, lastDay: d.termEnd });
      return { ...state, agreements };
    }
    case 'CcgPracticeAgreementTerminated': {
      const agreements = new Map(state.agreements);
      const current = agreements.get(event.data.agreementId);
      if (current) agreements.set(event.data.agreementId, { ...current, lastDay: previousDay(event.data.terminatedOn) });
      return { ...state, agreements };
    }
    case 'BusinessContinuityPlanReviewed':
      return { ...state, lastBcpReview: state.lastBcpReview && state.lastBcpReview > on ? state.lastBcpReview : on };
    case 'CapabilityDeployed': {
      const capabilities = new Map(state.capabilities);
      capabilities.set(event.data.capability, { solution: event.data.solution, supplier: event.data.supplier, since: on });
      return { ...state, capabilities };
    }
    case 'CapabilityWithdrawn': {
      const capabilities = new Map(state.capabilities);
      capabilities.delete(event.data.capability);
      return { ...state, capabilities };
    }
  }
}

function previousDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}
