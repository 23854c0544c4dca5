import type { DecisionContext } from '@gpds/governance';
import type { OrganisationDirectory } from '@gpds/organisations';
import { CAPABILITIES, METRICS } from '@gpds/shared-reference-data';

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
    capabilityOfMetric: (metric) => METRICS.get(metric)?.capability,
  };
}
