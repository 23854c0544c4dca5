import type { FactOfKind } from '@gpds/shared-contracts';
import { decideAgreementSigned, decideAgreementTerminated, evolveAgreements, type AgreementsState } from '../agreements/agreements.decider';
import { decideBcpReviewed, evolveLastBcpReview } from '../bcp-reviews/bcp-reviews.decider';
import { decideCapabilityDeployed, decideCapabilityWithdrawn, evolveCapabilities, type CapabilitiesState } from '../capabilities/capabilities.decider';
import { assertOccurredAt, type DecisionContext } from '../context';

/**
 * A practice's governance stream (`practice-<code>`): its CCG-Practice Agreements, business
 * continuity plan reviews and deployed capabilities, decided against the practice's history.
 * Each fact kind's rules live in its own folder; this file only routes a fact to them. Pure:
 * time and lookups come in through the DecisionContext.
 */

/** Commands are the facts as submitted ("record that this happened"), typed by their contracts. */
export type PracticeGovernanceCommand = FactOfKind<'governance'>;
/** Events carry the same data; a decision either records the fact or rejects it. */
export type PracticeGovernanceEvent = PracticeGovernanceCommand;

export interface PracticeGovernanceState {
  readonly agreements: AgreementsState;
  readonly capabilities: CapabilitiesState;
  readonly lastBcpReview: string | null;
}

export const initialPracticeGovernanceState: PracticeGovernanceState = { agreements: new Map(), capabilities: new Map(), lastBcpReview: null };

export function practiceStreamId(practiceCode: string): string {
  return `practice-${practiceCode}`;
}

export function decidePracticeGovernance(
  command: PracticeGovernanceCommand,
  state: PracticeGovernanceState,
  context: DecisionContext,
): PracticeGovernanceEvent[] {
  assertOccurredAt(command.occurredAt, context);
  switch (command.type) {
    case 'CcgPracticeAgreementSigned':
      return decideAgreementSigned(command, state.agreements, context);
    case 'CcgPracticeAgreementTerminated':
      return decideAgreementTerminated(command, state.agreements);
    case 'BusinessContinuityPlanReviewed':
      return decideBcpReviewed(command, context);
    case 'CapabilityDeployed':
      return decideCapabilityDeployed(command, context);
    case 'CapabilityWithdrawn':
      return decideCapabilityWithdrawn(command, state.capabilities, context);
  }
}

export function evolvePracticeGovernance(state: PracticeGovernanceState, event: PracticeGovernanceEvent): PracticeGovernanceState {
  switch (event.type) {
    case 'CcgPracticeAgreementSigned':
    case 'CcgPracticeAgreementTerminated':
      return { ...state, agreements: evolveAgreements(state.agreements, event) };
    case 'BusinessContinuityPlanReviewed':
      return { ...state, lastBcpReview: evolveLastBcpReview(state.lastBcpReview, event) };
    case 'CapabilityDeployed':
    case 'CapabilityWithdrawn':
      return { ...state, capabilities: evolveCapabilities(state.capabilities, event) };
  }
}
