import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ClientError, GraphQLClient } from 'graphql-request';
import {
  platformClient,
  practiceCommissioners,
  recordMaker,
  seededDataDir,
  startPlatform,
  type PlatformClient,
  type PlatformProcess,
} from '@gpds/platform-testing';

// Compliance with the Operating Model through the platform as a user meets it: facts sent to
// POST /v1/submissions by a commissioner's key (checked by the real deciders), projected into
// chDB, and asked for over HTTP through the GraphQL API, on the real ODS hierarchy.
const WORKSPACE = join(__dirname, '..', '..', '..');

const before = practiceCommissioners('gp-reg-pat-prac-map_2022-01.csv');
const after = practiceCommissioners('gp-reg-pat-prac-map_2025-10.csv');
/** Ten practices of 16C (Tees Valley) in both files, each to hold one boundary. */
const P = [...before]
  .filter(([code, c]) => c === '16C' && after.get(code) === '16C')
  .map(([code]) => code)
  .slice(0, 10);
/** A Glossop practice: 01Y (Tameside and Glossop CCG) until 30 June 2022, then 15M (Derby and Derbyshire). */
const GLOSSOP = [...before].find(([code, c]) => c === '01Y' && after.get(code) === '15M')?.[0] ?? 'none';

const record = recordMaker('compliance-e2e', 'r');
const bcp = (practiceCode: string, on: string, reviewedBy = '16C') =>
  record('BusinessContinuityPlanReviewed', `${on}T10:00:00Z`, { practiceCode, reviewedBy, outcome: 'APPROVED', covers: ['CYBER'] });

interface Counts {
  compliant: number;
  nonCompliant: number;
  unknown: number;
  evaluated: number;
}
interface ComplianceRow {
  organisation: { code: string };
  practicesEvaluated: number;
  rules: Array<Counts & { rule: { id: string } }>;
  allRules: Counts;
}
interface RuleOutcome {
  rule: { id: string };
  outcome: string;
  explanation: string;
  facts: Array<{ eventType: string; eventId: string; occurredAt: string; recordedAt: string }>;
}

const COMPLIANCE = /* GraphQL */ `
  query Compliance($rules: [String!], $level: Level!, $parent: String, $asOf: Date, $knownAt: DateTime, $first: Int) {
    compliance(rules: $rules, level: $level, parent: $parent, asOf: $asOf, knownAt: $knownAt, first: $first) {
      rulesVersion
      asOf
      totalCount
      nodes {
        organisation {
          code
        }
        practicesEvaluated
        rules {
          rule {
            id
          }
          compliant
          nonCompliant
          unknown
          evaluated
        }
        allRules {
          compliant
          nonCompliant
          unknown
          evaluated
        }
      }
    }
  }
`;
const PRACTICE = /* GraphQL */ `
  query Practice($code: String!, $asOf: Date, $knownAt: DateTime, $rules: [String!]) {
    practice(code: $code) {
      compliance(asOf: $asOf, knownAt: $knownAt, rules: $rules) {
        evaluated
        outcomes {
          rule {
            id
          }
          outcome
          explanation
          facts {
            eventType
            eventId
            occurredAt
            recordedAt
          }
        }
      }
      timeline(first: 50) {
        nodes {
          eventId
        }
      }
    }
  }
`;

describe('compliance with the Operating Model over HTTP', () => {
  let platform: PlatformProcess;
  let dataDir: string;
  let client: PlatformClient;
  let analyst: GraphQLClient;
  let tees: string;

  const compliance = async (variables: Record<string, unknown>) =>
    (await analyst.request<{ compliance: { rulesVersion: number; asOf: string; totalCount: number; nodes: ComplianceRow[] } }>(COMPLIANCE, variables))
      .compliance;
  const practice = async (code: string, variables: Record<string, unknown>) =>
    (
      await analyst.request<{ practice: { compliance: { evaluated: boolean; outcomes: RuleOutcome[] }; timeline: { nodes: Array<{ eventId: string }> } } }>(
        PRACTICE,
        {
          code,
          ...variables,
        },
      )
    ).practice;
  const outcome = async (code: string, rule: string, asOf: string, knownAt?: string) =>
    (await practice(code, { asOf, rules: [rule], ...(knownAt ? { knownAt } : {}) })).compliance.outcomes[0]!;

  beforeAll(async () => {
    expect(P).toHaveLength(10);
    expect(GLOSSOP).not.toBe('none');
    dataDir = await seededDataDir();
    platform = await startPlatform({ DATA_DIR: dataDir, DEMO_DATA: 'off' }, 300_000);
    client = platformClient(platform, dataDir);
    analyst = client.graphql(await client.createKey('ENG', 'analyst'));
    tees = await client.createKey('16C', 'submitter');
    const breach = (practiceCode: string, reportedToIcoAt: string) =>
      record('DataBreachReported', '2024-03-05T12:00:00Z', {
        breachId: `B-${practiceCode}`,
        practiceCode,
        detectedAt: '2024-03-01T10:00:00Z',
        reportableToIco: true,
        reportedToIcoAt,
      });
    const remote = (practiceCode: string, capacityPercent: number) =>
      record('RemoteAccessCapacityAssessed', '2024-02-01T10:00:00Z', { practiceCode, solution: 'VDI', capacityPercent });
    const server = (practiceCode: string, decommissionedOn: string) => [
      record('LocalClinicalServerRecorded', '2021-05-01T10:00:00Z', { practiceCode, server: 'SRV-1' }),
      record('LocalClinicalServerDecommissioned', `${decommissionedOn}T17:00:00Z`, { practiceCode, server: 'SRV-1' }),
    ];
    await client.submit(tees, [
      bcp(P[0]!, '2022-07-31'),
      bcp(P[1]!, '2022-08-01'),
      breach(P[2]!, '2024-03-04T09:59:00Z'),
      breach(P[3]!, '2024-03-04T10:01:00Z'),
      remote(P[4]!, 59.9),
      remote(P[5]!, 60),
      record('ItReviewCompleted', '2023-06-01T10:00:00Z', { practiceCode: P[6]!, reviewedBy: '16C' }),
      ...server(P[7]!, '2022-08-31'),
      ...server(P[8]!, '2022-09-01'),
    ]);
    // The CCG 01Y closed with June 2022: its review comes through a national (admin) key.
    await client.submit(client.admin, [bcp(GLOSSOP, '2022-06-15', '01Y')]);
    await client.caughtUp();
  }, 600_000);
  afterAll(async () => {
    await platform?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('judges each rule at its boundary, explained, with the events that decided it', async () => {
    expect(await outcome(P[0]!, 'BCP_REVIEWED_BY_2022_07_31', '2023-01-01')).toMatchObject({
      outcome: 'COMPLIANT',
      explanation: 'BCP first reviewed 2022-07-31 by 16C (APPROVED): on or before the 31 July 2022 deadline',
    });
    expect(await outcome(P[1]!, 'BCP_REVIEWED_BY_2022_07_31', '2023-01-01')).toMatchObject({
      outcome: 'NON_COMPLIANT',
      explanation: 'BCP first reviewed 2022-08-01 by 16C (APPROVED): after the 31 July 2022 deadline',
    });
    expect((await outcome(P[2]!, 'BREACHES_REPORTED_WITHIN_72H', '2024-06-01')).outcome).toBe('COMPLIANT');
    expect(await outcome(P[3]!, 'BREACHES_REPORTED_WITHIN_72H', '2024-06-01')).toMatchObject({
      outcome: 'NON_COMPLIANT',
      explanation: `breach B-${P[3]} detected 2024-03-01 10:00 UTC reached the ICO 2024-03-04 10:01 UTC, 72h01m after detection: more than 72 hours`,
    });
    expect((await outcome(P[4]!, 'REMOTE_ACCESS_60_PERCENT', '2024-06-01')).outcome).toBe('NON_COMPLIANT');
    expect((await outcome(P[5]!, 'REMOTE_ACCESS_60_PERCENT', '2024-06-01')).outcome).toBe('COMPLIANT');
    expect((await outcome(P[6]!, 'IT_REVIEW_LAST_12_MONTHS', '2024-06-01')).outcome).toBe('COMPLIANT');
    expect((await outcome(P[6]!, 'IT_REVIEW_LAST_12_MONTHS', '2024-06-02')).outcome).toBe('NON_COMPLIANT');
    expect((await outcome(P[7]!, 'NO_LOCAL_CLINICAL_SERVER', '2023-01-01')).outcome).toBe('COMPLIANT');
    const late = await practice(P[8]!, { asOf: '2023-01-01', rules: ['NO_LOCAL_CLINICAL_SERVER'] });
    expect(late.compliance.outcomes[0]).toMatchObject({
      outcome: 'NON_COMPLIANT',
      explanation: expect.stringMatching(/decommissioned 2022-09-01\) was in place after/),
    });
    // The deciding events are the practice's own, as its timeline lists them.
    const decided = late.compliance.outcomes[0]!.facts;
    expect(decided.map((f) => f.eventType)).toEqual(['LocalClinicalServerRecorded', 'LocalClinicalServerDecommissioned']);
    expect(late.timeline.nodes.map((n) => n.eventId)).toEqual(expect.arrayContaining(decided.map((f) => f.eventId)));
    // A practice with no fact for a rule is unknown, not compliant.
    expect((await outcome(P[9]!, 'DPO_DESIGNATED', '2024-06-01')).outcome).toBe('UNKNOWN');
  });

  it('counts every practice open on asOf once: children sum to their parent, and compliant + non-compliant + unknown = evaluated', async () => {
    const asOf = '2024-06-01';
    const [england] = (await compliance({ level: 'NATIONAL', asOf })).nodes;
    const regions = (await compliance({ level: 'REGION', asOf })).nodes;
    expect(regions).toHaveLength(7);
    expect(england!.rules).toHaveLength(12);
    // Every practice open on asOf is evaluated: as many as the agreement coverage finds in scope.
    const scope = await analyst.request<{ agreements: { nodes: Array<{ inScope: number }> } }>(
      `{ agreements(level: NATIONAL, asOf: "${asOf}") { nodes { inScope } } }`,
    );
    expect(england!.practicesEvaluated).toBe(scope.agreements.nodes[0]!.inScope);
    expect(regions.reduce((sum, r) => sum + r.practicesEvaluated, 0)).toBe(england!.practicesEvaluated);
    for (const row of [england!, ...regions]) {
      for (const counts of [...row.rules, row.allRules]) {
        expect(counts.compliant + counts.nonCompliant + counts.unknown).toBe(row.practicesEvaluated);
        expect(counts.evaluated).toBe(row.practicesEvaluated);
      }
    }
    for (const [i, rule] of england!.rules.entries()) {
      for (const field of ['compliant', 'nonCompliant', 'unknown'] as const) {
        expect({ rule: rule.rule.id, field, sum: regions.reduce((sum, r) => sum + r.rules[i]![field], 0) }).toEqual({
          rule: rule.rule.id,
          field,
          sum: rule[field],
        });
      }
    }
    const remote = england!.rules.find((r) => r.rule.id === 'REMOTE_ACCESS_60_PERCENT')!;
    expect([remote.compliant, remote.nonCompliant]).toEqual([1, 1]);
    // The ICBs of the north east region add up to it too.
    const northEast = regions.find((r) => r.organisation.code === 'Y63')!;
    const icbs = (await compliance({ level: 'ICB', parent: 'Y63', asOf, rules: ['BREACHES_REPORTED_WITHIN_72H'] })).nodes;
    expect(icbs.reduce((sum, r) => sum + r.rules[0]!.nonCompliant, 0)).toBe(
      northEast.rules.find((r) => r.rule.id === 'BREACHES_REPORTED_WITHIN_72H')!.nonCompliant,
    );
  });

  it('counts a practice that moved commissioner (and region) under the commissioner of each date', async () => {
    const compliantUnder = async (asOf: string) =>
      (await compliance({ level: 'COMMISSIONER', asOf, rules: ['BCP_REVIEWED_BY_2022_07_31'], first: 1000 })).nodes
        .filter((n) => n.rules[0]!.compliant > 0)
        .map((n) => [n.organisation.code, n.rules[0]!.compliant]);
    expect(await compliantUnder('2022-06-30')).toEqual([['01Y', 1]]);
    expect(await compliantUnder('2023-01-01')).toEqual([
      ['15M', 1],
      ['16C', 1],
    ]);
  });

  it('lists the non-compliant practices of a rule with the reason, a page at a time', async () => {
    const LIST = `query L($after: String) { nonCompliantPractices(rule: "NO_LOCAL_CLINICAL_SERVER", level: COMMISSIONER, parent: "Y63", asOf: "2023-01-01", first: 1, after: $after) {
      totalCount nodes { practice { code } organisation { code } reason facts { eventType } } pageInfo { hasNextPage endCursor } } }`;
    const page = (await analyst.request<{ nonCompliantPractices: { totalCount: number; nodes: unknown[]; pageInfo: { hasNextPage: boolean } } }>(LIST))
      .nonCompliantPractices;
    expect(page).toEqual({
      totalCount: 1,
      nodes: [
        {
          practice: { code: P[8] },
          organisation: { code: '16C' },
          reason: 'local clinical server SRV-1 (recorded 2021-05-01, decommissioned 2022-09-01) was in place after the 31 August 2022 deadline',
          facts: [{ eventType: 'LocalClinicalServerRecorded' }, { eventType: 'LocalClinicalServerDecommissioned' }],
        },
      ],
      pageInfo: { hasNextPage: false, endCursor: expect.any(String) },
    });
  });

  it('answers as known at knownAt: a late return changes the asOf answer, not the earlier knownAt answer', async () => {
    const knownAt = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await client.submit(tees, [
      record('DsptAssessmentPublished', '2023-06-30T10:00:00Z', { practiceCode: P[9]!, financialYear: '2022/23', status: 'STANDARDS_MET' }),
    ]);
    await client.caughtUp();
    const dspt = async (known?: string) =>
      (
        await compliance({
          level: 'COMMISSIONER',
          parent: 'Y63',
          asOf: '2023-07-01',
          rules: ['DSPT_STANDARDS_MET'],
          first: 100,
          ...(known ? { knownAt: known } : {}),
        })
      ).nodes.find((n) => n.organisation.code === '16C')!.rules[0]!.compliant;
    expect(await dspt(knownAt)).toBe(0);
    expect(await dspt()).toBe(1);
    expect((await outcome(P[9]!, 'DSPT_STANDARDS_MET', '2023-07-01', knownAt)).outcome).toBe('UNKNOWN');
    expect(await outcome(P[9]!, 'DSPT_STANDARDS_MET', '2023-07-01')).toMatchObject({
      outcome: 'COMPLIANT',
      explanation: 'DSPT 2022/23 published 2023-06-30: STANDARDS_MET',
    });
  });

  it('refuses an unknown rule with a clear error naming the known ones', async () => {
    const refused = await compliance({ level: 'REGION', rules: ['BCP_REVIEWED'] }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ClientError);
    expect((refused as ClientError).response.errors![0]).toMatchObject({
      message: expect.stringMatching(
        /^rules: 'BCP_REVIEWED' is not a rule of the compliance rules \(v1\): use AGREEMENT_IN_FORCE, BCP_REVIEWED_BY_2022_07_31, /,
      ),
      extensions: { code: 'BAD_USER_INPUT', argument: 'rules' },
    });
  });

  it('runs every GraphQL example of docs/compliance.md as written', async () => {
    const doc = readFileSync(join(WORKSPACE, 'docs', 'compliance.md'), 'utf8');
    const examples = [...doc.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(examples.length).toBeGreaterThanOrEqual(5);
    for (const query of examples) {
      // An example that takes a knowledge time is asked as known now.
      const answer = await analyst.request<Record<string, unknown>>(query, query.includes('$knownAt') ? { knownAt: new Date().toISOString() } : {});
      expect(Object.keys(answer).length).toBeGreaterThan(0);
    }
    const rules = await analyst.request<{
      complianceRules: { version: number; rules: Array<{ id: string; parameters: Array<{ name: string; value: string }> }> };
    }>(examples.find((q) => q.includes('complianceRules'))!);
    expect(rules.complianceRules.rules.find((r) => r.id === 'REMOTE_ACCESS_60_PERCENT')!.parameters).toEqual([
      expect.objectContaining({ name: 'minimumPercent', value: '60' }),
    ]);
  });
});
