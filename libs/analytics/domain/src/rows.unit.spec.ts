import type { RecordedEvent } from '@gpds/event-store';
import { EVENT_CATALOGUE } from '@gpds/shared-contracts';
import { ROW_MAPPINGS, TABLE_COLUMNS, dateTime, projectEvent, type RowsByTable } from './rows';

const recorded = (type: string, data: Record<string, unknown>, occurredAt = '2025-12-31T23:59:59Z'): RecordedEvent => ({
  eventId: '6f1c1a52-6b55-5d4b-9a1c-2f2d3c4b5a69',
  globalPosition: 42,
  transactionId: 7,
  streamId: 'x-1',
  streamVersion: 1,
  type,
  schemaVersion: 1,
  storedSchemaVersion: 1,
  data,
  metadata: { occurredAt, recordedAt: '2026-01-02T03:04:05.678Z', source: { system: 'nhs-x', recordId: 'r-1' } },
});

describe('rows of the analytics tables', () => {
  it('writes date-times in the basic UTC form, whatever offset they were given in', () => {
    expect(dateTime('2025-12-31T23:59:59Z')).toBe('2025-12-31 23:59:59.000');
    expect(dateTime('2026-01-02T03:04:05.678Z')).toBe('2026-01-02 03:04:05.678');
    expect(dateTime('2026-01-02T03:04:05.678901Z')).toBe('2026-01-02 03:04:05.678');
    expect(dateTime('2025-07-01T10:00:00+01:00')).toBe('2025-07-01 09:00:00.000');
    expect(dateTime('2025-07-01T10:00:00.5Z')).toBe('2025-07-01 10:00:00.500');
    expect(() => dateTime('yesterday')).toThrow(/not an ISO 8601/);
  });

  it('gives one row per projected event in the column order of its table, with provenance', () => {
    const rows: RowsByTable = new Map();
    const added = projectEvent(
      recorded('UtilisationSampleRecorded', {
        organisationCode: 'A81001',
        organisationLevel: 'PRACTICE',
        capability: 'ONLINE_CONSULTATION',
        metric: 'SUBMISSIONS',
        periodStart: '2025-12-01',
        periodEnd: '2025-12-31',
        value: 12,
        supplier: 'S',
      }),
      rows,
    );
    expect(added).toBe(1);
    const [row] = rows.get('utilisation_samples')!;
    expect(row).toHaveLength(TABLE_COLUMNS.utilisation_samples.length);
    expect(Object.fromEntries(TABLE_COLUMNS.utilisation_samples.map((c, i) => [c, row![i]]))).toEqual({
      capability: 'ONLINE_CONSULTATION',
      metric: 'SUBMISSIONS',
      period_start: '2025-12-01',
      period_end: '2025-12-31',
      organisation_code: 'A81001',
      organisation_level: 'PRACTICE',
      value: 12,
      supplier: 'S',
      occurred_at: '2025-12-31 23:59:59.000',
      recorded_at: '2026-01-02 03:04:05.678',
      event_position: 42,
      event_id: '6f1c1a52-6b55-5d4b-9a1c-2f2d3c4b5a69',
      source_system: 'nhs-x',
      source_record: 'r-1',
    });
  });

  it('maps open-ended dates to the table sentinels and skips types no table needs', () => {
    const rows: RowsByTable = new Map();
    projectEvent(
      recorded('OrganisationRelationshipChanged', { childCode: 'P1', parentCode: '00A', relationship: 'COMMISSIONED_BY', effectiveFrom: '', effectiveTo: '' }),
      rows,
    );
    projectEvent(
      recorded('CcgPracticeAgreementTerminated', {
        agreementId: 'A',
        practiceCode: 'P1',
        commissionerCode: '00A',
        terminatedOn: '2025-01-01',
        reason: 'merger',
      }),
      rows,
    );
    expect(projectEvent(recorded('SomethingElse', {}), rows)).toBe(0);
    expect(rows.get('organisation_relationship_changes')![0]!.slice(0, 5)).toEqual(['P1', 'COMMISSIONED_BY', '00A', '1970-01-01', null]);
    expect(rows.get('practice_agreements')![0]!.slice(0, 8)).toEqual(['P1', 'A', 'TERMINATED', '00A', null, null, '2025-01-01', 'merger']);
    for (const [table, list] of rows) for (const row of list) expect(row).toHaveLength(TABLE_COLUMNS[table].length);
  });

  describe('every contract field is known to its row mapping', () => {
    it('maps every event type of the catalogue', () => {
      expect([...EVENT_CATALOGUE.keys()].filter((type) => !ROW_MAPPINGS.has(type))).toEqual([]);
    });

    it.each([...EVENT_CATALOGUE.values()].map((entry) => [entry.type, entry] as const))(
      '%s: each field of its contract has a column or a reason it has none',
      (type, entry) => {
        const mapping = ROW_MAPPINGS.get(type)!;
        const contractFields = entry.schema.fields.map((f) => f.jsonName);
        const unknown = contractFields.filter((f) => !mapping.fieldsRead.has(f) && !(f in mapping.notProjected));
        // A field added to the .proto without a line in the fact kind's <kind>.rows.ts lands here.
        expect(unknown).toEqual([]);
        // And a mapping reads only fields its contract has.
        expect([...mapping.fieldsRead].filter((f) => !contractFields.includes(f))).toEqual([]);
      },
    );

    it.each([...EVENT_CATALOGUE.values()].map((entry) => [entry.type, entry] as const))(
      '%s: each field read lands, as sent, in the column that names it',
      (type, entry) => {
        // A distinct value per field, of the field's kind, so a value in the wrong column shows.
        const data: Record<string, unknown> = {};
        entry.schema.fields.forEach((f, i) => {
          const value =
            f.fieldKind === 'enum' ? f.enum.values[1]!.name : f.fieldKind === 'scalar' && f.scalar !== 9 /* STRING */ ? 1000 + i : `${f.jsonName}-${i}`;
          data[f.jsonName] = f.fieldKind === 'list' ? [f.enum ? f.enum.values[1]!.name : `${f.jsonName}-${i}`] : value;
        });
        const rows: RowsByTable = new Map();
        expect(projectEvent(recorded(type, data), rows)).toBe(1);
        const mapping = ROW_MAPPINGS.get(type)!;
        const row = rows.get(mapping.table.name as never)![0]!;
        for (const [column, source] of mapping.sources) {
          const field =
            'text' in source
              ? source.text
              : 'date' in source
                ? source.date
                : 'count' in source
                  ? source.count
                  : 'number' in source
                    ? source.number
                    : 'list' in source
                      ? source.list
                      : undefined;
          if (field)
            expect({ column, value: row[TABLE_COLUMNS[mapping.table.name as keyof typeof TABLE_COLUMNS].indexOf(column)] }).toEqual({
              column,
              value: data[field],
            });
        }
      },
    );
  });
});
