import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { QueryArgumentError } from '../shared/arguments';
import type { ReportingQueries } from '../reporting-queries';
import { ReportingFixture, practiceOf00A, T0, fact, parent } from '../testing/reporting-fixture';

// Practices P00010..P00019 under 00A (QA1, Y01) beside the fixture's P00001 (00A throughout) and
// P00002 (00A until 2023-04-01, then 00B in QB2, Y02). Each P0001x holds one rule's boundary.
const bcp = (code: string, on: string) =>
  fact(
    'BusinessContinuityPlanReviewed',
    { practiceCode: code, reviewedBy: '00A', outcome: 'APPROVED', covers: ['CYBER'] },
    `${on}T09:00:00Z`,
    `${code}/bcp/${on}`,
  );
const breach = (code: string, detectedAt: string, reportedToIcoAt: string) =>
  fact(
    'DataBreachReported',
    { breachId: `B-${code}`, practiceCode: code, detectedAt, reportableToIco: true, reportedToIcoAt },
    '2024-03-05T12:00:00Z',
    `${code}/breach`,
  );
const remote = (code: string, capacityPercent: number) =>
  fact('RemoteAccessCapacityAssessed', { practiceCode: code, solution: 'VDI', capacityPercent }, '2024-02-01T09:00:00Z', `${code}/remote`);
const server = (code: string, decommissionedOn: string) => [
  fact('LocalClinicalServerRecorded', { practiceCode: code, server: 'SRV-1' }, '2021-05-01T09:00:00Z', `${code}/server/recorded`),
  fact('LocalClinicalServerDecommissioned', { practiceCode: code, server: 'SRV-1' }, `${decommissionedOn}T17:00:00Z`, `${code}/server/decommissioned`),
];

let fixture: ReportingFixture;
let queries: ReportingQueries;

beforeAll(async () => {
  fixture = await ReportingFixture.open([
    {
      streamId: 'organisation-compliance',
      expectedVersion: 'any',
      events: [
        ...['P00010', 'P00011', 'P00012', 'P00013', 'P00014', 'P00015', 'P00016', 'P00017', 'P00018'].flatMap(practiceOf00A),
        // P00019 opens on 1 January 2025.
        fact(
          'OrganisationRegistered',
          { code: 'P00019', name: 'PRACTICE P00019', level: 'PRACTICE', effectiveFrom: '2025-01-01', postcode: '' },
          T0,
          'P00019/registered',
        ),
        parent('P00019', '00A', 'COMMISSIONED_BY', '2025-01-01'),
      ],
    },
    { streamId: 'practice-P00010', expectedVersion: 'any', events: [bcp('P00010', '2022-07-31')] },
    { streamId: 'practice-P00011', expectedVersion: 'any', events: [bcp('P00011', '2022-08-01'), bcp('P00011', '2023-06-01')] },
    { streamId: 'practice-P00012', expectedVersion: 'any', events: [breach('P00012', '2024-03-01T10:00:00Z', '2024-03-04T09:59:00Z')] },
    { streamId: 'practice-P00013', expectedVersion: 'any', events: [breach('P00013', '2024-03-01T10:00:00Z', '2024-03-04T10:01:00Z')] },
    { streamId: 'practice-P00014', expectedVersion: 'any', events: [remote('P00014', 59.9)] },
    { streamId: 'practice-P00015', expectedVersion: 'any', events: [remote('P00015', 60)] },
    {
      streamId: 'practice-P00016',
      expectedVersion: 'any',
      events: [fact('ItReviewCompleted', { practiceCode: 'P00016', reviewedBy: '00A' }, '2023-06-01T09:00:00Z', 'P00016/it')],
    },
    { streamId: 'practice-P00017', expectedVersion: 'any', events: server('P00017', '2022-08-31') },
    { streamId: 'practice-P00018', expectedVersion: 'any', events: server('P00018', '2022-09-01') },
  ]);
  queries = fixture.queries;
}, 120_000);
afterAll(async () => {
  await fixture?.close();
});

/** One practice's outcome and explanation for one rule. */
async function outcome(code: string, rule: string, asOf: string, knownAt?: string) {
  const answer = await queries.practiceCompliance(code, { asOf, knownAt, rules: [rule] });
  const [first] = answer.outcomes;
  return { outcome: first?.outcome, explanation: first?.explanation, facts: first?.facts ?? [], evaluated: answer.evaluated };
}

describe('compliance rules at their boundaries', () => {
  it('BCP reviewed on 31 July 2022 meets the deadline; on 1 August 2022 misses it, for good', async () => {
    expect(await outcome('P00010', 'BCP_REVIEWED_BY_2022_07_31', '2023-01-01')).toMatchObject({
      outcome: 'COMPLIANT',
      explanation: 'BCP first reviewed 2022-07-31 by 00A (APPROVED): on or before the 31 July 2022 deadline',
    });
    const late = await outcome('P00011', 'BCP_REVIEWED_BY_2022_07_31', '2024-01-01');
    expect(late).toMatchObject({ outcome: 'NON_COMPLIANT', explanation: 'BCP first reviewed 2022-08-01 by 00A (APPROVED): after the 31 July 2022 deadline' });
    expect(late.facts).toEqual([
      expect.objectContaining({ eventType: 'BusinessContinuityPlanReviewed', occurredAt: '2022-08-01T09:00:00.000Z', sourceRecord: 'P00011/bcp/2022-08-01' }),
    ]);
    // Before the deadline, with no review yet: nothing is known, and the deadline has not passed.
    expect(await outcome('P00011', 'BCP_REVIEWED_BY_2022_07_31', '2022-07-15')).toMatchObject({
      outcome: 'UNKNOWN',
      explanation: 'no BCP review on or before 2022-07-15 is known: the rule cannot be judged; the deadline is 31 July 2022',
    });
  });

  it('a breach reaching the ICO 71h59m after detection is in time; 72h01m is late', async () => {
    expect(await outcome('P00012', 'BREACHES_REPORTED_WITHIN_72H', '2024-06-01')).toMatchObject({
      outcome: 'COMPLIANT',
      explanation: 'the reportable breach reached the ICO within 72 hours of detection (of 1 breach)',
    });
    expect(await outcome('P00013', 'BREACHES_REPORTED_WITHIN_72H', '2024-06-01')).toMatchObject({
      outcome: 'NON_COMPLIANT',
      explanation: 'breach B-P00013 detected 2024-03-01 10:00 UTC reached the ICO 2024-03-04 10:01 UTC, 72h01m after detection: more than 72 hours',
    });
  });

  it('remote access capacity of 59.9% is below 60%; 60% meets it', async () => {
    expect(await outcome('P00014', 'REMOTE_ACCESS_60_PERCENT', '2024-06-01')).toMatchObject({
      outcome: 'NON_COMPLIANT',
      explanation: 'remote access (VDI) assessed 2024-02-01 at 59.9% of normal capacity: below 60%',
    });
    expect(await outcome('P00015', 'REMOTE_ACCESS_60_PERCENT', '2024-06-01')).toMatchObject({ outcome: 'COMPLIANT' });
  });

  it('an IT review exactly 12 months before asOf counts; a day more does not', async () => {
    expect(await outcome('P00016', 'IT_REVIEW_LAST_12_MONTHS', '2024-06-01')).toMatchObject({
      outcome: 'COMPLIANT',
      explanation: 'IT review last held 2023-06-01 with 00A: within 12 months of 2024-06-01 (on or after 2023-06-01)',
    });
    expect(await outcome('P00016', 'IT_REVIEW_LAST_12_MONTHS', '2024-06-02')).toMatchObject({
      outcome: 'NON_COMPLIANT',
      explanation: 'IT review last held 2023-06-01 with 00A: more than 12 months before 2024-06-02 (before 2023-06-02)',
    });
  });

  it('a server decommissioned on 31 August 2022 meets the deadline; on 1 September 2022 misses it', async () => {
    expect(await outcome('P00017', 'NO_LOCAL_CLINICAL_SERVER', '2023-01-01')).toMatchObject({
      outcome: 'COMPLIANT',
      explanation:
        'every local clinical server recorded (1) was decommissioned by the 31 August 2022 deadline; the last: local clinical server SRV-1 (recorded 2021-05-01, decommissioned 2022-08-31)',
    });
    const late = await outcome('P00018', 'NO_LOCAL_CLINICAL_SERVER', '2023-01-01');
    expect(late).toMatchObject({
      outcome: 'NON_COMPLIANT',
      explanation: 'local clinical server SRV-1 (recorded 2021-05-01, decommissioned 2022-09-01) was in place after the 31 August 2022 deadline',
    });
    expect(late.facts.map((f) => f.eventType)).toEqual(['LocalClinicalServerRecorded', 'LocalClinicalServerDecommissioned']);
    // Before the deadline a server in place breaks nothing yet.
    expect(await outcome('P00018', 'NO_LOCAL_CLINICAL_SERVER', '2022-08-01')).toMatchObject({ outcome: 'COMPLIANT' });
  });
});

describe('compliance roll-ups', () => {
  it('counts every practice open on asOf once per rule: compliant + non-compliant + unknown = evaluated, and children sum to their parent', async () => {
    const national = await queries.compliance({ level: 'NATIONAL', asOf: '2024-06-01' });
    const regions = await queries.compliance({ level: 'REGION', asOf: '2024-06-01' });
    expect(national.nodes).toHaveLength(1);
    const [eng] = national.nodes;
    expect(eng!.practicesEvaluated).toBe(11);
    expect(eng!.rules).toHaveLength(12);
    for (const row of [...national.nodes, ...regions.nodes]) {
      for (const r of [...row.rules, row.allRules]) expect(r.compliant + r.nonCompliant + r.unknown).toBe(row.practicesEvaluated);
    }
    for (const [i, rule] of eng!.rules.entries()) {
      for (const field of ['compliant', 'nonCompliant', 'unknown'] as const) {
        expect(regions.nodes.reduce((sum, row) => sum + row.rules[i]![field], 0)).toBe(rule[field]);
      }
    }
    const remote = eng!.rules.find((r) => r.rule.id === 'REMOTE_ACCESS_60_PERCENT')!;
    expect([remote.compliant, remote.nonCompliant, remote.unknown]).toEqual([1, 1, 9]);
    expect(remote.compliantShareOfKnown).toBe(0.5);
    expect(national).toMatchObject({ rulesVersion: 1, asOf: '2024-06-01', knownAt: null });
  });

  it('counts a practice that moved commissioner under the commissioner of each date', async () => {
    const rows = async (asOf: string) =>
      (await queries.compliance({ level: 'COMMISSIONER', asOf, rules: ['DSPT_STANDARDS_MET'] })).nodes.map((n) => [n.organisation.code, n.practicesEvaluated]);
    expect(await rows('2023-01-01')).toEqual([['00A', 11]]);
    expect(await rows('2024-01-01')).toEqual([
      ['00A', 10],
      ['00B', 1],
    ]);
  });

  it('lists the practices non-compliant with a rule, with the reason', async () => {
    const page = await queries.nonCompliantPractices({ rule: 'BCP_REVIEWED_BY_2022_07_31', level: 'ICB', asOf: '2024-01-01' });
    expect(page.nodes.map((n) => [n.practice.code, n.organisation.code, n.reason])).toEqual([
      ['P00011', 'QA1', 'BCP first reviewed 2022-08-01 by 00A (APPROVED): after the 31 July 2022 deadline'],
    ]);
    expect(page.totalCount).toBe(1);
  });

  it('answers with the facts known at knownAt: a late fact changes asOf answers, not an earlier knownAt answer', async () => {
    const before = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await fixture.store.appendToStream(
      'practice-P00001',
      [
        fact(
          'DsptAssessmentPublished',
          { practiceCode: 'P00001', financialYear: '2022/23', status: 'STANDARDS_MET' },
          '2023-06-30T09:00:00Z',
          'P00001/dspt/2022-23',
        ),
      ],
      { expectedVersion: 'any' },
    );
    await fixture.projections.waitUntilCaughtUp(30_000);
    expect(await outcome('P00001', 'DSPT_STANDARDS_MET', '2023-07-01', before)).toMatchObject({ outcome: 'UNKNOWN' });
    expect(await outcome('P00001', 'DSPT_STANDARDS_MET', '2023-07-01')).toMatchObject({
      outcome: 'COMPLIANT',
      explanation: 'DSPT 2022/23 published 2023-06-30: STANDARDS_MET',
    });
    const dspt = async (knownAt?: string) =>
      (await queries.compliance({ level: 'NATIONAL', asOf: '2023-07-01', knownAt, rules: ['DSPT_STANDARDS_MET'] })).nodes[0]!.rules[0]!.compliant;
    expect(await dspt(before)).toBe(0);
    expect(await dspt()).toBe(1);
  });

  it('does not evaluate a practice that is not open on asOf, and refuses an unknown rule naming the known ones', async () => {
    expect(await queries.practiceCompliance('P00019', { asOf: '2024-12-31' })).toMatchObject({ evaluated: false, outcomes: [], allRules: null });
    expect(await queries.practiceCompliance('P00019', { asOf: '2025-01-01', rules: ['DPO_DESIGNATED'] })).toMatchObject({
      evaluated: true,
      allRules: 'UNKNOWN',
      outcomes: [{ outcome: 'UNKNOWN', explanation: 'no Data Protection Officer designation on or before 2025-01-01 is known: the rule cannot be judged' }],
    });
    const evaluated = async (asOf: string) => (await queries.compliance({ level: 'NATIONAL', asOf, rules: ['DPO_DESIGNATED'] })).nodes[0]!.practicesEvaluated;
    expect([await evaluated('2024-12-31'), await evaluated('2025-01-01')]).toEqual([11, 12]);
    const error = await queries.compliance({ level: 'REGION', rules: ['BCP_REVIEWED', 'DPO_DESIGNATED'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryArgumentError);
    expect(error).toMatchObject({
      argument: 'rules',
      message: expect.stringMatching(/'BCP_REVIEWED' is not a rule .* use AGREEMENT_IN_FORCE, BCP_REVIEWED_BY_2022_07_31/),
    });
  });

  it('gives BI tools the same answers through the bi views: per practice and rule, per organisation and rule, and the catalogue', async () => {
    const rows = async <T>(query: string) => (await fixture.analytics.client.query({ query, format: 'JSONEachRow' })).json<T>();
    const knownAt = new Date().toISOString().replace('T', ' ').replace('Z', '');
    const byOrganisation = await rows<{
      organisation_code: string;
      rule_id: string;
      evaluated: string;
      compliant: string;
      non_compliant: string;
      unknown: string;
    }>(
      `SELECT * FROM bi.compliance_by_organisation_at(as_of = '2024-06-01', known_at = '${knownAt}') WHERE level = 'REGION' ORDER BY organisation_code, rule_id`,
    );
    const api = await queries.compliance({ level: 'REGION', asOf: '2024-06-01' });
    const fromApi = api.nodes.flatMap((n) => [
      ...n.rules.map((r) => [n.organisation.code, r.rule.id, n.practicesEvaluated, r.compliant, r.nonCompliant, r.unknown]),
      [n.organisation.code, 'ALL_RULES', n.practicesEvaluated, n.allRules.compliant, n.allRules.nonCompliant, n.allRules.unknown],
    ]);
    const sort = (a: unknown[], b: unknown[]) => String(a.slice(0, 2)).localeCompare(String(b.slice(0, 2)));
    expect(
      byOrganisation
        .map((r) => [r.organisation_code, r.rule_id, Number(r.evaluated), Number(r.compliant), Number(r.non_compliant), Number(r.unknown)])
        .sort(sort),
    ).toEqual(fromApi.sort(sort));
    const [practice] = await rows<{ outcome: string; compared_values: Record<string, string>; deciding_event_ids: string[] }>(
      `SELECT outcome, compared_values, deciding_event_ids FROM bi.compliance_at(as_of = '2023-01-01', known_at = '${knownAt}')
       WHERE practice_code = 'P00018' AND rule_id = 'NO_LOCAL_CLINICAL_SERVER'`,
    );
    const explained = (await queries.practiceCompliance('P00018', { asOf: '2023-01-01', rules: ['NO_LOCAL_CLINICAL_SERVER'] })).outcomes[0]!;
    expect(practice).toEqual({ outcome: 'NON_COMPLIANT', compared_values: explained.values, deciding_event_ids: explained.facts.map((f) => f.eventId) });
    const catalogue = await rows<{ rule_id: string; rules_version: number; parameter_names: string[]; parameter_values: string[] }>(
      `SELECT rule_id, rules_version, parameter_names, parameter_values FROM bi.compliance_rules ORDER BY rule_id`,
    );
    expect(catalogue).toHaveLength(12);
    expect(catalogue.find((r) => r.rule_id === 'BREACHES_REPORTED_WITHIN_72H')).toEqual({
      rule_id: 'BREACHES_REPORTED_WITHIN_72H',
      rules_version: 1,
      parameter_names: ['hours'],
      parameter_values: ['72'],
    });
  });

  it('runs every SQL example of docs/compliance.md as written', async () => {
    const doc = readFileSync(join(__dirname, '..', '..', '..', '..', '..', 'docs', 'compliance.md'), 'utf8');
    const examples = [...doc.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(examples.length).toBeGreaterThanOrEqual(2);
    const answers = await Promise.all(
      examples.map(async (query) => (await fixture.analytics.client.query({ query, format: 'JSONEachRow' })).json<Record<string, unknown>>()),
    );
    // By region: both regions, every rule and ALL_RULES.
    expect(answers[0]).toHaveLength(2 * 13);
    expect(answers[1]).toEqual([{ practice_code: 'P00018', server: 'SRV-1', decommissioned_on: '2022-09-01' }]);
  });

  it('evaluates a date once for every roll-up of it, again when facts arrive, and again if another process dropped the evaluation', async () => {
    const evaluations = async () =>
      (
        await (
          await fixture.analytics.client.query({
            query: `SELECT name FROM system.tables WHERE database = 'gpds_reporting' AND startsWith(name, 'compliance_') ORDER BY name`,
            format: 'JSONEachRow',
          })
        ).json<{ name: string }>()
      ).map((r) => r.name);
    const asOf = '2025-02-01';
    const national = async () => (await queries.compliance({ level: 'NATIONAL', asOf, rules: ['CAS_REGISTERED'] })).nodes[0]!.rules[0]!;
    const before = await evaluations();
    expect(await national()).toMatchObject({ compliant: 0, unknown: 12 });
    await queries.compliance({ level: 'REGION', asOf });
    await queries.nonCompliantPractices({ rule: 'CAS_REGISTERED', level: 'ICB', asOf });
    const built = (await evaluations()).filter((name) => !before.includes(name));
    expect(built).toHaveLength(1);
    await fixture.store.appendToStream(
      'practice-P00012',
      [fact('CasRegistrationRecorded', { practiceCode: 'P00012', email: true, mobile: true }, '2025-01-15T09:00:00Z', 'P00012/cas')],
      { expectedVersion: 'any' },
    );
    await fixture.projections.waitUntilCaughtUp(30_000);
    expect(await national()).toMatchObject({ compliant: 1, unknown: 11 });
    expect((await evaluations()).filter((name) => !before.includes(name))).toHaveLength(2);
    // Another API process dropped them all: the next question builds its evaluation again.
    for (const name of await evaluations()) await fixture.analytics.client.command({ query: `DROP TABLE gpds_reporting.${name}` });
    expect(await national()).toMatchObject({ compliant: 1, unknown: 11 });
  });
});
