import { AGREEMENT_ROWS } from './agreements/agreements.rows';
import { BCP_REVIEW_ROWS } from './bcp-reviews/bcp-reviews.rows';
import { CAPABILITY_ROWS } from './capabilities/capabilities.rows';
import { CARBON_ROWS } from './carbon/carbon.rows';
import { CAS_ROWS } from './cas/cas.rows';
import { CLINICAL_SAFETY_ROWS } from './clinical-safety/clinical-safety.rows';
import { CYBER_INCIDENT_ROWS } from './cyber-incidents/cyber-incidents.rows';
import { DATA_BREACH_ROWS } from './data-breaches/data-breaches.rows';
import { DPO_ROWS } from './dpo/dpo.rows';
import { DSPT_ROWS } from './dspt/dspt.rows';
import { IT_REVIEW_ROWS } from './it-reviews/it-reviews.rows';
import { LOCAL_SERVER_ROWS } from './local-servers/local-servers.rows';
import { RECORD_ACCESS_ROWS } from './record-access/record-access.rows';
import { REMOTE_ACCESS_ROWS } from './remote-access/remote-access.rows';
import { SUBCONTRACTOR_ROWS } from './subcontractors/subcontractors.rows';
import { UNSUPPORTED_SOFTWARE_ROWS } from './unsupported-software/unsupported-software.rows';
import { UTILISATION_ROWS } from './utilisation/utilisation.rows';

/** How every governance and measurement fact becomes analytics rows (each declared in its fact kind's folder). */
export const GOVERNANCE_ROW_MAPPINGS = [
  ...AGREEMENT_ROWS,
  ...BCP_REVIEW_ROWS,
  ...CAPABILITY_ROWS,
  ...UTILISATION_ROWS,
  ...CARBON_ROWS,
  // The rest of the Operating Model.
  ...DSPT_ROWS,
  ...DPO_ROWS,
  ...CAS_ROWS,
  ...CLINICAL_SAFETY_ROWS,
  ...IT_REVIEW_ROWS,
  ...LOCAL_SERVER_ROWS,
  ...REMOTE_ACCESS_ROWS,
  ...UNSUPPORTED_SOFTWARE_ROWS,
  ...CYBER_INCIDENT_ROWS,
  ...DATA_BREACH_ROWS,
  ...RECORD_ACCESS_ROWS,
  ...SUBCONTRACTOR_ROWS,
] as const;
export { PRACTICE_AGREEMENTS } from './agreements/agreements.rows';
export { PRACTICE_BCP_REVIEWS } from './bcp-reviews/bcp-reviews.rows';
export { PRACTICE_CAPABILITIES } from './capabilities/capabilities.rows';
export { CARBON_METRICS } from './carbon/carbon.rows';
export { UTILISATION_SAMPLES } from './utilisation/utilisation.rows';
export { PRACTICE_DSPT_ASSESSMENTS } from './dspt/dspt.rows';
export { PRACTICE_DPO_DESIGNATIONS } from './dpo/dpo.rows';
export { PRACTICE_CAS_REGISTRATIONS } from './cas/cas.rows';
export { PRACTICE_CLINICAL_SAFETY_ASSESSMENTS } from './clinical-safety/clinical-safety.rows';
export { PRACTICE_IT_REVIEWS } from './it-reviews/it-reviews.rows';
export { PRACTICE_LOCAL_SERVERS } from './local-servers/local-servers.rows';
export { PRACTICE_REMOTE_ACCESS_ASSESSMENTS } from './remote-access/remote-access.rows';
export { PRACTICE_UNSUPPORTED_SOFTWARE } from './unsupported-software/unsupported-software.rows';
export { CYBER_INCIDENTS } from './cyber-incidents/cyber-incidents.rows';
export { PRACTICE_DATA_BREACHES } from './data-breaches/data-breaches.rows';
export { PRACTICE_RECORD_ACCESS } from './record-access/record-access.rows';
export { PRACTICE_SUBCONTRACTOR_APPROVALS } from './subcontractors/subcontractors.rows';
