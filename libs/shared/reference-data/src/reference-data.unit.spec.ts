import { CAPABILITIES, CARBON_CATEGORIES, HIERARCHY_CHANGE_DATES, METRICS, patientFacingCapabilities } from './reference-data';

describe('reference data', () => {
  it('has the eight patient-facing, six foundation and remote access capabilities as core and mandated', () => {
    expect(patientFacingCapabilities()).toHaveLength(8);
    expect(CAPABILITIES.entries.filter((c) => c.group === 'FOUNDATION')).toHaveLength(6);
    expect(CAPABILITIES.get('REMOTE_ACCESS')?.provision).toBe('CORE_MANDATED');
    expect(CAPABILITIES.get('ADVANCED_TELEPHONY')?.provision).toBe('ENHANCED');
    expect(CAPABILITIES.has('TELEPATHY')).toBe(false);
    expect(CAPABILITIES.version).toBe(1);
  });

  it('ties every metric to a capability of the catalogue', () => {
    for (const metric of METRICS.entries)
      expect({ metric: metric.code, known: CAPABILITIES.has(metric.capability) }).toEqual({ metric: metric.code, known: true });
    expect(METRICS.entries.filter((m) => m.capability === 'ADVANCED_TELEPHONY').map((m) => m.code)).toEqual([
      'INBOUND_CALLS',
      'CALLS_ANSWERED',
      'CALLS_ENDED_IN_IVR',
      'CALLBACKS_REQUESTED',
      'CALLS_MISSED',
      'CALLBACKS_MADE',
    ]);
  });

  it('lists the carbon categories of the domain and the 2022 restructuring date', () => {
    expect(CARBON_CATEGORIES.codes()).toEqual(['ELECTRICITY', 'GAS', 'STAFF_TRAVEL', 'PATIENT_TRAVEL', 'TRAVEL_AVOIDED', 'DEVICES', 'PAPER', 'DATA_CENTRE']);
    expect(HIERARCHY_CHANGE_DATES['COMMISSIONED_BY']).toEqual(['2022-07-01']);
  });
});
