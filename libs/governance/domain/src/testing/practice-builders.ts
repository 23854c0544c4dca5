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

// The rest of the Operating Model. Each builder takes the fact's occurredAt first, then what a
// case changes; data is a valid fact for A81001 (under 16C throughout) by default.
export const dspt = (financialYear: string, occurredAt = '2023-06-30T00:00:00Z', practiceCode = 'A81001'): PracticeGovernanceCommand => ({
  type: 'DsptAssessmentPublished',
  occurredAt,
  data: { practiceCode, financialYear, status: 'STANDARDS_MET' },
});
export const dpo = (occurredAt = '2023-04-01T00:00:00Z', practiceCode = 'A81001'): PracticeGovernanceCommand => ({
  type: 'DataProtectionOfficerDesignated',
  occurredAt,
  data: { practiceCode, provision: 'COMMISSIONER_PROVIDED' },
});
export const cas = (occurredAt = '2023-04-01T00:00:00Z', practiceCode = 'A81001'): PracticeGovernanceCommand => ({
  type: 'CasRegistrationRecorded',
  occurredAt,
  data: { practiceCode, email: true, mobile: false },
});
export const clinicalSafety = (occurredAt = '2023-04-01T00:00:00Z', practiceCode = 'A81001'): PracticeGovernanceCommand => ({
  type: 'ClinicalSafetyAssessmentRecorded',
  occurredAt,
  data: { practiceCode, system: 'EMIS Web', standard: 'DCB0160', outcome: 'RISK_ACCEPTABLE' },
});
export const itReview = (occurredAt: string, reviewedBy = '16C', practiceCode = 'A81001'): PracticeGovernanceCommand => ({
  type: 'ItReviewCompleted',
  occurredAt,
  data: { practiceCode, reviewedBy },
});
export const serverRecorded = (server: string, on: string, practiceCode = 'A81001'): PracticeGovernanceCommand => ({
  type: 'LocalClinicalServerRecorded',
  occurredAt: `${on}T09:00:00Z`,
  data: { practiceCode, server },
});
export const serverDecommissioned = (server: string, on: string, practiceCode = 'A81001'): PracticeGovernanceCommand => ({
  type: 'LocalClinicalServerDecommissioned',
  occurredAt: `${on}T17:00:00Z`,
  data: { practiceCode, server },
});
export const remoteAccess = (
  capacityPercent: number | 'NaN' | 'Infinity' | '-Infinity',
  occurredAt = '2024-05-01T00:00:00Z',
  practiceCode = 'A81001',
): PracticeGovernanceCommand => ({
  type: 'RemoteAccessCapacityAssessed',
  occurredAt,
  data: { practiceCode, solution: 'VDI', capacityPercent },
});
export const softwareDetected = (
  asset: string,
  on: string,
  endOfSupport = '2025-10-14',
  product = 'Windows 10 22H2',
  practiceCode = 'A81001',
): PracticeGovernanceCommand => ({
  type: 'UnsupportedSoftwareDetected',
  occurredAt: `${on}T09:00:00Z`,
  data: { practiceCode, asset, product, endOfSupport },
});
export const softwareRemediated = (asset: string, on: string, product = 'Windows 10 22H2', practiceCode = 'A81001'): PracticeGovernanceCommand => ({
  type: 'UnsupportedSoftwareRemediated',
  occurredAt: `${on}T17:00:00Z`,
  data: { practiceCode, asset, product },
});
export const incidentReported = (
  incidentId: string,
  occurredAt: string,
  overrides: Partial<Record<'organisationCode' | 'organisationLevel' | 'severity' | 'detectedAt', unknown>> = {},
): PracticeGovernanceCommand =>
  ({
    type: 'CyberIncidentReported',
    occurredAt,
    data: {
      incidentId,
      organisationCode: 'A81001',
      organisationLevel: 'PRACTICE',
      severity: 2,
      highSeverity: false,
      detectedAt: occurredAt,
      reportedTo: 'NHS England CSOC',
      ...overrides,
    },
  }) as PracticeGovernanceCommand;
export const incidentResolved = (
  incidentId: string,
  occurredAt: string,
  organisationCode = 'A81001',
  organisationLevel: 'PRACTICE' | 'COMMISSIONER' | 'PCN' = 'PRACTICE',
): PracticeGovernanceCommand => ({
  type: 'CyberIncidentResolved',
  occurredAt,
  data: { incidentId, organisationCode, organisationLevel },
});
export const breach = (
  breachId: string,
  occurredAt: string,
  detectedAt: string,
  reportedToIcoAt = '',
  reportableToIco = true,
  practiceCode = 'A81001',
): PracticeGovernanceCommand => ({
  type: 'DataBreachReported',
  occurredAt,
  data: { breachId, practiceCode, detectedAt, reportableToIco, reportedToIcoAt },
});
export const accessLost = (occurredAt: string, practiceCode = 'A81001'): PracticeGovernanceCommand => ({
  type: 'RecordAccessLost',
  occurredAt,
  data: { practiceCode, cause: 'NETWORK_FAILURE', bcpActivated: true },
});
export const accessRestored = (occurredAt: string, practiceCode = 'A81001'): PracticeGovernanceCommand => ({
  type: 'RecordAccessRestored',
  occurredAt,
  data: { practiceCode, bcpActivated: true },
});
export const subcontractor = (
  occurredAt: string,
  approvedBy = '16C',
  services: string[] = ['clinical system', 'NHSmail'],
  practiceCode = 'A81001',
): PracticeGovernanceCommand => ({
  type: 'SubcontractorAccessApproved',
  occurredAt,
  data: { practiceCode, provider: 'Y12345', services, dataProcessingAgreement: true, approvedBy },
});
