import { join } from 'node:path';
import type { OpenedEventStore } from '@gpds/event-store-postgres';
import { pglite, type TestDatabase } from '@gpds/event-store-testing';
import { importMappingFile, loadDirectory } from '@gpds/organisations-importer';
import type { OrganisationDirectory } from '@gpds/organisations';
import { sharedDataDir } from '@gpds/shared-runtime';
import { eventIdFromSource } from '@gpds/event-store';
import { SubmissionProcessor } from './submission-processor';
import { ChunkFailedError, type IncomingRecord, type Principal, type RecordResult } from './submission-types';

const ods = join(sharedDataDir() ?? '/missing', 'ods');
const teesValley: Principal = { keyId: 'key-16c', organisation: '16C', role: 'submitter' };
const glossop: Principal = { keyId: 'key-01y', organisation: '01Y', role: 'submitter' };
const now = new Date('2025-12-15T12:00:00Z');

let seq = 0;
const bcp = (practiceCode: string, occurredAt: string, reviewedBy: string, recordId = `bcp-${++seq}`, outcome = 'APPROVED') => ({
  type: 'BusinessContinuityPlanReviewed',
  schemaVersion: 1,
  source: { system: 'nhs-tees-valley-gpit', recordId },
  occurredAt,
  data: { practiceCode, reviewedBy, outcome, covers: ['CYBER', 'LOSS_OF_RECORD_ACCESS'] },
});
const sample = (organisationCode: string, metric: string, value: number, recordId = `oc-${++seq}`) => ({
  type: 'UtilisationSampleRecorded',
  source: { system: 'nhs-tees-valley-gpit', recordId },
  occurredAt: '2025-12-01T00:00:00Z',
  data: {
    organisationCode,
    organisationLevel: 'PRACTICE',
    capability: 'ONLINE_CONSULTATION',
    metric,
    periodStart: '2025-11-01',
    periodEnd: '2025-11-30',
    value,
  },
});
const batch = (...values: unknown[]): IncomingRecord[] => values.map((value, index) => ({ index, value }));

describe('the submission command path (PGlite, real ODS hierarchy)', () => {
  let database: TestDatabase;
  let opened: OpenedEventStore;
  let directory: OrganisationDirectory;
  let processor: SubmissionProcessor;

  beforeAll(async () => {
    database = await pglite.create('submissions');
    opened = await database.open();
    await importMappingFile(opened.store, join(ods, 'gp-reg-pat-prac-map_2022-01.csv'));
    await importMappingFile(opened.store, join(ods, 'gp-reg-pat-prac-map_2025-10.csv'));
    directory = (await loadDirectory(opened.store)).directory;
    processor = new SubmissionProcessor({ store: opened.store, directory: () => directory, clock: () => now });
  });
  afterAll(async () => {
    await opened.close();
    await database.dispose();
  });

  const submit = (principal: Principal, ...values: unknown[]): Promise<RecordResult[]> => processor.process(batch(...values), principal, 'corr-test');

  it('accepts the canonical example, answers a resubmission as a duplicate, and rejects a changed one', async () => {
    const record = bcp('A81001', '2022-07-12T10:00:00Z', '16C', 'bcp-2022-00417');
    const [first] = await submit(teesValley, record);
    expect(first).toMatchObject({ index: 0, status: 'accepted' });
    const [again] = await submit(teesValley, record);
    expect(again).toEqual({ index: 0, status: 'duplicate', eventId: first!.eventId });
    const [changed] = await submit(teesValley, { ...record, data: { ...record.data, outcome: 'CHANGES_REQUIRED' } });
    expect(changed).toMatchObject({ status: 'rejected', errors: [{ path: 'source.recordId', code: 'RECORD_CHANGED' }] });
    const stored = await opened.store.readEvent(first!.eventId!);
    expect(stored).toMatchObject({
      streamId: 'practice-A81001',
      type: 'BusinessContinuityPlanReviewed',
      data: record.data,
      metadata: { actor: { type: 'api-key', id: 'key-16c' } },
    });
  });

  it("rejects another commissioner's practice, naming the practice and the date, and checks the commissioner on the fact's date", async () => {
    const results = await submit(
      glossop,
      bcp('A81001', '2023-01-10T10:00:00Z', '01Y'),
      bcp('C81640', '2022-06-30T10:00:00Z', '01Y'),
      bcp('C81640', '2022-07-12T10:00:00Z', '01Y'),
    );
    expect(results[0]).toMatchObject({
      status: 'rejected',
      errors: [{ path: 'data.practiceCode', code: 'NOT_YOUR_PRACTICE', message: 'practice A81001 was commissioned by 16C on 2023-01-10, not by 01Y' }],
    });
    expect(results[1]).toMatchObject({ status: 'accepted' });
    expect(results[2]).toMatchObject({
      status: 'rejected',
      errors: [{ code: 'NOT_YOUR_PRACTICE', message: 'practice C81640 was commissioned by 15M on 2022-07-12, not by 01Y' }],
    });
  });

  it('gives every bad record a precise reason and still accepts the good ones in the same batch', async () => {
    const good = sample('A81001', 'SUBMISSIONS', 120);
    const results = await submit(
      teesValley,
      good,
      { ...sample('A81001', 'SUBMISSIONS', 1), data: { ...sample('A81001', 'SUBMISSIONS', 1).data, value: 'many' } },
      { source: { system: 's', recordId: 'r' }, occurredAt: '2025-01-01T00:00:00Z', data: {} },
      { ...good, type: 'CapabilityInstalled', source: { system: 's', recordId: 'r2' } },
      { ...good, schemaVersion: 7, source: { system: 's', recordId: 'r3' } },
      bcp('Z99999', '2024-01-01T00:00:00Z', '16C'),
      { ...bcp('A81001', '2024-01-01T00:00:00Z', '16C'), type: 'CapabilityDeployed', data: { practiceCode: 'A81001', capability: 'TELEPATHY' } },
      bcp('A81001', '2026-03-01T00:00:00Z', '16C'),
      sample('A81002', 'SUBMISSIONS', 5),
      {
        ...bcp('A81001', '2024-01-01T00:00:00Z', '16C'),
        data: { practiceCode: 'A81001', reviewedBy: '16C', outcome: 'APPROVED', note: 'x'.repeat(1_048_576) },
      },
      'not an object',
      { ...good, occurredAt: '12/07/2022', source: { system: 's', recordId: 'r4' } },
    );
    const codes = results.map((r) => [r.status, r.errors?.[0]?.path, r.errors?.[0]?.code]);
    expect(codes).toEqual([
      ['accepted', undefined, undefined],
      ['rejected', 'data.value', 'INVALID_DATA'],
      ['rejected', 'type', 'MISSING_FIELD'],
      ['rejected', 'type', 'UNKNOWN_EVENT_TYPE'],
      ['rejected', 'schemaVersion', 'UNSUPPORTED_SCHEMA_VERSION'],
      ['rejected', 'data.practiceCode', 'NOT_YOUR_PRACTICE'],
      ['rejected', 'data.capability', 'UNKNOWN_CAPABILITY'],
      ['rejected', 'occurredAt', 'FACT_IN_FUTURE'],
      ['accepted', undefined, undefined],
      ['rejected', 'data.note', 'TOO_LONG'],
      ['rejected', '', 'NOT_AN_OBJECT'],
      ['rejected', 'occurredAt', 'INVALID_DATE'],
    ]);
    expect(results[5]!.errors![0]!.message).toBe('practice Z99999 had no commissioner on 2024-01-01 in the reference data');
    // What was acknowledged is in the store.
    for (const r of results.filter((x) => x.status === 'accepted')) expect(await opened.store.readEvent(r.eventId!)).not.toBeNull();
  });

  it('rejects facts outside the practice life: after a closure, before an opening', async () => {
    const admin: Principal = { keyId: 'admin', organisation: 'ENG', role: 'admin' };
    const closed = directory.all('PRACTICE').find((p) => p.closedOn === '2025-10-01' && directory.commissionerOn(p.code, '2024-01-01') === '16C')!;
    const opened2022 = directory.all('PRACTICE').find((p) => p.openedOn === '2022-01-02')!;
    const commissioner = directory.commissionerOn(opened2022.code, '2024-01-01')!;
    const results = await submit(
      admin,
      bcp(closed.code, '2024-01-01T00:00:00Z', '16C'),
      bcp(closed.code, '2025-10-05T00:00:00Z', '16C'),
      bcp(opened2022.code, '2021-12-01T00:00:00Z', commissioner),
    );
    expect(results[0]).toMatchObject({ status: 'accepted' });
    expect(results[1]).toMatchObject({
      status: 'rejected',
      errors: [{ code: 'AFTER_PRACTICE_CLOSED', message: `practice ${closed.code} had closed by 2025-10-05 (closed 2025-10-01)` }],
    });
    expect(results[2]).toMatchObject({ status: 'rejected', errors: [{ code: 'BEFORE_PRACTICE_OPENED' }] });
    // A submitter is stopped earlier: the closed practice has no commissioner any more.
    expect((await submit(teesValley, bcp(closed.code, '2025-10-05T00:00:00Z', '16C')))[0]).toMatchObject({ errors: [{ code: 'NOT_YOUR_PRACTICE' }] });
  });

  it('appends a chunk of measurements in one go, with duplicates and a changed record isolated', async () => {
    const samples = Array.from({ length: 400 }, (_, i) => sample(i % 2 ? 'A81001' : 'A81002', ['SUBMISSIONS', 'CLINICAL_SUBMISSIONS'][i % 2]!, i, `bulk-${i}`));
    const first = await submit(teesValley, ...samples);
    expect(first.filter((r) => r.status === 'accepted')).toHaveLength(400);
    const changed = { ...samples[7]!, data: { ...samples[7]!.data, value: 99_999 } };
    const second = await submit(teesValley, ...samples.slice(0, 10), changed, sample('A81001', 'SUBMISSIONS', 1, 'bulk-new'));
    expect(second.slice(0, 10).every((r) => r.status === 'duplicate')).toBe(true);
    expect(second[10]).toMatchObject({ status: 'rejected', errors: [{ code: 'RECORD_CHANGED' }] });
    expect(second[11]).toMatchObject({ status: 'accepted' });
  });

  it('lets an admin (national feeds) attach usage to a PCN, and refuses it to a submitter', async () => {
    const pcnSample = { ...sample('U89141', 'SUBMISSIONS', 10), data: { ...sample('U89141', 'SUBMISSIONS', 10).data, organisationLevel: 'PCN' } };
    expect((await submit(teesValley, pcnSample))[0]).toMatchObject({ status: 'rejected', errors: [{ code: 'NOT_PERMITTED' }] });
    expect((await submit({ keyId: 'admin', organisation: 'ENG', role: 'admin' }, pcnSample))[0]).toMatchObject({ status: 'accepted' });
  });

  it('puts each organisation-s records in its own namespace, and keeps the old ids of a system an organisation used before (ADR 0020)', async () => {
    const derby: Principal = { keyId: 'key-15m', organisation: '15M', role: 'submitter' };
    // A record stored before identities named their owner: the old id, no owner in its metadata.
    const legacy = bcp('A81002', '2023-05-02T10:00:00Z', '16C', 'legacy-bcp-1');
    const legacySource = { system: 'nhs-tees-valley-gpit', recordId: 'legacy-bcp-1' };
    await opened.store.appendToStream(
      'practice-A81002',
      [
        {
          type: legacy.type,
          schemaVersion: 1,
          data: legacy.data,
          eventId: eventIdFromSource(legacySource),
          metadata: { occurredAt: '2023-05-02T10:00:00.000Z', source: legacySource, actor: { type: 'api-key', id: 'key-16c' } },
        },
      ],
      { expectedVersion: 'any' },
    );
    const upgraded = new SubmissionProcessor({
      store: opened.store,
      directory: () => directory,
      clock: () => now,
      legacySources: { has: (organisation, system) => organisation === '16C' && system === 'nhs-tees-valley-gpit' },
    });
    // 16C resends it: a duplicate under its old id, not a second review.
    const [again] = await upgraded.process(batch(legacy), teesValley, 'corr');
    expect(again).toEqual({ index: 0, status: 'duplicate', eventId: eventIdFromSource(legacySource) });
    // 15M claims the same source for its own practice: a record of 15M's, which blocks and reveals nothing.
    const claimed = { ...bcp('C81640', '2023-05-02T10:00:00Z', '15M', 'legacy-bcp-1') };
    const [theirs] = await upgraded.process(batch(claimed), derby, 'corr');
    expect(theirs).toMatchObject({ status: 'accepted' });
    expect(theirs!.eventId).not.toBe(eventIdFromSource(legacySource));
    expect(await opened.store.readEvent(theirs!.eventId!)).toMatchObject({
      metadata: { source: { system: 'nhs-tees-valley-gpit', recordId: 'legacy-bcp-1', owner: '15M' } },
    });
    // A new system of 16C's is in 16C's namespace: the same source id from 15M does not meet it.
    const fresh = sample('A81001', 'SUBMISSIONS', 3, 'shared-id');
    const ours = await upgraded.process(batch({ ...fresh, source: { system: 'new-feed', recordId: 'shared-id' } }), teesValley, 'corr');
    const other = await upgraded.process(
      batch({ ...sample('C81640', 'SUBMISSIONS', 4), source: { system: 'new-feed', recordId: 'shared-id' } }),
      derby,
      'corr',
    );
    expect([ours[0]!.status, other[0]!.status]).toEqual(['accepted', 'accepted']);
    expect(ours[0]!.eventId).not.toBe(other[0]!.eventId);
  });

  it('answers a bad record of a governance chunk on its own: a NUL beside good reviews of the same practice', async () => {
    const results = await submit(
      teesValley,
      bcp('A81004', '2024-02-01T10:00:00Z', '16C'),
      { ...bcp('A81004', '2024-02-02T10:00:00Z', '16C'), data: { practiceCode: 'A81004', reviewedBy: '16C', outcome: 'APPROVED', covers: ['CYBER\u0000'] } },
      bcp('A81004', '2024-02-03T10:00:00Z', '16C'),
    );
    expect(results.map((r) => [r.status, r.errors?.[0]?.code])).toEqual([
      ['accepted', undefined],
      ['rejected', 'INVALID_TEXT'],
      ['accepted', undefined],
    ]);
  });

  it('answers every record of a chunk the store failed in the middle of: stored ones accepted, the rest NOT_STORED', async () => {
    // The store's connection goes away between the chunk's measurements and its governance facts.
    const database2 = await pglite.create('submissions-failing');
    const opened2 = await database2.open();
    const failing = new SubmissionProcessor({ store: opened2.store, directory: () => directory, clock: () => now });
    const original = opened2.store.appendToStreams.bind(opened2.store);
    let appends = 0;
    opened2.store.appendToStreams = async (appendsGiven) => {
      if (++appends === 2) await opened2.close(); // a real failure: the store is closed under the processor
      return original(appendsGiven);
    };
    try {
      await failing.process(
        batch(
          sample('A81001', 'SUBMISSIONS', 1),
          sample('A81002', 'SUBMISSIONS', 2),
          bcp('A81001', '2024-02-01T10:00:00Z', '16C'),
          bcp('A81002', '2024-02-01T10:00:00Z', '16C'),
        ),
        teesValley,
        'corr',
      );
      throw new Error('expected the chunk to fail');
    } catch (error) {
      expect(error).toBeInstanceOf(ChunkFailedError);
      expect((error as ChunkFailedError).results.map((r) => [r.index, r.status, r.errors?.[0]?.code])).toEqual([
        [0, 'accepted', undefined],
        [1, 'accepted', undefined],
        [2, 'rejected', 'NOT_STORED'],
        [3, 'rejected', 'NOT_STORED'],
      ]);
    } finally {
      await database2.dispose();
    }
  });
});
