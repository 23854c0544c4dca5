import { publicationEvidence } from './publication-evidence';
import type { Publication, PublicationRow } from './publication-reader';

const row = (practice: string, codes: Partial<Pick<PublicationRow, 'pcn' | 'subIcb' | 'icb' | 'region'>>, line = 12): PublicationRow => ({
  line,
  month: '2024-03-01',
  practice,
  pcn: 'U12345',
  subIcb: '15E',
  icb: 'QHL',
  region: 'Y60',
  supplier: '',
  names: { practice: `PRACTICE ${practice}`, pcn: 'A PCN', subIcb: 'A SUB-ICB', icb: 'AN ICB', region: 'MIDLANDS' },
  values: new Map([['SUBMISSIONS', 10]]),
  ...codes,
});
const publication = (rows: PublicationRow[]): Publication => ({
  file: 'online-consultation-submissions_2024-03.xlsx',
  kind: 'online-consultation',
  capability: 'ONLINE_CONSULTATION',
  month: '2024-03-01',
  rows,
  unreadable: [],
  readNotes: [],
});

describe("a publication's placements as hierarchy evidence", () => {
  it('states each practice row for its month, each sub-ICB location in the ICB most of its rows name', () => {
    const evidence = publicationEvidence(
      publication([row('M85001', {}), row('M85002', {}), row('M85003', { icb: 'QUA' }), row('M85004', { pcn: 'U', subIcb: '15E' }), row('Unassigned', {})]),
    );
    expect(evidence).toMatchObject({ source: 'online-consultation 2024-03', evidence: 'PUBLICATION', from: '2024-03-01', to: '2024-04-01', complete: false });
    const byCode = new Map(evidence.organisations.map((o) => [o.code, o]));
    expect(byCode.get('M85003')?.parents).toEqual({ MEMBER_OF_PCN: 'U12345', COMMISSIONED_BY: '15E', IN_ICB: 'QUA' });
    expect(byCode.get('M85004')?.parents).toEqual({ MEMBER_OF_PCN: '', COMMISSIONED_BY: '15E', IN_ICB: 'QHL' });
    expect(byCode.get('15E')).toMatchObject({ level: 'COMMISSIONER', parents: { PART_OF_ICB: 'QHL' } });
    expect(byCode.get('QHL')).toMatchObject({ level: 'ICB', parents: { IN_REGION: 'Y60' } });
    expect(byCode.has('Unassigned')).toBe(false);
    expect(evidence.organisations.filter((o) => o.level === 'PRACTICE')).toHaveLength(4);
  });

  it('states nothing for a level whose code is not of its ODS shape (ONS codes, notes)', () => {
    const evidence = publicationEvidence(publication([row('M85001', { pcn: 'Unknown PCN 7', subIcb: 'E38000001', icb: 'E54000050', region: 'E40000008' })]));
    expect(evidence.organisations).toEqual([{ code: 'M85001', level: 'PRACTICE', name: 'PRACTICE M85001', postcode: '', parents: {} }]);
  });
});
