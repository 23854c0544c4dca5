// The governance domain: one folder per fact kind (decider, specs, row mapping), the streams
// that route facts to them, and what a decision may look up.
export { Rejection, dateOf } from './rejection';
export {
  EARLIEST_FACT_DATE,
  LATEST_DATE,
  assertOccurredAt,
  requireDate,
  requireInstant,
  type Ceiling,
  type DecisionContext,
  type MetricFacts,
  type PracticeFacts,
} from './context';
export {
  decidePracticeGovernance,
  evolvePracticeGovernance,
  governanceStreamId,
  initialPracticeGovernanceState,
  practiceStreamId,
  type PracticeGovernanceCommand,
  type PracticeGovernanceEvent,
  type PracticeGovernanceState,
} from './practice/practice-stream';
export { decideMeasurement, measurementStreamId, type MeasurementCommand } from './measurements/measurement-stream';
export type { AgreementSigned, AgreementTerminated, AgreementState } from './agreements/agreements.decider';
export type { BcpReviewed } from './bcp-reviews/bcp-reviews.decider';
export type { CapabilityDeployed, CapabilityWithdrawn } from './capabilities/capabilities.decider';
export type { UtilisationSample } from './utilisation/utilisation.decider';
export type { CarbonMetric } from './carbon/carbon.decider';
export type { DsptAssessmentPublished } from './dspt/dspt.decider';
export type { DataProtectionOfficerDesignated } from './dpo/dpo.decider';
export type { CasRegistrationRecorded } from './cas/cas.decider';
export type { ClinicalSafetyAssessmentRecorded } from './clinical-safety/clinical-safety.decider';
export type { ItReviewCompleted } from './it-reviews/it-reviews.decider';
export type { LocalClinicalServerRecorded, LocalClinicalServerDecommissioned } from './local-servers/local-servers.decider';
export type { RemoteAccessCapacityAssessed } from './remote-access/remote-access.decider';
export type { UnsupportedSoftwareDetected, UnsupportedSoftwareRemediated } from './unsupported-software/unsupported-software.decider';
export type { CyberIncidentReported, CyberIncidentResolved } from './cyber-incidents/cyber-incidents.decider';
export type { DataBreachReported } from './data-breaches/data-breaches.decider';
export type { RecordAccessLost, RecordAccessRestored } from './record-access/record-access.decider';
export type { SubcontractorAccessApproved } from './subcontractors/subcontractors.decider';
export {
  CARBON_METRICS,
  CYBER_INCIDENTS,
  GOVERNANCE_ROW_MAPPINGS,
  PRACTICE_AGREEMENTS,
  PRACTICE_BCP_REVIEWS,
  PRACTICE_CAPABILITIES,
  PRACTICE_CAS_REGISTRATIONS,
  PRACTICE_CLINICAL_SAFETY_ASSESSMENTS,
  PRACTICE_DATA_BREACHES,
  PRACTICE_DPO_DESIGNATIONS,
  PRACTICE_DSPT_ASSESSMENTS,
  PRACTICE_IT_REVIEWS,
  PRACTICE_LOCAL_SERVERS,
  PRACTICE_RECORD_ACCESS,
  PRACTICE_REMOTE_ACCESS_ASSESSMENTS,
  PRACTICE_SUBCONTRACTOR_APPROVALS,
  PRACTICE_UNSUPPORTED_SOFTWARE,
  UTILISATION_SAMPLES,
} from './row-mappings';
