import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { ClientError, GraphQLClient } from 'graphql-request';
import { platformClient, seededDataDir, startPlatform, type PlatformClient, type PlatformProcess } from '@gpds/platform-testing';
import { sharedDataDir } from '@gpds/shared-runtime';
import { readPublication, type Publication } from '@gpds/submissions-publications';

// The one-command platform with its demo data (the real December 2025 publications and the
// synthetic facts), asked through its GraphQL API over HTTP by a GraphQL client.
const data = sharedDataDir() ?? '/missing';
const WORKSPACE = join(__dirname, '..', '..', '..');

interface Row {
  organisation: { code: string; name: string; level: string };
  period: { start: string; end: string } | null;
  value: number;
  practices: number;
  registeredPatients: number | null;
  ratePer1000: number | null;
}
interface Page<T> {
  nodes: T[];
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const UTILISATION = /* GraphQL */ `
  query Utilisation(
    $capability: String!
    $metric: String!
    $from: Date!
    $to: Date!
    $level: Level!
    $parent: String
    $granularity: Granularity
    $asOf: Date
    $knownAt: DateTime
    $first: Int
    $after: String
  ) {
    utilisation(
      capability: $capability
      metric: $metric
      from: $from
      to: $to
      level: $level
      parent: $parent
      granularity: $granularity
      asOf: $asOf
      knownAt: $knownAt
      first: $first
      after: $after
    ) {
      nodes {
        organisation {
          code
          name
          level
        }
        period {
          start
          end
        }
        value
        practices
        registeredPatients
        ratePer1000
      }
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      unattributed {
        value
      }
    }
  }
`;

/** A practice that moved commissioner between the 2022 and 2025 files (West Birmingham: D2P2L to 15E). */
function movedPractice(): { code: string; before: string; after: string } {
  const read = (file: string): Map<string, string> => {
    const rows = parse(readFileSync(join(data, 'ods', file)), { columns: true }) as Array<Record<string, string>>;
    return new Map(rows.map((r) => [r['PRACTICE_CODE']!, r['CCG_CODE'] ?? r['SUB_ICB_LOCATION_CODE']!]));
  };
  const before = read('gp-reg-pat-prac-map_2022-01.csv');
  const after = read('gp-reg-pat-prac-map_2025-10.csv');
  const code = [...before].find(([practice, commissioner]) => commissioner === 'D2P2L' && after.get(practice) === '15E')?.[0];
  if (!code) throw new Error('no practice moved from D2P2L to 15E in the ODS files');
  return { code, before: 'D2P2L', after: '15E' };
}

async function eventually<T>(probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function graphqlErrors(error: unknown): Array<{ message: string; extensions?: Record<string, unknown> }> {
  if (!(error instanceof ClientError)) throw error;
  return (error.response.errors ?? []) as Array<{ message: string; extensions?: Record<string, unknown> }>;
}

describe('the GraphQL API of the one-command platform, with demo data', () => {
  let platform: PlatformProcess;
  let dataDir: string;
  let client: PlatformClient;
  let analyst: GraphQLClient;
  const publications: Publication[] = [];

  const utilisation = async (variables: Record<string, unknown>): Promise<Page<Row> & { unattributed: Array<{ value: number }> }> =>
    (await analyst.request<{ utilisation: Page<Row> & { unattributed: Array<{ value: number }> } }>(UTILISATION, variables)).utilisation;

  beforeAll(async () => {
    // Read first: parsing the workbooks blocks this process for seconds, long enough for the
    // platform to close an idle keep-alive connection a later fetch would then reuse.
    for (const file of ['online-consultation-submissions_2025-12.xlsx', 'cloud-based-telephony_2025-12.xlsx'])
      publications.push(await readPublication(join(data, 'publications', file)));
    dataDir = await seededDataDir();
    platform = await startPlatform({ DATA_DIR: dataDir, DEMO_DATA: 'on' }, 600_000);
    client = platformClient(platform, dataDir);
    const key = await client.createKey('ENG', 'analyst').catch((error: unknown) => {
      throw new Error(`${String(error)}; the platform said:\n${platform.output().slice(-5_000)}`);
    });
    analyst = client.graphql(key);
    // The demo data was appended before the platform listened; the projector catches up within seconds.
    await eventually(
      async () => (await fetch(`${platform.url}/health`).then((r) => r.json())) as { checks: { projections?: { caughtUp?: boolean } } },
      (health) => health.checks.projections?.caughtUp === true,
      120_000,
    );
  }, 900_000);
  afterAll(async () => {
    await platform?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('says where to go next: the GraphQL URL and the admin key file', () => {
    expect(platform.output()).toContain(`the analysts' dashboard at ${platform.url}/, the GraphQL API and its explorer at ${platform.url}/graphql`);
    expect(platform.output()).toContain(join(dataDir, 'admin.key'));
    expect(platform.output()).toMatch(
      /demo data imported: the December 2025 national publications \(real\) and \d+ synthetic facts \(source system 'synthetic-demo'\)/,
    );
  });

  it('answers analyst and admin keys only', async () => {
    const query = '{ organisation(code: "ENG") { name } }';
    const anonymous = await fetch(`${platform.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    expect(anonymous.status).toBe(401);
    // The same check and reason codes as every HTTP route (libs/access/http).
    expect(((await anonymous.json()) as { errors: Array<{ extensions: { code: string; reason: string } }> }).errors[0]!.extensions).toMatchObject({
      code: 'UNAUTHENTICATED',
      reason: 'NO_API_KEY',
    });
    const submitter = client.graphql(await client.createKey('16C', 'submitter'));
    const refused = await submitter.request(query).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ClientError);
    expect((refused as ClientError).response.status).toBe(403);
    expect(graphqlErrors(refused)[0]!.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE_NOT_ALLOWED' });
    const asAdmin = client.graphql(client.admin);
    expect(await asAdmin.request(query)).toEqual({ organisation: { name: 'England' } });
  });

  it('serves its own GraphQL explorer (no CDN) to a browser on GET /graphql', async () => {
    const page = await fetch(`${platform.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<title>GraphQL explorer/);
  });

  describe.each([
    ['online consultation submissions', 0, 'ONLINE_CONSULTATION', 'SUBMISSIONS', 7_373_760],
    ['telephony inbound calls', 1, 'ADVANCED_TELEPHONY', 'INBOUND_CALLS', 30_063_218],
  ])('December 2025 %s', (_name, index, capability, metric, published) => {
    const month = { capability, metric, from: '2025-12-01', to: '2025-12-31' };

    it('roll up to the published national total', async () => {
      const page = await utilisation({ ...month, level: 'NATIONAL', granularity: 'MONTH' });
      expect(page.nodes).toEqual([
        expect.objectContaining({
          organisation: { code: 'ENG', name: 'England', level: 'NATIONAL' },
          period: { start: '2025-12-01', end: '2025-12-31' },
          value: published,
        }),
      ]);
    });

    it('roll up per region, by the hierarchy of the month, to the file rows per region; what no region can claim counts for England only', async () => {
      const page = await utilisation({ ...month, level: 'REGION' });
      expect(page.totalCount).toBe(7);
      const expected = new Map<string, number>();
      let unplaced = 0;
      for (const row of publications[index]!.rows) {
        const value = row.values.get(metric) ?? 0;
        // December 2025 is under the hierarchy its publications state (their placements were recorded with them, ADR 0024):
        // every row counts in the region the file gives it, usage attributed to a PCN or sub-ICB location included.
        const region = /^Y\d\d$/.test(row.region) ? row.region : '';
        if (region) expected.set(region, (expected.get(region) ?? 0) + value);
        else unplaced += value;
      }
      expect(Object.fromEntries(page.nodes.map((n) => [n.organisation.code, n.value]))).toEqual(Object.fromEntries(expected));
      expect(page.unattributed.reduce((sum, u) => sum + u.value, 0)).toBe(unplaced);
      expect(page.nodes.reduce((sum, n) => sum + n.value, 0) + unplaced).toBe(published);
      expect(page.nodes.every((n) => n.organisation.level === 'REGION' && n.organisation.name !== '')).toBe(true);
    });
  });

  it('gives rates per 1,000 registered patients where the publication gives list sizes', async () => {
    const page = await utilisation({ capability: 'ONLINE_CONSULTATION', metric: 'SUBMISSIONS', from: '2025-12-01', to: '2025-12-31', level: 'NATIONAL' });
    const england = page.nodes[0]!;
    expect(england.practices).toBeGreaterThan(6_000);
    expect(england.registeredPatients).toBeGreaterThan(55_000_000);
    expect(england.ratePer1000).toBeGreaterThan(50);
    expect(england.ratePer1000).toBeLessThan(250);
  });

  it('pages with first and after', async () => {
    const variables = {
      capability: 'ADVANCED_TELEPHONY',
      metric: 'INBOUND_CALLS',
      from: '2025-12-01',
      to: '2025-12-31',
      level: 'PRACTICE',
      parent: 'Y56',
      first: 50,
    };
    const first = await utilisation(variables);
    expect(first.nodes).toHaveLength(50);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await utilisation({ ...variables, after: first.pageInfo.endCursor });
    expect(second.totalCount).toBe(first.totalCount);
    expect(second.nodes[0]!.organisation.code > first.nodes.at(-1)!.organisation.code).toBe(true);
  });

  it('counts a practice under its old commissioner before its move and its new one after, and shows submitted facts within a bounded wait', async () => {
    const moved = movedPractice();
    const sample = (month: string, value: number) => ({
      type: 'UtilisationSampleRecorded',
      source: { system: 'graphql-e2e', recordId: `video-${moved.code}-${month}` },
      occurredAt: `${month}-28T12:00:00Z`,
      data: {
        organisationCode: moved.code,
        organisationLevel: 'PRACTICE',
        capability: 'VIDEO_CONSULTATION',
        metric: 'VIDEO_CONSULTATIONS',
        periodStart: `${month}-01`,
        periodEnd: `${month}-28`,
        value,
      },
    });
    expect(await client.submit(client.admin, [sample('2022-03', 40), sample('2024-03', 70)])).toMatchObject({ accepted: 2, rejected: 0 });
    const byCommissioner = (from: string, to: string) =>
      eventually(
        () => utilisation({ capability: 'VIDEO_CONSULTATION', metric: 'VIDEO_CONSULTATIONS', from, to, level: 'COMMISSIONER' }),
        (page) => page.nodes.length > 0,
        10_000,
      );
    const before = await byCommissioner('2022-03-01', '2022-03-31');
    expect(before.nodes.map((n) => [n.organisation.code, n.value])).toEqual([[moved.before, 40]]);
    const after = await byCommissioner('2024-03-01', '2024-03-31');
    expect(after.nodes.map((n) => [n.organisation.code, n.value])).toEqual([[moved.after, 70]]);
    // asOf picks the hierarchy: March 2022's usage by the commissioners of 2025.
    const regrouped = await utilisation({
      capability: 'VIDEO_CONSULTATION',
      metric: 'VIDEO_CONSULTATIONS',
      from: '2022-03-01',
      to: '2022-03-31',
      level: 'COMMISSIONER',
      asOf: '2025-12-01',
    });
    expect(regrouped.nodes.map((n) => [n.organisation.code, n.value])).toEqual([[moved.after, 40]]);
  });

  it('leaves out, for a knownAt before it arrived, a fact that arrived late', async () => {
    const record = (recordId: string, value: number) => ({
      type: 'UtilisationSampleRecorded',
      source: { system: 'graphql-e2e', recordId },
      occurredAt: '2025-11-30T12:00:00Z',
      data: {
        organisationCode: 'A81001',
        organisationLevel: 'PRACTICE',
        capability: 'APPOINTMENT_REQUEST',
        metric: 'APPOINTMENTS_BOOKED',
        periodStart: '2025-11-01',
        periodEnd: '2025-11-30',
        value,
      },
    });
    const ask = (knownAt?: string) =>
      utilisation({
        capability: 'APPOINTMENT_REQUEST',
        metric: 'APPOINTMENTS_BOOKED',
        from: '2025-11-01',
        to: '2025-11-30',
        level: 'PRACTICE',
        ...(knownAt ? { knownAt } : {}),
      });
    expect(await client.submit(client.admin, [record('appointments-first', 100)])).toMatchObject({ accepted: 1 });
    await eventually(
      () => ask(),
      (page) => page.nodes[0]?.value === 100,
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    const published = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await client.submit(client.admin, [record('appointments-late', 25)])).toMatchObject({ accepted: 1 });
    expect(
      (
        await eventually(
          () => ask(),
          (page) => page.nodes[0]?.value === 125,
        )
      ).nodes[0]!.value,
    ).toBe(125);
    expect((await ask(published)).nodes[0]!.value).toBe(100);
  });

  it('answers coverage of capabilities, agreements and BCP reviews, and carbon by category', async () => {
    const result = await analyst.request<{
      capabilityAdoption: Page<{ covered: number; inScope: number; share: number }>;
      agreements: Page<{ covered: number; inScope: number }>;
      bcpReviews: Page<{ covered: number; inScope: number }>;
      carbon: Page<{ organisation: { code: string }; period: { start: string }; category: string; value: number }>;
    }>(/* GraphQL */ `
      {
        capabilityAdoption(capability: "ONLINE_CONSULTATION", level: NATIONAL, asOf: "2026-10-01") {
          nodes {
            covered
            inScope
            share
          }
        }
        agreements(level: NATIONAL, asOf: "2026-10-01") {
          nodes {
            covered
            inScope
          }
        }
        bcpReviews(level: NATIONAL, asOf: "2026-10-01") {
          nodes {
            covered
            inScope
          }
        }
        carbon(level: REGION, from: "2024-04-01", to: "2025-03-31", granularity: FINANCIAL_YEAR, footprint: "NHS_CARBON_FOOTPRINT", first: 200) {
          nodes {
            organisation {
              code
            }
            period {
              start
            }
            category
            value
          }
          totalCount
        }
      }
    `);
    const [adoption] = result.capabilityAdoption.nodes;
    expect(adoption!.inScope).toBeGreaterThan(6_000);
    expect(adoption!.share).toBeGreaterThan(0.9);
    expect(result.agreements.nodes[0]!.covered / result.agreements.nodes[0]!.inScope).toBeGreaterThan(0.85);
    expect(result.bcpReviews.nodes[0]!.covered).toBeGreaterThan(0);
    expect(new Set(result.carbon.nodes.map((n) => n.organisation.code)).size).toBe(7);
    expect(result.carbon.nodes.every((n) => n.period.start === '2024-04-01' && n.value > 0)).toBe(true);
  });

  it("shows a practice's state and its timeline, each fact traceable to its event", async () => {
    const { practice } = await analyst.request<{
      practice: {
        organisation: { name: string; level: string };
        ancestors: Array<{ level: string }>;
        capabilities: Array<{ capability: string }>;
        timeline: Page<{ kind: string; eventId: string; sourceSystem: string; sourceRecord: string; recordedAt: string }>;
      };
    }>(/* GraphQL */ `
      {
        practice(code: "A81001") {
          organisation {
            name
            level
          }
          ancestors {
            level
          }
          capabilities {
            capability
          }
          timeline(first: 500) {
            nodes {
              kind
              eventId
              sourceSystem
              sourceRecord
              recordedAt
            }
            totalCount
          }
        }
      }
    `);
    expect(practice.organisation).toEqual({ name: 'THE DENSHAM SURGERY', level: 'PRACTICE' });
    expect(practice.ancestors.map((a) => a.level)).toEqual(['PCN', 'COMMISSIONER', 'ICB', 'REGION', 'NATIONAL']);
    const kinds = new Set(practice.timeline.nodes.map((n) => n.kind));
    expect(kinds.has('OrganisationTimelineResolved')).toBe(true);
    expect(kinds.has('OrganisationObserved')).toBe(true);
    expect(kinds.has('UtilisationSampleRecorded')).toBe(true);
    const sources = new Set(practice.timeline.nodes.map((n) => n.sourceSystem));
    expect([...sources].some((s) => s.startsWith('nhs-england-publication'))).toBe(true);
    for (const entry of practice.timeline.nodes) {
      expect(entry.eventId).toMatch(/^[0-9a-f-]{36}$/);
      expect(Number.isNaN(Date.parse(entry.recordedAt))).toBe(false);
    }
    const notAPractice = await analyst.request('{ practice(code: "Y56") { organisation { name } } }').catch((error: unknown) => error);
    expect(graphqlErrors(notAPractice)[0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'code' });
  });

  it('answers organisations: look-up, search, children and ancestors at a date', async () => {
    const result = await analyst.request<{
      organisation: { level: string; children: Page<{ code: string; level: string }> };
      organisations: Page<{ code: string }>;
      moved: { ancestors2021: Array<{ code: string; level: string }>; ancestors2025: Array<{ code: string; level: string }> };
    }>(
      /* GraphQL */ `
        query ($moved: String!) {
          organisation(code: "Y56") {
            level
            children(first: 10) {
              nodes {
                code
                level
              }
              totalCount
            }
          }
          organisations(search: "densham") {
            nodes {
              code
            }
          }
          moved: organisation(code: $moved) {
            ancestors2021: ancestors(asOf: "2022-03-01") {
              code
              level
            }
            ancestors2025: ancestors(asOf: "2025-12-01") {
              code
              level
            }
          }
        }
      `,
      { moved: movedPractice().code },
    );
    expect(result.organisation.level).toBe('REGION');
    expect(result.organisation.children.nodes.every((c) => c.level === 'ICB')).toBe(true);
    expect(result.organisation.children.totalCount).toBeGreaterThan(0);
    expect(result.organisations.nodes).toEqual([{ code: 'A81001' }]);
    expect(result.moved.ancestors2021.find((a) => a.level === 'COMMISSIONER')?.code).toBe('D2P2L');
    expect(result.moved.ancestors2025.find((a) => a.level === 'COMMISSIONER')?.code).toBe('15E');
  });

  it('refuses what a national API must refuse, saying which argument is wrong', async () => {
    const month = { capability: 'ONLINE_CONSULTATION', metric: 'SUBMISSIONS', from: '2025-12-01', to: '2025-12-31', level: 'REGION' };
    const refusal = async (variables: Record<string, unknown>) => graphqlErrors(await utilisation(variables).catch((error: unknown) => error))[0]!;
    expect(await refusal({ ...month, capability: 'TELEPATHY' })).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', argument: 'capability' },
      message: expect.stringContaining('TELEPATHY'),
    });
    expect(await refusal({ ...month, metric: 'INBOUND_CALLS' })).toMatchObject({
      extensions: { argument: 'metric' },
      message: expect.stringContaining('ADVANCED_TELEPHONY'),
    });
    expect(await refusal({ ...month, first: 1_001 })).toMatchObject({ extensions: { argument: 'first' }, message: expect.stringContaining('1 to 1000') });
    expect(await refusal({ ...month, from: '2026-01-01' })).toMatchObject({ extensions: { argument: 'to' } });
    expect(await refusal({ ...month, parent: 'A81001' })).toMatchObject({ extensions: { argument: 'parent' }, message: expect.stringContaining('PRACTICE') });
    expect(await refusal({ ...month, after: 'not-a-cursor' })).toMatchObject({ extensions: { argument: 'after' } });
    expect((await refusal({ ...month, from: '2025-02-30' })).message).toMatch(/\$from.*not a calendar date/);

    const nested = `{ organisations(first: 1000) { nodes { children(first: 1000) { nodes { code } } } } }`;
    expect(graphqlErrors(await analyst.request(nested).catch((e: unknown) => e))[0]).toMatchObject({
      extensions: { code: 'QUERY_TOO_COSTLY' },
      message: expect.stringMatching(/costs \d+, above the limit of 50000/),
    });
    const depth = `{ practice(code: "A81001") { organisation { ancestors { code } children { nodes { code } pageInfo { endCursor } } } timeline { nodes { kind } pageInfo { hasNextPage } } } }`;
    expect(await analyst.request(depth).then(() => 'ok')).toBe('ok');
    // The schema's own types nest at most six deep today; the limit guards what grows later. Introspection is not counted (the sandbox's is 21 deep).
    const veryDeep = `{ organisation(code: "ENG") { children { nodes { code { a { b { c { d { e { f { g } } } } } } } } } } }`;
    const deepErrors = graphqlErrors(await analyst.request(veryDeep).catch((e: unknown) => e)).map((e) => e.message);
    expect(deepErrors).toContainEqual(expect.stringMatching(/too deep: at most 10 levels/));
    // Errors tell the caller what is wrong, never where in the server's files it was noticed.
    const invalid = graphqlErrors(await analyst.request(`{ organisation(code: ENG) { code } }`).catch((e: unknown) => e));
    expect(invalid[0]!.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(JSON.stringify(invalid)).not.toMatch(/stacktrace|node_modules|\.js:\d+/);
  });

  it('takes persisted queries: the hash alone once the server has seen the query', async () => {
    const query = '{ organisation(code: "Y56") { name } }';
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const post = async (body: unknown) =>
      (await (
        await fetch(`${platform.url}/graphql`, {
          method: 'POST',
          headers: { authorization: `Bearer ${client.admin}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
      ).json()) as { data?: unknown; errors?: Array<{ extensions: { code: string } }> };
    const extensions = { persistedQuery: { version: 1, sha256Hash } };
    expect((await post({ extensions })).errors?.[0]?.extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await post({ query, extensions })).data).toEqual({ organisation: { name: 'London' } });
    expect((await post({ extensions })).data).toEqual({ organisation: { name: 'London' } });
  });

  it('counts operations and their durations on /metrics, by root field and outcome', async () => {
    const text = await (await fetch(`${platform.url}/metrics`)).text();
    const count = (labels: string): number => Number(new RegExp(`^gpds_graphql_requests_total\\{${labels}\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
    expect(count('field="utilisation",outcome="ok"')).toBeGreaterThan(5);
    expect(count('field="utilisation",outcome="BAD_USER_INPUT"')).toBeGreaterThanOrEqual(6);
    expect(text).toMatch(/^gpds_graphql_request_duration_seconds_bucket\{le="0.05",field="utilisation"\} \d+/m);
    expect(text).toMatch(/^gpds_projector_position \d+/m);
  });

  it("answers compliance with the demo's late commissioner return as it was known before it, and as known now", async () => {
    const marker = JSON.parse(readFileSync(join(dataDir, 'demo-data.json'), 'utf8')) as {
      synthetic: { rejected: number };
      lateReturn: {
        commissioner: string;
        knownBefore: string;
        question: { rule: string; asOf: string; level: string; parent: string; practices: number; compliant: number };
      };
    };
    expect(marker.synthetic.rejected).toBe(0);
    const { commissioner, knownBefore, question } = marker.lateReturn;
    const ask = async (knownAt?: string) =>
      (
        await analyst.request<{
          compliance: { nodes: Array<{ organisation: { code: string }; rules: Array<{ compliant: number; nonCompliant: number; unknown: number }> }> };
        }>(
          `query ($rules: [String!], $level: Level!, $parent: String, $asOf: Date, $knownAt: DateTime) {
            compliance(rules: $rules, level: $level, parent: $parent, asOf: $asOf, knownAt: $knownAt) { nodes { organisation { code } rules { compliant nonCompliant unknown } } }
          }`,
          { rules: [question.rule], level: question.level, parent: question.parent, asOf: question.asOf, ...(knownAt ? { knownAt } : {}) },
        )
      ).compliance.nodes.map((n) => [n.organisation.code, n.rules[0]!.compliant, n.rules[0]!.nonCompliant, n.rules[0]!.unknown] as const);
    const before = await ask(knownBefore);
    const now = await ask();
    // The late return's commissioner: all unknown before it arrived, all judged now; every other commissioner the same both ways.
    expect(before.find(([code]) => code === commissioner)).toEqual([commissioner, 0, 0, question.practices]);
    expect(question.compliant).toBeGreaterThan(0);
    expect(now.find(([code]) => code === commissioner)).toEqual([commissioner, question.compliant, 0, question.practices - question.compliant]);
    expect(before.filter(([code]) => code !== commissioner)).toEqual(now.filter(([code]) => code !== commissioner));
  });

  it('runs every example of docs/graphql.md against the demo data', async () => {
    const doc = readFileSync(join(WORKSPACE, 'docs', 'graphql.md'), 'utf8');
    const examples = [...doc.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(examples.length).toBeGreaterThanOrEqual(6);
    for (const example of examples) {
      const result = await analyst.request<Record<string, unknown>>(example).catch((error: unknown) => {
        throw new Error(`docs/graphql.md example failed: ${error instanceof ClientError ? JSON.stringify(error.response.errors) : String(error)}\n${example}`);
      });
      expect(Object.keys(result).length).toBeGreaterThan(0);
    }
  });

  it('resumes on a second start without importing again', async () => {
    expect(await platform.stop()).toBe(0);
    platform = await startPlatform({ DATA_DIR: dataDir, DEMO_DATA: 'on' }, 120_000);
    expect(platform.output()).toContain('demo data already imported');
    analyst = platformClient(platform, dataDir).graphql(client.admin);
    const page = await utilisation({ capability: 'ONLINE_CONSULTATION', metric: 'SUBMISSIONS', from: '2025-12-01', to: '2025-12-31', level: 'NATIONAL' });
    expect(page.nodes[0]!.value).toBe(7_373_760);
  }, 180_000);
});
