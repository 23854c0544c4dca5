import { START, type Checkpoint, type CheckpointStore, type EventStore, type Subscription } from '@gpds/event-store';
import { ORGANISATION_EVENT_TYPES, OrganisationDirectory, type OrganisationEvent } from '@gpds/organisations';

/**
 * The organisation directory in memory, kept current by a catch-up subscription to the
 * organisation events: an import finishing in another process shows up here within a poll.
 */
export class LiveDirectory {
  private constructor(
    private readonly directory: OrganisationDirectory,
    private readonly subscription: Subscription,
  ) {}

  static async start(store: EventStore): Promise<LiveDirectory> {
    const directory = new OrganisationDirectory();
    // Rebuilt from the start on every run: the directory lives only in this process's memory.
    let position: Checkpoint = START;
    const checkpoints: CheckpointStore = {
      load: async () => position,
      save: async (_id, checkpoint) => void (position = checkpoint),
    };
    const subscription = store.subscribe({
      subscriberId: 'live-organisation-directory',
      categories: ['organisation'],
      batchSize: 5_000,
      checkpoints,
      handler: async (events) => {
        for (const e of events) if (ORGANISATION_EVENT_TYPES.has(e.type)) directory.apply({ type: e.type, data: e.data } as OrganisationEvent);
      },
    });
    await subscription.waitUntilCaughtUp({ timeoutMs: 300_000 });
    return new LiveDirectory(directory, subscription);
  }

  current(): OrganisationDirectory {
    return this.directory;
  }

  /** Resolves once every organisation event committed before the call is in the directory. */
  caughtUp(): Promise<void> {
    return this.subscription.waitUntilCaughtUp();
  }

  async stop(): Promise<void> {
    await this.subscription.stop();
  }
}
