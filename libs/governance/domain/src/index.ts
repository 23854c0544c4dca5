// The governance domain: one folder per fact kind (decider, specs, row mapping), the streams
// that route facts to them, and what a decision may look up.
export { Rejection, dateOf } from './rejection';
export {
  EARLIEST_FACT_DATE,
  LATEST_DATE,
  assertOccurredAt,
  requireDate,
  type Ceiling,
  type DecisionContext,
  type MetricFacts,
  type PracticeFacts,
} from './context';
export {
  decidePracticeGovernance,
  evolvePracticeGovernance,
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
export { CARBON_METRICS, GOVERNANCE_ROW_MAPPINGS, PRACTICE_AGREEMENTS, PRACTICE_BCP_REVIEWS, PRACTICE_CAPABILITIES, UTILISATION_SAMPLES } from './row-mappings';
