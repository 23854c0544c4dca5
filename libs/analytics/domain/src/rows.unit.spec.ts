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

  it('writes instant fields in the same form, NULL when empty, and hands on anything else as a text ClickHouse refuses', () => {
    const detectedAt = (value: unknown): unknown => {
      const rows: RowsByTable = new Map();
      projectEvent(recorded('DataBreachReported', { breachId: 'B-1', practiceCode: 'P1', detectedAt: '2024-03-01T10:00:00Z', reportedToIcoAt: value }), rows);
      return rows.get('practice_data_breaches')![0]![TABLE_COLUMNS.practice_data_breaches.indexOf('reported_to_ico_at')];
    };
    expect(detectedAt('2024-03-01T10:00:00Z')).toBe('2024-03-01 10:00:00.000');
    expect(detectedAt('2024-03-02T09:30:00.123456Z')).toBe('2024-03-02 09:30:00.123');
    expect(detectedAt('2024-07-01T10:00+01:00')).toBe('2024-07-01 09:00:00.000');
    expect(detectedAt('')).toBeNull();
    expect(detectedAt(undefined)).toBeNull();
    // Never dropped, never guessed: no zone (the projector's own zone would decide), not a real
    // day or time (JavaScript reads 30 February as 1 March), not a date-time at all.
    for (const bad of ['2024-03-01T10:00:00', '2024-02-30T10:00:00Z', '2024-03-01T24:00:00Z', '2024-03-01', 'yesterday', 42]) {
      expect(detectedAt(bad)).toBe(`not a date-time: ${bad}`);
    }
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

  it('projects the Operating Model facts: instants in UTC, NULL where a type does not state a column', () => {
    const rows: RowsByTable = new Map();
    const columnsOf = (table: keyof typeof TABLE_COLUMNS, index = 0) => {
      const row = rows.get(table)![index]!;
      expect(row).toHaveLength(TABLE_COLUMNS[table].length);
      return Object.fromEntries(TABLE_COLUMNS[table].map((c, i) => [c, row[i]]));
    };
    projectEvent(
      recorded(
        'DataBreachReported',
        { breachId: 'B-1', practiceCode: 'P1', detectedAt: '2024-03-01T10:00:00+00:00', reportableToIco: true, reportedToIcoAt: '2024-03-02T09:00:00Z' },
        '2024-03-02T12:00:00Z',
      ),
      rows,
    );
    projectEvent(recorded('DataBreachReported', { breachId: 'B-2', practiceCode: 'P1', detectedAt: '', reportableToIco: false, reportedToIcoAt: '' }), rows);
    expect(columnsOf('practice_data_breaches')).toMatchObject({
      practice_code: 'P1',
      breach_id: 'B-1',
      detected_at: '2024-03-01 10:00:00.000',
      reportable_to_ico: 1,
      reported_to_ico_at: '2024-03-02 09:00:00.000',
      recorded_on: '2024-03-02',
      occurred_at: '2024-03-02 12:00:00.000',
    });
    // Not yet reported: NULL. A required instant missing is refused (its column is not Nullable: NULL would read as 1970).
    expect(columnsOf('practice_data_breaches', 1)).toMatchObject({ detected_at: 'not a date-time: (empty)', reportable_to_ico: 0, reported_to_ico_at: null });

    projectEvent(
      recorded(
        'CyberIncidentReported',
        {
          incidentId: 'CI-1',
          organisationCode: 'P1',
          organisationLevel: 'PRACTICE',
          severity: 1,
          highSeverity: true,
          detectedAt: '2024-05-01T08:15:00+01:00',
          reportedTo: 'NHS England CSOC',
        },
        '2024-05-01T09:00:00Z',
      ),
      rows,
    );
    projectEvent(
      recorded('CyberIncidentResolved', { incidentId: 'CI-1', organisationCode: 'P1', organisationLevel: 'PRACTICE' }, '2024-05-03T17:00:00Z'),
      rows,
    );
    expect(columnsOf('cyber_incidents')).toMatchObject({
      organisation_code: 'P1',
      organisation_level: 'PRACTICE',
      incident_id: 'CI-1',
      change: 'REPORTED',
      severity: 1,
      high_severity: 1,
      detected_at: '2024-05-01 07:15:00.000',
      reported_to: 'NHS England CSOC',
    });
    expect(columnsOf('cyber_incidents', 1)).toMatchObject({
      change: 'RESOLVED',
      severity: null,
      high_severity: 0,
      detected_at: null,
      reported_to: '',
      occurred_at: '2024-05-03 17:00:00.000',
    });
    // A severity the UInt8 column would wrap (300 -> 44) or that is no severity is refused, not stored.
    projectEvent(recorded('CyberIncidentReported', { incidentId: 'CI-2', organisationCode: 'P1', organisationLevel: 'PRACTICE', severity: 300 }), rows);
    expect(columnsOf('cyber_incidents', 2)).toMatchObject({ severity: 'not a whole number from 1 to 4: 300', detected_at: null });

    projectEvent(recorded('UnsupportedSoftwareDetected', { practiceCode: 'P1', asset: 'PC-7', product: 'Windows 10 22H2', endOfSupport: '2025-10-14' }), rows);
    projectEvent(recorded('UnsupportedSoftwareRemediated', { practiceCode: 'P1', asset: 'PC-7', product: 'Windows 10 22H2' }), rows);
    expect(rows.get('practice_unsupported_software')!.map((r) => r.slice(0, 6))).toEqual([
      ['P1', 'PC-7', 'Windows 10 22H2', 'DETECTED', '2025-12-31', '2025-10-14'],
      ['P1', 'PC-7', 'Windows 10 22H2', 'REMEDIATED', '2025-12-31', null],
    ]);

    projectEvent(recorded('RecordAccessRestored', { practiceCode: 'P1', bcpActivated: true }), rows);
    expect(rows.get('practice_record_access')![0]!.slice(0, 4)).toEqual(['P1', 'RESTORED', '', 1]);

    projectEvent(
      recorded('SubcontractorAccessApproved', {
        practiceCode: 'P1',
        provider: 'Y12345',
        services: ['clinical system', 'NHSmail'],
        dataProcessingAgreement: true,
        approvedBy: '00A',
      }),
      rows,
    );
    expect(rows.get('practice_subcontractor_approvals')![0]!.slice(0, 6)).toEqual(['P1', 'Y12345', ['clinical system', 'NHSmail'], 1, '00A', '2025-12-31']);
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
        const mapping = ROW_MAPPINGS.get(type)!;
        const sourceOf = (field: string) => mapping.sources.find(([, s]) => Object.values(s).includes(field))?.[1];
        const data: Record<string, unknown> = {};
        entry.schema.fields.forEach((f, i) => {
          const source = sourceOf(f.jsonName);
          const value =
            f.fieldKind === 'enum' ? f.enum.values[1]!.name : f.fieldKind === 'scalar' && f.scalar !== 9 /* STRING */ ? 1000 + i : `${f.jsonName}-${i}`;
          data[f.jsonName] =
            f.fieldKind === 'list'
              ? [f.enum ? f.enum.values[1]!.name : `${f.jsonName}-${i}`]
              : source && 'instant' in source
                ? `2024-01-${String(10 + i).padStart(2, '0')}T10:${String(i).padStart(2, '0')}:00Z`
                : source && 'integer' in source
                  ? source.max
                  : value;
        });
        const rows: RowsByTable = new Map();
        expect(projectEvent(recorded(type, data), rows)).toBe(1);
        const row = rows.get(mapping.table.name as never)![0]!;
        for (const [column, source] of mapping.sources) {
          if ('instant' in source) {
            const sent = data[source.instant] as string;
            expect({ column, value: row[TABLE_COLUMNS[mapping.table.name as keyof typeof TABLE_COLUMNS].indexOf(column)] }).toEqual({
              column,
              value: `${sent.slice(0, 10)} ${sent.slice(11, 19)}.000`,
            });
          }
          const field =
            'text' in source
              ? source.text
              : 'date' in source
                ? source.date
                : 'count' in source
                  ? source.count
                  : 'number' in source
                    ? source.number
                    : 'integer' in source
                      ? source.integer
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
