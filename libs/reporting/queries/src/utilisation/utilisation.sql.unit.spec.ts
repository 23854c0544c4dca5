import { utilisationSql } from './utilisation.sql';

describe('roll-up SQL', () => {
  it('reads the monthly roll-up unless knownAt or a day or week needs the samples, and never splices values', () => {
    const base = { database: 'gpds', hierarchy: 'gpds_reporting.hierarchy_x', level: 'REGION' as const, parentLevel: null, granularity: 'MONTH' as const };
    expect(utilisationSql({ ...base, knownAt: false })).toContain('FROM gpds.utilisation_monthly');
    expect(utilisationSql({ ...base, knownAt: true })).toContain('recorded_at <= {knownAt:DateTime64(3)}');
    expect(utilisationSql({ ...base, knownAt: false, granularity: 'WEEK' })).toContain('FROM gpds.utilisation_samples');
    expect(utilisationSql({ ...base, knownAt: false })).not.toMatch(/'20\d\d-/);
  });
});
