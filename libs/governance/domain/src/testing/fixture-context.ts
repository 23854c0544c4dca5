import type { DecisionContext } from '../context';

/**
 * A small hierarchy for specs: A81001 under 16C throughout; C81640 under 01Y until 30 June 2022,
 * then 15M; Y09999 opened 2023-04-01; B82001 closed 2025-10-01; commissioners 16C, 15M and 01Y (a CCG, closed 2022-07-01).
 * (Codes from the real files.)
 */
export function fixtureContext(now = '2025-12-15T12:00:00Z'): DecisionContext {
  const orgs: Record<string, { level: string; openedOn: string; closedOn: string }> = {
    A81001: { level: 'PRACTICE', openedOn: '', closedOn: '' },
    C81640: { level: 'PRACTICE', openedOn: '', closedOn: '' },
    Y09999: { level: 'PRACTICE', openedOn: '2023-04-01', closedOn: '' },
    B82001: { level: 'PRACTICE', openedOn: '', closedOn: '2025-10-01' },
    U89141: { level: 'PCN', openedOn: '', closedOn: '' },
    '16C': { level: 'COMMISSIONER', openedOn: '', closedOn: '' },
    '15M': { level: 'COMMISSIONER', openedOn: '', closedOn: '' },
    '01Y': { level: 'COMMISSIONER', openedOn: '', closedOn: '2022-07-01' },
  };
  return {
    now: new Date(now),
    organisation: (code) => (orgs[code] ? { code, ...orgs[code] } : undefined),
    commissionerOn: (practice, date) => {
      if (practice === 'C81640') return date < '2022-07-01' ? '01Y' : '15M';
      return practice in orgs ? '16C' : null;
    },
    isKnownCapability: (code) => ['ONLINE_CONSULTATION', 'VIDEO_CONSULTATION', 'ADVANCED_TELEPHONY', 'REMOTE_ACCESS'].includes(code),
    metric: (code) => {
      const capability = (
        { SUBMISSIONS: 'ONLINE_CONSULTATION', INBOUND_CALLS: 'ADVANCED_TELEPHONY', CALLS_ANSWERED: 'ADVANCED_TELEPHONY' } as Record<string, string>
      )[code];
      // Counts: whole numbers, at most 100,000 a day for a practice and ten times that above.
      return capability
        ? {
            capability,
            ceiling: (level, days) => ({
              integral: true,
              maximum: (level === 'PRACTICE' ? 100_000 : 1_000_000) * days,
              basis: `fixture ceiling for a ${level}`,
            }),
          }
        : undefined;
    },
    carbonFootprintOf: (category) =>
      (({ ELECTRICITY: 'NHS_CARBON_FOOTPRINT', GAS: 'NHS_CARBON_FOOTPRINT', TRAVEL_AVOIDED: 'NHS_CARBON_FOOTPRINT_PLUS' }) as Record<string, string>)[category],
    carbonCeiling: (level, days) => ({ integral: false, maximum: 10_000_000 * days, basis: `fixture ceiling for a ${level}` }),
  };
}
