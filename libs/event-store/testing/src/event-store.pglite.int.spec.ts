import { describeEventStoreContract } from './event-store.contract';
import { pglite } from './harness';

// Embedded PGlite, a fresh data directory per describe block.
describeEventStoreContract(pglite);
