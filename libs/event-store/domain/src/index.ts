export { CatchUpSubscription } from './catch-up-subscription';
export { Subscriptions } from './subscriptions';
export { compareCheckpoints } from './checkpoint';
export { EventIdConflictError, InvalidAppendError, WrongExpectedVersionError } from './errors';
export { canonicalJson, contentHash, contentHashOf, eventIdForOwner, eventIdFromSource, streamCategory } from './identity';
export { type CheckpointStore, type EventStore, type StoreLock, type Subscription, type SubscriptionOptions, type SubscriptionSource } from './ports';
export {
  type AppendedEventStatus,
  type AppendOptions,
  type AppendResult,
  type Checkpoint,
  type EventToAppend,
  type ExpectedVersion,
  type ReadAllBatch,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  START,
  type StreamAppend,
} from './types';
export { checkEventForStorage, prepareStreamEvents, type CheckedEvent } from './prepare';
export { UpcasterRegistry } from './upcasting';
export { assertValidEvent, assertValidExpectedVersion, assertValidStreamId, MAX_EVENT_BYTES, MAX_EVENTS_PER_APPEND } from './validation';
