import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { GraphQLClient } from 'graphql-request';
import { platformClient, practiceCommissioners, recordMaker, seededDataDir, startPlatform, type PlatformProcess } from '@gpds/platform-testing';

// The national measures through the platform as a user meets them: facts sent to POST
// /v1/submissions by a commissioner's key, projected into chDB, asked for over HTTP through the
// GraphQL API on the real ODS hierarchy; and every GraphQL example of docs/measures.md, as written.
const WORKSPACE = join(__dirname, '..', '..', '..');

/** Four practices of 16C (Tees Valley) in the 2025 mapping file. */
const P = [...practiceCommissioners('gp-reg-pat-prac-map_2025-10.csv')]
  .filter(([, commissioner]) => commissioner === '16C')
  .map(([code]) => code)
  .slice(0, 4);

const record = recordMaker('measures-e2e', 'm');
const deployed = (practiceCode: string, capability: string, on: string) =>
  record('CapabilityDeployed', `${on}T09:00:00Z`, { practiceCode, capability, solution: 'Example', supplier: 'Example Ltd', route: 'DCS_CATALOGUE' });
const patients = (practiceCode: string, value: number) =>
  record('UtilisationSampleRecorded', '2025-07-01T00:00:00Z', {
    organisationCode: practiceCode,
    organisationLevel: 'PRACTICE',
    capability: 'ONLINE_CONSULTATION',
    metric: 'REGISTERED_PATIENTS',
    periodStart: '2025-06-01',
    periodEnd: '2025-06-30',
    value,
    supplier: 'NHS England',
  });

interface Stats {
  organisation: { code: string };
  practices: number;
  practicesWithIndex: number;
  mean: number | null;
  weightedMean: number | null;
  registeredPatients: number;
  median: number | null;
}
const STATS = 'organisation { code } practices practicesWithIndex mean weightedMean registeredPatients median';
const AS_OF = '2025-06-30';

describe('the national measures over HTTP', () => {
  let platform: PlatformProcess;
  let dataDir: string;
  let analyst: GraphQLClient;
  let analystKey: string;

  beforeAll(async () => {
    expect(P).toHaveLength(4);
    dataDir = await seededDataDir();
    platform = await startPlatform({ DATA_DIR: dataDir, DEMO_DATA: 'off' }, 300_000);
    const client = platformClient(platform, dataDir);
    analystKey = await client.createKey('ENG', 'analyst');
    analyst = client.graphql(analystKey);
    const tees = await client.createKey('16C', 'submitter');
    await client.submit(tees, [
      deployed(P[0]!, 'ADVANCED_TELEPHONY', '2024-01-10'),
      record('BusinessContinuityPlanReviewed', '2025-01-10T10:00:00Z', { practiceCode: P[0]!, reviewedBy: '16C', outcome: 'APPROVED', covers: ['CYBER'] }),
      record('DsptAssessmentPublished', '2025-05-01T12:00:00Z', { practiceCode: P[0]!, financialYear: '2024/25', status: 'STANDARDS_MET' }),
      deployed(P[1]!, 'ONLINE_TRIAGE_WORKFLOW', '2023-03-01'),
      record('BusinessContinuityPlanReviewed', '2023-01-10T10:00:00Z', { practiceCode: P[1]!, reviewedBy: '16C', outcome: 'APPROVED', covers: ['CYBER'] }),
      deployed(P[2]!, 'TEXT_MESSAGING', '2025-02-01'),
      patients(P[0]!, 8_000),
      patients(P[1]!, 2_000),
      patients(P[2]!, 5_000),
    ]);
    await client.caughtUp();
  }, 600_000);
  afterAll(async () => {
    await platform?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('rolls practices up to their commissioner as a plain and a patient-weighted mean, naming the version', async () => {
    const query = `query ($level: Level!, $parent: String, $version: Int) {
      maturity(level: $level, parent: $parent, asOf: "${AS_OF}", version: $version, first: 1000) { indexVersion asOf knownAt totalCount nodes { ${STATS} } }
    }`;
    type Answer = { maturity: { indexVersion: number; asOf: string; totalCount: number; nodes: Stats[] } };
    const practices = (await analyst.request<Answer>(query, { level: 'PRACTICE', parent: '16C', version: 1 })).maturity;
    expect(practices).toMatchObject({ indexVersion: 1, asOf: AS_OF });
    const mine = practices.nodes.filter((n) => P.slice(0, 3).includes(n.organisation.code));
    expect(mine.map((n) => n.registeredPatients)).toEqual([8_000, 2_000, 5_000]);
    const indexed = practices.nodes.filter((n) => n.mean !== null);
    expect(indexed.length).toBeGreaterThanOrEqual(3);
    const [commissioner] = (await analyst.request<Answer>(query, { level: 'COMMISSIONER', version: 1 })).maturity.nodes.filter(
      (n) => n.organisation.code === '16C',
    );
    expect(commissioner!.practices).toBe(practices.totalCount);
    expect(commissioner!.practicesWithIndex).toBe(indexed.length);
    expect(commissioner!.mean).toBeCloseTo(indexed.reduce((s, n) => s + n.mean!, 0) / indexed.length, 9);
    const weighted = indexed.filter((n) => n.registeredPatients > 0);
    const patientsTotal = weighted.reduce((s, n) => s + n.registeredPatients, 0);
    expect(commissioner!.weightedMean).toBeCloseTo(weighted.reduce((s, n) => s + n.mean! * n.registeredPatients, 0) / patientsTotal, 9);
    expect(commissioner!.weightedMean).not.toBeCloseTo(commissioner!.mean!, 3);
  });

  it("explains a practice's index input by input, and its trend rises when a capability goes live", async () => {
    const answer = await analyst.request<{
      practice: {
        maturity: {
          indexVersion: number;
          index: number;
          inputsKnown: number;
          inputs: Array<{ id: string; value: number | null; weight: number; explanation: string; facts: Array<{ eventType: string }> }>;
        };
      };
    }>(
      `{ practice(code: "${P[0]}") { maturity(asOf: "${AS_OF}", version: 1) { indexVersion index inputsKnown inputs { id value weight explanation facts { eventType } } } } }`,
    );
    const maturity = answer.practice.maturity;
    const known = maturity.inputs.filter((i) => i.value !== null);
    expect(maturity.inputsKnown).toBe(known.length);
    expect(maturity.index).toBeCloseTo((100 * known.filter((i) => i.value === 1).length) / known.length, 9);
    expect(maturity.inputs.find((i) => i.id === 'ADVANCED_TELEPHONY')).toMatchObject({ value: 1, facts: [{ eventType: 'CapabilityDeployed' }] });
    const trend = await analyst.request<{ maturityTrend: { nodes: Array<{ asOf: string; mean: number | null }> } }>(
      `{ maturityTrend(level: PRACTICE, parent: "16C", from: "2024-12-01", to: "2025-02-28", version: 1, first: 300) { nodes { organisation { code } asOf mean } } }`,
    );
    const text = trend.maturityTrend.nodes.filter((n) => (n as unknown as Stats).organisation.code === P[2]);
    // Text messaging went live at P[2] on 1 February 2025: its first capability fact, so the three enhanced capabilities
    // become known (one of them met); before it nothing was known of the practice.
    expect(text.map((n) => [n.asOf, n.mean])).toEqual([
      ['2024-12-31', null],
      ['2025-01-31', null],
      ['2025-02-28', 100 / 3],
    ]);
  });

  it('refuses an unknown version with the versions there are', async () => {
    const response = await fetch(`${platform.url}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${analystKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ maturity(level: REGION, version: 7) { indexVersion } }' }),
    });
    const body = (await response.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
    expect(body.errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(body.errors[0]!.message).toMatch(/use 1 or 2/);
  });

  it('runs every GraphQL example of docs/measures.md as written', async () => {
    const doc = readFileSync(join(WORKSPACE, 'docs', 'measures.md'), 'utf8');
    const examples = [...doc.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(examples.length).toBeGreaterThanOrEqual(3);
    for (const query of examples) {
      const answer = await analyst.request<Record<string, unknown>>(query, query.includes('$knownAt') ? { knownAt: new Date().toISOString() } : {});
      expect(Object.keys(answer).length).toBeGreaterThan(0);
    }
  });
});
