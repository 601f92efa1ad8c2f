import type { ExpectedVersion, NewEvent, Subscription } from './event-store.port';

/** Thrown by every operation on a store after `close()`. */
export class EventStoreClosedError extends Error {
  override readonly name = 'EventStoreClosedError';
  constructor() {
    super('The event store is closed');
  }
}

/**
 * What both adapters share about their own life: reject work once closed, stop the subscriptions
 * they started when closing, and make a second `close()` a no-op.
 */
export class StoreLifecycle {
  private readonly subscriptions = new Set<Subscription>();
  private closing: Promise<void> | undefined;

  assertOpen(): void {
    if (this.closing) throw new EventStoreClosedError();
  }

  /** Returns a subscription whose `stop()` also forgets it, so a closed store does not stop it twice. */
  track(subscription: Subscription): Subscription {
    const tracked: Subscription = {
      stop: async () => {
        this.subscriptions.delete(tracked);
        await subscription.stop();
      },
    };
    this.subscriptions.add(tracked);
    return tracked;
  }

  close(releaseResources: () => Promise<void>): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
      await releaseResources();
    })();
    return this.closing;
  }
}

/** Inputs no adapter can store faithfully are refused before any I/O. */
export function assertAppendable(streamId: string, events: readonly NewEvent[], expected: ExpectedVersion): void {
  if (streamId.length === 0) throw new RangeError('A stream id must not be empty');
  if (events.length === 0) throw new RangeError(`Nothing to append to stream ${streamId}: pass at least one event`);
  if (expected.kind === 'exact' && !(Number.isSafeInteger(expected.version) && expected.version >= 0)) {
    throw new RangeError(
      `Expected version must be a non-negative integer (got ${expected.version}); use ExpectedVersion.noStream for a new stream`,
    );
  }
}
