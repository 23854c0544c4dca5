import type { FactOfKind } from '@gpds/shared-contracts';
import { decideAgreementSigned, decideAgreementTerminated, evolveAgreements, type AgreementsState } from '../agreements/agreements.decider';
import { decideBcpReviewed, evolveLastBcpReview } from '../bcp-reviews/bcp-reviews.decider';
import { decideCapabilityDeployed, decideCapabilityWithdrawn, evolveCapabilities, type CapabilitiesState } from '../capabilities/capabilities.decider';
import { decideCasRegistrationRecorded } from '../cas/cas.decider';
import { decideClinicalSafetyAssessmentRecorded } from '../clinical-safety/clinical-safety.decider';
import { assertOccurredAt, type DecisionContext } from '../context';
import {
  decideCyberIncidentReported,
  decideCyberIncidentResolved,
  evolveCyberIncidents,
  type CyberIncidentsState,
} from '../cyber-incidents/cyber-incidents.decider';
import { decideDataBreachReported, evolveDataBreaches, type DataBreachesState } from '../data-breaches/data-breaches.decider';
import { decideDpoDesignated } from '../dpo/dpo.decider';
import { decideDsptAssessmentPublished } from '../dspt/dspt.decider';
import { decideItReviewCompleted } from '../it-reviews/it-reviews.decider';
import { decideLocalServerDecommissioned, decideLocalServerRecorded, evolveLocalServers, type LocalServersState } from '../local-servers/local-servers.decider';
import { decideRecordAccessLost, decideRecordAccessRestored, evolveRecordAccess, type RecordAccessState } from '../record-access/record-access.decider';
import { decideRemoteAccessCapacityAssessed } from '../remote-access/remote-access.decider';
import { decideSubcontractorAccessApproved } from '../subcontractors/subcontractors.decider';
import {
  decideUnsupportedSoftwareDetected,
  decideUnsupportedSoftwareRemediated,
  evolveUnsupportedSoftware,
  type UnsupportedSoftwareState,
} from '../unsupported-software/unsupported-software.decider';

/**
 * A practice's governance stream (`practice-<code>`): its CCG-Practice Agreements, business
 * continuity plan reviews, deployed capabilities and the rest of the Operating Model's facts
 * about it, decided against the practice's history. A commissioner's own cyber incidents are on
 * its stream (`commissioner-<code>`), folded into the same state. Each fact kind's rules live in
 * its own folder; this file only routes a fact to them. Pure: time and lookups come in through
 * the DecisionContext.
 */

/** Commands are the facts as submitted ("record that this happened"), typed by their contracts. */
export type PracticeGovernanceCommand = FactOfKind<'governance'>;
/** Events carry the same data; a decision either records the fact or rejects it. */
export type PracticeGovernanceEvent = PracticeGovernanceCommand;

/** What later decisions see; every part is folded order-robustly (facts may reach a stream out of occurredAt order). */
export interface PracticeGovernanceState {
  readonly agreements: AgreementsState;
  readonly capabilities: CapabilitiesState;
  readonly lastBcpReview: string | null;
  readonly localServers: LocalServersState;
  readonly unsupportedSoftware: UnsupportedSoftwareState;
  readonly cyberIncidents: CyberIncidentsState;
  readonly dataBreaches: DataBreachesState;
  readonly recordAccess: RecordAccessState;
}

export const initialPracticeGovernanceState: PracticeGovernanceState = {
  agreements: new Map(),
  capabilities: new Map(),
  lastBcpReview: null,
  localServers: new Map(),
  unsupportedSoftware: new Map(),
  cyberIncidents: new Map(),
  dataBreaches: new Map(),
  recordAccess: [],
};

export function practiceStreamId(practiceCode: string): string {
  return `practice-${practiceCode}`;
}

/**
 * The stream a governance fact is decided on: its practice's, or for a cyber incident its
 * organisation's (a practice's, or a commissioner's own: `commissioner-<code>`).
 */
export function governanceStreamId(fact: PracticeGovernanceCommand): string {
  if (fact.type === 'CyberIncidentReported' || fact.type === 'CyberIncidentResolved') {
    // Any other level is refused by the decider; the practice's stream is only read for it.
    return fact.data.organisationLevel === 'COMMISSIONER' ? `commissioner-${fact.data.organisationCode}` : practiceStreamId(fact.data.organisationCode);
  }
  return practiceStreamId(fact.data.practiceCode);
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
    case 'DsptAssessmentPublished':
      return decideDsptAssessmentPublished(command, context);
    case 'DataProtectionOfficerDesignated':
      return decideDpoDesignated(command, context);
    case 'CasRegistrationRecorded':
      return decideCasRegistrationRecorded(command, context);
    case 'ClinicalSafetyAssessmentRecorded':
      return decideClinicalSafetyAssessmentRecorded(command, context);
    case 'ItReviewCompleted':
      return decideItReviewCompleted(command, context);
    case 'LocalClinicalServerRecorded':
      return decideLocalServerRecorded(command, state.localServers, context);
    case 'LocalClinicalServerDecommissioned':
      return decideLocalServerDecommissioned(command, state.localServers, context);
    case 'RemoteAccessCapacityAssessed':
      return decideRemoteAccessCapacityAssessed(command, context);
    case 'UnsupportedSoftwareDetected':
      return decideUnsupportedSoftwareDetected(command, state.unsupportedSoftware, context);
    case 'UnsupportedSoftwareRemediated':
      return decideUnsupportedSoftwareRemediated(command, state.unsupportedSoftware, context);
    case 'CyberIncidentReported':
      return decideCyberIncidentReported(command, state.cyberIncidents, context);
    case 'CyberIncidentResolved':
      return decideCyberIncidentResolved(command, state.cyberIncidents, context);
    case 'DataBreachReported':
      return decideDataBreachReported(command, state.dataBreaches, context);
    case 'RecordAccessLost':
      return decideRecordAccessLost(command, state.recordAccess, context);
    case 'RecordAccessRestored':
      return decideRecordAccessRestored(command, state.recordAccess, context);
    case 'SubcontractorAccessApproved':
      return decideSubcontractorAccessApproved(command, context);
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
    case 'LocalClinicalServerRecorded':
    case 'LocalClinicalServerDecommissioned':
      return { ...state, localServers: evolveLocalServers(state.localServers, event) };
    case 'UnsupportedSoftwareDetected':
    case 'UnsupportedSoftwareRemediated':
      return { ...state, unsupportedSoftware: evolveUnsupportedSoftware(state.unsupportedSoftware, event) };
    case 'CyberIncidentReported':
    case 'CyberIncidentResolved':
      return { ...state, cyberIncidents: evolveCyberIncidents(state.cyberIncidents, event) };
    case 'DataBreachReported':
      return { ...state, dataBreaches: evolveDataBreaches(state.dataBreaches, event) };
    case 'RecordAccessLost':
    case 'RecordAccessRestored':
      return { ...state, recordAccess: evolveRecordAccess(state.recordAccess, event) };
    // Facts later decisions do not look at.
    case 'DsptAssessmentPublished':
    case 'DataProtectionOfficerDesignated':
    case 'CasRegistrationRecorded':
    case 'ClinicalSafetyAssessmentRecorded':
    case 'ItReviewCompleted':
    case 'RemoteAccessCapacityAssessed':
    case 'SubcontractorAccessApproved':
      return state;
  }
}
