import type { DecisionContext } from '../context';

/**
 * A small hierarchy for specs: A81001 under 16C throughout; C81640 under 01Y until 30 June 2022,
 * then 15M; Y09999 opened 2023-04-01; B82001 closed 2025-10-01. (Codes from the real files.)
 */
export function fixtureContext(now = '2025-12-15T12:00:00Z'): DecisionContext {
  const orgs: Record<string, { level: string; openedOn: string; closedOn: string }> = {
    A81001: { level: 'PRACTICE', openedOn: '', closedOn: '' },
    C81640: { level: 'PRACTICE', openedOn: '', closedOn: '' },
    Y09999: { level: 'PRACTICE', openedOn: '2023-04-01', closedOn: '' },
    B82001: { level: 'PRACTICE', openedOn: '', closedOn: '2025-10-01' },
    U89141: { level: 'PCN', openedOn: '', closedOn: '' },
    '16C': { level: 'COMMISSIONER', openedOn: '', closedOn: '' },
  };
  return {
    now: new Date(now),
    organisation: (code) => (orgs[code] ? { code, ...orgs[code] } : undefined),
    commissionerOn: (practice, date) => {
      if (practice === 'C81640') return date < '2022-07-01' ? '01Y' : '15M';
      return practice in orgs ? '16C' : null;
    },
    isKnownCapability: (code) => ['ONLINE_CONSULTATION', 'VIDEO_CONSULTATION', 'ADVANCED_TELEPHONY', 'REMOTE_ACCESS'].includes(code),
    capabilityOfMetric: (metric) =>
      ({ SUBMISSIONS: 'ONLINE_CONSULTATION', INBOUND_CALLS: 'ADVANCED_TELEPHONY', CALLS_ANSWERED: 'ADVANCED_TELEPHONY' })[metric],
  };
}
