import { BACKWARDS, END, FORWARDS, KurrentDBClient, START, StreamNotFoundError } from '@kurrent/kurrentdb-client';
import {
  WrongExpectedVersionError,
  type AppendResult,
  type EventStore,
  type ExpectedVersion,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeToAllOptions,
  type Subscription,
} from '../event-store.port';
import { StoreLifecycle, assertAppendable } from '../store-lifecycle';
import {
  isSystemEvent,
  toEventData,
  toPortError,
  toReadPosition,
  toRecordedEvent,
  toStreamState,
} from './kurrentdb-mapping';

/** Events per request when `readAll` has no `maxCount`. */
const READ_ALL_PAGE = 1_000;

/**
 * The port on KurrentDB (EventStoreDB's successor). Construct it from a connection string such as
 * `kurrentdb://localhost:2113?tls=false` (the store then owns and disposes the client) or from a
 * client the caller keeps owning.
 */
export class KurrentDbEventStore implements EventStore {
  private readonly client: KurrentDBClient;
  private readonly ownsClient: boolean;
  private readonly lifecycle = new StoreLifecycle();

  constructor(connection: string | KurrentDBClient) {
    this.ownsClient = typeof connection === 'string';
    this.client = typeof connection === 'string' ? KurrentDBClient.connectionString(connection) : connection;
  }

  async appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedVersion,
  ): Promise<AppendResult> {
    this.lifecycle.assertOpen();
    assertAppendable(streamId, events, expected);
    const result = await this.client
      .appendToStream(streamId, events.map(toEventData), { streamState: toStreamState(expected) })
      .catch((error: unknown) => Promise.reject(toPortError(error, streamId, expected)));
    // Only when the connection asks not to throw on append failures.
    if (!result.success) throw new WrongExpectedVersionError(streamId, expected, await this.currentVersion(streamId));
    return {
      nextExpectedVersion: Number(result.nextExpectedRevision),
      // The append reports the position of its write as a whole; the port promises the last event's,
      // so read that event back rather than rely on how the server numbers a multi-event write.
      lastGlobalPosition: await this.positionOfRevision(streamId, result.nextExpectedRevision),
    };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.lifecycle.assertOpen();
    const backwards = options.direction === 'backwards';
    if (options.maxCount === 0 || (backwards && (options.fromVersion ?? 0) < 0)) return [];
    const from =
      options.fromVersion === undefined ? (backwards ? END : START) : BigInt(Math.max(0, options.fromVersion));
    return this.readRevisions(streamId, from, options.maxCount, backwards);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.lifecycle.assertOpen();
    if (options.maxCount === 0) return [];
    const events: RecordedEvent[] = [];
    let after = options.after;
    for (;;) {
      const wanted = Math.min(READ_ALL_PAGE, (options.maxCount ?? Infinity) - events.length);
      // A read from a position includes the event at it: ask for one more and drop it below.
      const pageSize = wanted + 1;
      let received = 0;
      for await (const { event } of this.client.readAll({
        fromPosition: toReadPosition(after),
        maxCount: pageSize,
        direction: FORWARDS,
      })) {
        received++;
        if (!event || (after !== undefined && event.position.commit <= after)) continue;
        after = event.position.commit;
        if (!isSystemEvent(event)) events.push(toRecordedEvent(event));
      }
      // System events are filtered here, not on the server, so a short page always means the end.
      if (received < pageSize || events.length >= (options.maxCount ?? Infinity))
        return events.slice(0, options.maxCount);
    }
  }

  subscribeToAll(options: SubscribeToAllOptions): Subscription {
    this.lifecycle.assertOpen();
    const source = this.client.subscribeToAll({ fromPosition: toReadPosition(options.after) });
    let stopped = false;
    // Awaiting `onEvent` before pulling the next event gives one-at-a-time delivery (and backpressure).
    const running = (async () => {
      for await (const { event } of source) {
        if (stopped) return;
        if (!event || isSystemEvent(event) || (options.after !== undefined && event.position.commit <= options.after))
          continue;
        await options.onEvent(toRecordedEvent(event));
      }
      if (!stopped) throw new Error('KurrentDB ended the subscription to $all');
    })()
      .catch((error: unknown) => {
        if (!stopped) options.onError?.(error);
      })
      .finally(() => source.unsubscribe().catch(() => undefined));
    return this.lifecycle.track({
      stop: async () => {
        stopped = true;
        await source.unsubscribe().catch(() => undefined);
        // Cancelling the gRPC call does not end the readable: destroy it so the loop above returns.
        source.destroy();
        await running;
      },
    });
  }

  close(): Promise<void> {
    return this.lifecycle.close(async () => {
      if (this.ownsClient) await this.client.dispose();
    });
  }

  private async readRevisions(
    streamId: string,
    from: bigint | typeof START | typeof END,
    maxCount?: number,
    backwards = false,
  ): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    try {
      for await (const { event } of this.client.readStream(streamId, {
        fromRevision: from,
        maxCount,
        direction: backwards ? BACKWARDS : FORWARDS,
      })) {
        if (event) events.push(toRecordedEvent(event));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  private async positionOfRevision(streamId: string, revision: bigint): Promise<bigint> {
    const [event] = await this.readRevisions(streamId, revision, 1);
    if (!event) throw new Error(`KurrentDB acknowledged revision ${revision} of ${streamId} but does not return it`);
    return event.globalPosition;
  }

  private async currentVersion(streamId: string): Promise<number | 'no_stream'> {
    const [last] = await this.readRevisions(streamId, END, 1, true);
    return last ? last.streamVersion : 'no_stream';
  }
}
