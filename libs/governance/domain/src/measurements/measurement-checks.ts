import type { FactOf } from '@gpds/shared-contracts';
import { requireDate, type Ceiling, type DecisionContext } from '../context';
import { Rejection } from '../rejection';

/**
 * What every measurement (a utilisation sample, a carbon metric) must be, whatever it measures:
 * a period within the platform's dates, taken during or after it, of an organisation that
 * existed then at the level it names. Each measurement kind adds its own checks in its folder.
 */
type Measured = FactOf<'UtilisationSampleRecorded'> | FactOf<'CarbonMetricRecorded'>;

/** The levels a measurement may be attached to (sources cannot always attribute to one practice). */
const MEASURABLE_LEVELS = new Set(['PRACTICE', 'PCN', 'COMMISSIONER', 'ICB', 'REGION', 'NATIONAL']);

const HOUR_MS = 60 * 60 * 1000;

/** Checks the period and the organisation; answers the period's length in days. */
export function checkMeasuredPeriodAndOrganisation(command: Measured, context: DecisionContext): number {
  const d = command.data;
  requireDate(d.periodStart, 'data.periodStart');
  requireDate(d.periodEnd, 'data.periodEnd');
  if (d.periodEnd < d.periodStart)
    throw new Rejection('INVALID_PERIOD', 'data.periodEnd', `the period ends (${d.periodEnd}) before it starts (${d.periodStart})`);
  const today = context.now.toISOString().slice(0, 10);
  if (d.periodStart > today) throw new Rejection('FACT_IN_FUTURE', 'data.periodStart', `the period starts in the future (${d.periodStart})`);
  // A measurement is taken during or after its period, never before it (00:00 in England, BST included).
  if (Date.parse(command.occurredAt) < Date.parse(`${d.periodStart}T00:00:00Z`) - HOUR_MS) {
    throw new Rejection(
      'OCCURRED_BEFORE_PERIOD',
      'occurredAt',
      `occurredAt ${command.occurredAt} is before the period it measures starts (${d.periodStart}): a measurement occurs during or after its period (usually at its end)`,
    );
  }

  if (!MEASURABLE_LEVELS.has(d.organisationLevel)) {
    throw new Rejection(
      'INVALID_LEVEL',
      'data.organisationLevel',
      `data.organisationLevel '${d.organisationLevel}' is not one of ${[...MEASURABLE_LEVELS].join(', ')}`,
    );
  }
  if (d.organisationLevel !== 'NATIONAL') {
    const org = context.organisation(d.organisationCode);
    if (!org) {
      throw new Rejection('UNKNOWN_ORGANISATION', 'data.organisationCode', `'${d.organisationCode}' is not an organisation in the reference data`);
    }
    if (org.level !== d.organisationLevel) {
      throw new Rejection('WRONG_LEVEL', 'data.organisationLevel', `${d.organisationCode} is a ${org.level}, not a ${d.organisationLevel}`);
    }
    // The whole period must overlap the organisation's life.
    if ((org.closedOn !== '' && d.periodStart >= org.closedOn) || (org.openedOn !== '' && d.periodEnd < org.openedOn)) {
      throw new Rejection(
        org.closedOn !== '' && d.periodStart >= org.closedOn ? 'AFTER_PRACTICE_CLOSED' : 'BEFORE_PRACTICE_OPENED',
        'data.periodStart',
        `${d.organisationCode} did not exist from ${d.periodStart} to ${d.periodEnd} (open ${org.openedOn || 'before records'} to ${org.closedOn || 'now'})`,
      );
    }
  } else if (d.organisationCode !== 'ENG') {
    throw new Rejection(
      'WRONG_LEVEL',
      'data.organisationCode',
      `a NATIONAL measurement is England's: data.organisationCode must be ENG, not '${d.organisationCode}'`,
    );
  }
  return daysBetween(d.periodStart, d.periodEnd) + 1;
}

/** A value a measurement can hold: a finite number, whole where the unit counts, non-negative unless allowed, within the ceiling. */
export function assertWithinCeiling(value: unknown, ceiling: Ceiling | undefined, path: string, what: string, negativeAllowed: boolean): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Rejection('INVALID_VALUE', path, `${path} must be a finite number, not ${String(value)}`);
  // Every ceiling is far below 2^53, so a value within one is also an exact integer in JavaScript and ClickHouse.
  if (value < 0 && !negativeAllowed) throw new Rejection('INVALID_VALUE', path, `${path} ${value} must be a number >= 0`);
  if (ceiling?.integral && !Number.isInteger(value))
    throw new Rejection('NOT_A_WHOLE_NUMBER', path, `${path} ${value} is not a whole number: ${what} is a count`);
  if (ceiling && Math.abs(value) > ceiling.maximum) {
    throw new Rejection(
      'VALUE_TOO_LARGE',
      path,
      `${path} ${value} is larger than any ${what} can be: at most ${ceiling.maximum.toLocaleString('en-GB')} (${ceiling.basis}; the reference data's ceiling): check the figure and its unit`,
    );
  }
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / (24 * HOUR_MS));
}
