import type { PracticeGovernanceCommand } from '../practice/practice-stream';

/** Builders of a practice's governance facts for specs (codes from the real ODS files). */
export const signed = (
  agreementId: string,
  termStart: string,
  termEnd: string,
  practiceCode = 'A81001',
  commissionerCode = '16C',
): PracticeGovernanceCommand => ({
  type: 'CcgPracticeAgreementSigned',
  occurredAt: `${termStart}T09:00:00Z`,
  data: { agreementId, practiceCode, commissionerCode, termStart, termEnd },
});
export const terminated = (agreementId: string, terminatedOn: string, commissionerCode = '16C'): PracticeGovernanceCommand => ({
  type: 'CcgPracticeAgreementTerminated',
  occurredAt: `${terminatedOn}T09:00:00Z`,
  data: { agreementId, practiceCode: 'A81001', commissionerCode, terminatedOn, reason: 'practice merger' },
});
export const bcp = (occurredAt: string, reviewedBy = '16C', practiceCode = 'A81001'): PracticeGovernanceCommand => ({
  type: 'BusinessContinuityPlanReviewed',
  occurredAt,
  data: { practiceCode, reviewedBy, outcome: 'APPROVED', covers: ['CYBER'] },
});
export const deployed = (capability: string, occurredAt = '2024-04-01T00:00:00Z', practiceCode = 'A81001'): PracticeGovernanceCommand => ({
  type: 'CapabilityDeployed',
  occurredAt,
  data: { practiceCode, capability, solution: 'Example OC', supplier: 'Example Ltd', route: 'DCS_CATALOGUE' },
});
export const withdrawn = (capability: string, occurredAt = '2025-01-01T00:00:00Z'): PracticeGovernanceCommand => ({
  type: 'CapabilityWithdrawn',
  occurredAt,
  data: { practiceCode: 'A81001', capability, reason: 'contract ended' },
});
