import type { EventStore, EventToAppend, StreamAppend } from '@gpds/event-store';
import { planEvidence, type EvidenceSummary, type HierarchyEvidence, type OrganisationDirectory, type PlannedEvent } from '@gpds/organisations';
import { decodeEventData } from '@gpds/shared-contracts';
import { HIERARCHY_CHANGE_DATES } from '@gpds/shared-reference-data';
import { loadDirectory } from './directory-loader';

/** The source system of the timelines the platform resolves from the evidence. */
export const HIERARCHY_RESOLUTION_SYSTEM = 'gpds-hierarchy';

export interface EvidenceProgress {
  readonly source: string;
  readonly done: number;
  readonly total: number;
}

export interface EvidenceReport {
  readonly source: string;
  /** 'recorded', or 'already recorded' when every observation and the source were in the store and no timeline changed. */
  readonly outcome: 'recorded' | 'already recorded';
  readonly eventsAppended: number;
  readonly eventsDuplicate: number;
  readonly summary: EvidenceSummary;
}

export class EvidenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvidenceError';
  }
}

export interface RecordEvidenceOptions {
  /** The source system of the observations: the mapping files' or the publication's. */
  readonly system: string;
  readonly actor?: string;
  /**
   * The directory as the store holds it (a running platform's live one); loaded from the store
   * when absent. The recorded events are applied to it as they are appended (folding an event
   * twice, as a live subscription then does, changes nothing), so it can check records at once.
   */
  readonly directory?: OrganisationDirectory;
  readonly onProgress?: (progress: EvidenceProgress) => void;
}

/** Streams per transaction: large enough to be quick, small enough to keep one transaction short. */
const STREAMS_PER_APPEND = 1_000;

/**
 * Records a source's hierarchy evidence and brings every organisation timeline it touches up
 * to date (planEvidence): observations first, in transactions of many streams, then the
 * resolved timelines, then the source marker. Idempotent: every event's source record is stable,
 * so recording the same evidence again appends nothing; an interrupted run is completed by the
 * next. Works in any order of sources: the timelines depend on the set of evidence, not its order.
 */
export async function recordHierarchyEvidence(store: EventStore, evidence: HierarchyEvidence, options: RecordEvidenceOptions): Promise<EvidenceReport> {
  const directory = options.directory ?? (await loadDirectory(store)).directory;
  const plan = planEvidence(directory, evidence, HIERARCHY_CHANGE_DATES);
  const timelines = plan.events.filter((e) => e.event.type === 'OrganisationTimelineResolved').length;
  if (plan.alreadyRecorded && timelines === 0) {
    return { source: evidence.source, outcome: 'already recorded', eventsAppended: 0, eventsDuplicate: 0, summary: plan.summary };
  }
  const phases: PlannedEvent[][] = [
    plan.events.filter((e) => e.event.type === 'OrganisationObserved'),
    plan.events.filter((e) => e.event.type === 'OrganisationTimelineResolved'),
    plan.events.filter((e) => e.event.type === 'HierarchySourceRecorded'),
  ];
  const total = plan.events.length;
  let appended = 0;
  let duplicates = 0;
  let done = 0;
  for (const phase of phases) {
    const byStream = new Map<string, PlannedEvent[]>();
    for (const planned of phase) byStream.set(planned.streamId, [...(byStream.get(planned.streamId) ?? []), planned]);
    const appends: StreamAppend[] = [...byStream].map(([streamId, planned]) => ({
      streamId,
      events: planned.map((p) => toEvent(p, evidence, options)),
      expectedVersion: 'any',
    }));
    for (let i = 0; i < appends.length; i += STREAMS_PER_APPEND) {
      const chunk = appends.slice(i, i + STREAMS_PER_APPEND);
      for (const result of await store.appendToStreams(chunk)) {
        for (const e of result.events) {
          if (e.status === 'appended') appended++;
          else duplicates++;
        }
      }
      for (const a of chunk) for (const planned of byStream.get(a.streamId)!) directory.apply(planned.event);
      done += chunk.reduce((n, a) => n + a.events.length, 0);
      options.onProgress?.({ source: evidence.source, done, total });
    }
  }
  return { source: evidence.source, outcome: 'recorded', eventsAppended: appended, eventsDuplicate: duplicates, summary: plan.summary };
}

function toEvent(planned: PlannedEvent, evidence: HierarchyEvidence, options: RecordEvidenceOptions): EventToAppend {
  const { type, data } = planned.event;
  const decoded = decodeEventData(type, 1, data);
  if (!decoded.ok) throw new EvidenceError(`internal: ${type} for ${planned.streamId} breaks its contract: ${decoded.errors.map((e) => e.message).join('; ')}`);
  const resolution = type === 'OrganisationTimelineResolved';
  return {
    type,
    schemaVersion: 1,
    data: decoded.data,
    metadata: {
      occurredAt: `${planned.occurredOn}T00:00:00Z`,
      source: { system: resolution ? HIERARCHY_RESOLUTION_SYSTEM : options.system, recordId: planned.recordId },
      actor: { type: 'importer', id: options.actor ?? 'hierarchy-evidence' },
      correlationId: `hierarchy-${evidence.source.replace(/\s+/g, '-')}`,
    },
  };
}
