import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ClientError, GraphQLClient } from 'graphql-request';
import { platformClient, seededDataDir, startPlatform, type PlatformProcess } from '@gpds/platform-testing';

// Net Zero through the platform as a user meets it: carbon facts sent to POST /v1/submissions by
// three real sub-ICB locations of NHS North East and North Cumbria ICB (QHM) with their own keys,
// projected, and asked for over HTTP through the GraphQL API on the real ODS hierarchy.
const WORKSPACE = join(__dirname, '..', '..', '..');
const CF = 'NHS_CARBON_FOOTPRINT';

let seq = 0;
/** A commissioner's own emissions for one month. */
const carbon = (organisationCode: string, month: string, category: string, kgCo2e: number) => ({
  type: 'CarbonMetricRecorded',
  schemaVersion: 1,
  source: { system: 'net-zero-e2e', recordId: `c-${++seq}` },
  occurredAt: `${month}-28T12:00:00Z`,
  data: {
    organisationCode,
    organisationLevel: 'COMMISSIONER',
    periodStart: `${month}-01`,
    periodEnd: `${month}-28`,
    footprint: CF,
    category,
    kgCo2e,
    method: 'metered',
  },
});

interface Row {
  organisation: { code: string };
  footprint: string;
  financialYear: string;
  status: string;
  actual: number;
  baseline: number | null;
  comparableActual: number | null;
  allowance: number | null;
  gap: number | null;
  unitsWithBaseline: number;
  unitsWithoutBaseline: number;
}
const NET_ZERO = /* GraphQL */ `
  query NetZero($level: Level!, $parent: String, $from: String!, $to: String!, $baselineYear: String) {
    netZero(level: $level, parent: $parent, from: $from, to: $to, footprint: "NHS_CARBON_FOOTPRINT", baselineYear: $baselineYear, first: 1000) {
      trajectoryVersion
      baselineYear
      nodes {
        organisation {
          code
        }
        footprint
        financialYear
        status
        actual
        baseline
        comparableActual
        allowance
        gap
        unitsWithBaseline
        unitsWithoutBaseline
      }
    }
  }
`;

describe('Net Zero over HTTP', () => {
  let platform: PlatformProcess;
  let dataDir: string;
  let analyst: GraphQLClient;

  const netZero = async (variables: Record<string, unknown>) =>
    (
      await analyst.request<{ netZero: { trajectoryVersion: number; baselineYear: string; nodes: Row[] } }>(NET_ZERO, {
        from: '2025/26',
        to: '2025/26',
        ...variables,
      })
    ).netZero;

  beforeAll(async () => {
    dataDir = await seededDataDir();
    platform = await startPlatform({ DATA_DIR: dataDir, DEMO_DATA: 'off' }, 300_000);
    const client = platformClient(platform, dataDir);
    analyst = client.graphql(await client.createKey('ENG', 'analyst'));
    // 16C and 00P report 2019/20 (the baseline year) and 2025/26; 13T only 2025/26.
    const sent: Record<string, unknown[]> = {
      '16C': [carbon('16C', '2019-06', 'ELECTRICITY', 1000), carbon('16C', '2025-06', 'ELECTRICITY', 700)],
      '00P': [carbon('00P', '2019-07', 'GAS', 400), carbon('00P', '2025-07', 'GAS', 150)],
      '13T': [carbon('13T', '2025-05', 'STAFF_TRAVEL', 250)],
    };
    for (const [commissioner, records] of Object.entries(sent)) await client.submit(await client.createKey(commissioner, 'submitter'), records);
    await client.caughtUp();
  }, 600_000);
  afterAll(async () => {
    await platform?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('rolls the commissioners up to their ICB by summing actuals and baselines, and reports the one without a baseline as such', async () => {
    const commissioners = (await netZero({ level: 'COMMISSIONER', parent: 'QHM' })).nodes;
    const figures = (row: Row | undefined) => row && [row.status, row.actual, row.baseline, row.allowance, row.gap];
    // 2025/26 from 2019/20: the required path allows 60% of the baseline.
    expect(commissioners.map((r) => [r.organisation.code, ...figures(r)!])).toEqual([
      ['00P', 'ON_TRACK', 150, 400, 240, -90],
      ['13T', 'NO_BASELINE', 250, null, null, null],
      ['16C', 'OFF_TRACK', 700, 1000, 600, 100],
    ]);
    const icb = await netZero({ level: 'ICB', parent: 'Y63' });
    expect(icb).toMatchObject({ trajectoryVersion: 1, baselineYear: '2019/20' });
    const [qhm] = icb.nodes;
    expect(qhm).toMatchObject({ organisation: { code: 'QHM' }, status: 'OFF_TRACK', comparableActual: 850, unitsWithBaseline: 2, unitsWithoutBaseline: 1 });
    const sum = (field: 'actual' | 'baseline' | 'comparableActual') => commissioners.reduce((total, r) => total + (r[field] ?? 0), 0);
    expect([qhm!.actual, qhm!.baseline, qhm!.comparableActual]).toEqual([sum('actual'), sum('baseline'), sum('comparableActual')]);
    expect([qhm!.allowance, qhm!.gap]).toEqual([840, 10]);
    // England holds only these facts: the same as the ICB.
    const [england] = (await netZero({ level: 'NATIONAL' })).nodes;
    expect(figures(england)).toEqual(figures(qhm));
  });

  it('refuses a financial year it cannot read, naming the argument', async () => {
    const refused = await netZero({ level: 'REGION', from: '2025-26' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ClientError);
    expect((refused as ClientError).response.errors![0]).toMatchObject({
      message: expect.stringMatching(/^from: '2025-26' is not a financial year: write YYYY\/YY/),
      extensions: { code: 'BAD_USER_INPUT', argument: 'from' },
    });
  });

  it('runs the GraphQL examples of the Net Zero section of docs/measures.md as written', async () => {
    const doc = readFileSync(join(WORKSPACE, 'docs', 'measures.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## Net Zero progress'), doc.indexOf('\n## ', doc.indexOf('## Net Zero progress') + 1));
    const examples = [...section.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(examples.length).toBeGreaterThanOrEqual(3);
    for (const query of examples) {
      const answer = await analyst.request<Record<string, unknown>>(query, query.includes('$knownAt') ? { knownAt: new Date().toISOString() } : {});
      expect(Object.keys(answer).length).toBeGreaterThan(0);
    }
    const asKnown = await analyst.request<{ netZero: { nodes: Row[] } }>(
      examples.find((q) => q.includes('$knownAt'))!,
      { knownAt: new Date().toISOString() },
    );
    expect(asKnown.netZero.nodes.find((r) => r.organisation.code === '13T')).toMatchObject({
      status: 'NO_BASELINE',
      baseline: null,
      allowance: null,
      gap: null,
    });
    const trajectory = await analyst.request<{ netZeroTrajectory: Array<{ footprint: string; points: unknown[] }> }>(
      examples.find((q) => q.includes('netZeroTrajectory'))!,
    );
    expect(trajectory.netZeroTrajectory.map((t) => [t.footprint, t.points.length])).toEqual([
      [CF, 4],
      ['NHS_CARBON_FOOTPRINT_PLUS', 4],
    ]);
  });
});
