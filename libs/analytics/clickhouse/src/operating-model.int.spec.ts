import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROW_MAPPINGS } from '@gpds/analytics';
import type { EventStore, EventToAppend } from '@gpds/event-store';
import type { OpenedEventStore } from '@gpds/event-store-postgres';
import { postgresServer, type TestDatabase } from '@gpds/event-store-testing';
import { openAnalyticsStore, type AnalyticsStore } from './analytics-client';
import { tableChecksums } from './checksum';
import { BI_VIEWS, TABLES } from './names';
import { ProjectionService } from './projection-service';
import { SWAPPED_TABLES } from './schema';
import { append, fact } from './testing/fixtures';

// The rest of the Operating Model's facts (table migration 5, bi migration 103), one event of
// each type through the real projector into chDB, exactly once, and again after a rebuild.

let analytics: AnalyticsStore;
let dir: string;
let database: TestDatabase;
let opened: OpenedEventStore;
let store: EventStore;

/** One event of every new type, each with a record id of its own (its row is found by it). */
const EVENTS: readonly EventToAppend[] = [
  fact('DsptAssessmentPublished', { practiceCode: 'P00001', financialYear: '2022/23', status: 'STANDARDS_MET' }, '2023-06-30T09:00:00Z', 'dspt'),
  fact('DataProtectionOfficerDesignated', { practiceCode: 'P00001', provision: 'PRACTICE_APPOINTED' }, '2022-05-01T09:00:00Z', 'dpo'),
  fact('CasRegistrationRecorded', { practiceCode: 'P00001', email: true, mobile: true }, '2022-05-02T09:00:00Z', 'cas'),
  fact(
    'ClinicalSafetyAssessmentRecorded',
    { practiceCode: 'P00001', system: 'Accurx', standard: 'DCB0160', outcome: 'RISK_ACCEPTABLE' },
    '2022-06-01T09:00:00Z',
    'clinical-safety',
  ),
  fact('ItReviewCompleted', { practiceCode: 'P00001', reviewedBy: '00A' }, '2022-07-01T09:00:00Z', 'it-review'),
  fact('LocalClinicalServerRecorded', { practiceCode: 'P00001', server: 'SRV-1' }, '2021-04-01T00:00:00Z', 'server-recorded'),
  fact('LocalClinicalServerDecommissioned', { practiceCode: 'P00001', server: 'SRV-1' }, '2022-08-31T00:00:00Z', 'server-decommissioned'),
  fact(
    'RemoteAccessCapacityAssessed',
    { practiceCode: 'P00001', solution: 'MANAGED_ENDPOINT_VPN', capacityPercent: 62.5 },
    '2022-09-01T09:00:00Z',
    'remote-access',
  ),
  fact(
    'UnsupportedSoftwareDetected',
    { practiceCode: 'P00001', asset: 'PC-7', product: 'Windows 10 22H2', endOfSupport: '2025-10-14' },
    '2025-11-03T09:00:00Z',
    'software-detected',
  ),
  fact('UnsupportedSoftwareRemediated', { practiceCode: 'P00001', asset: 'PC-7', product: 'Windows 10 22H2' }, '2025-11-20T09:00:00Z', 'software-remediated'),
  fact(
    'CyberIncidentReported',
    {
      incidentId: 'CI-1',
      organisationCode: '00A',
      organisationLevel: 'COMMISSIONER',
      severity: 1,
      highSeverity: true,
      detectedAt: '2024-07-01T08:15:00+01:00',
      reportedTo: 'NHS England CSOC',
    },
    '2024-07-01T09:00:00Z',
    'incident-reported',
  ),
  fact(
    'CyberIncidentResolved',
    { incidentId: 'CI-1', organisationCode: '00A', organisationLevel: 'COMMISSIONER' },
    '2024-07-03T17:00:00Z',
    'incident-resolved',
  ),
  fact(
    'DataBreachReported',
    { breachId: 'B-1', practiceCode: 'P00001', detectedAt: '2024-03-01T10:00:00Z', reportableToIco: true, reportedToIcoAt: '' },
    '2024-03-01T12:00:00Z',
    'breach',
  ),
  fact('RecordAccessLost', { practiceCode: 'P00001', cause: 'NETWORK_FAILURE', bcpActivated: false }, '2024-04-02T08:00:00Z', 'access-lost'),
  fact('RecordAccessRestored', { practiceCode: 'P00001', bcpActivated: true }, '2024-04-02T13:00:00Z', 'access-restored'),
  fact(
    'SubcontractorAccessApproved',
    { practiceCode: 'P00001', provider: 'Y12345', services: ['clinical system', 'NHSmail'], dataProcessingAgreement: true, approvedBy: '00A' },
    '2024-05-01T09:00:00Z',
    'subcontractor',
  ),
];

/** Each new table, its raw bi view, and the types it holds. */
const NEW_TABLES = [
  [TABLES.practiceDsptAssessments, BI_VIEWS.dsptAssessments],
  [TABLES.practiceDpoDesignations, BI_VIEWS.dpoDesignations],
  [TABLES.practiceCasRegistrations, BI_VIEWS.casRegistrations],
  [TABLES.practiceClinicalSafetyAssessments, BI_VIEWS.clinicalSafetyAssessments],
  [TABLES.practiceItReviews, BI_VIEWS.itReviews],
  [TABLES.practiceLocalServers, BI_VIEWS.localServerChanges],
  [TABLES.practiceRemoteAccessAssessments, BI_VIEWS.remoteAccessAssessments],
  [TABLES.practiceUnsupportedSoftware, BI_VIEWS.unsupportedSoftwareChanges],
  [TABLES.cyberIncidents, BI_VIEWS.cyberIncidentChanges],
  [TABLES.practiceDataBreaches, BI_VIEWS.dataBreaches],
  [TABLES.practiceRecordAccess, BI_VIEWS.recordAccessChanges],
  [TABLES.practiceSubcontractorApprovals, BI_VIEWS.subcontractorApprovals],
] as const;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gpds-operating-model-'));
  analytics = openAnalyticsStore({ kind: 'chdb', path: dir });
  database = await postgresServer.create('operating_model');
  opened = await database.open();
  store = opened.store;
  // As the write side routes them: a practice's facts on its stream, a commissioner's incident on its own.
  await append(store, 'practice-P00001', ...EVENTS.filter((e) => e.type !== 'CyberIncidentReported' && e.type !== 'CyberIncidentResolved'));
  await append(store, 'governance-00A', ...EVENTS.filter((e) => e.type === 'CyberIncidentReported' || e.type === 'CyberIncidentResolved'));
});
afterAll(async () => {
  await opened?.close();
  await database?.dispose();
  await analytics?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function query<T>(sql: string, params: Record<string, unknown> = {}): Promise<T[]> {
  return (await analytics.client.query({ query: sql, query_params: params, format: 'JSONEachRow' })).json<T>();
}

/** How many rows each event has in its table, by its type. */
async function rowsPerEvent(db: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const event of EVENTS) {
    const table = ROW_MAPPINGS.get(event.type)!.table.name;
    const [row] = await query<{ n: string }>(`SELECT count() AS n FROM ${db}.${table} WHERE source_record = {r:String}`, {
      r: event.metadata.source.recordId,
    });
    counts[event.type] = Number(row!.n);
  }
  return counts;
}

describe("the rest of the Operating Model's facts in ClickHouse (chDB, PostgreSQL event store)", () => {
  it('projects one row per event into its table, exactly once, and the same again after a rebuild', async () => {
    const s = new ProjectionService({ store, analytics, database: 'om', biDatabase: 'om_bi', maxDelayMs: 50, pollIntervalMs: 50 });
    await s.start();
    try {
      await s.waitUntilCaughtUp();
      const once = Object.fromEntries(EVENTS.map((e) => [e.type, 1]));
      expect(await rowsPerEvent(s.database)).toEqual(once);
      expect(await query(`SELECT * FROM ${s.biDatabase}.${BI_VIEWS.projectionErrors}`)).toEqual([]);
      // Every new table is swapped by a rebuild, and read through its raw bi view.
      for (const [table, view] of NEW_TABLES) {
        expect(SWAPPED_TABLES).toContain(table);
        const [inTable] = await query<{ n: string }>(`SELECT count() AS n FROM ${s.database}.${table}`);
        const [inView] = await query<{ n: string }>(`SELECT count() AS n FROM ${s.biDatabase}.${view}`);
        expect({ view, rows: Number(inView!.n) }).toEqual({ view, rows: Number(inTable!.n) });
      }
      expect(NEW_TABLES.map(([table]) => table).sort()).toEqual([...new Set(EVENTS.map((e) => ROW_MAPPINGS.get(e.type)!.table.name))].sort());

      // The values as stored: instants in UTC, NULL where a type does not state a column.
      expect(
        await query(
          `SELECT change, severity, high_severity, toString(detected_at) AS detected_at, reported_to, toString(occurred_at) AS occurred_at
           FROM ${s.biDatabase}.${BI_VIEWS.cyberIncidentChanges} ORDER BY event_position`,
        ),
      ).toEqual([
        {
          change: 'REPORTED',
          severity: 1,
          high_severity: 1,
          detected_at: '2024-07-01 07:15:00.000',
          reported_to: 'NHS England CSOC',
          occurred_at: '2024-07-01 09:00:00.000',
        },
        { change: 'RESOLVED', severity: null, high_severity: 0, detected_at: null, reported_to: '', occurred_at: '2024-07-03 17:00:00.000' },
      ]);
      expect(
        await query(
          `SELECT breach_id, toString(detected_at) AS detected_at, reportable_to_ico, reported_to_ico_at, recorded_on FROM ${s.database}.${TABLES.practiceDataBreaches}`,
        ),
      ).toEqual([{ breach_id: 'B-1', detected_at: '2024-03-01 10:00:00.000', reportable_to_ico: 1, reported_to_ico_at: null, recorded_on: '2024-03-01' }]);
      expect(await query(`SELECT change, changed_on, end_of_support FROM ${s.database}.${TABLES.practiceUnsupportedSoftware} ORDER BY event_position`)).toEqual(
        [
          { change: 'DETECTED', changed_on: '2025-11-03', end_of_support: '2025-10-14' },
          { change: 'REMEDIATED', changed_on: '2025-11-20', end_of_support: null },
        ],
      );
      expect(await query(`SELECT services, data_processing_agreement FROM ${s.database}.${TABLES.practiceSubcontractorApprovals}`)).toEqual([
        { services: ['clinical system', 'NHSmail'], data_processing_agreement: 1 },
      ]);

      const before = await tableChecksums(analytics.client, s.database);
      await s.rebuild();
      expect(await rowsPerEvent(s.database)).toEqual(once);
      expect(await tableChecksums(analytics.client, s.database)).toEqual(before);
    } finally {
      await s.stop();
    }
  });

  it('keeps an instant it cannot read aside with its event, never a NULL or a guess in its place', async () => {
    // The write side refuses these; an event stored before its check existed could still carry one.
    await append(
      store,
      'practice-P00002',
      fact(
        'DataBreachReported',
        { breachId: 'B-2', practiceCode: 'P00002', detectedAt: '2024-03-01T10:00:00Z', reportableToIco: true, reportedToIcoAt: '2024-03-02 09:00' },
        '2024-03-02T12:00:00Z',
        'breach-no-zone',
      ),
      fact(
        'DataBreachReported',
        { breachId: 'B-3', practiceCode: 'P00002', detectedAt: '', reportableToIco: false, reportedToIcoAt: '' },
        '2024-03-02T12:00:00Z',
        'breach-no-detection',
      ),
    );
    const s = new ProjectionService({ store, analytics, database: 'om_refused', biDatabase: 'om_refused_bi', maxDelayMs: 50, pollIntervalMs: 50 });
    await s.start();
    try {
      await s.waitUntilCaughtUp();
      const refused = await query<{ table_name: string; row: string }>(
        `SELECT table_name, row FROM ${s.biDatabase}.${BI_VIEWS.projectionErrors} ORDER BY event_position`,
      );
      expect(refused.map((r) => [r.table_name, /not a date-time: [^"]*/.exec(r.row)?.[0]])).toEqual([
        [TABLES.practiceDataBreaches, 'not a date-time: 2024-03-02 09:00'],
        [TABLES.practiceDataBreaches, 'not a date-time: (empty)'],
      ]);
      expect(await query(`SELECT breach_id FROM ${s.database}.${TABLES.practiceDataBreaches}`)).toEqual([{ breach_id: 'B-1' }]);
    } finally {
      await s.stop();
    }
  });
});
