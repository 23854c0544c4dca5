import { EVENT_CATALOGUE, decodeEventData, requiredFieldsOf } from './event-catalogue';
import { TypedSubmissionRecordSchema } from './gen/gpds/submission/v1/submission_pb';

describe('decodeEventData', () => {
  it('accepts the canonical submission example and normalises it', () => {
    const result = decodeEventData('BusinessContinuityPlanReviewed', 1, { practiceCode: 'A81001', reviewedBy: '16C', outcome: 'APPROVED' });
    expect(result).toEqual({
      ok: true,
      type: 'BusinessContinuityPlanReviewed',
      data: { practiceCode: 'A81001', reviewedBy: '16C', outcome: 'APPROVED', covers: [] },
    });
  });

  it('accepts proto field names too (proto3 JSON mapping) and answers in camelCase', () => {
    const result = decodeEventData('CapabilityDeployed', 1, { practice_code: 'A81001', capability: 'ONLINE_CONSULTATION', route: 'GP_IT_FUTURES' });
    expect(result.ok && result.data).toMatchObject({ practiceCode: 'A81001', capability: 'ONLINE_CONSULTATION', route: 'GP_IT_FUTURES', solution: '' });
  });

  it.each([
    ['an unknown type', 'BcpReviewed', 1, {}, 'type', 'UNKNOWN_EVENT_TYPE', /Unknown event type 'BcpReviewed'/],
    ['a future schema version', 'CapabilityDeployed', 2, {}, 'schemaVersion', 'UNSUPPORTED_SCHEMA_VERSION', /schema version 2 is not supported/],
    [
      'an unknown field',
      'CapabilityDeployed',
      1,
      { practiceCode: 'A81001', colour: 'red' },
      'data.colour',
      'INVALID_DATA',
      /not a field of CapabilityDeployed/,
    ],
    ['a wrong type', 'UtilisationSampleRecorded', 1, { value: 'lots' }, 'data.value', 'INVALID_DATA', /data.value: expected number .*got "lots"/],
    [
      'an unknown enum value',
      'BusinessContinuityPlanReviewed',
      1,
      { outcome: 'MAYBE' },
      'data.outcome',
      'INVALID_DATA',
      /"MAYBE" is not one of APPROVED, CHANGES_REQUIRED/,
    ],
    ['a scalar for a list', 'BusinessContinuityPlanReviewed', 1, { covers: 'CYBER' }, 'data.covers', 'INVALID_DATA', /data.covers: expected Array/],
    ['an array for data', 'BusinessContinuityPlanReviewed', 1, ['x'], 'data', 'INVALID_DATA', /data must be a JSON object/],
  ])('rejects %s with a path and a reason', (_label, type, version, data, path, code, message) => {
    const result = decodeEventData(type, version, data);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors).toHaveLength(1);
      expect(result.errors[0]).toMatchObject({ path, code });
      expect(result.errors[0]!.message).toMatch(message);
    }
  });

  const sample = {
    organisationCode: 'A81001',
    organisationLevel: 'PRACTICE',
    capability: 'ONLINE_CONSULTATION',
    metric: 'SUBMISSIONS',
    periodStart: '2025-11-01',
    periodEnd: '2025-11-30',
    value: 0,
  };

  const without = (...fields: string[]): Record<string, unknown> => Object.fromEntries(Object.entries(sample).filter(([k]) => !fields.includes(k)));

  it('takes a required number of 0 as given (proto3 would read a missing one as 0 too)', () => {
    expect(decodeEventData('UtilisationSampleRecorded', 1, sample)).toMatchObject({ ok: true, data: { value: 0 } });
  });

  it.each([
    ['a missing value', without('value'), ['data.value']],
    ['a null value', { ...sample, value: null }, ['data.value']],
    ['an empty metric and no level', { ...without('organisationLevel'), metric: '' }, ['data.organisationLevel', 'data.metric']],
    ['an enum at its zero value', { ...sample, organisationLevel: 'ORGANISATION_LEVEL_UNSPECIFIED' }, ['data.organisationLevel']],
    ['whitespace for a code', { ...sample, capability: '   ' }, ['data.capability']],
    [
      'nothing at all',
      {},
      ['data.organisationCode', 'data.organisationLevel', 'data.capability', 'data.metric', 'data.periodStart', 'data.periodEnd', 'data.value'],
    ],
  ])('names every required field that is missing: %s', (_label, data, paths) => {
    const result = decodeEventData('UtilisationSampleRecorded', 1, data);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.map((e) => e.path)).toEqual(paths);
      expect(result.errors.every((e) => e.code === 'MISSING_FIELD' && /is required for UtilisationSampleRecorded: give /.test(e.message))).toBe(true);
    }
  });

  it('marks the key fields of every submittable fact required in the contracts', () => {
    const required = (type: string) => requiredFieldsOf(EVENT_CATALOGUE.get(type)!.schema).map((f) => f.jsonName);
    expect(required('BusinessContinuityPlanReviewed')).toEqual(['practiceCode', 'reviewedBy', 'outcome']);
    expect(required('CarbonMetricRecorded')).toEqual(['organisationCode', 'organisationLevel', 'periodStart', 'periodEnd', 'footprint', 'category', 'kgCo2e']);
    for (const entry of EVENT_CATALOGUE.values())
      if (entry.submittable) expect({ type: entry.type, required: required(entry.type).length > 0 }).toEqual({ type: entry.type, required: true });
  });

  it("gives TypedSubmissionRecord's data one case per submittable type, named as the type and typed by its contract", () => {
    const oneof = TypedSubmissionRecordSchema.oneofs.find((o) => o.name === 'data');
    expect(oneof).toBeDefined();
    const cases = oneof!.fields.map((f) => ({ case: f.localName, message: f.fieldKind === 'message' ? f.message.typeName : `(${f.fieldKind})` }));
    const submittable = [...EVENT_CATALOGUE.values()].filter((e) => e.submittable);
    const expected = submittable.map((e) => ({ case: e.type.charAt(0).toLowerCase() + e.type.slice(1), message: `gpds.events.v1.${e.type}` }));
    const byCase = (a: { case: string }, b: { case: string }) => a.case.localeCompare(b.case);
    expect([...cases].sort(byCase)).toEqual([...expected].sort(byCase));
    // Each case's message is the very contract the catalogue decodes the type's data with.
    for (const entry of submittable) {
      const field = oneof!.fields.find((f) => f.fieldKind === 'message' && f.message.typeName === entry.schema.typeName);
      expect({ type: entry.type, sameContract: field?.fieldKind === 'message' && field.message === entry.schema }).toEqual({
        type: entry.type,
        sameContract: true,
      });
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
