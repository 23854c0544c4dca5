import type { DecisionContext } from '@gpds/governance';
import type { OrganisationDirectory } from '@gpds/organisations';
import { CAPABILITIES, CARBON_CATEGORIES, METRICS, carbonCeiling, metricCeiling } from '@gpds/shared-reference-data';

/** The governance deciders' lookups, answered from the organisation directory and the reference data files. */
export function decisionContext(directory: OrganisationDirectory, now: Date): DecisionContext {
  return {
    now,
    organisation: (code) => {
      const org = directory.organisation(code);
      return org ? { code: org.code, level: org.level, openedOn: org.openedOn, closedOn: org.closedOn } : undefined;
    },
    commissionerOn: (practice, date) => directory.commissionerOn(practice, date),
    isKnownCapability: (code) => CAPABILITIES.has(code),
    metric: (code) => {
      const metric = METRICS.get(code);
      return metric ? { capability: metric.capability, ceiling: (level, days) => metricCeiling(code, level, days) } : undefined;
    },
    carbonFootprintOf: (category) => CARBON_CATEGORIES.get(category)?.footprint,
    carbonCeiling: (level, days) => carbonCeiling(level, days),
  };
}
