import { groupExpression, parentFilter, periodExpression } from './rollup-sql';

describe('roll-up SQL', () => {
  it('groups each level by its ancestor column and keeps everything for England', () => {
    expect(groupExpression('NATIONAL')).toBe("'ENG'");
    expect(groupExpression('REGION')).toBe('h.region_code');
    expect(groupExpression('PRACTICE')).toContain("h.level = 'PRACTICE'");
    expect(parentFilter(null)).toBe('1');
    expect(parentFilter('ICB')).toBe('h.icb_code = {parent:String}');
  });

  it('starts financial years on 1 April and weeks on Monday', () => {
    expect(periodExpression('FINANCIAL_YEAR', 'month')).toBe('addMonths(toStartOfYear(addMonths(month, -3)), 3)');
    expect(periodExpression('WEEK', 'period_start')).toBe('toMonday(period_start)');
    expect(periodExpression(null, 'month')).toBe('{from:Date}');
  });
});
