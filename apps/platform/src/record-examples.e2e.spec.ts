import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_CATALOGUE } from '@gpds/shared-contracts';
import { seededDataDir, startPlatform, type PlatformProcess, type SubmissionAnswer as Answer } from '@gpds/platform-testing';

// The guide's examples (docs/submission-api.md) and the OpenAPI description's are one set of
// records, one of every submittable type, and every one is accepted by a running platform; and
// bad records of every Operating Model type are refused field by field beside valid neighbours.

type Body = NonNullable<RequestInit['body']>;
type Outcome = readonly [status: string, errors: ReadonlyArray<readonly [path: string, code: string]>];
interface SentRecord {
  readonly type: string;
  readonly schemaVersion?: number;
  readonly source: { readonly system: string; readonly recordId: string };
  readonly occurredAt: string;
  readonly data: Record<string, unknown>;
}

const GUIDE = join(__dirname, '..', '..', '..', 'docs', 'submission-api.md');
const SUBMITTABLE = [...EVENT_CATALOGUE.values()]
  .filter((e) => e.submittable)
  .map((e) => e.type)
  .sort();
/** The types submittable before the rest of the Operating Model was added. */
const EARLIER_TYPES = [
  'CcgPracticeAgreementSigned',
  'CcgPracticeAgreementTerminated',
  'BusinessContinuityPlanReviewed',
  'CapabilityDeployed',
  'CapabilityWithdrawn',
  'UtilisationSampleRecorded',
  'CarbonMetricRecorded',
];
const NEW_TYPES = SUBMITTABLE.filter((t) => !EARLIER_TYPES.includes(t));

/** The guide's fenced code blocks in one language, in order. */
const guideBlocks = (language: string): string[] =>
  [...readFileSync(GUIDE, 'utf8').matchAll(new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\`$`, 'gm'))].map((m) => m[1]!);
/** Every ```json block of the guide that is a record (it has a type and a source), in order. */
const guideRecords = (): SentRecord[] =>
  guideBlocks('json')
    .map((text) => JSON.parse(text) as unknown)
    .filter((v): v is SentRecord => v !== null && typeof v === 'object' && 'type' in v && 'source' in v);

const ndjson = (records: readonly unknown[]): string => records.map((r) => JSON.stringify(r)).join('\n');
const outcomes = (answer: Answer): Outcome[] => answer.results.map((r) => [r.status, (r.errors ?? []).map((e) => [e.path, e.code] as const)]);

describe('the record examples and bad records of every type', () => {
  let platform: PlatformProcess;
  let dataDir: string;
  let admin: string;
  let tees: string; // a submitter key of 16C, the commissioner of the A81 practices
  let openapi: {
    paths: Record<string, { post: { requestBody: { content: Record<string, { examples?: Record<string, { summary: string; value: unknown }> }> } } }>;
  };

  const post = async (body: Body, contentType: string, key: string): Promise<{ status: number; answer: Answer }> => {
    const response = await fetch(`${platform.url}/v1/submissions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': contentType },
      body,
    });
    return { status: response.status, answer: (await response.json()) as Answer };
  };
  const requestExamples = (contentType: string): Record<string, { summary: string; value: unknown }> =>
    openapi.paths['/v1/submissions']!.post.requestBody.content[contentType]!.examples!;

  beforeAll(async () => {
    dataDir = await seededDataDir();
    platform = await startPlatform({ DATA_DIR: dataDir, DEMO_DATA: 'off' });
    admin = readFileSync(join(dataDir, 'admin.key'), 'utf8').trim();
    const created = await fetch(`${platform.url}/v1/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ organisation: '16C', role: 'submitter' }),
    });
    expect(created.status).toBe(201);
    tees = ((await created.json()) as { key: string }).key;
    openapi = (await (await fetch(`${platform.url}/openapi.json`)).json()) as typeof openapi;
  }, 180_000);
  afterAll(async () => {
    await platform.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('docs/submission-api.md and GET /openapi.json', () => {
    it('show one example record of every submittable type, the same records in both', () => {
      expect(SUBMITTABLE).toHaveLength(23);
      const documented = guideRecords();
      expect([...new Set(documented.map((r) => r.type))].sort()).toEqual(SUBMITTABLE);
      const examples = requestExamples('application/json');
      expect(Object.keys(examples).sort()).toEqual(SUBMITTABLE);
      for (const [name, example] of Object.entries(examples)) {
        expect({ name, type: (example.value as SentRecord).type }).toEqual({ name, type: name });
        expect(example.summary.length).toBeGreaterThan(20);
      }
      // Every record the guide shows is the OpenAPI example of its type, field for field.
      for (const record of documented) expect(record).toEqual(examples[record.type]!.value);
      // And the CSV example.
      const [csv, ...others] = guideBlocks('csv');
      expect(others).toEqual([]);
      expect(csv!.trimEnd()).toBe(requestExamples('text/csv')['RemoteAccessCapacityAssessed']!.value);
    });

    it('are all accepted, in the guide-s order, from the submitter key of the commissioner they name, in NDJSON and CSV', async () => {
      const records = [...new Map(guideRecords().map((r) => [`${r.source.system}/${r.source.recordId}`, r])).values()];
      expect(records).toHaveLength(SUBMITTABLE.length);
      const { status, answer } = await post(ndjson(records), 'application/x-ndjson', tees);
      expect(status).toBe(200);
      expect(answer.results.map((r, i) => [records[i]!.type, r.status, r.errors ?? []])).toEqual(records.map((r) => [r.type, 'accepted', []]));
      // Stored: the same records again are duplicates (a reader who sends the guide's curl lines after them too).
      const again = await post(JSON.stringify(records), 'application/json', tees);
      expect(again.answer).toMatchObject({ accepted: 0, duplicates: records.length, rejected: 0 });

      const table = await post(guideBlocks('csv')[0]!, 'text/csv', tees);
      expect(table.status).toBe(200);
      expect(outcomes(table.answer)).toEqual([
        ['accepted', []],
        ['accepted', []],
      ]);
    });
  });

  describe('bad records of every Operating Model type', () => {
    let seq = 0;
    const record = (type: string, occurredAt: string, data: Record<string, unknown>): SentRecord => ({
      type,
      schemaVersion: 1,
      source: { system: 'bad-records-suite', recordId: `${type}-${++seq}` },
      occurredAt,
      data,
    });
    interface Case {
      readonly record: SentRecord;
      readonly expected: Outcome;
    }
    const ok = (type: string, occurredAt: string, data: Record<string, unknown>): Case => ({
      record: record(type, occurredAt, data),
      expected: ['accepted', []],
    });
    const bad = (type: string, occurredAt: string, data: Record<string, unknown>, ...errors: Array<readonly [string, string]>): Case => ({
      record: record(type, occurredAt, data),
      expected: ['rejected', errors],
    });
    /** Sends the cases as one NDJSON body, twice: the valid ones accepted then duplicate, the others rejected alike both times. */
    const sendTwice = async (cases: readonly Case[], key: string): Promise<Answer> => {
      const body = ndjson(cases.map((c) => c.record));
      const first = await post(body, 'application/x-ndjson', key);
      expect(first.status).toBe(200);
      expect(first.answer.results.map((r) => r.index)).toEqual(cases.map((_, i) => i));
      expect(outcomes(first.answer).map((o, i) => [cases[i]!.record.type, ...o])).toEqual(cases.map((c) => [c.record.type, ...c.expected]));
      const again = await post(body, 'application/x-ndjson', key);
      expect(again.status).toBe(200);
      expect(outcomes(again.answer).map((o, i) => [cases[i]!.record.type, ...o])).toEqual(
        cases.map((c) => [c.record.type, c.expected[0] === 'accepted' ? 'duplicate' : 'rejected', c.expected[1]]),
      );
      // Nothing refused the first time slipped in the second.
      expect(again.answer.accepted).toBe(0);
      return first.answer;
    };

    it('refuses each with its field and reason beside valid neighbours, in one NDJSON body from a commissioner-s submitter key, and again when resent', async () => {
      const dspt = { practiceCode: 'A81002', financialYear: '2024/25', status: 'STANDARDS_EXCEEDED' };
      const server = (server: string) => ({ practiceCode: 'A81004', server });
      const software = (asset: string, endOfSupport?: string) => ({
        practiceCode: 'A81005',
        asset,
        product: 'Windows 10 22H2',
        ...(endOfSupport ? { endOfSupport } : {}),
      });
      const subcontractor = {
        practiceCode: 'A81002',
        provider: 'Example Extended Access Ltd',
        services: ['NHSmail'],
        dataProcessingAgreement: false,
        approvedBy: '16C',
      };
      const incident = (incidentId: string, detectedAt: string, over: Record<string, unknown> = {}) => ({
        incidentId,
        organisationCode: 'A81006',
        organisationLevel: 'PRACTICE',
        severity: 3,
        detectedAt,
        reportedTo: 'NHS England CSOC',
        ...over,
      });
      const breach = (breachId: string, over: Record<string, unknown> = {}) => ({
        breachId,
        practiceCode: 'A81007',
        detectedAt: '2025-05-06T10:00:00Z',
        reportableToIco: true,
        ...over,
      });
      const cases: Case[] = [
        // Information governance
        ok('DsptAssessmentPublished', '2025-06-30T12:00:00Z', dspt),
        bad('DsptAssessmentPublished', '2025-06-30T12:00:00Z', { ...dspt, financialYear: '2024/26' }, ['data.financialYear', 'INVALID_FINANCIAL_YEAR']),
        bad('DsptAssessmentPublished', '2025-03-31T12:00:00Z', { ...dspt, financialYear: '2025/26' }, ['occurredAt', 'PUBLISHED_BEFORE_YEAR']),
        bad('DataProtectionOfficerDesignated', '2023-01-09T09:00:00Z', { practiceCode: 'A81002', provision: 'OUTSOURCED' }, ['data.provision', 'INVALID_DATA']),
        ok('DataProtectionOfficerDesignated', '2023-01-09T09:00:00Z', { practiceCode: 'A81002', provision: 'PRACTICE_APPOINTED' }),
        bad('DataBreachReported', '2025-05-06T12:00:00Z', breach('BR-0', { reportedToIcoAt: '2025-05-06T09:00:00Z' }), [
          'data.reportedToIcoAt',
          'ICO_REPORT_BEFORE_DETECTION',
        ]),
        ok('DataBreachReported', '2025-05-06T12:00:00Z', breach('BR-1')),
        ok('DataBreachReported', '2025-05-08T10:00:00Z', breach('BR-1', { reportedToIcoAt: '2025-05-08T09:00:00Z' })),
        bad('DataBreachReported', '2025-05-09T10:00:00Z', breach('BR-1', { detectedAt: '2025-05-05T10:00:00Z' }), ['data.detectedAt', 'BREACH_CHANGED']),
        bad('DataBreachReported', '2025-05-09T10:00:00Z', breach('BR-2', { detectedAt: '2025-05-06' }), ['data.detectedAt', 'INVALID_DATE']),
        bad('DataBreachReported', '2025-05-09T10:00:00Z', breach('BR-3', { reportedToIcoAt: '2025-05-09T11:00:00Z' }), [
          'data.reportedToIcoAt',
          'ICO_REPORT_IN_FUTURE',
        ]),
        bad('DataBreachReported', '2025-05-09T10:00:00Z', { breachId: 'BR-4', practiceCode: 'A81007', detectedAt: '2025-05-06T10:00:00Z' }, [
          'data.reportableToIco',
          'MISSING_FIELD',
        ]),
        // Patient safety
        bad('CasRegistrationRecorded', '2024-01-15T09:00:00Z', { practiceCode: 'A81002', email: 'yes', mobile: true }, ['data.email', 'INVALID_DATA']),
        ok('CasRegistrationRecorded', '2024-01-15T09:00:00Z', { practiceCode: 'A81002', email: true, mobile: false }),
        bad('CasRegistrationRecorded', '2024-01-15T09:00:00Z', { practiceCode: 'A81002', email: true }, ['data.mobile', 'MISSING_FIELD']),
        bad(
          'ClinicalSafetyAssessmentRecorded',
          '2024-03-04T09:00:00Z',
          { practiceCode: 'A81002', outcome: 'RISK_ACCEPTABLE' },
          ['data.system', 'MISSING_FIELD'],
          ['data.standard', 'MISSING_FIELD'],
        ),
        ok('ClinicalSafetyAssessmentRecorded', '2024-03-04T09:00:00Z', {
          practiceCode: 'A81002',
          system: 'EMIS Web',
          standard: 'DCB0160',
          outcome: 'RISK_ACCEPTABLE',
        }),
        // The practice IT estate
        bad('ItReviewCompleted', '2024-11-05T10:00:00Z', { practiceCode: 'A81002', reviewedBy: '15M' }, ['data.reviewedBy', 'NOT_PERMITTED']),
        ok('ItReviewCompleted', '2024-11-05T10:00:00Z', { practiceCode: 'A81002', reviewedBy: '16C' }),
        bad('ItReviewCompleted', '2024-11-05T10:00:00Z', { practiceCode: 'C81640', reviewedBy: '16C' }, ['data.practiceCode', 'NOT_YOUR_PRACTICE']),
        ok('LocalClinicalServerRecorded', '2022-03-01T09:00:00Z', server('SRV-1')),
        bad('LocalClinicalServerRecorded', '2022-04-01T09:00:00Z', server('SRV-1'), ['data.server', 'SERVER_ALREADY_RECORDED']),
        bad('LocalClinicalServerDecommissioned', '2022-02-01T09:00:00Z', server('SRV-1'), ['occurredAt', 'DECOMMISSIONED_BEFORE_RECORDED']),
        ok('LocalClinicalServerRecorded', '2022-03-01T09:00:00Z', server('SRV-2')),
        ok('LocalClinicalServerDecommissioned', '2022-08-30T17:00:00Z', server('SRV-2')),
        bad('LocalClinicalServerDecommissioned', '2022-09-30T17:00:00Z', server('SRV-2'), ['data.server', 'SERVER_ALREADY_DECOMMISSIONED']),
        bad('LocalClinicalServerDecommissioned', '2022-09-30T17:00:00Z', server('SRV-404'), ['data.server', 'UNKNOWN_SERVER']),
        bad('RemoteAccessCapacityAssessed', '2024-05-20T09:00:00Z', { practiceCode: 'A81002', solution: 'VDI', capacityPercent: 100.1 }, [
          'data.capacityPercent',
          'CAPACITY_OUT_OF_RANGE',
        ]),
        ok('RemoteAccessCapacityAssessed', '2024-05-20T09:00:00Z', { practiceCode: 'A81002', solution: 'VDI', capacityPercent: 60 }),
        bad('RemoteAccessCapacityAssessed', '2024-05-20T09:00:00Z', { practiceCode: 'A81002', solution: 'VDI', capacityPercent: 'sixty' }, [
          'data.capacityPercent',
          'INVALID_DATA',
        ]),
        bad('UnsupportedSoftwareDetected', '2025-10-14T15:00:00Z', software('PC-1', '2025-10-14'), ['data.endOfSupport', 'STILL_SUPPORTED']),
        ok('UnsupportedSoftwareDetected', '2025-10-20T09:00:00Z', software('PC-1', '2025-10-14')),
        ok('UnsupportedSoftwareDetected', '2025-10-20T09:00:00Z', software('PC-2', '2025-10-14')),
        bad('UnsupportedSoftwareDetected', '2025-10-25T09:00:00Z', software('PC-1', '2025-10-14'), ['data.asset', 'ALREADY_DETECTED']),
        bad('UnsupportedSoftwareDetected', '2025-10-25T09:00:00Z', software('PC-3', '2025-02-30'), ['data.endOfSupport', 'INVALID_DATE']),
        bad('UnsupportedSoftwareRemediated', '2025-10-15T09:00:00Z', software('PC-2'), ['occurredAt', 'REMEDIATED_BEFORE_DETECTED']),
        ok('UnsupportedSoftwareRemediated', '2025-11-12T15:00:00Z', software('PC-1')),
        bad('UnsupportedSoftwareRemediated', '2025-11-20T15:00:00Z', software('PC-1'), ['data.asset', 'NOT_DETECTED']),
        bad('SubcontractorAccessApproved', '2024-09-02T09:00:00Z', { ...subcontractor, approvedBy: '03Q' }, ['data.approvedBy', 'NOT_PERMITTED']),
        bad('SubcontractorAccessApproved', '2024-09-02T09:00:00Z', { ...subcontractor, services: ['clinical system', ' '] }, [
          'data.services',
          'INVALID_SERVICE',
        ]),
        bad('SubcontractorAccessApproved', '2024-09-02T09:00:00Z', { ...subcontractor, services: [] }, ['data.services', 'MISSING_FIELD']),
        ok('SubcontractorAccessApproved', '2024-09-02T09:00:00Z', subcontractor),
        // Incidents: at a practice, or at 16C's own systems (on its own stream)
        ok('CyberIncidentReported', '2025-04-01T09:00:00Z', incident('INC-P1', '2025-04-01T08:00:00Z')),
        bad('CyberIncidentReported', '2025-04-01T09:00:00Z', incident('INC-P2', '2025-04-01T08:00:00Z', { severity: 5 }), [
          'data.severity',
          'SEVERITY_OUT_OF_RANGE',
        ]),
        bad('CyberIncidentReported', '2025-04-01T09:00:00Z', incident('INC-P3', '2025-04-01T08:00:00Z', { severity: 'high' }), [
          'data.severity',
          'INVALID_DATA',
        ]),
        bad('CyberIncidentReported', '2025-04-01T09:00:00Z', incident('INC-P4', '2025-04-01T10:00:00Z'), ['data.detectedAt', 'REPORTED_BEFORE_DETECTED']),
        bad('CyberIncidentReported', '2025-04-01T11:00:00Z', incident('INC-P1', '2025-04-01T08:00:00Z'), ['data.incidentId', 'INCIDENT_EXISTS']),
        bad(
          'CyberIncidentReported',
          '2025-04-03T09:00:00Z',
          incident('INC-C9', '2025-04-03T08:00:00Z', { organisationCode: '15M', organisationLevel: 'COMMISSIONER' }),
          ['data.organisationCode', 'NOT_PERMITTED'],
        ),
        ok(
          'CyberIncidentReported',
          '2025-04-03T09:00:00Z',
          incident('INC-C1', '2025-04-03T08:00:00Z', { organisationCode: '16C', organisationLevel: 'COMMISSIONER' }),
        ),
        ok('CyberIncidentResolved', '2025-04-02T12:00:00Z', { incidentId: 'INC-P1', organisationCode: 'A81006', organisationLevel: 'PRACTICE' }),
        bad('CyberIncidentResolved', '2025-04-02T13:00:00Z', { incidentId: 'INC-P1', organisationCode: 'A81006', organisationLevel: 'PRACTICE' }, [
          'data.incidentId',
          'ALREADY_RESOLVED',
        ]),
        bad('CyberIncidentResolved', '2025-04-03T08:30:00Z', { incidentId: 'INC-C1', organisationCode: '16C', organisationLevel: 'COMMISSIONER' }, [
          'occurredAt',
          'RESOLVED_BEFORE_REPORTED',
        ]),
        bad('CyberIncidentResolved', '2025-04-03T08:30:00Z', { incidentId: 'INC-404', organisationCode: 'A81006', organisationLevel: 'PRACTICE' }, [
          'data.incidentId',
          'UNKNOWN_INCIDENT',
        ]),
        bad('CyberIncidentResolved', '2025-04-03T08:30:00Z', { incidentId: 'INC-P1', organisationCode: 'A81006' }, ['data.organisationLevel', 'MISSING_FIELD']),
        ok('RecordAccessLost', '2025-06-02T08:00:00Z', { practiceCode: 'A81009', cause: 'POWER_FAILURE', bcpActivated: true }),
        ok('RecordAccessRestored', '2025-06-02T12:00:00Z', { practiceCode: 'A81009', bcpActivated: true }),
        bad('RecordAccessLost', '2025-06-02T10:00:00Z', { practiceCode: 'A81009', cause: 'NETWORK_FAILURE' }, ['occurredAt', 'OVERLAPS_OUTAGE']),
        bad('RecordAccessLost', '2025-06-03T10:00:00Z', { practiceCode: 'A81009', cause: 'SOLAR_FLARE' }, ['data.cause', 'INVALID_DATA']),
        ok('RecordAccessLost', '2025-07-01T09:00:00Z', { practiceCode: 'A81007', cause: 'NETWORK_FAILURE' }),
        bad('RecordAccessLost', '2025-07-01T10:00:00Z', { practiceCode: 'A81007', cause: 'HOST_SYSTEM_FAILURE' }, ['occurredAt', 'ALREADY_LOST']),
        bad('RecordAccessRestored', '2025-07-01T08:00:00Z', { practiceCode: 'A81007' }, ['occurredAt', 'RESTORED_BEFORE_LOST']),
        bad('RecordAccessRestored', '2025-07-01T08:00:00Z', { practiceCode: 'A81005' }, ['occurredAt', 'NOT_LOST']),
      ];
      // Every new type has at least one refused record and one valid neighbour here.
      const typesOf = (status: string) => [...new Set(cases.filter((c) => c.expected[0] === status).map((c) => c.record.type))].sort();
      expect(typesOf('rejected')).toEqual(NEW_TYPES);
      expect(typesOf('accepted')).toEqual(NEW_TYPES);

      const answer = await sendTwice(cases, tees);
      expect(answer.results.find((r) => r.errors?.[0]?.code === 'NOT_YOUR_PRACTICE')!.errors![0]!.message).toMatch(
        /^practice C81640 was commissioned by \w+ on 2024-11-05, not by 16C$/,
      );
      expect(answer.results.find((r) => r.errors?.[0]?.path === 'data.organisationCode')!.errors![0]!.message).toBe(
        'a submitter for 16C may state facts about its practices and itself only: facts about commissioner 15M come from 15M or a national feed',
      );
    });

    it('holds an admin, who may send in any name, to the practice-s commissioner and to organisations that exist', async () => {
      const cases: Case[] = [
        bad('ItReviewCompleted', '2024-11-06T10:00:00Z', { practiceCode: 'A81002', reviewedBy: '15M' }, ['data.reviewedBy', 'NOT_THE_PRACTICE_COMMISSIONER']),
        ok('ItReviewCompleted', '2025-11-06T10:00:00Z', { practiceCode: 'C81640', reviewedBy: '15M' }),
        bad(
          'SubcontractorAccessApproved',
          '2024-09-03T09:00:00Z',
          { practiceCode: 'A81002', provider: 'Example Ltd', services: ['NHSmail'], dataProcessingAgreement: true, approvedBy: '15M' },
          ['data.approvedBy', 'NOT_THE_PRACTICE_COMMISSIONER'],
        ),
        ok('CyberIncidentReported', '2025-08-01T09:00:00Z', {
          incidentId: 'INC-15M-1',
          organisationCode: '15M',
          organisationLevel: 'COMMISSIONER',
          severity: 1,
          highSeverity: true,
          detectedAt: '2025-08-01T06:00:00Z',
          reportedTo: 'NHS England CSOC',
        }),
        bad(
          'CyberIncidentReported',
          '2025-08-01T09:00:00Z',
          {
            incidentId: 'INC-X',
            organisationCode: 'A81001',
            organisationLevel: 'COMMISSIONER',
            severity: 2,
            detectedAt: '2025-08-01T06:00:00Z',
            reportedTo: 'CSOC',
          },
          ['data.organisationCode', 'UNKNOWN_ORGANISATION'],
        ),
        bad(
          'CyberIncidentReported',
          '2025-08-01T09:00:00Z',
          { incidentId: 'INC-Y', organisationCode: 'U89141', organisationLevel: 'PCN', severity: 2, detectedAt: '2025-08-01T06:00:00Z', reportedTo: 'CSOC' },
          ['data.organisationLevel', 'INVALID_LEVEL'],
        ),
        bad('DsptAssessmentPublished', '2025-06-30T12:00:00Z', { practiceCode: 'Z99999', financialYear: '2024/25', status: 'STANDARDS_MET' }, [
          'data.practiceCode',
          'UNKNOWN_PRACTICE',
        ]),
        bad('DsptAssessmentPublished', '2025-06-30T12:00:00Z', { practiceCode: 'A81002', financialYear: '1989/90', status: 'STANDARDS_MET' }, [
          'data.financialYear',
          'DATE_OUT_OF_RANGE',
        ]),
      ];
      await sendTwice(cases, admin);
    });
  });
});
