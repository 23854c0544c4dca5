import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { PgDatabase, quoteIdent } from '@gpds/event-store-postgres';
import { TEST_SERVER_URL, postgresServer, type TestDatabase } from '@gpds/event-store-testing';
import { runCli, seededDataDir, startPlatform, type PlatformProcess, type SubmissionAnswer as Answer } from '@gpds/platform-testing';

// Hostile and careless input against the one-process platform, with submitter keys of several
// commissioners: every bad record gets its own specific reason while the valid ones beside it are
// stored, the process stays up and ready, and afterwards every national and regional total is
// exactly the sum of the valid records sent (issue 17). The organisation hierarchy is the real one.

type Body = NonNullable<RequestInit['body']>;

const MONTH = { periodStart: '2025-11-01', periodEnd: '2025-11-30' };
const OCCURRED = '2025-12-01T08:00:00Z';
/** Ceiling of a practice's monthly count (metrics catalogue v3: 100,000 a day, 30 days). */
const PRACTICE_CEILING = 3_000_000;

let seq = 0;
const id = (prefix: string): string => `${prefix}-${++seq}`;
const sample = (practice: string, value: unknown, over: { recordId?: string; system?: string; occurredAt?: string; data?: Record<string, unknown> } = {}) => ({
  type: 'UtilisationSampleRecorded',
  schemaVersion: 1,
  source: { system: over.system ?? 'hostile-suite', recordId: over.recordId ?? id('oc') },
  occurredAt: over.occurredAt ?? OCCURRED,
  data: {
    organisationCode: practice,
    organisationLevel: 'PRACTICE',
    capability: 'ONLINE_CONSULTATION',
    metric: 'SUBMISSIONS',
    ...MONTH,
    value,
    supplier: 'Example OC Ltd',
    ...over.data,
  },
});
const bcp = (practice: string, reviewedBy: string, occurredAt: string, data: Record<string, unknown> = {}) => ({
  type: 'BusinessContinuityPlanReviewed',
  source: { system: 'hostile-suite', recordId: id('bcp') },
  occurredAt,
  data: { practiceCode: practice, reviewedBy, outcome: 'APPROVED', covers: ['CYBER'], ...data },
});
const ndjson = (...records: unknown[]): string => records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n');
const CSV_HEADER =
  'type,source.system,source.recordId,occurredAt,data.organisationCode,data.organisationLevel,data.capability,data.metric,data.periodStart,data.periodEnd,data.value,data.supplier';
const csvRow = (practice: string, value: string, recordId = id('csv'), supplier = 'Example OC Ltd', occurredAt = OCCURRED): string =>
  `UtilisationSampleRecorded,hostile-suite,${recordId},${occurredAt},${practice},PRACTICE,ONLINE_CONSULTATION,SUBMISSIONS,${MONTH.periodStart},${MONTH.periodEnd},${value},${supplier}`;
const outcomes = (answer: Answer): Array<[string, string | null, string | null]> =>
  answer.results.map((r) => [r.status, r.errors?.[0]?.code ?? null, r.errors?.[0]?.path ?? null]);

describe('hostile and careless input', () => {
  let platform: PlatformProcess;
  let dataDir: string;
  let admin: string;
  const keys: Record<string, string> = {};
  /** Every value accepted for SUBMISSIONS in November 2025, by practice: what every total must add up to. */
  const accepted = new Map<string, number>();

  const post = async (body: Body, contentType: string, key: string, headers: Record<string, string> = {}): Promise<{ status: number; answer: Answer }> => {
    const response = await fetch(`${platform.url}/v1/submissions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': contentType, ...headers },
      body,
    });
    return { status: response.status, answer: (await response.json()) as Answer };
  };
  /** Counts what the answer accepted towards the expected totals (only records of the month and metric under test). */
  const tally = (answer: Answer, records: ReadonlyArray<{ practice: string; value: number } | null>): void => {
    answer.results.forEach((r, i) => {
      const record = records[i];
      if (r.status === 'accepted' && record) accepted.set(record.practice, (accepted.get(record.practice) ?? 0) + record.value);
    });
  };
  const graphql = async <T>(
    query: string,
    variables: Record<string, unknown> = {},
    key = admin,
    extra: Record<string, unknown> = {},
  ): Promise<{ status: number; body: { data?: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } }> => {
    const response = await fetch(`${platform.url}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables, ...extra }),
    });
    return {
      status: response.status,
      body: (await response.json()) as { data?: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> },
    };
  };
  const ready = async (): Promise<void> => {
    const health = await fetch(`${platform.url}/health`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { ready: boolean }).ready).toBe(true);
  };

  beforeAll(async () => {
    dataDir = await seededDataDir();
    platform = await startPlatform({ DATA_DIR: dataDir });
    admin = readFileSync(join(dataDir, 'admin.key'), 'utf8').trim();
    for (const organisation of ['16C', '15M', '03Q', '42D']) {
      const created = await fetch(`${platform.url}/v1/admin/keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ organisation, role: 'submitter' }),
      });
      expect(created.status).toBe(201);
      keys[organisation] = ((await created.json()) as { key: string }).key;
    }
    // The hierarchy is in ClickHouse before any question about it.
    for (let tries = 0; tries < 1_200; tries++) {
      const health = (await (await fetch(`${platform.url}/health`)).json()) as { checks: { projections?: { caughtUp?: boolean } } };
      if (health.checks.projections?.caughtUp) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 180_000);
  afterAll(async () => {
    await platform.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  afterEach(ready);

  describe('1. values no metric can have', () => {
    it('refuses overflowing, fractional, negative, non-finite and missing counts in NDJSON, and stores the valid ones beside them', async () => {
      const lines = [
        '{"type":"UtilisationSampleRecorded","source":{"system":"hostile-suite","recordId":"huge-1"},"occurredAt":"2025-12-01T08:00:00Z","data":{"organisationCode":"A81001","organisationLevel":"PRACTICE","capability":"ONLINE_CONSULTATION","metric":"SUBMISSIONS","periodStart":"2025-11-01","periodEnd":"2025-11-30","value":1.7e308}}',
        JSON.stringify(sample('A81002', 120)),
        '{"type":"UtilisationSampleRecorded","source":{"system":"hostile-suite","recordId":"huge-2"},"occurredAt":"2025-12-01T08:00:00Z","data":{"organisationCode":"A81007","organisationLevel":"PRACTICE","capability":"ONLINE_CONSULTATION","metric":"SUBMISSIONS","periodStart":"2025-11-01","periodEnd":"2025-11-30","value":9007199254740993}}',
        '{"type":"UtilisationSampleRecorded","source":{"system":"hostile-suite","recordId":"huge-3"},"occurredAt":"2025-12-01T08:00:00Z","data":{"organisationCode":"A81007","organisationLevel":"PRACTICE","capability":"ONLINE_CONSULTATION","metric":"SUBMISSIONS","periodStart":"2025-11-01","periodEnd":"2025-11-30","value":1e400}}',
        JSON.stringify(sample('A81001', 1.5)),
        JSON.stringify(sample('A81001', -1)),
        JSON.stringify(sample('A81001', 'Infinity')),
        JSON.stringify(sample('A81001', 'NaN')),
        JSON.stringify(sample('A81001', PRACTICE_CEILING + 1)),
        JSON.stringify({ ...sample('A81001', 0), data: { ...sample('A81001', 0).data, value: undefined } }),
        JSON.stringify(sample('A81001', null)),
        JSON.stringify(sample('A81001', '12')), // proto3 JSON takes a number as a string: a valid 12
        JSON.stringify(sample('A81007', 7)),
      ];
      const { status, answer } = await post(ndjson(...lines), 'application/x-ndjson', keys['16C']!);
      // Counted first, so a wrong answer here fails this test, not the totals at the end as well.
      tally(answer, [
        null,
        { practice: 'A81002', value: 120 },
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        { practice: 'A81001', value: 12 },
        { practice: 'A81007', value: 7 },
      ]);
      expect(status).toBe(200);
      expect(outcomes(answer)).toEqual([
        ['rejected', 'VALUE_TOO_LARGE', 'data.value'],
        ['accepted', null, null],
        ['rejected', 'VALUE_TOO_LARGE', 'data.value'],
        ['rejected', 'INVALID_DATA', 'data.value'], // 1e400 is no double: the contract refuses it
        ['rejected', 'NOT_A_WHOLE_NUMBER', 'data.value'],
        ['rejected', 'INVALID_VALUE', 'data.value'],
        ['rejected', 'INVALID_VALUE', 'data.value'],
        ['rejected', 'INVALID_VALUE', 'data.value'],
        ['rejected', 'VALUE_TOO_LARGE', 'data.value'],
        ['rejected', 'MISSING_FIELD', 'data.value'],
        ['rejected', 'MISSING_FIELD', 'data.value'],
        ['accepted', null, null],
        ['accepted', null, null],
      ]);
      expect(answer.results[0]!.errors![0]!.message).toMatch(/at most 3,000,000 \(100,000 counts of SUBMISSIONS a day for a PRACTICE over 30 day\(s\)/);
    });

    it('takes the largest accepted values and sums them exactly, in CSV too', async () => {
      const rows = [
        csvRow('A81004', String(PRACTICE_CEILING)),
        csvRow('A81005', String(PRACTICE_CEILING)),
        csvRow('A81006', '1.7e308'),
        csvRow('A81006', '2.5'),
        csvRow('A81006', '-3'),
        csvRow('A81006', String(PRACTICE_CEILING)),
      ];
      const { status, answer } = await post([CSV_HEADER, ...rows].join('\r\n'), 'text/csv', keys['16C']!);
      expect(status).toBe(200);
      expect(outcomes(answer)).toEqual([
        ['accepted', null, null],
        ['accepted', null, null],
        ['rejected', 'VALUE_TOO_LARGE', 'data.value'],
        ['rejected', 'NOT_A_WHOLE_NUMBER', 'data.value'],
        ['rejected', 'INVALID_VALUE', 'data.value'],
        ['accepted', null, null],
      ]);
      tally(answer, [
        { practice: 'A81004', value: PRACTICE_CEILING },
        { practice: 'A81005', value: PRACTICE_CEILING },
        null,
        null,
        null,
        { practice: 'A81006', value: PRACTICE_CEILING },
      ]);
    });

    it('refuses carbon figures past their ceiling or of the wrong sign, and periods that break the roll-ups', async () => {
      const carbon = (kgCo2e: unknown, category = 'ELECTRICITY', data: Record<string, unknown> = {}) => ({
        type: 'CarbonMetricRecorded',
        source: { system: 'hostile-suite', recordId: id('carbon') },
        occurredAt: OCCURRED,
        data: {
          organisationCode: '16C',
          organisationLevel: 'COMMISSIONER',
          ...MONTH,
          footprint: category === 'TRAVEL_AVOIDED' ? 'NHS_CARBON_FOOTPRINT_PLUS' : 'NHS_CARBON_FOOTPRINT',
          category,
          kgCo2e,
          method: 'metered',
          ...data,
        },
      });
      const { answer } = await post(
        ndjson(
          carbon(1.7e308),
          carbon(-5),
          carbon(250, 'TRAVEL_AVOIDED'),
          carbon(-250, 'TRAVEL_AVOIDED'),
          carbon(40, 'TRAVEL_AVOIDED', { footprint: 'NHS_CARBON_FOOTPRINT' }),
          carbon(10, 'GAS', { periodStart: '2025-01-01', periodEnd: '2025-12-31' }),
          carbon(1200),
          sample('A81001', 5, { data: { periodStart: '2025-10-15', periodEnd: '2025-11-14' } }),
        ),
        'application/x-ndjson',
        keys['16C']!,
      );
      expect(outcomes(answer)).toEqual([
        ['rejected', 'VALUE_TOO_LARGE', 'data.kgCo2e'],
        ['rejected', 'INVALID_VALUE', 'data.kgCo2e'],
        ['rejected', 'INVALID_VALUE', 'data.kgCo2e'],
        ['accepted', null, null],
        ['rejected', 'CATEGORY_NOT_OF_FOOTPRINT', 'data.footprint'],
        ['rejected', 'PERIOD_SPANS_YEARS', 'data.periodEnd'],
        ['accepted', null, null],
        ['rejected', 'PERIOD_SPANS_MONTHS', 'data.periodEnd'],
      ]);
    });

    it('names every missing field without empty quotes', async () => {
      const bare = {
        type: 'UtilisationSampleRecorded',
        source: { system: 'hostile-suite', recordId: id('bare') },
        occurredAt: OCCURRED,
        data: { organisationCode: 'A81001', value: 3 },
      };
      const blank = sample('A81001', 3, { data: { metric: '', organisationLevel: '' } });
      const { answer } = await post(JSON.stringify([bare, blank]), 'application/json', keys['16C']!);
      expect(answer.results[0]!.errors!.map((e) => e.path)).toEqual([
        'data.organisationLevel',
        'data.capability',
        'data.metric',
        'data.periodStart',
        'data.periodEnd',
      ]);
      expect(answer.results[1]!.errors!.map((e) => [e.code, e.path])).toEqual([
        ['MISSING_FIELD', 'data.organisationLevel'],
        ['MISSING_FIELD', 'data.metric'],
      ]);
      for (const r of answer.results) for (const e of r.errors!) expect(e.message).not.toMatch(/''/);
    });
  });

  describe('2. dates a fact is about, not only occurredAt', () => {
    it('judges a sample by its period: back-dating occurredAt into the years 03Q commissioned B82002 does not make November 2025 03Q-s', async () => {
      const ancestors = async (asOf: string): Promise<string[]> =>
        (
          await graphql<{ organisation: { ancestors: Array<{ code: string }> } }>(`{ organisation(code: "B82002") { ancestors(asOf: "${asOf}") { code } } }`)
        ).body.data!.organisation.ancestors.map((a) => a.code);
      expect(await ancestors('2022-03-01')).toContain('03Q');
      expect(await ancestors('2025-11-15')).toContain('42D');
      const { answer } = await post(
        ndjson(
          sample('B82002', 900, { occurredAt: '2025-12-01T00:00:00Z' }),
          sample('B82002', 900, { occurredAt: '2022-03-01T00:00:00Z' }),
          sample('B82002', 900, { occurredAt: '0001-01-01T00:00:00Z' }),
          sample('B82002', 900, { occurredAt: '2025-11-15T00:00:00Z', data: { periodStart: '2022-03-01', periodEnd: '2022-03-31' } }),
          bcp('B82002', '03Q', '2022-03-10T10:00:00Z'),
          bcp('B82002', '03Q', '2025-11-10T10:00:00Z'),
          bcp('B82002', '42D', '2022-03-10T10:00:00Z'),
          {
            type: 'CcgPracticeAgreementSigned',
            source: { system: 'hostile-suite', recordId: id('ag') },
            occurredAt: '2022-03-01T09:00:00Z',
            data: { agreementId: 'AG-HOSTILE', practiceCode: 'B82002', commissionerCode: '42D', termStart: '2025-04-01', termEnd: '2028-03-31' },
          },
        ),
        'application/x-ndjson',
        keys['03Q']!,
      );
      expect(outcomes(answer)).toEqual([
        ['rejected', 'NOT_YOUR_PRACTICE', 'data.organisationCode'],
        ['rejected', 'NOT_YOUR_PRACTICE', 'data.organisationCode'],
        ['rejected', 'NOT_YOUR_PRACTICE', 'data.organisationCode'],
        ['accepted', null, null], // a March 2022 sample, when B82002 was 03Q's: legitimate (another month)
        ['accepted', null, null],
        ['rejected', 'NOT_YOUR_PRACTICE', 'data.practiceCode'],
        ['rejected', 'NOT_PERMITTED', 'data.reviewedBy'],
        ['rejected', 'NOT_PERMITTED', 'data.commissionerCode'],
      ]);
      expect(answer.results[1]!.errors![0]!.message).toBe('practice B82002 was commissioned by 42D from 2025-11-01 to 2025-11-30, not by 03Q');
      // 42D's own record of the same month is accepted, and then counts where it belongs.
      const own = await post(
        ndjson(sample('B82002', 900, { occurredAt: '2022-03-01T00:00:00Z' }), sample('B82002', 900)),
        'application/x-ndjson',
        keys['42D']!,
      );
      expect(outcomes(own.answer)).toEqual([
        ['rejected', 'OCCURRED_BEFORE_PERIOD', 'occurredAt'],
        ['accepted', null, null],
      ]);
      tally(own.answer, [null, { practice: 'B82002', value: 900 }]);
    });

    it('refuses instants that do not exist and dates no fact has', async () => {
      const at = (occurredAt: string) => sample('A81001', 1, { occurredAt });
      const { answer } = await post(
        ndjson(
          at('2022-02-30T00:00:00Z'),
          at('2025-12-01T24:00:00Z'),
          at('2025-12-01T10:61:00Z'),
          at('2025-12-01T10:00:00+25:00'),
          at('2025-12-01'),
          sample('A81001', 1, { data: { periodStart: '1900-01-01', periodEnd: '1900-01-31' } }),
          at('2025-12-01T01:00:00+01:00'),
        ),
        'application/x-ndjson',
        keys['16C']!,
      );
      expect(outcomes(answer)).toEqual([
        ['rejected', 'INVALID_DATE', 'occurredAt'],
        ['rejected', 'INVALID_DATE', 'occurredAt'],
        ['rejected', 'INVALID_DATE', 'occurredAt'],
        ['rejected', 'INVALID_DATE', 'occurredAt'],
        ['rejected', 'INVALID_DATE', 'occurredAt'],
        ['rejected', 'DATE_OUT_OF_RANGE', 'data.periodStart'],
        ['accepted', null, null],
      ]);
      expect(answer.results[0]!.errors![0]!.message).toMatch(/names a day that does not exist \(2022-02-30\)/);
      tally(answer, [null, null, null, null, null, null, { practice: 'A81001', value: 1 }]);
    });
  });

  describe('3. text no store can hold', () => {
    it('rejects a NUL or an unpaired surrogate in any field on its own, in NDJSON, a JSON array and CSV, and stores the neighbours', async () => {
      const nul = '\u0000';
      const records = [
        sample('A81002', 10, { data: { supplier: `Example${nul}Ltd` } }),
        sample('A81002', 11),
        sample('A81002', 10, { recordId: `oc${nul}1` }),
        sample('A81002', 10, { system: `hostile${nul}` }),
        { ...sample('A81002', 10), type: `Utilisation${nul}SampleRecorded` },
        { ...sample('A81002', 10), data: { ...sample('A81002', 10).data, [`supplier${nul}`]: 'x' } },
        bcp('A81002', '16C', '2024-01-01T10:00:00Z', { covers: ['CYBER', `RE${nul}MOTE`] }),
        sample('A81002', 10, { data: { supplier: 'half a pair \ud800 here' } }),
        sample('A81002', 12),
      ];
      const expected: Array<[string, string | null, string | null]> = [
        ['rejected', 'INVALID_TEXT', 'data.supplier'],
        ['accepted', null, null],
        ['rejected', 'INVALID_TEXT', 'source.recordId'],
        ['rejected', 'INVALID_TEXT', 'source.system'],
        ['rejected', 'INVALID_TEXT', 'type'],
        ['rejected', 'INVALID_TEXT', `data.supplier${nul}`],
        ['rejected', 'INVALID_TEXT', 'data.covers[1]'],
        ['rejected', 'INVALID_TEXT', 'data.supplier'],
        ['accepted', null, null],
      ];
      // JSON.stringify writes a NUL as the escape \u0000 and a lone surrogate as \ud800, as a careless client would.
      const lines = await post(ndjson(...records), 'application/x-ndjson', keys['16C']!);
      expect(lines.status).toBe(200);
      expect(outcomes(lines.answer)).toEqual(expected);
      tally(lines.answer, [null, { practice: 'A81002', value: 11 }, null, null, null, null, null, null, { practice: 'A81002', value: 12 }]);
      const again = records.map((r) => ({ ...r, source: { ...r.source, recordId: `${r.source.recordId}-array` } }));
      const array = await post(JSON.stringify(again), 'application/json', keys['16C']!);
      expect(outcomes(array.answer)).toEqual(expected);
      tally(array.answer, [null, { practice: 'A81002', value: 11 }, null, null, null, null, null, null, { practice: 'A81002', value: 12 }]);
      // A raw NUL byte in a CSV cell.
      const csv = Buffer.concat([
        Buffer.from(`${CSV_HEADER}\n${csvRow('A81007', '5')}\n`),
        Buffer.from(csvRow('A81007', '6', id('csv'), 'raw\u0000nul')),
        Buffer.from(`\n${csvRow('A81007', '8')}\n`),
      ]);
      const table = await post(csv, 'text/csv', keys['16C']!);
      expect(table.status).toBe(200);
      expect(outcomes(table.answer)).toEqual([
        ['accepted', null, null],
        ['rejected', 'INVALID_TEXT', 'data.supplier'],
        ['accepted', null, null],
      ]);
      tally(table.answer, [{ practice: 'A81007', value: 5 }, null, { practice: 'A81007', value: 8 }]);
    });
  });

  describe('4. one commissioner cannot block or probe another-s source ids', () => {
    it('keeps each organisation-s records in its own namespace, whatever ids they claim', async () => {
      const claimed = { system: 'nhs-tees-valley-gpit', recordId: 'oc-2025-11-next' };
      // 15M gets in first with 16C's next id, for its own practice.
      const squatter = await post(JSON.stringify(sample('C81640', 44, claimed)), 'application/json', keys['15M']!);
      expect(outcomes(squatter.answer)).toEqual([['accepted', null, null]]);
      tally(squatter.answer, [{ practice: 'C81640', value: 44 }]);
      // 16C's own record with that id is a new record of 16C's: accepted, not RECORD_CHANGED (which would also leak that the id exists).
      const owner = await post(JSON.stringify(sample('A81005', 55, claimed)), 'application/json', keys['16C']!);
      expect(outcomes(owner.answer)).toEqual([['accepted', null, null]]);
      tally(owner.answer, [{ practice: 'A81005', value: 55 }]);
      expect(owner.answer.results[0]!.eventId).not.toBe(squatter.answer.results[0]!.eventId);
      // Each resends its own as a duplicate; a changed resend is refused only within its own namespace.
      expect(outcomes((await post(JSON.stringify(sample('A81005', 55, claimed)), 'application/json', keys['16C']!)).answer)).toEqual([
        ['duplicate', null, null],
      ]);
      expect(outcomes((await post(JSON.stringify(sample('C81640', 45, claimed)), 'application/json', keys['15M']!)).answer)).toEqual([
        ['rejected', 'RECORD_CHANGED', 'source.recordId'],
      ]);
      // A probe gives nothing away: an id 16C has used is, to 15M, just a record of its own to make.
      const used = { system: 'nhs-tees-valley-gpit', recordId: 'oc-2025-11-16c-only' };
      const mine = await post(JSON.stringify(sample('A81005', 2, used)), 'application/json', keys['16C']!);
      const probe = await post(JSON.stringify(sample('C81640', 1, used)), 'application/json', keys['15M']!);
      expect([...outcomes(mine.answer), ...outcomes(probe.answer)]).toEqual([
        ['accepted', null, null],
        ['accepted', null, null],
      ]);
      tally(mine.answer, [{ practice: 'A81005', value: 2 }]);
      tally(probe.answer, [{ practice: 'C81640', value: 1 }]);
    });
  });

  describe('5. nesting that would exhaust a stack', () => {
    it('rejects a record nested 10,000 deep after 2,500 good NDJSON lines, answering every line', async () => {
      const good = Array.from({ length: 2_500 }, (_, i) => sample('A81006', 1, { recordId: `deep-good-${i}` }));
      const deep = `{"type":"UtilisationSampleRecorded","source":{"system":"hostile-suite","recordId":"deep-1"},"occurredAt":"2025-12-01T08:00:00Z","data":{"supplier":${'['.repeat(10_000)}${']'.repeat(10_000)}}}`;
      const deepObject = `{"type":"UtilisationSampleRecorded","source":{"system":"hostile-suite","recordId":"deep-2"},"occurredAt":"2025-12-01T08:00:00Z","data":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`;
      const { status, answer } = await post(
        ndjson(...good, deep, deepObject, sample('A81006', 2, { recordId: 'deep-after' })),
        'application/x-ndjson',
        keys['16C']!,
      );
      expect(status).toBe(200);
      expect(answer.results).toHaveLength(2_503);
      expect(answer.accepted).toBe(2_501);
      expect(outcomes(answer).slice(2_500)).toEqual([
        ['rejected', 'TOO_DEEP', 'data.supplier[0][0][0][0][0][0]'],
        ['rejected', 'TOO_DEEP', 'data.a.a.a.a.a.a.a'],
        ['accepted', null, null],
      ]);
      tally(answer, [...good.map(() => ({ practice: 'A81006', value: 1 })), null, null, { practice: 'A81006', value: 2 }]);
      // In a JSON array body too.
      const array = await post(`[${JSON.stringify(sample('A81006', 3))},${deep.replace('deep-1', 'deep-3')}]`, 'application/json', keys['16C']!);
      expect(outcomes(array.answer)).toEqual([
        ['accepted', null, null],
        ['rejected', 'TOO_DEEP', 'data.supplier[0][0][0][0][0][0]'],
      ]);
      tally(array.answer, [{ practice: 'A81006', value: 3 }, null]);
    });
  });

  describe('and the rest', () => {
    it('decodes gzip and deflate bodies, refuses encodings it does not know, and answers a corrupt one with what it read', async () => {
      const records = [sample('A81004', 21), sample('A81004', 22)];
      const zipped = await post(gzipSync(ndjson(...records)), 'application/x-ndjson', keys['16C']!, { 'content-encoding': 'gzip' });
      expect(outcomes(zipped.answer)).toEqual([
        ['accepted', null, null],
        ['accepted', null, null],
      ]);
      tally(zipped.answer, [
        { practice: 'A81004', value: 21 },
        { practice: 'A81004', value: 22 },
      ]);
      expect((await post(gzipSync(ndjson(...records)), 'application/x-ndjson', keys['16C']!, { 'content-encoding': 'gzip' })).answer.duplicates).toBe(2);
      expect((await post(deflateSync(ndjson(...records)), 'application/x-ndjson', keys['16C']!, { 'content-encoding': 'deflate' })).answer.duplicates).toBe(2);
      const csv = `${CSV_HEADER}\n${csvRow('A81004', '23')}`;
      const twice = await post(gzipSync(brotliCompressSync(csv)), 'text/csv', keys['16C']!, { 'content-encoding': 'br, gzip' });
      tally(twice.answer, [{ practice: 'A81004', value: 23 }]);
      expect(outcomes(twice.answer)).toEqual([['accepted', null, null]]);
      const unknown = await post(ndjson(...records), 'application/x-ndjson', keys['16C']!, { 'content-encoding': 'compress' });
      expect(unknown).toMatchObject({ status: 415, answer: { error: { code: 'UNSUPPORTED_ENCODING' } } });
      const corrupt = await post(Buffer.from('not gzip at all'), 'application/x-ndjson', keys['16C']!, { 'content-encoding': 'gzip' });
      expect(corrupt).toMatchObject({ status: 400, answer: { error: { code: 'INVALID_ENCODING' }, results: [] } });
      // A gzip bomb is limited by its decoded size, not its compressed one.
      const bomb = gzipSync(Buffer.alloc(300 * 1024 * 1024, 0x20));
      expect(bomb.length).toBeLessThan(1024 * 1024);
      expect((await post(bomb, 'application/x-ndjson', keys['16C']!, { 'content-encoding': 'gzip' })).status).toBe(413);
    }, 120_000);

    it('refuses the hierarchy itself even from an admin, and a fact too large to be one, beside good records; reads past a byte order mark', async () => {
      const forged = {
        type: 'OrganisationRegistered',
        source: { system: 'hostile-suite', recordId: id('org') },
        occurredAt: OCCURRED,
        data: { code: 'ZZ999', name: 'Forged', level: 'PRACTICE' },
      };
      const flood = bcp('A81001', '16C', '2024-01-05T10:00:00Z', { covers: Array.from({ length: 300_000 }, () => 'CYBER') });
      const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(ndjson(sample('A81002', 31), forged, flood, sample('A81002', 32)))]);
      const { status, answer } = await post(body, 'application/x-ndjson', admin);
      tally(answer, [{ practice: 'A81002', value: 31 }, null, null, { practice: 'A81002', value: 32 }]);
      expect(status).toBe(200);
      expect(outcomes(answer)).toEqual([
        ['accepted', null, null],
        ['rejected', 'NOT_PERMITTED', 'type'],
        ['rejected', 'TOO_LARGE', 'data'],
        ['accepted', null, null],
      ]);
      const forgedThere = await graphql<{ organisation: unknown }>('{ organisation(code: "ZZ999") { name } }');
      expect(forgedThere.body.data?.organisation).toBeNull();
    });

    it('answers GraphQL variables of the wrong type, and a persisted query whose hash is not its own, as the caller-s errors', async () => {
      const wrongType = await graphql('query($c: String!) { organisation(code: $c) { name } }', { c: 5 });
      expect(wrongType.status).toBe(400);
      expect(wrongType.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
      const missing = await graphql('query($c: String!) { organisation(code: $c) { name } }', {});
      expect(missing.status).toBe(400);
      expect(missing.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
      const badDate = await graphql('query($d: Date) { practice(code: "A81001", asOf: $d) { organisation { name } } }', { d: '2022-13-45' });
      expect(badDate).toMatchObject({ status: 400, body: { errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] } });
      const query = '{ organisation(code: "ENG") { name } }';
      const mismatch = await graphql(query, {}, admin, {
        extensions: { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update('another query').digest('hex') } },
      });
      expect(mismatch).toMatchObject({ status: 400, body: { errors: [{ extensions: { code: 'PERSISTED_QUERY_HASH_MISMATCH' } }] } });
    });

    it('counts every alias and every row of a list as the query it runs', async () => {
      const started = Date.now();
      const aliases = `{ ${Array.from({ length: 1_000 }, (_, i) => `t${i}: practice(code: "A81001") { timeline(first: 1) { nodes { kind } } }`).join(' ')} }`;
      // A thousand is refused by its length already; a hundred by the alias limit.
      const many = await graphql(aliases);
      expect(many.status).toBe(400);
      expect(many.body.errors?.[0]?.message).toMatch(/20000 tokens/);
      const hundred = await graphql(
        `{ ${Array.from({ length: 100 }, (_, i) => `t${i}: practice(code: "A81001") { timeline(first: 1) { nodes { kind } } }`).join(' ')} }`,
      );
      expect(hundred.status).toBe(400);
      expect(hundred.body.errors?.[0]?.message).toMatch(/more than 20 aliases/);
      // Twenty aliases are allowed, but each practice here runs four queries: eighty in all.
      const fewer = `{ ${Array.from({ length: 20 }, (_, i) => `t${i}: practice(code: "A81001") { ancestors { code } capabilities { capability } timeline(first: 1) { nodes { kind } } }`).join(' ')} }`;
      const twenty = await graphql(fewer);
      expect(twenty).toMatchObject({ status: 400, body: { errors: [{ extensions: { code: 'QUERY_TOO_COSTLY', queries: 80, maxQueries: 50 } }] } });
      const perRow = await graphql('{ organisations(first: 1000) { nodes { code ancestors { code } } } }');
      expect(perRow).toMatchObject({ status: 400, body: { errors: [{ extensions: { code: 'QUERY_TOO_COSTLY', queries: 1_001 } }] } });
      // Refused before anything ran.
      expect(Date.now() - started).toBeLessThan(10_000);
      const fine = await graphql(
        '{ a: practice(code: "A81001") { timeline(first: 1) { totalCount } } b: practice(code: "A81002") { timeline(first: 1) { totalCount } } }',
      );
      expect(fine.status).toBe(200);
      // A document nested too deep to parse safely is refused before the parser sees it.
      const nested = await graphql(`{ __schema { types { fields { type { ${'ofType { '.repeat(5_000)}name${' }'.repeat(5_000)} } } } } }`);
      expect(nested.status).toBe(400);
      expect(nested.body.errors?.[0]).toMatchObject({
        message: expect.stringMatching(/levels of braces, brackets or parentheses: at most 64/),
        extensions: { code: 'GRAPHQL_PARSE_FAILED' },
      });
      const quoted = await graphql(`{ organisations(search: "${'{'.repeat(500)}") { totalCount } }`);
      expect(quoted.status).toBe(200); // braces in a string are text, not nesting
    });

    it('issues keys only for organisations that exist, and revokes them through the API and the CLI', async () => {
      const create = (organisation: string, role: string) =>
        fetch(`${platform.url}/v1/admin/keys`, {
          method: 'POST',
          headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
          body: JSON.stringify({ organisation, role }),
        });
      for (const [organisation, role] of [
        ['ZZZZ', 'submitter'],
        ['X99999', 'analyst'],
        ['A81001', 'submitter'],
        ['ENG', 'submitter'],
      ] as const) {
        const refused = await create(organisation, role);
        expect({ organisation, status: refused.status }).toEqual({ organisation, status: 400 });
        expect(await refused.json()).toMatchObject({ error: { code: 'INVALID_FIELD', path: 'organisation' } });
      }
      const made = (await (await create('15m', 'submitter')).json()) as { key: string; keyId: string; organisation: string };
      expect(made.organisation).toBe('15M');
      const analyst = (await (await create('Y56', 'analyst')).json()) as { key: string; keyId: string };
      const before = await post(JSON.stringify(sample('C81640', 1, { recordId: id('revoked') })), 'application/json', made.key);
      tally(before.answer, [{ practice: 'C81640', value: 1 }]);
      expect(outcomes(before.answer)).toEqual([['accepted', null, null]]);
      const revoke = await fetch(`${platform.url}/v1/admin/keys/${made.keyId}`, { method: 'DELETE', headers: { authorization: `Bearer ${admin}` } });
      expect(revoke.status).toBe(200);
      expect((await post(JSON.stringify(sample('C81640', 1)), 'application/json', made.key)).status).toBe(401);
      expect((await fetch(`${platform.url}/v1/admin/keys/${made.keyId}`, { method: 'DELETE', headers: { authorization: `Bearer ${admin}` } })).status).toBe(
        404,
      );
      // The CLI lists keys without secrets and revokes by id or by the whole key.
      const listed = await runCli(['keys', 'list', '--url', platform.url], { DATA_DIR: dataDir });
      expect(listed.status).toBe(0);
      expect(listed.stdout).toMatch(new RegExp(`${made.keyId}\\s+15M\\s+submitter .*REVOKED`));
      expect(listed.stdout).not.toContain(made.key.slice(-20));
      const cli = await runCli(['keys', 'revoke', analyst.key, '--url', platform.url], { DATA_DIR: dataDir });
      expect(cli).toMatchObject({ status: 0, stdout: `revoked ${analyst.keyId}: refused everywhere within seconds\n` });
      expect((await graphql('{ organisation(code: "ENG") { name } }', {}, analyst.key)).status).toBe(401);
    });
  });

  it('after all of it: every national and regional total is exactly the sum of the valid records sent', async () => {
    const expectedTotal = [...accepted.values()].reduce((a, b) => a + b, 0);
    expect(expectedTotal).toBeGreaterThan(3 * PRACTICE_CEILING);
    // Each practice's region in November 2025, from the hierarchy the platform holds.
    const regions = new Map<string, number>();
    for (const [practice, value] of accepted) {
      const { body } = await graphql<{ organisation: { ancestors: Array<{ code: string; level: string }> } }>(
        `{ organisation(code: "${practice}") { ancestors(asOf: "2025-11-30") { code level } } }`,
      );
      const region = body.data!.organisation.ancestors.find((a) => a.level === 'REGION')!.code;
      regions.set(region, (regions.get(region) ?? 0) + value);
    }
    const rollup = (level: string) =>
      graphql<{ utilisation: { nodes: Array<{ organisation: { code: string }; value: number }> } }>(
        `{ utilisation(capability: "ONLINE_CONSULTATION", metric: "SUBMISSIONS", from: "2025-11-01", to: "2025-11-30", level: ${level}) { nodes { organisation { code } value } } }`,
      );
    // The projector follows the store: wait until the national total has everything.
    const deadline = Date.now() + 30_000;
    let national = 0;
    while (Date.now() < deadline) {
      national = (await rollup('NATIONAL')).body.data!.utilisation.nodes[0]?.value ?? 0;
      if (national === expectedTotal) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(national).toBe(expectedTotal);
    const regional = new Map((await rollup('REGION')).body.data!.utilisation.nodes.map((n) => [n.organisation.code, n.value]));
    expect(regional).toEqual(regions);
    const practices = new Map((await rollup('PRACTICE')).body.data!.utilisation.nodes.map((n) => [n.organisation.code, n.value]));
    expect(practices).toEqual(accepted);
    // Nothing the projector could not store, and the platform is still up and ready.
    const health = (await (await fetch(`${platform.url}/health`)).json()) as { ready: boolean; checks: { projections: { rowsRefused: number } } };
    expect(health).toMatchObject({ ready: true, checks: { projections: { rowsRefused: 0 } } });
  });
});

// The store fails in the middle of an upload (its database stops taking connections and the open
// ones are ended, as in a failover): the client is told, record by record, what was stored and what
// was not, nothing stored is lost, the process stays up, and the same upload sent again afterwards
// completes it exactly once.
describe('a store that fails mid-upload', () => {
  let database: TestDatabase;
  let platform: PlatformProcess;
  let dataDir: string;
  let admin: string;
  const name = (): string => new URL(database.connection.kind === 'postgres' ? database.connection.url : '').pathname.slice(1);
  const server = (): PgDatabase => new PgDatabase({ connectionString: TEST_SERVER_URL, max: 1 });
  const stored = async (): Promise<number> =>
    database.asOwner(async (db) => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM event_store.events'))[0]!.n));

  beforeAll(async () => {
    database = await postgresServer.create('outage');
    dataDir = await seededDataDir();
    const url = database.connection.kind === 'postgres' ? database.connection.url : '';
    platform = await startPlatform({ DATA_DIR: dataDir, EVENT_STORE_URL: url }, 120_000);
    admin = readFileSync(join(dataDir, 'admin.key'), 'utf8').trim();
  }, 180_000);
  afterAll(async () => {
    await platform?.stop();
    const db = server();
    await db.exec(`ALTER DATABASE ${quoteIdent(name())} ALLOW_CONNECTIONS true`).finally(() => db.close());
    await database?.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers every record it read, stored or NOT_STORED, with a 503; and the resend stores the rest exactly once', async () => {
    // England-level samples (an admin's national feed): no hierarchy needed, one stream per month.
    const record = (i: number) => ({
      type: 'UtilisationSampleRecorded',
      source: { system: 'outage-suite', recordId: `r-${i}` },
      occurredAt: '2025-12-01T08:00:00Z',
      data: { organisationCode: 'ENG', organisationLevel: 'NATIONAL', capability: 'ONLINE_CONSULTATION', metric: 'SUBMISSIONS', ...MONTH, value: i },
    });
    const lines = Array.from({ length: 5_000 }, (_, i) => `${JSON.stringify(record(i))}\n`);
    const before = await stored();
    // Without the reference import this store has no hierarchy (not needed here): that is all /health should miss.
    const healthy = (await (await fetch(`${platform.url}/health`)).json()) as { notReady: string[] };
    expect(healthy.notReady).toEqual(['referenceData']);
    async function* upload(): AsyncGenerator<Buffer> {
      yield Buffer.from(lines.slice(0, 2_000).join(''));
      // Two chunks of 1,000 are in the store before the database goes away.
      for (let tries = 0; (await stored()) < before + 2_000 && tries < 600; tries++) await new Promise((r) => setTimeout(r, 50));
      const db = server();
      try {
        await db.exec(`ALTER DATABASE ${quoteIdent(name())} ALLOW_CONNECTIONS false`);
        await db.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name()]);
      } finally {
        await db.close();
      }
      yield Buffer.from(lines.slice(2_000).join(''));
    }
    const response = await fetch(`${platform.url}/v1/submissions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/x-ndjson' },
      body: Readable.from(upload()) as unknown as Body,
      duplex: 'half',
    } as RequestInit);
    const answer = (await response.json()) as Answer;
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(answer.error).toMatchObject({
      code: 'SUBMISSION_INCOMPLETE',
      message: expect.stringMatching(/which records were stored .* and which were not \(NOT_STORED\)/),
    });
    // Every record read is answered, in order: the first two chunks stored, everything after not.
    expect(answer.results.map((r) => r.index)).toEqual(answer.results.map((_, i) => i));
    expect(answer.results.length).toBeGreaterThanOrEqual(3_000);
    expect(answer.results.slice(0, 2_000).every((r) => r.status === 'accepted')).toBe(true);
    expect(answer.results.slice(2_000).every((r) => r.status === 'rejected' && r.errors?.[0]?.code === 'NOT_STORED')).toBe(true);
    expect(answer.accepted).toBe(2_000);

    // The process is up (it says the store is down); once the database is back, it is as it was.
    const health = await fetch(`${platform.url}/health`);
    expect(health.status).toBe(503);
    expect(((await health.json()) as { notReady: string[] }).notReady).toContain('eventStore');
    const db = server();
    await db.exec(`ALTER DATABASE ${quoteIdent(name())} ALLOW_CONNECTIONS true`).finally(() => db.close());
    let last: { notReady: string[] } = { notReady: [] };
    for (let tries = 0; tries < 300; tries++) {
      last = (await (await fetch(`${platform.url}/health`)).json()) as typeof last;
      if (last.notReady.length === 1) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(last.notReady).toEqual(healthy.notReady);
    expect(await stored()).toBe(before + 2_000);
    const again = await fetch(`${platform.url}/v1/submissions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/x-ndjson' },
      body: lines.join(''),
    });
    expect(again.status).toBe(200);
    expect((await again.json()) as Answer).toMatchObject({ accepted: 3_000, duplicates: 2_000, rejected: 0 });
    expect(await stored()).toBe(before + 5_000);
  }, 180_000);
});
