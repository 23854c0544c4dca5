import { SnapshotFormatError, parseExtractDate, readMappingSnapshot } from './mapping-snapshot';

const header2022 =
  'PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,PRACTICE_POSTCODE,PCN_CODE,PCN_NAME,ONS_CCG_CODE,CCG_CODE,CCG_NAME,ONS_STP_CODE,STP_CODE,STP_NAME,ONS_COMM_REGION_CODE,COMM_REGION_CODE,COMM_REGION_NAME'.split(
    ',',
  );
const row = (code: string, date = '01Jan2022', pcn = 'U89141'): string[] =>
  `GP_PRAC_PAT_LIST,${date},${code},THE DENSHAM SURGERY,TS18 1HU,${pcn},STOCKTON PCN,E38000247,16C,NHS Tees Valley CCG,E54000050,QHM,Cumbria and North East,E40000009,Y63,North East and Yorkshire`.split(
    ',',
  );

describe('readMappingSnapshot', () => {
  it('reads the 2022 CCG/STP format', () => {
    const { snapshot, problems } = readMappingSnapshot(header2022, [row('A81001'), row('A81002')]);
    expect(problems).toEqual([]);
    expect(snapshot).toMatchObject({ date: '2022-01-01', format: 'ccg-stp' });
    expect(snapshot.practices[0]).toEqual({
      code: 'A81001',
      name: 'THE DENSHAM SURGERY',
      postcode: 'TS18 1HU',
      pcn: { code: 'U89141', name: 'STOCKTON PCN' },
      commissioner: { code: '16C', name: 'NHS Tees Valley CCG' },
      icb: { code: 'QHM', name: 'Cumbria and North East' },
      region: { code: 'Y63', name: 'North East and Yorkshire' },
    });
  });

  it('reports unusable rows with their line and keeps the rest', () => {
    const { snapshot, problems } = readMappingSnapshot(header2022, [
      row('A81001'),
      row('A81002', 'yesterday'),
      row('A81003', '01Feb2022'),
      row('A81001'),
      row('A81004', '01Jan2022', ''),
    ]);
    expect(snapshot.practices.map((p) => p.code)).toEqual(['A81001']);
    expect(problems).toEqual([
      { line: 3, message: "EXTRACT_DATE 'yesterday' is not a date like 01Jan2022" },
      { line: 4, message: "EXTRACT_DATE 2022-02-01 differs from the file's 2022-01-01" },
      { line: 5, message: 'practice A81001 appears twice' },
      { line: 6, message: 'practice A81004: empty pcn code' },
    ]);
  });

  it('refuses a file of another kind', () => {
    expect(() => readMappingSnapshot(['PRACTICE_CODE', 'VALUE'], [])).toThrow(SnapshotFormatError);
    expect(() => readMappingSnapshot(['PRACTICE_CODE', 'VALUE'], [])).toThrow(/neither CCG_CODE .* nor SUB_ICB_LOCATION_CODE/);
  });

  it('parses extract dates', () => {
    expect(parseExtractDate('01Oct2025')).toBe('2025-10-01');
    expect(parseExtractDate('31Feb2025')).toBeNull();
    expect(parseExtractDate('2025-10-01')).toBe('2025-10-01');
  });
});
