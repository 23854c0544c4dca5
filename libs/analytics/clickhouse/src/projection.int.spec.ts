import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectEvent, type RowsByTable } from '@gpds/analytics';
import type { EventStore } from '@gpds/event-store';
import { postgresServer, type TestDatabase } from '@gpds/event-store-testing';
import type { OpenedEventStore } from '@gpds/event-store-postgres';
import { openAnalyticsStore, type AnalyticsStore } from './analytics-client';
import { tableChecksums } from './checksum';
import { migrateAnalytics } from './migrations';
import { ProjectionService } from './projection-service';
import { Projector, ProjectorAlreadyRunningError, insertRows } from './projector';
import { tableMigrations } from './schema';
import { append, appendHierarchy, appendSample, fact } from './testing/fixtures';

// chDB runs one ClickHouse per process: one store for this file, databases of their own per test.
let analytics: AnalyticsStore;
let dir: string;
let database: TestDatabase;
let opened: OpenedEventStore;
let store: EventStore;
let n = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gpds-projection-'));
  analytics = openAnalyticsStore({ kind: 'chdb', path: dir });
  database = await postgresServer.create('projection');
  opened = await database.open();
  store = opened.store;
  await appendHierarchy(store);
  await appendGovernanceAndMeasurements(store);
});
afterAll(async () => {
  await opened?.close();
  await database?.dispose();
  await analytics?.close();
  rmSync(dir, { recursive: true, force: true });
});

const names = (): { db: string; bi: string } => {
  n++;
  return { db: `p${process.pid}_${n}`, bi: `bi${process.pid}_${n}` };
};

async function query<T>(sql: string, params: Record<string, unknown> = {}): Promise<T[]> {
  return (await analytics.client.query({ query: sql, query_params: params, format: 'JSONEachRow' })).json<T>();
}

async function service(options: { maxRows?: number } = {}): Promise<ProjectionService> {
  const { db, bi } = names();
  const s = new ProjectionService({ store, analytics, database: db, biDatabase: bi, maxRows: options.maxRows, maxDelayMs: 50, pollIntervalMs: 50 });
  await s.start();
  await s.waitUntilCaughtUp();
  return s;
}

async function appendGovernanceAndMeasurements(s: EventStore): Promise<void> {
  await append(
    s,
    'practice-P00001',
    fact(
      'CcgPracticeAgreementSigned',
      { agreementId: 'AG-1', practiceCode: 'P00001', commissionerCode: '00A', termStart: '2023-04-01', termEnd: '2026-03-31' },
      '2023-03-15T10:00:00Z',
      'ag-1',
    ),
    fact(
      'BusinessContinuityPlanReviewed',
      { practiceCode: 'P00001', reviewedBy: '00A', outcome: 'APPROVED', covers: ['CYBER', 'LOSS_OF_TELEPHONY'] },
      '2024-05-02T09:00:00Z',
      'bcp-1',
    ),
    fact(
      'CapabilityDeployed',
      { practiceCode: 'P00001', capability: 'ONLINE_CONSULTATION', solution: 'Askmy', supplier: 'SUPPLIER A', route: 'DCS_CATALOGUE' },
      '2022-01-10T00:00:00Z',
      'cap-1',
    ),
    fact('CapabilityWithdrawn', { practiceCode: 'P00001', capability: 'ONLINE_CONSULTATION', reason: 'contract ended' }, '2024-02-01T00:00:00Z', 'cap-2'),
  );
  await append(
    s,
    'practice-P00002',
    fact(
      'CcgPracticeAgreementSigned',
      { agreementId: 'AG-2', practiceCode: 'P00002', commissionerCode: '00B', termStart: '2023-04-01', termEnd: '2026-03-31' },
      '2023-04-01T10:00:00Z',
      'ag-2',
    ),
    fact(
      'CcgPracticeAgreementTerminated',
      { agreementId: 'AG-2', practiceCode: 'P00002', commissionerCode: '00B', terminatedOn: '2025-01-01', reason: 'merger' },
      '2025-01-01T10:00:00Z',
      'ag-2-end',
    ),
    fact(
      'CapabilityDeployed',
      { practiceCode: 'P00002', capability: 'ONLINE_CONSULTATION', solution: 'Engage', supplier: 'SUPPLIER B', route: 'GP_IT_FUTURES' },
      '2022-06-01T00:00:00Z',
      'cap-3',
    ),
  );
  // Usage attributed to a practice (before and after its move), to a PCN only, to a commissioner, and to England only.
  await appendSample(s, 'P00001', 'PRACTICE', '2022-12', 100, 'u-1');
  await appendSample(s, 'P00002', 'PRACTICE', '2022-12', 40, 'u-2');
  await appendSample(s, 'P00002', 'PRACTICE', '2025-12', 60, 'u-3');
  await appendSample(s, 'P00002', 'PRACTICE', '2025-12', 5, 'u-3b'); // a second sample for the same month adds up
  await appendSample(s, 'U00001', 'PCN', '2025-12', 7, 'u-4');
  await appendSample(s, '00B', 'COMMISSIONER', '2025-12', 11, 'u-5');
  await appendSample(s, 'ENG', 'NATIONAL', '2025-12', 3, 'u-6');
  await append(
    s,
    'carbon-P00001-2025',
    fact(
      'CarbonMetricRecorded',
      {
        organisationCode: 'P00001',
        organisationLevel: 'PRACTICE',
        periodStart: '2025-04-01',
        periodEnd: '2025-04-30',
        footprint: 'NHS_CARBON_FOOTPRINT',
        category: 'ELECTRICITY',
        kgCo2e: 812.5,
        method: 'metered',
      },
      '2025-05-01T00:00:00Z',
      'c-1',
    ),
    fact(
      'CarbonMetricRecorded',
      {
        organisationCode: 'P00001',
        organisationLevel: 'PRACTICE',
        periodStart: '2025-04-01',
        periodEnd: '2025-04-30',
        footprint: 'NHS_CARBON_FOOTPRINT_PLUS',
        category: 'TRAVEL_AVOIDED',
        kgCo2e: -120,
        method: 'estimated',
      },
      '2025-05-01T00:00:00Z',
      'c-2',
    ),
  );
}

describe('projections into ClickHouse (chDB, PostgreSQL event store)', () => {
  it('projects organisations with dated relationships: re-parented and closed practices roll up by the hierarchy of the date', async () => {
    const s = await service();
    try {
      const orgs = await query<{ code: string; name: string; level: string; closed_on: string | null; successor_code: string }>(
        `SELECT code, name, level, closed_on, successor_code FROM ${s.biDatabase}.organisations WHERE code IN ('P00001', 'P00003') ORDER BY code`,
      );
      expect(orgs).toEqual([
        { code: 'P00001', name: 'RENAMED PRACTICE', level: 'PRACTICE', closed_on: null, successor_code: '' },
        { code: 'P00003', name: 'PRACTICE P00003', level: 'PRACTICE', closed_on: '2024-01-01', successor_code: 'P00001' },
      ]);
      const hierarchyOn = (date: string) =>
        query<{ code: string; level: string; pcn_code: string; commissioner_code: string; icb_code: string; region_code: string }>(
          `SELECT code, level, pcn_code, commissioner_code, icb_code, region_code FROM ${s.biDatabase}.organisation_hierarchy(on_date = {d:Date})
           WHERE level IN ('PRACTICE', 'PCN') ORDER BY code`,
          { d: date },
        );
      expect(await hierarchyOn('2022-12-31')).toEqual([
        { code: 'P00001', level: 'PRACTICE', pcn_code: 'U00001', commissioner_code: '00A', icb_code: 'QA1', region_code: 'Y00001' },
        { code: 'P00002', level: 'PRACTICE', pcn_code: 'U00001', commissioner_code: '00A', icb_code: 'QA1', region_code: 'Y00001' },
        { code: 'P00003', level: 'PRACTICE', pcn_code: '', commissioner_code: '00A', icb_code: 'QA1', region_code: 'Y00001' },
        { code: 'U00001', level: 'PCN', pcn_code: 'U00001', commissioner_code: '00A', icb_code: 'QA1', region_code: 'Y00001' },
      ]);
      const after = await hierarchyOn('2024-06-30');
      expect(after.find((r) => r.code === 'P00002')).toMatchObject({ commissioner_code: '00B', icb_code: 'QB2', region_code: 'Y00002' });
      expect(after.find((r) => r.code === 'P00003')).toBeUndefined(); // closed on 2024-01-01
      const periods = await query<{ parent_code: string; valid_from: string; valid_to: string }>(
        `SELECT parent_code, valid_from, valid_to FROM ${s.biDatabase}.organisation_relationships WHERE child_code = 'P00002' AND relationship = 'COMMISSIONED_BY' ORDER BY valid_from`,
      );
      expect(periods).toEqual([
        { parent_code: '00A', valid_from: '1970-01-01', valid_to: '2023-04-01' },
        { parent_code: '00B', valid_from: '2023-04-01', valid_to: '2149-06-06' },
      ]);
    } finally {
      await s.stop();
    }
  });

  it('projects utilisation at every level, with monthly roll-ups kept by a materialized view', async () => {
    const s = await service();
    try {
      const byRegion = (month: string) =>
        query<{ region: string; value: number; samples: string }>(
          `SELECT h.region_code AS region, sum(u.value) AS value, toString(sum(u.samples)) AS samples
           FROM ${s.biDatabase}.utilisation_monthly AS u
           LEFT JOIN ${s.biDatabase}.organisation_hierarchy(on_date = {m:Date}) AS h ON h.code = u.organisation_code
           WHERE u.capability = 'ONLINE_CONSULTATION' AND u.metric = 'SUBMISSIONS' AND u.month = {m:Date}
           GROUP BY region ORDER BY region`,
          { m: month },
        );
      // December 2022: P00002 still under 00A (north); December 2025: under 00B (south).
      expect(await byRegion('2022-12-01')).toEqual([{ region: 'Y00001', value: 140, samples: '2' }]);
      expect(await byRegion('2025-12-01')).toEqual([
        { region: '', value: 3, samples: '1' }, // England only
        { region: 'Y00001', value: 7, samples: '1' }, // the PCN: one member each side, the tie goes to the first commissioner code (00A)
        { region: 'Y00002', value: 76, samples: '3' },
      ]);
      const national = await query<{ value: number }>(
        `SELECT sum(value) AS value FROM ${s.biDatabase}.utilisation_samples WHERE metric = 'SUBMISSIONS' AND month = '2025-12-01'`,
      );
      expect(national).toEqual([{ value: 86 }]);
      const levels = await query<{ organisation_level: string; value: number }>(
        `SELECT organisation_level, sum(value) AS value FROM ${s.biDatabase}.utilisation_monthly WHERE month = '2025-12-01' GROUP BY organisation_level ORDER BY organisation_level`,
      );
      expect(levels).toEqual([
        { organisation_level: 'COMMISSIONER', value: 11 },
        { organisation_level: 'NATIONAL', value: 3 },
        { organisation_level: 'PCN', value: 7 },
        { organisation_level: 'PRACTICE', value: 65 },
      ]);
      const carbon = await query<{ footprint: string; category: string; kg_co2e: number }>(
        `SELECT footprint, category, kg_co2e FROM ${s.biDatabase}.carbon_monthly WHERE month = '2025-04-01' ORDER BY footprint, category`,
      );
      expect(carbon).toEqual([
        { footprint: 'NHS_CARBON_FOOTPRINT', category: 'ELECTRICITY', kg_co2e: 812.5 },
        { footprint: 'NHS_CARBON_FOOTPRINT_PLUS', category: 'TRAVEL_AVOIDED', kg_co2e: -120 },
      ]);
    } finally {
      await s.stop();
    }
  });

  it('answers asOf and knownAt questions for agreements, BCP reviews and capabilities', async () => {
    const s = await service();
    try {
      const status = (asOf: string, knownAt: string) =>
        query<{ practice_code: string; deployed: boolean | number }>(
          `SELECT practice_code, deployed FROM ${s.biDatabase}.capability_status_at(as_of = {a:Date}, known_at = {k:DateTime64(3)})
           WHERE capability = 'ONLINE_CONSULTATION' ORDER BY practice_code`,
          { a: asOf, k: knownAt },
        );
      const now = '2100-01-01 00:00:00';
      expect((await status('2023-01-01', now)).map((r) => [r.practice_code, Boolean(r.deployed)])).toEqual([
        ['P00001', true],
        ['P00002', true],
      ]);
      expect((await status('2024-06-01', now)).map((r) => [r.practice_code, Boolean(r.deployed)])).toEqual([
        ['P00001', false],
        ['P00002', true],
      ]);
      // Known at a time before anything was recorded: nothing.
      expect(await status('2024-06-01', '2000-01-01 00:00:00')).toEqual([]);

      const agreements = (asOf: string) =>
        query<{ agreement_id: string; in_force: boolean | number }>(
          `SELECT agreement_id, in_force FROM ${s.biDatabase}.agreements_at(as_of = {a:Date}, known_at = {k:DateTime64(3)}) ORDER BY agreement_id`,
          { a: asOf, k: now },
        );
      expect((await agreements('2024-06-01')).map((r) => [r.agreement_id, Boolean(r.in_force)])).toEqual([
        ['AG-1', true],
        ['AG-2', true],
      ]);
      expect((await agreements('2025-06-01')).map((r) => [r.agreement_id, Boolean(r.in_force)])).toEqual([
        ['AG-1', true],
        ['AG-2', false], // terminated on 2025-01-01
      ]);
      const bcp = await query<{ practice_code: string; outcome: string; covers: string[]; reviewed_on: string }>(
        `SELECT practice_code, outcome, covers, reviewed_on FROM ${s.biDatabase}.bcp_latest_review`,
      );
      expect(bcp).toEqual([{ practice_code: 'P00001', outcome: 'APPROVED', covers: ['CYBER', 'LOSS_OF_TELEPHONY'], reviewed_on: '2024-05-02' }]);
      const trace = await query<{ source_system: string; source_record: string }>(
        `SELECT source_system, source_record FROM ${s.biDatabase}.capability_changes WHERE practice_code = 'P00001' ORDER BY event_position`,
      );
      expect(trace).toEqual([
        { source_system: 'analytics-test', source_record: 'cap-1' },
        { source_system: 'analytics-test', source_record: 'cap-2' },
      ]);
    } finally {
      await s.stop();
    }
  });

  it('keeps following the store in small batches and reports its lag', async () => {
    const s = await service({ maxRows: 3 });
    try {
      const before = await tableChecksums(analytics.client, s.database);
      await appendSample(store, 'P00001', 'PRACTICE', '2026-01', 9, 'live-1');
      await s.waitUntilCaughtUp();
      expect((await s.lag()).behind).toBe(0);
      const after = await tableChecksums(analytics.client, s.database);
      expect(after['utilisation_samples']!.rows).toBe(before['utilisation_samples']!.rows + 1);
      await s.stop();
      await appendSample(store, 'P00001', 'PRACTICE', '2026-02', 9, 'live-2');
      const lag = await s.lag();
      expect(lag.caughtUp).toBe(false);
      expect(lag.behind).toBeGreaterThan(0);
    } finally {
      await s.stop();
    }
  });

  it('runs one projector per analytics database: a second one, from another connection too, is refused until the first stops', async () => {
    const { db } = names();
    await migrateAnalytics(analytics.client, db, tableMigrations(db));
    const other = await database.open({ migrate: false }); // another process's connection to the same store
    const first = new Projector({ store, analytics, database: db, maxDelayMs: 50, pollIntervalMs: 50 });
    await first.start();
    try {
      const second = new Projector({ store: other.store, analytics, database: db, maxDelayMs: 50, pollIntervalMs: 50 });
      await expect(second.start()).rejects.toThrow(ProjectorAlreadyRunningError);
      await expect(new Projector({ store, analytics, database: db }).start()).rejects.toThrow(
        new RegExp(`Another projector \\('clickhouse'\\) is already writing ClickHouse database '${db}'.*PROJECTOR=off`),
      );
      // Another analytics database is another projector's business.
      const { db: elsewhere } = names();
      await migrateAnalytics(analytics.client, elsewhere, tableMigrations(elsewhere));
      const beside = new Projector({ store: other.store, analytics, database: elsewhere, maxDelayMs: 50, pollIntervalMs: 50 });
      await beside.start();
      await beside.stop();
      await first.waitUntilCaughtUp();
      await first.stop();
      // Stopped: the next one takes over, and finds everything written once.
      await second.start();
      await second.waitUntilCaughtUp();
      await second.stop();
      const count = async (d: string): Promise<number> => Number((await query<{ n: string }>(`SELECT count() AS n FROM ${d}.utilisation_samples`))[0]?.n);
      expect(await count(db)).toBeGreaterThan(0);
      expect(await count(db)).toBe(await count(elsewhere));
    } finally {
      await first.stop();
      await other.close();
    }
  });

  it('recovers from a crash in the middle of a write without double counting or losing an event', async () => {
    const reference = await service();
    await reference.stop();
    const { db } = names();
    await migrateAnalytics(analytics.client, db, tableMigrations(db));
    // What a projector had done when it died: recorded the range as pending and written two
    // of its tables (the rows and the roll-up fed by the view), but not the others nor "done".
    const batch = await store.readAll({ limit: 10_000 });
    const rows: RowsByTable = new Map();
    for (const event of batch.events) projectEvent(event, rows);
    const from = { transactionId: 0, globalPosition: 0 };
    const to = batch.checkpoint;
    const token = `${from.transactionId}.${from.globalPosition}-${to.transactionId}.${to.globalPosition}`;
    await analytics.client.insert({
      table: `${db}.projector_state`,
      values: [
        {
          projector: 'clickhouse',
          seq: 1,
          status: 'pending',
          from_tx: 0,
          from_pos: 0,
          to_tx: to.transactionId,
          to_pos: to.globalPosition,
          events: batch.events.length,
          rows: 0,
        },
      ],
      format: 'JSONEachRow',
    });
    await insertRows(analytics, db, 'utilisation_samples', rows.get('utilisation_samples')!, `${token}:utilisation_samples`);
    await insertRows(analytics, db, 'organisation_changes', rows.get('organisation_changes')!, `${token}:organisation_changes`);

    const replays: boolean[] = [];
    const projector = new Projector({ store, analytics, database: db, maxDelayMs: 50, pollIntervalMs: 50, onBatch: (b) => replays.push(b.replayed) });
    await projector.start();
    await projector.waitUntilCaughtUp();
    await projector.stop();
    expect(replays[0]).toBe(true);
    expect(await tableChecksums(analytics.client, db)).toEqual(await tableChecksums(analytics.client, reference.database));
  });

  it('rebuilds from position 0 into fresh tables while the old ones serve, swaps them in, and stays identical', async () => {
    const s = await service({ maxRows: 4 });
    try {
      const original = await tableChecksums(analytics.client, s.database);
      const phases = new Set<string>();
      let finished = false;
      const running = s.rebuild((p) => {
        phases.add(p.phase);
      });
      void running.finally(() => (finished = true));
      // The live tables answer throughout, with everything in them.
      const served: number[] = [];
      while (!finished) {
        served.push(Number((await query<{ n: string }>(`SELECT count() AS n FROM ${s.biDatabase}.utilisation_samples`))[0]!.n));
      }
      const report = await running;
      expect(served.length).toBeGreaterThan(0);
      expect(new Set(served)).toEqual(new Set([original['utilisation_samples']!.rows]));
      expect(report.resumed).toBe(false);
      expect(report.events).toBeGreaterThan(0);
      expect(phases.has('done')).toBe(true);
      expect(await tableChecksums(analytics.client, s.database)).toEqual(original);
      const dbs = await query<{ name: string }>(`SELECT name FROM system.databases WHERE name = {n:String}`, { n: `${s.database}_rebuild` });
      expect(dbs).toEqual([]);
      // Replaying the same events again gives the same tables, and the live projector carries on after the swap.
      await s.rebuild();
      expect(await tableChecksums(analytics.client, s.database)).toEqual(original);
      await appendSample(store, 'P00002', 'PRACTICE', '2026-03', 1, 'after-rebuild');
      await s.waitUntilCaughtUp();
      const after = await tableChecksums(analytics.client, s.database);
      expect(after['utilisation_samples']!.rows).toBe(original['utilisation_samples']!.rows + 1);
    } finally {
      await s.stop();
    }
  });

  it('keeps a row ClickHouse refuses aside with its event and reason, and writes the rest of its batch', async () => {
    // The write side would refuse this; an event stored before a validation existed, or a faulty
    // upcaster, could still carry it.
    await append(
      store,
      'utilisation-P00001-ONLINE_CONSULTATION-2026-04',
      fact(
        'UtilisationSampleRecorded',
        {
          organisationCode: 'P00001',
          organisationLevel: 'PRACTICE',
          capability: 'ONLINE_CONSULTATION',
          metric: 'SUBMISSIONS',
          periodStart: 'April 2026',
          periodEnd: '2026-04-30',
          value: 5,
          supplier: 'S',
        },
        '2026-04-30T00:00:00Z',
        'bad-date',
      ),
    );
    await appendSample(store, 'P00001', 'PRACTICE', '2026-04', 8, 'good-after-bad');
    const s = await service();
    try {
      expect(s.status()?.rowsRefused).toBe(1);
      const errors = await query<{ table_name: string; error_code: string; row: string }>(
        `SELECT table_name, error_code, row FROM ${s.biDatabase}.projection_errors`,
      );
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ table_name: 'utilisation_samples' });
      expect(errors[0]!.row).toContain('April 2026');
      const april = await query<{ value: number }>(`SELECT sum(value) AS value FROM ${s.biDatabase}.utilisation_monthly WHERE month = '2026-04-01'`);
      expect(april).toEqual([{ value: 8 }]);
      expect((await s.lag()).caughtUp).toBe(true);
    } finally {
      await s.stop();
    }
  });

  it('sums counts exactly as 128-bit integers, and keeps a value no count can be out of every total (ADR 0021)', async () => {
    // The largest values the write side accepts for a practice's month, and values it now refuses
    // (stored before the checks existed): too large for any count, fractional, negative, past 2^64.
    for (let i = 0; i < 5; i++) await appendSample(store, 'P00001', 'PRACTICE', '2026-06', 3_000_000, `ceiling-${i}`);
    for (const [value, recordId] of [
      [1.7e308, 'junk-huge'],
      [1.5, 'junk-fraction'],
      [-1, 'junk-negative'],
      [2e19, 'junk-past-2-64'],
    ] as const) {
      await appendSample(store, 'P00002', 'PRACTICE', '2026-06', value, recordId);
    }
    const s = await service();
    try {
      const june = await query<{ total: string; type: string }>(
        `SELECT toString(sum(value)) AS total, toTypeName(sum(value)) AS type FROM ${s.biDatabase}.utilisation_monthly WHERE month = '2026-06-01'`,
      );
      expect(june).toEqual([{ total: '15000000', type: 'UInt128' }]);
      const refused = await query<{ row: string }>(
        `SELECT row FROM ${s.biDatabase}.projection_errors WHERE table_name = 'utilisation_samples' ORDER BY event_position`,
      );
      expect(refused.map((r) => /not a whole count: ([^"]+)/.exec(r.row)?.[1])).toEqual(
        expect.arrayContaining(['1.7e+308', '1.5', '-1', '20000000000000000000']),
      );
      // The roll-up never wraps: two samples of the largest 64-bit count add up past 2^64, exactly.
      const max = '18446744073709551615';
      await analytics.client.command({
        query: `INSERT INTO ${s.database}.utilisation_samples (capability, metric, period_start, period_end, organisation_code, organisation_level, value, supplier, occurred_at, recorded_at, event_position, event_id, source_system, source_record)
                VALUES ('ONLINE_CONSULTATION', 'SUBMISSIONS', '2030-01-01', '2030-01-31', 'P00001', 'PRACTICE', ${max}, '', now64(3), now64(3), 1, generateUUIDv4(), 'test', 'a'),
                       ('ONLINE_CONSULTATION', 'SUBMISSIONS', '2030-01-01', '2030-01-31', 'P00001', 'PRACTICE', ${max}, '', now64(3), now64(3), 2, generateUUIDv4(), 'test', 'b')`,
      });
      const past = await query<{ total: string }>(`SELECT toString(sum(value)) AS total FROM ${s.biDatabase}.utilisation_monthly WHERE month = '2030-01-01'`);
      expect(past).toEqual([{ total: (2n * BigInt(max)).toString() }]);
    } finally {
      await s.stop();
    }
  });
});
