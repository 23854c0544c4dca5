import { AGREEMENT_ROWS } from './agreements/agreements.rows';
import { BCP_REVIEW_ROWS } from './bcp-reviews/bcp-reviews.rows';
import { CAPABILITY_ROWS } from './capabilities/capabilities.rows';
import { CARBON_ROWS } from './carbon/carbon.rows';
import { UTILISATION_ROWS } from './utilisation/utilisation.rows';

/** How every governance and measurement fact becomes analytics rows (each declared in its fact kind's folder). */
export const GOVERNANCE_ROW_MAPPINGS = [...AGREEMENT_ROWS, ...BCP_REVIEW_ROWS, ...CAPABILITY_ROWS, ...UTILISATION_ROWS, ...CARBON_ROWS] as const;
export { PRACTICE_AGREEMENTS } from './agreements/agreements.rows';
export { PRACTICE_BCP_REVIEWS } from './bcp-reviews/bcp-reviews.rows';
export { PRACTICE_CAPABILITIES } from './capabilities/capabilities.rows';
export { CARBON_METRICS } from './carbon/carbon.rows';
export { UTILISATION_SAMPLES } from './utilisation/utilisation.rows';
