import { eventIdForOwner, eventIdFromSource } from '@gpds/event-store';
import type { RecordIdentity } from './envelope';

/** The (organisation, system) pairs that keep the ids their records had before identities named an owner (ADR 0020). */
export interface LegacySources {
  has(organisation: string, system: string): boolean;
}

/**
 * A record's identity: its source in the namespace of the organisation sending it (ADR 0020),
 * or, for a system that organisation used before identities named their owner, the id the
 * record had then (so that resending it is still a duplicate).
 */
export function recordIdentity(organisation: string, legacy: LegacySources | undefined): RecordIdentity {
  return (source) => (legacy?.has(organisation, source.system) ? eventIdFromSource(source) : eventIdForOwner(organisation, source));
}
