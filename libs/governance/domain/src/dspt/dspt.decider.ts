import type { FactOf } from '@gpds/shared-contracts';
import { EARLIEST_FACT_DATE, assertPracticeOpen, type DecisionContext } from '../context';
import { Rejection, dateOf } from '../rejection';

/** A practice's Data Security and Protection Toolkit status for a financial year, on the practice's stream. */
export type DsptAssessmentPublished = FactOf<'DsptAssessmentPublished'>;

/** "2022/23": the year it begins and the last two digits of the next. */
const FINANCIAL_YEAR = /^(\d{4})\/(\d{2})$/;

export function decideDsptAssessmentPublished(command: DsptAssessmentPublished, context: DecisionContext): DsptAssessmentPublished[] {
  const d = command.data;
  const on = dateOf(command.occurredAt);
  const yearStart = financialYearStart(d.financialYear);
  if (yearStart < EARLIEST_FACT_DATE) {
    throw new Rejection(
      'DATE_OUT_OF_RANGE',
      'data.financialYear',
      `data.financialYear ${d.financialYear} begins before ${EARLIEST_FACT_DATE}: no fact the platform records is about it; check the year`,
    );
  }
  assertPracticeOpen(d.practiceCode, on, context);
  if (on < yearStart) {
    throw new Rejection(
      'PUBLISHED_BEFORE_YEAR',
      'occurredAt',
      `a status for ${d.financialYear} cannot be published before the year begins on ${yearStart} (occurredAt is ${on})`,
    );
  }
  return [command];
}

/** The first day (1 April) of a financial year written "YYYY/YY", or a rejection saying the form. */
function financialYearStart(financialYear: string): string {
  const m = FINANCIAL_YEAR.exec(financialYear);
  if (!m || Number(m[2]) !== (Number(m[1]) + 1) % 100) {
    throw new Rejection(
      'INVALID_FINANCIAL_YEAR',
      'data.financialYear',
      `data.financialYear '${financialYear}' is not a financial year: write YYYY/YY, the year it begins and the next year's last two digits (e.g. 2022/23, 1 April 2022 to 31 March 2023)`,
    );
  }
  return `${m[1]}-04-01`;
}
