import { childRollupParent, childrenOutsideChildLevel, levelTitle, ownRollupParent, type OrganisationRef } from './levels';

const commissioner: OrganisationRef = { code: '10Q', name: 'NHS Buckinghamshire, Oxfordshire and Berkshire West ICB - 10Q', level: 'COMMISSIONER' };
const pcn = (code: string, name: string): OrganisationRef => ({ code, name, level: 'PCN' });
const practice = (code: string, name: string): OrganisationRef => ({ code, name, level: 'PRACTICE' });

describe('the organisation hierarchy as the dashboard walks it', () => {
  it('finds the practices under a commissioner that are in no primary care network, by name', () => {
    const children = [pcn('U1', 'Oxford PCN'), practice('K84065', 'SIBFORD SURGERY'), pcn('U2', 'Banbury PCN'), practice('K84001', 'ABINGDON SURGERY')];
    expect(childrenOutsideChildLevel(commissioner, children).map((c) => c.code)).toEqual(['K84001', 'K84065']);
    expect(childrenOutsideChildLevel(commissioner, [pcn('U1', 'Oxford PCN')])).toEqual([]);
  });

  it('finds none where every child is one level down, and none under a practice', () => {
    const pcnOrg = pcn('U1', 'Oxford PCN');
    expect(childrenOutsideChildLevel(pcnOrg, [practice('K84001', 'ABINGDON SURGERY')])).toEqual([]);
    expect(childrenOutsideChildLevel(practice('K84001', 'ABINGDON SURGERY'), [])).toEqual([]);
  });

  it("asks a roll-up of an organisation's own row under its nearest ancestor, and of its children under it (England: no parent)", () => {
    const icb: OrganisationRef = { code: 'QU9', name: 'BOB ICB', level: 'ICB' };
    const region: OrganisationRef = { code: 'Y59', name: 'South East', level: 'REGION' };
    const england: OrganisationRef = { code: 'ENG', name: 'England', level: 'NATIONAL' };
    expect(ownRollupParent(commissioner, [icb, region, england])).toBe('QU9');
    expect(ownRollupParent(region, [england])).toBeNull();
    expect(childRollupParent(england)).toBeNull();
    expect(childRollupParent(icb)).toBe('QU9');
    expect(levelTitle('COMMISSIONER')).toBe('Commissioner (sub-ICB location)');
  });
});
