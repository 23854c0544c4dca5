import { EventIdConflictError, InvalidAppendError, WrongExpectedVersionError, type EventStore, type EventToAppend } from '@gpds/event-store';
import { Rejection, decideMeasurement, decidePracticeGovernance, evolvePracticeGovernance, type DecisionContext } from '@gpds/governance';
import type { OrganisationDirectory } from '@gpds/organisations';
import { appendDecided, appendStateless, type StreamWrite } from './appends';
import { authorise } from './authorisation';
import { decisionContext } from './decision-context';
import { checkRecord } from './envelope';
import { INTERNAL_ERROR, asRecordError, changedRecord, duplicate, accepted, notStorable, rejected, rejectedRecord } from './outcomes';
import { recordIdentity, type LegacySources } from './record-identity';
import { loadPracticeStream, route, type LoadedStream, type Routed } from './streams';
import { ChunkFailedError, notStored, type CheckedRecord, type IncomingRecord, type Principal, type RecordResult } from './submission-types';

const GOVERNANCE_ATTEMPTS = 3;

export interface SubmissionProcessorOptions {
  readonly store: EventStore;
  /** The organisation hierarchy, kept current by the caller. */
  readonly directory: () => OrganisationDirectory;
  readonly clock?: () => Date;
  /** Systems whose senders keep their pre-ADR-0020 ids; none for a store that began with owned identities. */
  readonly legacySources?: LegacySources;
  /** Told of failures that are the platform's, not the record's (each record concerned is answered too). */
  readonly onInternalError?: (error: unknown, context: { readonly correlationId: string; readonly index?: number }) => void;
}

type Governance = Extract<Routed, { kind: 'governance' }>;
type Answer = (result: RecordResult) => void;

/**
 * The one command path every connector uses, as a pipeline of small steps, each answering a
 * record accepted, duplicate or rejected, or handing it on:
 *   check (envelope and contract) -> authorise (pure policy) -> route to its stream
 *   -> load the stream's state once -> decide each record in order -> append.
 * One bad record never sinks the others; nothing is acknowledged before it is stored.
 */
export class SubmissionProcessor {
  constructor(private readonly options: SubmissionProcessorOptions) {}

  /**
   * Processes one chunk of records (any size; connectors send a few hundred to a few thousand)
   * and answers every record. A failure that is the platform's (the store unreachable, say) ends
   * the chunk with a ChunkFailedError that still answers every record: those stored before it as
   * accepted, the others as NOT_STORED, to be sent again (a stored one then answers duplicate).
   */
  async process(records: readonly IncomingRecord[], principal: Principal, correlationId: string): Promise<RecordResult[]> {
    const results = new Map<number, RecordResult>();
    const answer: Answer = (result) => void results.set(result.index, result);
    try {
      await this.run(records, principal, correlationId, answer);
    } catch (error) {
      this.options.onInternalError?.(error, { correlationId });
      throw new ChunkFailedError(
        records.map((r) => results.get(r.index) ?? notStored(r.index)),
        error,
      );
    }
    return records.map((r) => results.get(r.index)!);
  }

  private async run(records: readonly IncomingRecord[], principal: Principal, correlationId: string, answer: Answer): Promise<void> {
    const directory = this.options.directory();
    const context = decisionContext(directory, (this.options.clock ?? (() => new Date()))());
    const toEvent = (record: CheckedRecord): EventToAppend => eventOf(record, principal, correlationId);
    const measurements = new Map<string, StreamWrite & { records: CheckedRecord[]; events: EventToAppend[] }>();
    const governance = new Map<string, Governance[]>();

    // Check, authorise, route; measurements are decided at once (they need no stream state).
    const identify = recordIdentity(principal.organisation, this.options.legacySources);
    for (const incoming of records) {
      if ('parseError' in incoming) {
        answer(rejected(incoming.index, [incoming.parseError]));
        continue;
      }
      try {
        const checked = checkRecord(incoming.index, incoming.value, identify);
        if (!checked.ok) {
          answer(rejected(incoming.index, checked.errors));
          continue;
        }
        const record = checked.record;
        const denied = authorise(record, principal, directory);
        const routed = denied ? undefined : route(record);
        if (denied || !routed) {
          answer(rejected(record.index, [denied ?? INTERNAL_ERROR], record.eventId));
          continue;
        }
        if (routed.kind === 'governance') {
          governance.set(routed.streamId, [...(governance.get(routed.streamId) ?? []), routed]);
          continue;
        }
        try {
          decideMeasurement(routed.fact, context);
        } catch (error) {
          answer(rejectedRecord(record, asRecordError(error)));
          continue;
        }
        const write = measurements.get(routed.streamId) ?? { streamId: routed.streamId, records: [], events: [], expectedVersion: 'any' as const };
        write.records.push(record);
        write.events.push(toEvent(record));
        measurements.set(routed.streamId, write);
      } catch (error) {
        // A record the checks themselves could not handle is that record's answer, never its neighbours'.
        this.options.onInternalError?.(error, { correlationId, index: incoming.index });
        answer(rejected(incoming.index, [INTERNAL_ERROR]));
      }
    }

    await appendStateless(this.options.store, [...measurements.values()], answer);
    await this.recordGovernance([...governance.values()], context, toEvent, correlationId, answer);
  }

  /**
   * Governance facts, practice by practice: each practice's facts in the chunk are decided in
   * order against its state, read once, and every practice's new events go to the store in one
   * atomic multi-stream append at the versions read. A record seen before, repeated in the
   * chunk, a concurrent writer or a changed record sends the practices concerned one by one.
   */
  private async recordGovernance(
    groups: readonly Governance[][],
    context: DecisionContext,
    toEvent: (r: CheckedRecord) => EventToAppend,
    correlationId: string,
    answer: Answer,
  ): Promise<void> {
    const { store } = this.options;
    const all = groups.flat();
    if (all.length === 0) return;
    const slow: Governance[][] = [];
    const fresh: Governance[][] = [];
    if (all.length === 1) slow.push(...groups);
    else {
      const seen = await Promise.all(all.map((g) => store.readEvent(g.record.eventId)));
      const known = new Set(all.filter((_, i) => seen[i] !== null).map((g) => g.record.eventId));
      const ids = new Set<string>();
      for (const g of all) if (ids.size === ids.add(g.record.eventId).size) known.add(g.record.eventId);
      for (const group of groups) (group.some((g) => known.has(g.record.eventId)) ? slow : fresh).push(group);
    }

    const loaded = await Promise.all(fresh.map((group) => loadPracticeStream(store, group[0]!.streamId)));
    const writes: StreamWrite[] = [];
    const decidedOf: Governance[][] = [];
    fresh.forEach((group, i) => {
      let state = loaded[i]!.state;
      const decided: Governance[] = [];
      for (const routed of group) {
        const { record, fact } = routed;
        try {
          decidePracticeGovernance(fact, state, context);
        } catch (error) {
          if (!(error instanceof Rejection)) this.options.onInternalError?.(error, { correlationId, index: record.index });
          answer(rejectedRecord(record, error instanceof Rejection ? asRecordError(error) : INTERNAL_ERROR));
          continue;
        }
        state = evolvePracticeGovernance(state, fact);
        decided.push(routed);
      }
      if (decided.length === 0) return;
      const records = decided.map((g) => g.record);
      writes.push({ streamId: group[0]!.streamId, records, events: records.map(toEvent), expectedVersion: loaded[i]!.expectedVersion });
      decidedOf.push(decided);
    });
    // Another writer reached one of the practices, or a record changed: each practice on its own.
    if (!(await appendDecided(store, writes, answer))) slow.push(...decidedOf);
    for (const group of slow) await this.recordOneByOne(group, context, toEvent, answer);
  }

  /** One practice's records one at a time, each answered precisely; the state is read once and re-read only after another writer. */
  private async recordOneByOne(
    group: readonly Governance[],
    context: DecisionContext,
    toEvent: (r: CheckedRecord) => EventToAppend,
    answer: Answer,
  ): Promise<void> {
    const { store } = this.options;
    let stream: LoadedStream | null = null;
    for (const { streamId, record, fact } of group) {
      const event = toEvent(record);
      try {
        // A record seen before is answered by the store's idempotency, not decided again.
        if (await store.readEvent(record.eventId)) {
          const result = await store.appendToStream(streamId, [event], { expectedVersion: 'any' });
          if (result.status !== 'duplicate') stream = null;
          answer((result.status === 'duplicate' ? duplicate : accepted)(record));
          continue;
        }
        for (let attempt = 1; ; attempt++) {
          stream ??= await loadPracticeStream(store, streamId);
          decidePracticeGovernance(fact, stream.state, context);
          try {
            const result = await store.appendToStream(streamId, [event], { expectedVersion: stream.expectedVersion });
            stream = { state: evolvePracticeGovernance(stream.state, fact), expectedVersion: result.nextExpectedVersion };
            answer((result.status === 'duplicate' ? duplicate : accepted)(record));
            break;
          } catch (error) {
            // Another fact reached this practice first: decide again against the new history.
            stream = null;
            if (!(error instanceof WrongExpectedVersionError) || attempt >= GOVERNANCE_ATTEMPTS) throw error;
          }
        }
      } catch (error) {
        if (error instanceof EventIdConflictError) answer(rejectedRecord(record, changedRecord(record)));
        else if (error instanceof InvalidAppendError) answer(rejectedRecord(record, notStorable(error)));
        else if (error instanceof Rejection) answer(rejectedRecord(record, asRecordError(error)));
        else throw error;
      }
    }
  }
}

/** The event a checked record becomes: its data as decoded, its provenance in the metadata. */
function eventOf(record: CheckedRecord, principal: Principal, correlationId: string): EventToAppend {
  return {
    type: record.type,
    schemaVersion: record.schemaVersion,
    data: record.data,
    eventId: record.eventId,
    metadata: {
      occurredAt: record.occurredAt,
      source: { ...record.source, owner: principal.organisation },
      actor: { type: principal.actorType ?? 'api-key', id: principal.keyId },
      correlationId,
    },
  };
}
