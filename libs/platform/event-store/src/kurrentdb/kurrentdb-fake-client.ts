import {
  ANY,
  BACKWARDS,
  END,
  NO_STREAM,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type AppendResult,
  type AppendStreamState,
  type EventData,
  type KurrentDBClient,
  type Position,
  type ReadAllOptions,
  type ReadPosition,
  type ReadStreamOptions,
  type SubscribeToAllOptions,
} from '@kurrent/kurrentdb-client';
import { PassThrough } from 'node:stream';
import type { KurrentStoredEvent } from './kurrentdb-mapping';

type StoredEvent = KurrentStoredEvent & { position: Position };

/**
 * An in-memory stand-in for the parts of KurrentDBClient the adapter calls, written to the
 * server's documented behaviour where the adapter depends on it: reads from a position include the
 * event at it, subscriptions from a position exclude it, a missing stream throws
 * StreamNotFoundError while iterating, the server writes `$`-typed events of its own, and
 * cancelling a subscription does not end its readable. For unit tests of the adapter's mapping
 * where no KurrentDB server can run; the contract suite against a real server stays the authority.
 */
export class FakeKurrentDbClient {
  readonly log: StoredEvent[] = [];
  readonly subscriptions: PassThrough[] = [];
  disposed = false;
  private nextPosition = 1_000n;

  /** What the server reports as the append's position: the first event's, to prove the adapter reads back the last. */
  async appendToStream(
    streamName: string,
    events: EventData | EventData[],
    options: { streamState?: AppendStreamState } = {},
  ): Promise<AppendResult> {
    const batch = Array.isArray(events) ? events : [events];
    const current = this.currentRevision(streamName);
    const expected = options.streamState ?? ANY;
    const matches = expected === ANY || (expected === NO_STREAM ? current === NO_STREAM : expected === current);
    if (!matches) throw new WrongExpectedVersionError(undefined, { streamName, expected, current });
    const first = current === NO_STREAM ? 0n : current + 1n;
    const written = batch.map((event, index) =>
      this.write(streamName, first + BigInt(index), event.type, event.data, event.metadata, event.id),
    );
    return { success: true, nextExpectedRevision: first + BigInt(batch.length - 1), position: written[0]?.position };
  }

  /** A system event, as the server writes them between ours. */
  writeSystemEvent(): void {
    this.write(
      '$stats-127.0.0.1:2113',
      this.currentRevision('$stats') === NO_STREAM ? 0n : 1n,
      '$statsCollected',
      {},
      undefined,
    );
  }

  readStream(streamName: string, options: ReadStreamOptions = {}): AsyncIterableIterator<{ event: StoredEvent }> {
    const events = this.log.filter((event) => event.streamId === streamName);
    const backwards = options.direction === BACKWARDS;
    const from = options.fromRevision ?? (backwards ? END : START);
    const inRange = events.filter((event) =>
      from === START || from === END ? true : backwards ? event.revision <= from : event.revision >= from,
    );
    const ordered = backwards ? inRange.reverse() : inRange;
    const selected = ordered.slice(0, Number(options.maxCount ?? Number.MAX_SAFE_INTEGER));
    return (async function* () {
      if (events.length === 0) throw new StreamNotFoundError(undefined, streamName);
      yield* selected.map((event) => ({ event }));
    })();
  }

  readAll(options: ReadAllOptions = {}): AsyncIterableIterator<AllStreamResolvedEvent> {
    const from = commitOf(options.fromPosition);
    const selected = this.log
      .filter((event) => event.position.commit >= from)
      .slice(0, Number(options.maxCount ?? Number.MAX_SAFE_INTEGER));
    return (async function* () {
      yield* selected.map((event) => ({ event: event as AllStreamResolvedEvent['event'] }));
    })();
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): PassThrough & { unsubscribe(): Promise<void> } {
    const after = commitOf(options.fromPosition);
    const subscription = Object.assign(new PassThrough({ objectMode: true }), { unsubscribe: async () => undefined });
    for (const event of this.log)
      if (event.position.commit > after || options.fromPosition === START) subscription.write({ event });
    this.subscriptions.push(subscription);
    return subscription;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
  }

  asClient(): KurrentDBClient {
    return this as unknown as KurrentDBClient;
  }

  private write(
    streamId: string,
    revision: bigint,
    type: string,
    data: unknown,
    metadata: unknown,
    id = `${streamId}@${revision}`,
  ): StoredEvent {
    const position = { commit: this.nextPosition, prepare: this.nextPosition };
    this.nextPosition += 137n;
    const event: StoredEvent = {
      id,
      streamId,
      revision,
      type,
      data,
      metadata,
      created: new Date('2026-03-01T09:30:00Z'),
      position,
    };
    this.log.push(event);
    for (const subscription of this.subscriptions) if (!subscription.destroyed) subscription.write({ event });
    return event;
  }

  private currentRevision(streamName: string): bigint | typeof NO_STREAM {
    const last = this.log.filter((event) => event.streamId === streamName).at(-1);
    return last ? last.revision : NO_STREAM;
  }
}

function commitOf(position: ReadPosition | undefined): bigint {
  return position === undefined || position === START
    ? -1n
    : position === END
      ? BigInt(Number.MAX_SAFE_INTEGER)
      : position.commit;
}
