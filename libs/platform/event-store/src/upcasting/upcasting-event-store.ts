import type {
  AppendResult,
  EventStore,
  ExpectedVersion,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeToAllOptions,
  Subscription,
} from '../event-store.port';
import type { UpcasterRegistry } from './upcasters';

/**
 * Either adapter, read at the schema versions this release knows: every event read (a stream, the
 * global log, a subscription, so deciders, processors and the outbox relay alike) is upcast, and every
 * event appended is stamped with its current version. An event that cannot be upcast fails its read
 * (a subscription's processor parks it) rather than being read at the wrong shape.
 */
export class UpcastingEventStore implements EventStore {
  constructor(
    private readonly store: EventStore,
    private readonly upcasters: UpcasterRegistry,
  ) {}

  appendToStream(streamId: string, events: readonly NewEvent[], expected: ExpectedVersion): Promise<AppendResult> {
    return this.store.appendToStream(
      streamId,
      events.map((event) => this.upcasters.stamp(event)),
      expected,
    );
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return (await this.store.readStream(streamId, options)).map((event) => this.upcasters.upcast(event));
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return (await this.store.readAll(options)).map((event) => this.upcasters.upcast(event));
  }

  subscribeToAll(options: SubscribeToAllOptions): Subscription {
    return this.store.subscribeToAll({
      ...options,
      // An unreadable event ends the subscription with an `UpcastError` naming it, for the processor to park.
      onEvent: async (event) => options.onEvent(this.upcasters.upcast(event)),
    });
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
