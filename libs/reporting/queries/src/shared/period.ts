import type { Granularity } from './arguments';

export interface Period {
  readonly start: string;
  readonly end: string;
}

const DAY_MS = 86_400_000;

/** The period a row covers: from its start to the day before the next period starts, clipped to the range asked about. */
export function periodOf(start: string, granularity: Granularity | null, from: string, to: string): Period {
  if (granularity === null) return { start: from, end: to };
  const s = new Date(`${start}T00:00:00Z`);
  const next = new Date(s);
  switch (granularity) {
    case 'DAY':
      next.setUTCDate(s.getUTCDate() + 1);
      break;
    case 'WEEK':
      next.setUTCDate(s.getUTCDate() + 7);
      break;
    case 'MONTH':
      next.setUTCMonth(s.getUTCMonth() + 1);
      break;
    case 'QUARTER':
      next.setUTCMonth(s.getUTCMonth() + 3);
      break;
    case 'FINANCIAL_YEAR':
      next.setUTCFullYear(s.getUTCFullYear() + 1);
      break;
  }
  const end = new Date(next.getTime() - DAY_MS).toISOString().slice(0, 10);
  return { start: start < from ? from : start, end: end > to ? to : end };
}
