import { createHash } from 'node:crypto';
import type { OrganisationDirectory } from '@gpds/organisations';
import type { EventType, SubmittedData } from '@gpds/shared-contracts';

/** The source system of every synthetic demo record: it can be told apart (and left out) in any answer. */
export const SYNTHETIC_SOURCE = 'synthetic-demo';
/** The first day the synthetic facts are about: the Operating Model 2021-23 began on 1 April 2021. */
export const DEMO_START = '2021-04-01';

const DAY_MS = 86_400_000;

/** A deterministic number in [0, 1) for a key: the same practice gets the same facts on every run. */
export function chance(key: string): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0) / 2 ** 32;
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** A day from `from` to `to` (both included), picked by key. */
export function dayBetween(key: string, from: string, to: string): string {
  const a = Date.parse(`${from}T00:00:00Z`);
  const b = Date.parse(`${to}T00:00:00Z`);
  return new Date(a + Math.floor(chance(key) * ((b - a) / DAY_MS + 1)) * DAY_MS).toISOString().slice(0, 10);
}

/** An instant `hours` after an instant (or after midnight UTC of a day), to the minute: 2022-07-12T10:30:00Z. */
export function hoursAfter(instantOrDay: string, hours: number): string {
  const start = Date.parse(instantOrDay.length === 10 ? `${instantOrDay}T00:00:00Z` : instantOrDay);
  return new Date(start + Math.round(hours * 60) * 60_000).toISOString().replace('.000Z', 'Z');
}

export function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/** One synthetic record and the stream it goes to (what the submission chunks are grouped by). */
export interface DemoFact {
  readonly stream: string;
  readonly type: EventType;
  readonly occurredAt: string;
  readonly record: Record<string, unknown>;
}

export function demoFact<T extends EventType>(stream: string, type: T, recordId: string, occurredAt: string, data: SubmittedData<T>): DemoFact {
  // A day alone is a fact of that day's morning.
  const at = occurredAt.length === 10 ? `${occurredAt}T09:00:00Z` : occurredAt;
  return { stream, type, occurredAt: at, record: { type, schemaVersion: 1, source: { system: SYNTHETIC_SOURCE, recordId }, occurredAt: at, data } };
}

/**
 * One practice's synthetic facts, generated for the days it is open from DEMO_START to the demo's
 * last day: every fact dated on such a day, every commissioner named the practice's on that day.
 */
export class DemoPractice {
  readonly facts: DemoFact[] = [];

  constructor(
    readonly code: string,
    /** Its first open day from DEMO_START. */
    readonly from: string,
    /** Its last open day up to the demo's last day. */
    readonly last: string,
    /** Its region's (and ICB's) lean, -0.5 to 0.5: shifts every rate, so regions differ. */
    readonly propensity: number,
    /** Its commissioner on the day its lean is taken: whether a kind of fact is sent at all is the commissioner's doing. */
    private readonly sender: string | null,
    private readonly directory: OrganisationDirectory,
  ) {}

  /** Its commissioner on a day: a CCG until 30 June 2022, a sub-ICB location from 1 July 2022. */
  commissionerOn(day: string): string | null {
    return this.directory.commissionerOn(this.code, day);
  }

  isOpen(day: string): boolean {
    return day >= this.from && day <= this.last;
  }

  chance(key: string): number {
    return chance(`${this.code}/${key}`);
  }

  /** Whether the practice has something the nation has at `base`: its region's lean moves the rate by up to ±spread/2. */
  has(key: string, base: number, spread = 0.2): boolean {
    return this.chance(key) < base + spread * this.propensity;
  }

  /**
   * Whether the practice's commissioner sends a kind of fact at all (a share of commissioners,
   * more in regions that lean ahead): the practices of those that do not are UNKNOWN for its rule.
   */
  sent(kind: string, share: number, spread = 0.4): boolean {
    return this.sender !== null && chance(`${kind}/sent-by/${this.sender}`) < share + spread * this.propensity;
  }

  /** A day from `from` to `to` (both included) the practice is open on, picked by key; null when it is open on none. */
  day(key: string, from: string, to: string): string | null {
    const a = from > this.from ? from : this.from;
    const b = to < this.last ? to : this.last;
    return a <= b ? dayBetween(`${this.code}/${key}`, a, b) : null;
  }

  /**
   * A day from `from` to `to` the practice is open on, at `fraction` (0 to 1) of the way; its
   * first open day when it opened after `to`; null when it closed before `from`.
   */
  dayAt(fraction: number, from: string, to: string): string | null {
    const a = from > this.from ? from : this.from;
    if (a > this.last) return null;
    const b = to < this.last ? (to > a ? to : a) : this.last;
    const span = (Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS;
    return addDays(a, Math.min(span, Math.floor(clamp(fraction, 0, 1) * (span + 1))));
  }

  /** An instant's day is one the practice is open on (instants from hoursAfter are to the minute, in UTC). */
  isOpenAt(instant: string): boolean {
    return this.isOpen(instant.slice(0, 10));
  }

  add<T extends EventType>(type: T, recordId: string, occurredAt: string, data: SubmittedData<T>): void {
    this.facts.push(demoFact(this.code, type, recordId, occurredAt, data));
  }
}
