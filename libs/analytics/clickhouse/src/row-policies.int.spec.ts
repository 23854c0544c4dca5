import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventStore, EventToAppend } from '@gpds/event-store';
import type { OpenedEventStore } from '@gpds/event-store-postgres';
import { postgresServer, type TestDatabase } from '@gpds/event-store-testing';
import { openAnalyticsStore, type AnalyticsStore } from './analytics-client';
import { BI_VIEWS, type BiViewName } from './names';
import { ProjectionService } from './projection-service';
import { BI_VIEW_SCOPING, biRowPolicies, biRowPolicyConditions, biRowPolicyDrops, biRowPolicySql, biScopedGrants } from './row-policies';
import { append, appendHierarchy, appendSample, fact } from './testing/fixtures';

// Row policies for scoped BI users. chDB (clickhouse-local) has no writable access storage, so it
// refuses CREATE USER and CREATE ROW POLICY and cannot run a query as another user: this test
// runs each policy's USING condition as a WHERE (and its negation) over every row of its view,
// with real facts through the real projector, and checks the split against the fixture's
// hierarchy (testing/fixtures.ts appendHierarchy) written out below; and that every statement
// parses as ClickHouse's parser reads it.

let analytics: AnalyticsStore;
let dir: string;
let database: TestDatabase;
let opened: OpenedEventStore;
let projections: ProjectionService;
const BI = 'rp_bi';

const TODAY = new Date().toISOString().slice(0, 10);
/** as_of for the views that take one: P00002 in 00A (QA1, Y00001) and P00003 open; then P00002 in 00B (QB2, Y00002) and P00003 closed. */
const AS_OF = ['2022-12-31', '2024-06-30'] as const;
const KNOWN_AT = '2100-01-01 00:00:00.000';
/** Scopes: an ICB, a region, a commissioner, and a code that is no organisation. */
const SCOPES = ['QA1', 'Y00002', '00A', 'QZZ'] as const;

/** The fixture's hierarchy on a day: the organisation itself and its parents (none once closed). */
function lineage(code: string, day: string): readonly string[] {
  const moved = day >= '2023-04-01';
  const lineages: Record<string, readonly string[]> = {
    P00001: ['P00001', 'U00001', '00A', 'QA1', 'Y00001'],
    P00002: moved ? ['P00002', 'U00001', '00B', 'QB2', 'Y00002'] : ['P00002', 'U00001', '00A', 'QA1', 'Y00001'],
    P00003: day >= '2024-01-01' ? [] : ['P00003', '00A', 'QA1', 'Y00001'],
    // A PCN goes with the commissioner of most of its members (ties: the lowest code).
    U00001: ['U00001', '00A', 'QA1', 'Y00001'],
    '00A': ['00A', 'QA1', 'Y00001'],
    '00B': ['00B', 'QB2', 'Y00002'],
    QA1: ['QA1', 'Y00001'],
    QB2: ['QB2', 'Y00002'],
    Y00001: ['Y00001'],
    Y00002: ['Y00002'],
    ENG: ['ENG'],
  };
  return lineages[code] ?? [];
}

const LEVELS = ['PRACTICE', 'PCN', 'COMMISSIONER', 'ICB', 'REGION', 'NATIONAL'];
const LEVEL_OF: Record<string, string> = { QA1: 'ICB', Y00002: 'REGION', '00A': 'COMMISSIONER' };

/** What the rule says a scoped user sees of a row (the API's rule, from the fixture's hierarchy). */
function expectedVisible(view: BiViewName, scope: string, row: { organisation: string; level: string }, asOf: string | null): boolean {
  const scoping = BI_VIEW_SCOPING[view];
  const within = (day: string) => lineage(row.organisation, day).includes(scope);
  switch (scoping.kind) {
    case 'dated':
      return within(asOf!);
    case 'current':
      return within(TODAY);
    case 'rollup': {
      const scopeLevel = LEVEL_OF[scope];
      return (scopeLevel !== undefined && LEVELS.indexOf(row.level) >= LEVELS.indexOf(scopeLevel)) || within(TODAY);
    }
    default:
      throw new Error(`${view} has no policy`);
  }
}

/** How each view is read in the test: the parameterised ones once per as_of. */
function reads(view: BiViewName): Array<{ from: string; asOf: string | null }> {
  const parameters: Partial<Record<BiViewName, (asOf: string) => string>> = {
    [BI_VIEWS.netZeroAt]: (d) => `baseline_year = '2021/22', as_of = '${d}', known_at = '${KNOWN_AT}'`,
  };
  if (!view.endsWith('_at')) return [{ from: `${BI}.${view}`, asOf: null }];
  const args = parameters[view] ?? ((d: string) => `as_of = '${d}', known_at = '${KNOWN_AT}'`);
  return AS_OF.map((d) => ({ from: `${BI}.${view}(${args(d)})`, asOf: d }));
}

/** One practice's facts of every kind a policy view reads, on 1 September 2022 (when P00002 was in 00A and P00003 open). */
function practiceFacts(code: string): EventToAppend[] {
  const at = (time: string) => `2022-09-01T${time}Z`;
  const id = (what: string) => `${code}/${what}`;
  const practiceCode = code;
  return [
    fact('DsptAssessmentPublished', { practiceCode, financialYear: '2022/23', status: 'STANDARDS_MET' }, at('09:00:00'), id('dspt')),
    fact('DataProtectionOfficerDesignated', { practiceCode, provision: 'PRACTICE_APPOINTED' }, at('09:01:00'), id('dpo')),
    fact('CasRegistrationRecorded', { practiceCode, email: true, mobile: false }, at('09:02:00'), id('cas')),
    fact(
      'ClinicalSafetyAssessmentRecorded',
      { practiceCode, system: 'Accurx', standard: 'DCB0160', outcome: 'RISK_ACCEPTABLE' },
      at('09:03:00'),
      id('clinical-safety'),
    ),
    fact('ItReviewCompleted', { practiceCode, reviewedBy: '00A' }, at('09:04:00'), id('it-review')),
    fact('LocalClinicalServerRecorded', { practiceCode, server: 'SRV-1' }, at('09:05:00'), id('server')),
    fact('RemoteAccessCapacityAssessed', { practiceCode, solution: 'MANAGED_ENDPOINT_VPN', capacityPercent: 50 }, at('09:06:00'), id('remote')),
    fact(
      'UnsupportedSoftwareDetected',
      { practiceCode, asset: 'PC-7', product: 'Windows 10 22H2', endOfSupport: '2025-10-14' },
      at('09:07:00'),
      id('software'),
    ),
    fact(
      'DataBreachReported',
      { breachId: 'B-1', practiceCode, detectedAt: at('08:00:00'), reportableToIco: true, reportedToIcoAt: '' },
      at('09:08:00'),
      id('breach'),
    ),
    fact('RecordAccessLost', { practiceCode, cause: 'NETWORK_FAILURE', bcpActivated: false }, at('09:09:00'), id('access-lost')),
    fact('RecordAccessRestored', { practiceCode, bcpActivated: true }, at('13:00:00'), id('access-restored')),
    fact(
      'SubcontractorAccessApproved',
      { practiceCode, provider: 'Y12345', services: ['NHSmail'], dataProcessingAgreement: true, approvedBy: '00A' },
      at('09:10:00'),
      id('subcontractor'),
    ),
    fact(
      'CcgPracticeAgreementSigned',
      { agreementId: 'AG-1', practiceCode, commissionerCode: '00A', termStart: '2022-04-01', termEnd: '2027-03-31' },
      at('09:11:00'),
      id('agreement'),
    ),
    fact('BusinessContinuityPlanReviewed', { practiceCode, reviewedBy: '00A', outcome: 'APPROVED', covers: ['CYBER'] }, at('09:12:00'), id('bcp')),
    fact(
      'CapabilityDeployed',
      { practiceCode, capability: 'ONLINE_CONSULTATION', solution: 'Askmy', supplier: 'SUPPLIER A', route: 'DCS_CATALOGUE' },
      at('09:13:00'),
      id('capability'),
    ),
    fact(
      'CyberIncidentReported',
      {
        incidentId: 'CI-1',
        organisationCode: code,
        organisationLevel: 'PRACTICE',
        severity: 2,
        highSeverity: false,
        detectedAt: at('07:00:00'),
        reportedTo: 'NHS England CSOC',
      },
      at('09:14:00'),
      id('incident'),
    ),
    carbon(code, 'PRACTICE', id('carbon')),
  ];
}

function carbon(organisationCode: string, organisationLevel: string, recordId: string): EventToAppend {
  return fact(
    'CarbonMetricRecorded',
    {
      organisationCode,
      organisationLevel,
      periodStart: '2022-04-01',
      periodEnd: '2022-04-30',
      footprint: 'NHS_CARBON_FOOTPRINT',
      category: 'ELECTRICITY',
      kgCo2e: 100,
      method: 'metered',
    },
    '2022-05-01T00:00:00Z',
    recordId,
  );
}

function commissionerIncident(code: string): EventToAppend {
  return fact(
    'CyberIncidentReported',
    {
      incidentId: `CI-${code}`,
      organisationCode: code,
      organisationLevel: 'COMMISSIONER',
      severity: 1,
      highSeverity: true,
      detectedAt: '2022-10-01T07:00:00Z',
      reportedTo: 'NHS England CSOC',
    },
    '2022-10-01T09:00:00Z',
    `${code}/incident`,
  );
}

async function appendFacts(store: EventStore): Promise<void> {
  await appendHierarchy(store);
  for (const code of ['P00001', 'P00002', 'P00003']) await append(store, `practice-${code}`, ...practiceFacts(code));
  for (const code of ['00A', '00B']) await append(store, `governance-${code}`, commissionerIncident(code));
  await append(store, 'carbon-QB2', carbon('QB2', 'ICB', 'QB2/carbon'));
  // Usage at every level: practices (one closed since), a PCN, a commissioner, an ICB, a region, England.
  const samples: Array<[string, string]> = [
    ['P00001', 'PRACTICE'],
    ['P00002', 'PRACTICE'],
    ['P00003', 'PRACTICE'],
    ['U00001', 'PCN'],
    ['00B', 'COMMISSIONER'],
    ['QA1', 'ICB'],
    ['Y00002', 'REGION'],
    ['ENG', 'NATIONAL'],
  ];
  for (const [org, level] of samples) await appendSample(store, org, level, '2022-12', 10, `${org}/sample`);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gpds-row-policies-'));
  analytics = openAnalyticsStore({ kind: 'chdb', path: dir });
  database = await postgresServer.create('row_policies');
  opened = await database.open();
  await appendFacts(opened.store);
  projections = new ProjectionService({ store: opened.store, analytics, database: 'rp', biDatabase: BI, maxDelayMs: 50, pollIntervalMs: 50 });
  await projections.start();
  await projections.waitUntilCaughtUp();
});
afterAll(async () => {
  await projections?.stop();
  await opened?.close();
  await database?.dispose();
  await analytics?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function query<T>(sql: string, params: Record<string, unknown> = {}): Promise<T[]> {
  return (await analytics.client.query({ query: sql, query_params: params, format: 'JSONEachRow' })).json<T>();
}

/** An organisation's rows in one read of a view, and how many of them each scope's condition keeps and drops. */
interface Split {
  organisation: string;
  level: string;
  rows: number;
  seen: number[];
  hidden: number[];
}

/** One query per read: every scope's condition as a WHERE would run it (countIf) and its negation. */
async function split(from: string, view: BiViewName, conditions: readonly string[]): Promise<Split[]> {
  const scoping = BI_VIEW_SCOPING[view];
  if (scoping.kind !== 'dated' && scoping.kind !== 'current' && scoping.kind !== 'rollup') throw new Error(`${view} has no policy`);
  const level = scoping.kind === 'rollup' ? `toString(${scoping.level})` : `''`;
  const rows = await query<{ row_organisation: string; row_level: string; rows: string; seen: string[]; hidden: string[] }>(
    `SELECT toString(${scoping.organisation}) AS row_organisation, ${level} AS row_level, count() AS rows,
            [${conditions.map((c) => `countIf(${c})`).join(', ')}] AS seen,
            [${conditions.map((c) => `countIf(NOT (${c}))`).join(', ')}] AS hidden
     FROM ${from} GROUP BY row_organisation, row_level ORDER BY row_organisation, row_level`,
  );
  return rows.map((r) => ({
    organisation: r.row_organisation,
    level: r.row_level,
    rows: Number(r.rows),
    seen: r.seen.map(Number),
    hidden: r.hidden.map(Number),
  }));
}

describe('row policies for scoped BI users (chDB, PostgreSQL event store)', () => {
  it('classifies every view the bi migrations create, and limits every view with practice-level or restricted rows', async () => {
    const created = await query<{ name: string }>(`SELECT name FROM system.tables WHERE database = {bi:String} ORDER BY name`, { bi: BI });
    expect(created.map((t) => t.name)).toEqual(Object.keys(BI_VIEW_SCOPING).sort());
    const limited = biRowPolicyConditions({ bi: BI, scope: 'QA1' }).map((p) => p.view);
    for (const view of [
      BI_VIEWS.complianceAt,
      BI_VIEWS.complianceByOrganisationAt,
      BI_VIEWS.cyberIncidentsAt,
      BI_VIEWS.cyberIncidentChanges,
      BI_VIEWS.dataBreaches,
      BI_VIEWS.dataBreachesAt,
      BI_VIEWS.recordAccessChanges,
      BI_VIEWS.recordAccessLossesAt,
      BI_VIEWS.maturityIndexAt,
      BI_VIEWS.dsptAssessments,
      BI_VIEWS.utilisationSamples,
    ]) {
      expect(limited).toContain(view);
    }
    for (const view of [BI_VIEWS.organisationHierarchy, BI_VIEWS.complianceRules, BI_VIEWS.netZeroTrajectory, BI_VIEWS.projectionErrors]) {
      expect(limited).not.toContain(view);
    }
  });

  it('writes the fixture hierarchy out as the bi hierarchy has it today', async () => {
    const rows = await query<{ code: string; lineage: string[] }>(
      `SELECT code, arrayFilter(c -> c != '', [code, pcn_code, commissioner_code, icb_code, region_code]) AS lineage
       FROM ${BI}.${BI_VIEWS.organisationHierarchy}(on_date = today()) WHERE code != 'ENG' ORDER BY code`,
    );
    expect(rows.map((r) => [r.code, [...new Set(r.lineage)]])).toEqual(rows.map((r) => [r.code, lineage(r.code, TODAY)]));
    expect(rows.map((r) => r.code)).toEqual(['00A', '00B', 'P00001', 'P00002', 'QA1', 'QB2', 'U00001', 'Y00001', 'Y00002']);
  });

  it("splits every limited view's rows into exactly those within each scope and the rest, with rows on both sides", async () => {
    const conditions = SCOPES.map((scope) => new Map(biRowPolicyConditions({ bi: BI, scope }).map((p) => [p.view, p.condition])));
    const views = [...conditions[0]!.keys()];
    let reads_ = 0;
    for (const view of views) {
      for (const read of reads(view)) {
        const rows = await split(
          read.from,
          view,
          conditions.map((c) => c.get(view)!),
        );
        const want = rows.map((r) => {
          const visible = SCOPES.map((scope) => expectedVisible(view, scope, r, read.asOf));
          return { read: read.from, ...r, seen: visible.map((v) => (v ? r.rows : 0)), hidden: visible.map((v) => (v ? 0 : r.rows)) };
        });
        expect(rows.map((r) => ({ read: read.from, ...r }))).toEqual(want);
        // Not vacuous: each read has rows some scope sees and rows some organisation's scope does not.
        const sides = { read: read.from, seen: rows.some((r) => r.seen.some((n) => n > 0)), hidden: rows.some((r) => r.hidden.slice(0, 3).some((n) => n > 0)) };
        expect(sides).toEqual({ read: read.from, seen: true, hidden: true });
        reads_++;
      }
    }
    expect(views).toHaveLength(33);
    expect(reads_).toBe(44);
  }, 600_000);

  it('shows the practice rows as of a date by the hierarchy of that date', async () => {
    const breaches = (scope: string, asOf: string) =>
      query<{ practice_code: string }>(
        `SELECT practice_code FROM ${BI}.${BI_VIEWS.dataBreachesAt}(as_of = '${asOf}', known_at = '${KNOWN_AT}')
         WHERE ${biRowPolicyConditions({ bi: BI, scope }).find((p) => p.view === BI_VIEWS.dataBreachesAt)!.condition} ORDER BY practice_code`,
      ).then((rows) => rows.map((r) => r.practice_code));
    // P00002 moved from 00A (QA1) to 00B (QB2) on 1 April 2023; P00003 closed on 1 January 2024.
    expect(await breaches('QA1', '2022-12-31')).toEqual(['P00001', 'P00002', 'P00003']);
    expect(await breaches('QB2', '2022-12-31')).toEqual([]);
    expect(await breaches('QA1', '2024-06-30')).toEqual(['P00001']);
    expect(await breaches('QB2', '2024-06-30')).toEqual(['P00002']);
  });

  it('writes statements ClickHouse parses as written, restrictive, one policy name per user', async () => {
    const statements = [
      ...biRowPolicies({ bi: BI, user: 'bi_qa1', scope: 'QA1' }),
      ...biRowPolicyDrops({ bi: BI, user: 'bi_qa1' }),
      ...biScopedGrants({ bi: BI, user: 'bi_qa1' }),
    ];
    for (const statement of statements) {
      const [parsed] = await query<{ f: string }>(`SELECT formatQuery({q:String}) AS f`, { q: statement });
      expect(parsed!.f).toMatch(
        /^(CREATE ROW POLICY OR REPLACE gpds_scope_bi_qa1 ON rp_bi\.|DROP ROW POLICY IF EXISTS gpds_scope_bi_qa1 ON rp_bi\.|GRANT SELECT ON rp_bi\.)/,
      );
      if (statement.startsWith('CREATE'))
        expect(parsed!.f).toMatch(/^CREATE ROW POLICY OR REPLACE gpds_scope_bi_qa1 ON rp_bi\.\w+ AS RESTRICTIVE FOR SELECT USING [^]+ TO bi_qa1$/);
    }
    const policies = biRowPolicies({ bi: BI, user: 'bi_qa1', scope: 'QA1' });
    expect(policies).toHaveLength(biRowPolicyConditions({ bi: BI, scope: 'QA1' }).length);
    expect(biRowPolicyDrops({ bi: BI, user: 'bi_qa1' })).toHaveLength(policies.length);
    // Grants: every view but the operational ones.
    expect(biScopedGrants({ bi: BI, user: 'bi_qa1' }).join('\n')).not.toMatch(/projection_(errors|status)/);
  });

  it('cannot create a row policy in chDB (no access storage): were that to change, test the policies as a user instead', async () => {
    const [statement] = biRowPolicies({ bi: BI, user: 'default', scope: 'QA1' });
    await expect(analytics.client.command({ query: statement! })).rejects.toThrow(/privileges|access storage/i);
  });
});

describe('row policy statements', () => {
  it('gives England no policy: its statements drop the user’s policies', () => {
    expect(biRowPolicyConditions({ scope: 'ENG' })).toEqual([]);
    expect(biRowPolicies({ user: 'bi_eng', scope: 'ENG' })).toEqual(biRowPolicyDrops({ user: 'bi_eng' }));
    expect(biRowPolicies({ user: 'bi_eng', scope: 'ENG' }).every((s) => s.startsWith('DROP ROW POLICY IF EXISTS gpds_scope_bi_eng ON bi.'))).toBe(true);
  });

  it('refuses a user, scope or database that is not a plain name, saying what to give', () => {
    for (const user of ['', 'bi-qwe', "bi_qwe' OR 1", 'bi_qwe; DROP TABLE x', '1bi', 'a'.repeat(65)]) {
      expect(() => biRowPolicies({ user, scope: 'QWE' })).toThrow(/is not a plain identifier.*e\.g\. bi_qwe/);
      expect(() => biRowPolicyDrops({ user })).toThrow(/is not a plain identifier/);
      expect(() => biScopedGrants({ user })).toThrow(/is not a plain identifier/);
    }
    for (const scope of ['', 'Q', 'qwe', "QWE') OR 1=1 --", 'QWE ', 'ABCDEFGHIJK']) {
      expect(() => biRowPolicies({ user: 'bi_qwe', scope })).toThrow(/is not an ODS code.*e\.g\. QWE/);
      expect(() => biRowPolicyConditions({ scope })).toThrow(/is not an ODS code/);
    }
    expect(() => biRowPolicies({ bi: 'bi; DROP', user: 'bi_qwe', scope: 'QWE' })).toThrow(/database 'bi; DROP' is not a lower-case identifier/);
  });

  it('keeps infra/clickhouse/row-policies.sql as the function writes it for bi_qwe, scope QWE', () => {
    const file = readFileSync(join(__dirname, '../../../../infra/clickhouse/row-policies.sql'), 'utf8');
    expect(file).toEqual(biRowPolicySql({ user: 'bi_qwe', scope: 'QWE' }));
  });
});
