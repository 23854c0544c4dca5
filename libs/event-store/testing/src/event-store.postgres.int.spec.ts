import { describeEventStoreContract } from './event-store.contract';
import { postgresServer } from './harness';

// The PostgreSQL server on 127.0.0.1:5432 (started by the global set-up if it is down), a fresh
// database per describe block.
describeEventStoreContract(postgresServer);
