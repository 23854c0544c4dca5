import { EVENT_CATALOGUE, decodeEventData } from './event-catalogue';

describe('decodeEventData', () => {
  it('accepts the canonical submission example and normalises it', () => {
    const result = decodeEventData('BusinessContinuityPlanReviewed', 1, { practiceCode: 'A81001', reviewedBy: '16C', outcome: 'APPROVED' });
    expect(result).toEqual({ ok: true, data: { practiceCode: 'A81001', reviewedBy: '16C', outcome: 'APPROVED', covers: [] } });
  });

  it('accepts proto field names too (proto3 JSON mapping) and answers in camelCase', () => {
    const result = decodeEventData('CapabilityDeployed', 1, { practice_code: 'A81001', capability: 'ONLINE_CONSULTATION', route: 'GP_IT_FUTURES' });
    expect(result.ok && result.data).toMatchObject({ practiceCode: 'A81001', capability: 'ONLINE_CONSULTATION', route: 'GP_IT_FUTURES', solution: '' });
  });

  it.each([
    ['an unknown type', 'BcpReviewed', 1, {}, 'type', 'UNKNOWN_EVENT_TYPE', /Unknown event type 'BcpReviewed'/],
    ['a future schema version', 'CapabilityDeployed', 2, {}, 'schemaVersion', 'UNSUPPORTED_SCHEMA_VERSION', /schema version 2 is not supported/],
    ['an unknown field', 'CapabilityDeployed', 1, { practiceCode: 'A81001', colour: 'red' }, 'data.colour', 'INVALID_DATA', /not a field of CapabilityDeployed/],
    ['a wrong type', 'UtilisationSampleRecorded', 1, { value: 'lots' }, 'data.value', 'INVALID_DATA', /data.value: expected number .*got "lots"/],
    ['an unknown enum value', 'BusinessContinuityPlanReviewed', 1, { outcome: 'MAYBE' }, 'data.outcome', 'INVALID_DATA', /"MAYBE" is not one of APPROVED, CHANGES_REQUIRED/],
    ['a scalar for a list', 'BusinessContinuityPlanReviewed', 1, { covers: 'CYBER' }, 'data.covers', 'INVALID_DATA', /data.covers: expected Array/],
    ['an array for data', 'BusinessContinuityPlanReviewed', 1, ['x'], 'data', 'INVALID_DATA', /data must be a JSON object/],
  ])('rejects %s with a path and a reason', (_label, type, version, data, path, code, message) => {
    const result = decodeEventData(type, version, data);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toMatchObject({ path, code });
      expect(result.error.message).toMatch(message);
    }
  });

  it('lists the catalogue of DOMAIN.md', () => {
    expect([...EVENT_CATALOGUE.keys()]).toEqual(
      expect.arrayContaining([
        'OrganisationRegistered',
        'OrganisationRelationshipChanged',
        'OrganisationClosed',
        'CcgPracticeAgreementSigned',
        'CcgPracticeAgreementTerminated',
        'BusinessContinuityPlanReviewed',
        'CapabilityDeployed',
        'CapabilityWithdrawn',
        'UtilisationSampleRecorded',
        'CarbonMetricRecorded',
      ]),
    );
  });
});
