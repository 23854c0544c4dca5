import {
  EventIdConflictError,
  InvalidAppendError,
  WrongExpectedVersionError,
  eventIdForOwner,
  eventIdFromSource,
  type EventStore,
  type EventToAppend,
  type StreamAppend,
} from '@gpds/event-store';
import {
  Rejection,
  decideMeasurement,
  decidePracticeGovernance,
  evolvePracticeGovernance,
  initialPracticeGovernanceState,
  measurementStreamId,
  practiceStreamId,
  type MeasurementCommand,
  type PracticeGovernanceCommand,
} from '@gpds/governance';
import type { OrganisationDirectory } from '@gpds/organisations';
import { authorise } from './authorisation';
import { decisionContext } from './decision-context';
import { checkRecord, type RecordIdentity } from './envelope';
import { ChunkFailedError, notStored, type CheckedRecord, type IncomingRecord, type Principal, type RecordError, type RecordResult } from './submission-types';

const GOVERNANCE_ATTEMPTS = 3;

/** The (organisation, system) pairs that keep the ids their records had before identities named an owner (ADR 0020). */
export interface LegacySources {
  has(organisation: string, system: string): boolean;
}

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

/**
 * A record's identity: its source in the namespace of the organisation sending it (ADR 0020),
 * or, for a system that organisation used before identities named their owner, the id the
 * record had then (so that resending it is still a duplicate).
 */
export function recordIdentity(organisation: string, legacy: LegacySources | undefined): RecordIdentity {
  return (source) => (legacy?.has(organisation, source.system) ? eventIdFromSource(source) : eventIdForOwner(organisation, source));
}

/**
 * The one command path every connector uses: checks each record (envelope, contract, reference
 * data, the submitter's rights, the domain's invariants), appends what passes, and answers per
 * record. One bad record never sinks the others; nothing is acknowledged before it is stored.
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
    try {
      await this.processInto(records, principal, correlationId, results);
    } catch (error) {
      this.options.onInternalError?.(error, { correlationId });
      const answered = records.map((r) => results.get(r.index) ?? notStored(r.index));
      throw new ChunkFailedError(answered, error);
    }
    return records.map((r) => results.get(r.index)!);
  }

  private async processInto(records: readonly IncomingRecord[], principal: Principal, correlationId: string, results: Map<number, RecordResult>): Promise<void> {
    const now = (this.options.clock ?? (() => new Date()))();
    const directory = this.options.directory();
    const context = decisionContext(directory, now);
    const identify = recordIdentity(principal.organisation, this.options.legacySources);
    const reject = (index: number, errors: readonly RecordError[], eventId?: string): void =>
      void results.set(index, { index, status: 'rejected', ...(eventId ? { eventId } : {}), errors });

    const measurements: Array<{ record: CheckedRecord; streamId: string; event: EventToAppend }> = [];
    const governance: CheckedRecord[] = [];
    for (const incoming of records) {
      if ('parseError' in incoming) {
        reject(incoming.index, [incoming.parseError]);
        continue;
      }
      try {
        const checked = checkRecord(incoming.index, incoming.value, identify);
        if (!checked.ok) {
          reject(incoming.index, checked.errors);
          continue;
        }
        const record = checked.record;
        const denied = authorise(record, principal, directory);
        if (denied) {
          reject(record.index, [denied], record.eventId);
          continue;
        }
        if (record.kind === 'measurement') {
          const command = { type: record.type, data: record.data, occurredAt: record.occurredAt } as unknown as MeasurementCommand;
          try {
            decideMeasurement(command, context);
          } catch (error) {
            reject(record.index, [asRecordError(error)], record.eventId);
            continue;
          }
          measurements.push({ record, streamId: measurementStreamId(command), event: this.toEvent(record, principal, correlationId) });
        } else {
          governance.push(record);
        }
      } catch (error) {
        // A record the checks themselves could not handle is that record's answer, never its neighbours'.
        this.options.onInternalError?.(error, { correlationId, index: incoming.index });
        reject(incoming.index, [INTERNAL_ERROR]);
      }
    }

    await this.appendMeasurements(measurements, results);
    await this.recordGovernanceFacts(governance, principal, correlationId, context, results);
  }

  /**
   * Governance facts, practice by practice: the facts of one practice in a chunk are decided in
   * order against its history, read once, and the chunk's new events go to the store in one
   * atomic multi-stream append with each practice's expected version. A record seen before, a
   * concurrent writer or a changed record sends the practices concerned down the one-by-one
   * path, which answers each record precisely.
   */
  private async recordGovernanceFacts(
    records: readonly CheckedRecord[],
    principal: Principal,
    correlationId: string,
    context: ReturnType<typeof decisionContext>,
    results: Map<number, RecordResult>,
  ): Promise<void> {
    if (records.length === 0) return;
    const { store } = this.options;
    const oneByOne = async (group: readonly CheckedRecord[]): Promise<void> => {
      for (const record of group) results.set(record.index, await this.recordGovernanceFact(record, principal, correlationId, context));
    };
    if (records.length === 1) return oneByOne(records);
    const byStream = new Map<string, CheckedRecord[]>();
    for (const record of records) {
      const streamId = practiceStreamId(record.data['practiceCode'] as string);
      byStream.set(streamId, [...(byStream.get(streamId) ?? []), record]);
    }
    const seen = await Promise.all(records.map((record) => store.readEvent(record.eventId)));
    const seenIds = new Set(records.filter((_, i) => seen[i] !== null).map((r) => r.eventId));
    const ids = new Set<string>();
    const repeated = new Set(records.filter((r) => ids.size === ids.add(r.eventId).size).map((r) => r.eventId));
    const slow: CheckedRecord[][] = [];
    const fresh = [...byStream].filter(([, group]) => {
      const known = group.some((r) => seenIds.has(r.eventId) || repeated.has(r.eventId));
      if (known) slow.push(group);
      return !known;
    });
    const histories = await Promise.all(fresh.map(([streamId]) => store.readStream(streamId)));
    const appends: Array<{ streamId: string; records: CheckedRecord[]; expectedVersion: number | 'no_stream' }> = [];
    fresh.forEach(([streamId, group], i) => {
      const history = histories[i]!;
      let state = history.reduce(
        (s, e) => evolvePracticeGovernance(s, { type: e.type, data: e.data, occurredAt: e.metadata.occurredAt } as PracticeGovernanceCommand),
        initialPracticeGovernanceState,
      );
      const decided: CheckedRecord[] = [];
      for (const record of group) {
        const command = { type: record.type, data: record.data, occurredAt: record.occurredAt } as unknown as PracticeGovernanceCommand;
        try {
          decidePracticeGovernance(command, state, context);
        } catch (error) {
          if (!(error instanceof Rejection)) this.options.onInternalError?.(error, { correlationId, index: record.index });
          results.set(record.index, { index: record.index, status: 'rejected', eventId: record.eventId, errors: [error instanceof Rejection ? asRecordError(error) : INTERNAL_ERROR] });
          continue;
        }
        state = evolvePracticeGovernance(state, command);
        decided.push(record);
      }
      if (decided.length > 0) appends.push({ streamId, records: decided, expectedVersion: history.at(-1)?.streamVersion ?? 'no_stream' });
    });
    if (appends.length > 0) {
      try {
        await store.appendToStreams(
          appends.map((a) => ({ streamId: a.streamId, events: a.records.map((r) => this.toEvent(r, principal, correlationId)), expectedVersion: a.expectedVersion })),
        );
        for (const a of appends) for (const r of a.records) results.set(r.index, { index: r.index, status: 'accepted', eventId: r.eventId });
      } catch (error) {
        // Another writer reached one of the practices, or a record changed: each practice on its own.
        if (!(error instanceof WrongExpectedVersionError) && !(error instanceof EventIdConflictError) && !(error instanceof InvalidAppendError)) throw error;
        for (const a of appends) slow.push(a.records);
      }
    }
    for (const group of slow) await oneByOne(group);
  }

  private toEvent(record: CheckedRecord, principal: Principal, correlationId: string): EventToAppend {
    return {
      type: record.type,
      schemaVersion: record.schemaVersion,
      data: record.data,
      eventId: record.eventId,
      metadata: {
        occurredAt: record.occurredAt,
        source: { ...record.source, owner: principal.organisation },
        actor: { type: 'api-key', id: principal.keyId },
        correlationId,
      },
    };
  }

  /** All measurements of the chunk in one transaction; on a changed resubmission, stream by stream to find it. */
  private async appendMeasurements(items: Array<{ record: CheckedRecord; streamId: string; event: EventToAppend }>, results: Map<number, RecordResult>): Promise<void> {
    if (items.length === 0) return;
    const byStream = new Map<string, typeof items>();
    for (const item of items) byStream.set(item.streamId, [...(byStream.get(item.streamId) ?? []), item]);
    const appends: StreamAppend[] = [...byStream].map(([streamId, group]) => ({ streamId, events: group.map((g) => g.event), expectedVersion: 'any' }));
    try {
      const outcome = await this.options.store.appendToStreams(appends);
      outcome.forEach((result, i) => {
        const group = byStream.get(appends[i]!.streamId)!;
        result.events.forEach((e, j) => {
          const index = group[j]!.record.index;
          results.set(index, { index, status: e.status === 'appended' ? 'accepted' : 'duplicate', eventId: e.eventId });
        });
      });
    } catch (error) {
      // A changed resubmission, or an event the store will not take: it fails only itself.
      if (!(error instanceof EventIdConflictError) && !(error instanceof InvalidAppendError)) throw error;
      const [only] = items;
      if (items.length === 1 && only) {
        results.set(only.record.index, { index: only.record.index, status: 'rejected', eventId: only.record.eventId, errors: [error instanceof InvalidAppendError ? notStorable(error) : changedRecord(only.record)] });
        return;
      }
      // Narrow down: each record on its own.
      for (const item of items) await this.appendMeasurements([item], results);
    }
  }

  private async recordGovernanceFact(record: CheckedRecord, principal: Principal, correlationId: string, context: ReturnType<typeof decisionContext>): Promise<RecordResult> {
    const { store } = this.options;
    const index = record.index;
    const event = this.toEvent(record, principal, correlationId);
    const streamId = practiceStreamId(record.data['practiceCode'] as string);
    try {
      // A record seen before is answered by the store's idempotency, not decided again.
      if (await store.readEvent(record.eventId)) {
        const result = await store.appendToStream(streamId, [event], { expectedVersion: 'any' });
        return { index, status: result.status === 'duplicate' ? 'duplicate' : 'accepted', eventId: record.eventId };
      }
      for (let attempt = 1; ; attempt++) {
        const history = await store.readStream(streamId);
        const state = history.reduce(
          (s, e) => evolvePracticeGovernance(s, { type: e.type, data: e.data, occurredAt: e.metadata.occurredAt } as PracticeGovernanceCommand),
          initialPracticeGovernanceState,
        );
        const command = { type: record.type, data: record.data, occurredAt: record.occurredAt } as unknown as PracticeGovernanceCommand;
        decidePracticeGovernance(command, state, context);
        try {
          const result = await store.appendToStream(streamId, [event], { expectedVersion: history.at(-1)?.streamVersion ?? 'no_stream' });
          return { index, status: result.status === 'duplicate' ? 'duplicate' : 'accepted', eventId: record.eventId };
        } catch (error) {
          // Another fact reached this practice first: decide again against the new history.
          if (!(error instanceof WrongExpectedVersionError) || attempt >= GOVERNANCE_ATTEMPTS) throw error;
        }
      }
    } catch (error) {
      if (error instanceof EventIdConflictError) return { index, status: 'rejected', eventId: record.eventId, errors: [changedRecord(record)] };
      if (error instanceof InvalidAppendError) return { index, status: 'rejected', eventId: record.eventId, errors: [notStorable(error)] };
      if (error instanceof Rejection) return { index, status: 'rejected', eventId: record.eventId, errors: [asRecordError(error)] };
      throw error;
    }
  }
}

const INTERNAL_ERROR: RecordError = {
  path: '',
  code: 'INTERNAL_ERROR',
  message: "the platform could not check this record (logged with the request's correlation id): tell the platform team; the other records are unaffected",
};

/** The store refused the event itself (it checks what the envelope should already have): this record's answer alone. */
function notStorable(error: InvalidAppendError): RecordError {
  return { path: '', code: 'NOT_STORABLE', message: `the event store refused this record: ${error.message.replace(/^event \d+: /, '')}` };
}

function changedRecord(record: CheckedRecord): RecordError {
  return {
    path: 'source.recordId',
    code: 'RECORD_CHANGED',
    message: `record ${record.source.recordId} of ${record.source.system} was accepted before with different content; a record cannot change once accepted: send the new fact with a new recordId`,
  };
}

function asRecordError(error: unknown): RecordError {
  if (error instanceof Rejection) return { path: error.path, code: error.code, message: error.message };
  throw error;
}
