/** A fact the domain refuses, with where and why: becomes one rejected record, never a crash. */
export class Rejection extends Error {
  constructor(
    readonly code: string,
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'Rejection';
  }
}

/** 'YYYY-MM-DD' (UTC) of an ISO date-time. */
export function dateOf(isoDateTime: string): string {
  return new Date(isoDateTime).toISOString().slice(0, 10);
}

/** 'YYYY-MM-DD' that is a real calendar date: one definition, with the organisation events. */
export { isIsoDate } from '@gpds/organisations';
