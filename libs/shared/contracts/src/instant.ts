/** An ISO 8601 date-time with a zone: YYYY-MM-DDThh:mm[:ss[.fff]] and Z or ±hh:mm. */
const ISO_DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/**
 * Why a text is not a real ISO 8601 date-time with a zone, or null: 30 February and 24:00 are
 * not instants, and no zone is more than 14 hours from UTC. The one definition, for the
 * submission envelope's occurredAt, the instants inside facts (an incident's detectedAt) and
 * the instant columns of the analytics rows.
 */
export function instantProblem(value: string): string | null {
  const m = ISO_DATE_TIME.exec(value);
  if (!m) return 'is not in the form YYYY-MM-DDThh:mm[:ss[.fff]] with Z or an offset';
  if (!realDay(m[1]!)) return `names a day that does not exist (${m[1]})`;
  if (Number(m[2]) > 23 || Number(m[3]) > 59 || Number(m[4] ?? 0) > 59) return 'names a time of day that does not exist';
  if (m[5] !== undefined && (Number(m[6]) > 59 || Number(m[5]) * 60 + Number(m[6]) > 14 * 60)) return 'has an offset beyond ±14:00';
  return null;
}

/** A calendar day that exists (by arithmetic: Date.UTC reads years 0-99 as 1900-1999). */
function realDay(date: string): boolean {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}
