import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ClientError, GraphQLClient } from 'graphql-request';
import { platformClient, practiceCommissioners, recordMaker, seededDataDir, startPlatform, type PlatformProcess } from '@gpds/platform-testing';

// The incidents measures through the platform as a user meets them: cyber incidents, data breaches
// and losses of record access sent to POST /v1/submissions by a commissioner's key (checked by the
// real deciders), projected into chDB, and asked for over HTTP through the GraphQL API, on the
// real ODS hierarchy (docs/measures.md).
const WORKSPACE = join(__dirname, '..', '..', '..');

const before = practiceCommissioners('gp-reg-pat-prac-map_2022-01.csv');
const after = practiceCommissioners('gp-reg-pat-prac-map_2025-10.csv');
/** Three practices of 16C (Tees Valley, in region Y63) in both files. */
const P = [...before]
  .filter(([code, c]) => c === '16C' && after.get(code) === '16C')
  .map(([code]) => code)
  .slice(0, 3);

const record = recordMaker('incidents-e2e', 'r');
const incident = (organisationCode: string, organisationLevel: string, incidentId: string, severity: number, detectedAt: string, reportedAt: string) =>
  record('CyberIncidentReported', reportedAt, {
    incidentId,
    organisationCode,
    organisationLevel,
    severity,
    highSeverity: severity <= 2,
    detectedAt,
    reportedTo: 'NHS England CSOC',
  });
const breach = (practiceCode: string, breachId: string, recordedAt: string, detectedAt: string, reportedToIcoAt: string) =>
  record('DataBreachReported', recordedAt, { breachId, practiceCode, detectedAt, reportableToIco: true, reportedToIcoAt });

interface Counts {
  cyber: { reported: number; bySeverity: Array<{ severity: number; incidents: number }>; highSeverity: number; highSeverityOpen: number };
  breaches: { detected: number; reportable: number; reportedWithin72Hours: number; reportedLate: number; notReported: number };
  recordAccess: { losses: number; ongoing: number; totalHours: number; bcpActivated: number; bcpReviewed: number };
}
interface Row extends Counts {
  organisation: { code: string };
}

const INCIDENTS = /* GraphQL */ `
  query Incidents($level: Level!, $parent: String, $asOf: Date, $knownAt: DateTime) {
    incidents(level: $level, parent: $parent, from: "2024-04-01", to: "2025-03-31", asOf: $asOf, knownAt: $knownAt, first: 1000) {
      rulesVersion
      asOf
      nodes {
        organisation {
          code
        }
        cyber {
          reported
          bySeverity {
            severity
            incidents
          }
          highSeverity
          highSeverityOpen
        }
        breaches {
          detected
          reportable
          reportedWithin72Hours
          reportedLate
          notReported
        }
        recordAccess {
          losses
          ongoing
          totalHours
          bcpActivated
          bcpReviewed
        }
      }
    }
  }
`;

/** A row's counts as one list of numbers, to add up and compare. */
const numbers = (r: Counts): number[] => [
  r.cyber.reported,
  ...r.cyber.bySeverity.map((s) => s.incidents),
  r.cyber.highSeverity,
  r.cyber.highSeverityOpen,
  ...Object.values(r.breaches),
  ...Object.values(r.recordAccess),
];
const sum = (rows: readonly Counts[]): number[] => rows.map(numbers).reduce((a, b) => a.map((v, i) => v + b[i]!));

describe('incidents over HTTP', () => {
  let platform: PlatformProcess;
  let dataDir: string;
  let analyst: GraphQLClient;
  let tees: string;
  /** A knowledge time before the record that adds a breach's ICO report. */
  let beforeReport: string;

  const incidents = async (variables: Record<string, unknown>) =>
    (await analyst.request<{ incidents: { rulesVersion: number; asOf: string; nodes: Row[] } }>(INCIDENTS, variables)).incidents;

  beforeAll(async () => {
    expect(P).toHaveLength(3);
    dataDir = await seededDataDir();
    platform = await startPlatform({ DATA_DIR: dataDir, DEMO_DATA: 'off' }, 300_000);
    const client = platformClient(platform, dataDir);
    analyst = client.graphql(await client.createKey('ENG', 'analyst'));
    tees = await client.createKey('16C', 'submitter');
    await client.submit(tees, [
      // High severity, resolved after 31 March 2025 (so open then); severity 3, resolved; the commissioner's own, high, open.
      incident(P[0]!, 'PRACTICE', 'INC-1', 2, '2024-05-01T08:00:00Z', '2024-05-01T10:00:00Z'),
      record('CyberIncidentResolved', '2025-04-15T10:00:00Z', { incidentId: 'INC-1', organisationCode: P[0]!, organisationLevel: 'PRACTICE' }),
      incident(P[1]!, 'PRACTICE', 'INC-2', 3, '2024-06-01T00:00:00Z', '2024-06-01T06:00:00Z'),
      record('CyberIncidentResolved', '2024-06-02T00:00:00Z', { incidentId: 'INC-2', organisationCode: P[1]!, organisationLevel: 'PRACTICE' }),
      incident('16C', 'COMMISSIONER', 'INC-C', 1, '2024-07-01T00:00:00Z', '2024-07-01T04:00:00Z'),
      // The ICO reached 72 h exactly after detection, and 72 h + 1 ms; one recorded before its report.
      breach(P[0]!, 'B-1', '2024-08-05T09:00:00Z', '2024-08-01T10:00:00Z', '2024-08-04T10:00:00.000Z'),
      breach(P[1]!, 'B-2', '2024-08-05T09:00:00Z', '2024-08-01T10:00:00Z', '2024-08-04T10:00:00.001Z'),
      breach(P[2]!, 'B-3', '2024-11-01T12:00:00Z', '2024-11-01T09:00:00Z', ''),
      // A loss of 6 hours with the BCP (reviewed 12 months before) activated; one still ongoing at the end of March 2025.
      record('BusinessContinuityPlanReviewed', '2023-05-10T10:00:00Z', { practiceCode: P[0]!, reviewedBy: '16C', outcome: 'APPROVED', covers: ['CYBER'] }),
      record('RecordAccessLost', '2024-05-10T08:00:00Z', { practiceCode: P[0]!, cause: 'NETWORK_FAILURE', bcpActivated: false }),
      record('RecordAccessRestored', '2024-05-10T14:00:00Z', { practiceCode: P[0]!, bcpActivated: true }),
      record('RecordAccessLost', '2025-03-31T20:00:00Z', { practiceCode: P[1]!, cause: 'POWER_FAILURE', bcpActivated: true }),
      record('RecordAccessRestored', '2025-04-01T02:00:00Z', { practiceCode: P[1]!, bcpActivated: true }),
    ]);
    await client.caughtUp();
    beforeReport = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await client.submit(tees, [breach(P[2]!, 'B-3', '2024-11-03T12:00:00Z', '2024-11-01T09:00:00Z', '2024-11-03T09:00:00Z')]);
    await client.caughtUp();
  }, 600_000);
  afterAll(async () => {
    await platform?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("counts a commissioner's incidents, breaches and losses as of the end of the range, and as known before a later record", async () => {
    const tees16C = async (knownAt?: string) =>
      (await incidents({ level: 'COMMISSIONER', parent: 'Y63', ...(knownAt ? { knownAt } : {}) })).nodes.find((r) => r.organisation.code === '16C')!;
    const now = await tees16C();
    expect(now.cyber).toEqual({
      reported: 3,
      bySeverity: [
        { severity: 1, incidents: 1 },
        { severity: 2, incidents: 1 },
        { severity: 3, incidents: 1 },
        { severity: 4, incidents: 0 },
      ],
      highSeverity: 2,
      highSeverityOpen: 2,
    });
    expect(now.breaches).toEqual({ detected: 3, reportable: 3, reportedWithin72Hours: 2, reportedLate: 1, notReported: 0 });
    expect(now.recordAccess).toEqual({ losses: 2, ongoing: 1, totalHours: 10, bcpActivated: 2, bcpReviewed: 1 });
    expect((await tees16C(beforeReport)).breaches).toMatchObject({ reportedWithin72Hours: 1, notReported: 1 });
    // A fortnight later INC-1 is resolved and the loss of 31 March restored.
    const later = (await incidents({ level: 'COMMISSIONER', parent: 'Y63', asOf: '2025-04-15' })).nodes.find((r) => r.organisation.code === '16C')!;
    expect([later.cyber.highSeverityOpen, later.recordAccess.ongoing, later.recordAccess.totalHours]).toEqual([1, 0, 12]);
  });

  it('gives the region the sum of its ICBs and of its commissioners; its practices the rest but the commissioner-s own', async () => {
    const region = (await incidents({ level: 'REGION' })).nodes.find((r) => r.organisation.code === 'Y63')!;
    expect(numbers(region)).toEqual(sum((await incidents({ level: 'ICB', parent: 'Y63' })).nodes));
    expect(numbers(region)).toEqual(sum((await incidents({ level: 'COMMISSIONER', parent: 'Y63' })).nodes));
    const [england] = (await incidents({ level: 'NATIONAL' })).nodes;
    expect(numbers(england!)).toEqual(numbers(region));
    const practices = (await incidents({ level: 'PRACTICE', parent: '16C' })).nodes;
    expect(practices.map((r) => r.organisation.code).sort()).toEqual([...P].sort());
    expect(practices.reduce((total, r) => total + r.cyber.reported, 0)).toBe(2);
  });

  it('lists the losses with their organisation, and refuses a date it cannot answer, naming the argument', async () => {
    const losses = await analyst.request<{ recordAccessLosses: { totalCount: number; nodes: Array<Record<string, unknown>> } }>(
      `{ recordAccessLosses(level: COMMISSIONER, parent: "Y63", from: "2024-04-01", to: "2025-03-31") {
          totalCount nodes { practice { code } organisation { code } hours ongoing bcpActivated bcpReviewed eventIds } } }`,
    );
    expect(losses.recordAccessLosses.nodes).toEqual([
      {
        practice: { code: P[0] },
        organisation: { code: '16C' },
        hours: 6,
        ongoing: false,
        bcpActivated: true,
        bcpReviewed: true,
        eventIds: [expect.any(String), expect.any(String)],
      },
      {
        practice: { code: P[1] },
        organisation: { code: '16C' },
        hours: 4,
        ongoing: true,
        bcpActivated: true,
        bcpReviewed: false,
        eventIds: [expect.any(String)],
      },
    ]);
    const refused = await incidents({ level: 'REGION', asOf: '2024-01-01' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ClientError);
    expect((refused as ClientError).response.errors![0]).toMatchObject({
      message: expect.stringMatching(/^asOf: 2024-01-01 is before from \(2024-04-01\)/),
      extensions: { code: 'BAD_USER_INPUT', argument: 'asOf' },
    });
  });

  it('runs the incidents GraphQL examples of docs/measures.md as written', async () => {
    const doc = readFileSync(join(WORKSPACE, 'docs', 'measures.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## Incidents'));
    const examples = [...section.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(examples.length).toBeGreaterThanOrEqual(3);
    const answers: Array<Record<string, { nodes: unknown[] }>> = [];
    for (const query of examples) {
      // An example that takes a knowledge time is asked as known now.
      const variables: Record<string, string> = query.includes('$knownAt') ? { knownAt: new Date().toISOString() } : {};
      answers.push(await analyst.request<Record<string, { nodes: unknown[] }>>(query, variables));
    }
    expect(answers.map((a) => Object.values(a)[0]!.nodes.length)).toEqual([1, 4, 2]);
  });
});
