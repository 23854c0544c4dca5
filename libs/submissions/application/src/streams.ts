import type { EventStore, ExpectedVersion } from '@gpds/event-store';
import {
  evolvePracticeGovernance,
  governanceStreamId,
  initialPracticeGovernanceState,
  measurementStreamId,
  type MeasurementCommand,
  type PracticeGovernanceCommand,
  type PracticeGovernanceState,
} from '@gpds/governance';
import { isOfKind, storedFact } from '@gpds/shared-contracts';
import type { CheckedRecord } from './submission-types';

/**
 * A record routed to its stream: a governance stream (a practice's, or a commissioner's own for its
 * cyber incidents; decided against its history) or a measurement stream (no state).
 */
export type Routed =
  | { readonly kind: 'governance'; readonly streamId: string; readonly record: CheckedRecord; readonly fact: PracticeGovernanceCommand }
  | { readonly kind: 'measurement'; readonly streamId: string; readonly record: CheckedRecord; readonly fact: MeasurementCommand };

/** Where a checked record goes; undefined for a kind no connector may submit (organisation events: refused earlier by the policy). */
export function route(record: CheckedRecord): Routed | undefined {
  if (isOfKind(record, 'governance')) return { kind: 'governance', streamId: governanceStreamId(record), record, fact: record };
  if (isOfKind(record, 'measurement')) return { kind: 'measurement', streamId: measurementStreamId(record), record, fact: record };
  return undefined;
}

/** A governance stream's state, rebuilt from its history, and the version an append after it expects. */
export interface LoadedStream {
  readonly state: PracticeGovernanceState;
  readonly expectedVersion: ExpectedVersion;
}

/** Reads a governance stream's history (a practice's or a commissioner's) once and folds it into its state. */
export async function loadPracticeStream(store: EventStore, streamId: string): Promise<LoadedStream> {
  const history = await store.readStream(streamId);
  let state = initialPracticeGovernanceState;
  for (const event of history) {
    const fact = storedFact(event.type, event.data, event.metadata.occurredAt);
    if (fact && isOfKind(fact, 'governance')) state = evolvePracticeGovernance(state, fact);
  }
  return { state, expectedVersion: history.at(-1)?.streamVersion ?? 'no_stream' };
}
