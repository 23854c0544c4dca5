import { Global, Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { EventStore } from '@gpds/event-store';
import type { EventStoreWithDatabase, OpenedEventStore } from '@gpds/event-store-postgres';

export const EVENT_STORE = Symbol('EVENT_STORE');
export const OPENED_EVENT_STORE = Symbol('OPENED_EVENT_STORE');

/** Closes the store (subscriptions, pool or embedded database) when the application stops. */
@Injectable()
class EventStoreLifecycle implements OnApplicationShutdown {
  constructor(@Inject(OPENED_EVENT_STORE) private readonly opened: OpenedEventStore<EventStoreWithDatabase>) {}
  async onApplicationShutdown(): Promise<void> {
    await this.opened.close();
  }
}

/** Makes an already opened event store injectable as `EVENT_STORE` (the port, not the adapter). */
@Global()
@Module({})
export class EventStoreModule {
  static forStore(opened: OpenedEventStore<EventStoreWithDatabase>): DynamicModule {
    return {
      module: EventStoreModule,
      providers: [
        { provide: OPENED_EVENT_STORE, useValue: opened },
        { provide: EVENT_STORE, useValue: opened.store satisfies EventStore },
        EventStoreLifecycle,
      ],
      exports: [EVENT_STORE, OPENED_EVENT_STORE],
    };
  }
}
