import type { EventTypeOfKind, SubmittedData } from '@gpds/shared-contracts';

/** The types commissioners and national feeds submit: every governance and measurement fact (the hierarchy's own come from the ODS importer). */
export type SubmittableType = EventTypeOfKind<'governance' | 'measurement'>;

/** A record as a sender writes it, typed by its contract: a misspelt field does not compile. */
export interface ExampleRecord<T extends SubmittableType = SubmittableType> {
  readonly type: T;
  readonly schemaVersion: 1;
  readonly source: { readonly system: string; readonly recordId: string };
  readonly occurredAt: string;
  readonly data: SubmittedData<T>;
}

export interface RecordExample<T extends SubmittableType = SubmittableType> {
  /** The Operating Model area it belongs to, as docs/submission-api.md groups them. */
  readonly area: string;
  /** One line on what the fact means. */
  readonly summary: string;
  readonly record: ExampleRecord<T>;
}

const SYSTEM = 'nhs-tees-valley-gpit';

function example<T extends SubmittableType>(
  type: T,
  area: string,
  summary: string,
  recordId: string,
  occurredAt: string,
  data: SubmittedData<T>,
): RecordExample<T> {
  return { area, summary, record: { type, schemaVersion: 1, source: { system: SYSTEM, recordId }, occurredAt, data } };
}

const AGREEMENTS = 'Agreements and business continuity';
const CAPABILITIES = 'Capabilities';
const MEASUREMENTS = 'Measurements';
const INFORMATION_GOVERNANCE = 'Information governance';
const PATIENT_SAFETY = 'Patient safety and medical devices';
const IT_ESTATE = 'The practice IT estate';
const INCIDENTS = 'Incidents';

/**
 * One valid record of every submittable type: the examples of docs/submission-api.md (which an
 * e2e test checks against these) and of the OpenAPI description's request body. Each is about
 * practice A81001 (or its commissioner 16C) on days 16C commissioned it, so a submitter key of
 * 16C can send them all; in this order each one's decider accepts it (a server is recorded
 * before it is decommissioned, an incident reported before it is resolved).
 */
export const RECORD_EXAMPLES: { readonly [T in SubmittableType]: RecordExample<T> } = {
  CcgPracticeAgreementSigned: example(
    'CcgPracticeAgreementSigned',
    AGREEMENTS,
    'A CCG-Practice Agreement was signed for a term (termEnd is its last day).',
    'agreement-A81001-2023',
    '2023-03-15T10:00:00Z',
    { agreementId: 'AG-16C-A81001-2023', practiceCode: 'A81001', commissionerCode: '16C', termStart: '2023-04-01', termEnd: '2026-03-31' },
  ),
  CcgPracticeAgreementTerminated: example(
    'CcgPracticeAgreementTerminated',
    AGREEMENTS,
    'The agreement ended before its term did: terminatedOn is its first day no longer in force.',
    'agreement-A81001-2023-end',
    '2025-03-20T10:00:00Z',
    {
      agreementId: 'AG-16C-A81001-2023',
      practiceCode: 'A81001',
      commissionerCode: '16C',
      terminatedOn: '2025-04-01',
      reason: 'superseded by the 2025 agreement',
    },
  ),
  BusinessContinuityPlanReviewed: example(
    'BusinessContinuityPlanReviewed',
    AGREEMENTS,
    "The commissioner reviewed the practice's business continuity plan, and what it covers.",
    'bcp-2022-00417',
    '2022-07-12T10:00:00Z',
    { practiceCode: 'A81001', reviewedBy: '16C', outcome: 'APPROVED', covers: ['CYBER'] },
  ),
  CapabilityDeployed: example(
    'CapabilityDeployed',
    CAPABILITIES,
    'A capability of the catalogue went live at the practice, with its solution, supplier and procurement route.',
    'capability-A81001-online-consultation',
    '2023-05-02T09:00:00Z',
    {
      practiceCode: 'A81001',
      capability: 'ONLINE_CONSULTATION',
      solution: 'Example Online Consultation',
      supplier: 'Example Online Consultation Ltd',
      route: 'DCS_CATALOGUE',
    },
  ),
  CapabilityWithdrawn: example(
    'CapabilityWithdrawn',
    CAPABILITIES,
    'A deployed capability was withdrawn from the practice.',
    'capability-A81001-online-consultation-end',
    '2025-09-30T17:00:00Z',
    { practiceCode: 'A81001', capability: 'ONLINE_CONSULTATION', reason: 'replaced by the ICB-wide solution' },
  ),
  UtilisationSampleRecorded: example(
    'UtilisationSampleRecorded',
    MEASUREMENTS,
    "A count of a capability's use (a metric of it) by an organisation over a period within one month.",
    'oc-2025-11-A81001',
    '2025-12-01T00:00:00Z',
    {
      organisationCode: 'A81001',
      organisationLevel: 'PRACTICE',
      capability: 'ONLINE_CONSULTATION',
      metric: 'SUBMISSIONS',
      periodStart: '2025-11-01',
      periodEnd: '2025-11-30',
      value: 412,
      supplier: 'Example Online Consultation Ltd',
    },
  ),
  CarbonMetricRecorded: example(
    'CarbonMetricRecorded',
    MEASUREMENTS,
    "An organisation's emissions (kgCO2e) for a period, footprint and category.",
    'carbon-2025-11-16C-electricity',
    '2025-12-05T09:00:00Z',
    {
      organisationCode: '16C',
      organisationLevel: 'COMMISSIONER',
      periodStart: '2025-11-01',
      periodEnd: '2025-11-30',
      footprint: 'NHS_CARBON_FOOTPRINT',
      category: 'ELECTRICITY',
      kgCo2e: 1200,
      method: 'metered',
    },
  ),
  DsptAssessmentPublished: example(
    'DsptAssessmentPublished',
    INFORMATION_GOVERNANCE,
    "The practice's Data Security and Protection Toolkit status for a financial year (YYYY/YY) was published.",
    'dspt-2024-25-A81001',
    '2025-06-30T12:00:00Z',
    { practiceCode: 'A81001', financialYear: '2024/25', status: 'STANDARDS_MET' },
  ),
  DataProtectionOfficerDesignated: example(
    'DataProtectionOfficerDesignated',
    INFORMATION_GOVERNANCE,
    'The practice has a designated Data Protection Officer, provided by its commissioner or appointed by itself.',
    'dpo-A81001-2022',
    '2022-09-01T09:00:00Z',
    { practiceCode: 'A81001', provision: 'COMMISSIONER_PROVIDED' },
  ),
  DataBreachReported: example(
    'DataBreachReported',
    INFORMATION_GOVERNANCE,
    'A personal data breach at the practice; a later record of the same breachId may add its report to the ICO.',
    'breach-2025-014',
    '2025-02-11T17:00:00Z',
    { breachId: 'BR-2025-014', practiceCode: 'A81001', detectedAt: '2025-02-10T09:30:00Z', reportableToIco: true, reportedToIcoAt: '2025-02-11T16:00:00Z' },
  ),
  CasRegistrationRecorded: example(
    'CasRegistrationRecorded',
    PATIENT_SAFETY,
    "The practice's registration with the MHRA Central Alerting System (email, text alerts), as it stands from occurredAt.",
    'cas-A81001-2024',
    '2024-01-15T09:00:00Z',
    { practiceCode: 'A81001', email: true, mobile: true },
  ),
  ClinicalSafetyAssessmentRecorded: example(
    'ClinicalSafetyAssessmentRecorded',
    PATIENT_SAFETY,
    'A clinical safety assessment (DCB0129, DCB0160) of a clinical system at the practice was signed off.',
    'dcb0160-A81001-accurx',
    '2024-03-04T09:00:00Z',
    { practiceCode: 'A81001', system: 'Accurx', standard: 'DCB0160', outcome: 'RISK_ACCEPTABLE_WITH_MITIGATIONS' },
  ),
  ItReviewCompleted: example(
    'ItReviewCompleted',
    IT_ESTATE,
    "The practice's annual IT review with its commissioner was held.",
    'it-review-A81001-2024',
    '2024-10-08T10:00:00Z',
    { practiceCode: 'A81001', reviewedBy: '16C' },
  ),
  LocalClinicalServerRecorded: example(
    'LocalClinicalServerRecorded',
    IT_ESTATE,
    'A legacy local clinical system server is in place at the practice (from occurredAt).',
    'server-A81001-01',
    '2022-02-01T09:00:00Z',
    { practiceCode: 'A81001', server: 'SRV-A81001-01' },
  ),
  LocalClinicalServerDecommissioned: example(
    'LocalClinicalServerDecommissioned',
    IT_ESTATE,
    'That server was switched off (it was in place that day).',
    'server-A81001-01-decommissioned',
    '2022-08-25T17:00:00Z',
    { practiceCode: 'A81001', server: 'SRV-A81001-01' },
  ),
  RemoteAccessCapacityAssessed: example(
    'RemoteAccessCapacityAssessed',
    IT_ESTATE,
    "The share (0 to 100) of the practice's normal operational capacity its remote access service supports.",
    'remote-access-A81001-2024',
    '2024-05-20T09:00:00Z',
    { practiceCode: 'A81001', solution: 'MANAGED_ENDPOINT_VPN', capacityPercent: 75 },
  ),
  UnsupportedSoftwareDetected: example(
    'UnsupportedSoftwareDetected',
    IT_ESTATE,
    "Software past its supplier's last day of support (endOfSupport) was found on a practice asset.",
    'unsupported-A81001-PC017-win10',
    '2025-10-20T09:00:00Z',
    { practiceCode: 'A81001', asset: 'PC-A81001-017', product: 'Windows 10 22H2', endOfSupport: '2025-10-14' },
  ),
  UnsupportedSoftwareRemediated: example(
    'UnsupportedSoftwareRemediated',
    IT_ESTATE,
    'That software on that asset was upgraded, replaced or removed.',
    'unsupported-A81001-PC017-win10-remediated',
    '2025-11-12T15:00:00Z',
    { practiceCode: 'A81001', asset: 'PC-A81001-017', product: 'Windows 10 22H2' },
  ),
  SubcontractorAccessApproved: example(
    'SubcontractorAccessApproved',
    IT_ESTATE,
    "The commissioner agreed that the practice's sub-contracted provider may use services provided to the practice.",
    'subcontractor-A81001-2024',
    '2024-09-02T09:00:00Z',
    {
      practiceCode: 'A81001',
      provider: 'Example Extended Access Ltd',
      services: ['clinical system', 'NHSmail'],
      dataProcessingAgreement: true,
      approvedBy: '16C',
    },
  ),
  CyberIncidentReported: example(
    'CyberIncidentReported',
    INCIDENTS,
    "A cyber security incident at a practice, or at a commissioner's own systems, was reported (severity 1, most severe, to 4).",
    'incident-2025-0042',
    '2025-03-03T08:30:00Z',
    {
      incidentId: 'INC-2025-0042',
      organisationCode: 'A81001',
      organisationLevel: 'PRACTICE',
      severity: 2,
      highSeverity: true,
      detectedAt: '2025-03-03T07:45:00Z',
      reportedTo: 'NHS England CSOC',
    },
  ),
  CyberIncidentResolved: example(
    'CyberIncidentResolved',
    INCIDENTS,
    'The incident was resolved; a resolved incident stays resolved.',
    'incident-2025-0042-resolved',
    '2025-03-05T16:00:00Z',
    { incidentId: 'INC-2025-0042', organisationCode: 'A81001', organisationLevel: 'PRACTICE' },
  ),
  RecordAccessLost: example(
    'RecordAccessLost',
    INCIDENTS,
    'The practice lost access to its patient records (occurredAt: when), and why.',
    'record-access-A81001-2025-01-14',
    '2025-01-14T08:10:00Z',
    { practiceCode: 'A81001', cause: 'NETWORK_FAILURE', bcpActivated: true },
  ),
  RecordAccessRestored: example(
    'RecordAccessRestored',
    INCIDENTS,
    'Access was restored (occurredAt: when); bcpActivated is the final word on the loss.',
    'record-access-A81001-2025-01-14-restored',
    '2025-01-14T11:40:00Z',
    { practiceCode: 'A81001', bcpActivated: true },
  ),
};

/**
 * A CSV body of a new type (docs/submission-api.md has it too): a header row of field paths, a
 * number as written (62.5). Lists would be split on '|'; a yes/no field is true or false.
 */
export const CSV_EXAMPLE = [
  'type,schemaVersion,source.system,source.recordId,occurredAt,data.practiceCode,data.solution,data.capacityPercent',
  `RemoteAccessCapacityAssessed,1,${SYSTEM},remote-access-A81002-2024,2024-05-20T09:00:00Z,A81002,MANAGED_ENDPOINT_VPN,62.5`,
  `RemoteAccessCapacityAssessed,1,${SYSTEM},remote-access-A81004-2024,2024-05-21T09:00:00Z,A81004,VDI,80`,
].join('\n');
