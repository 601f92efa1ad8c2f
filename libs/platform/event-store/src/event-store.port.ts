/**
 * The one event-store port every service uses. Two adapters implement it (PostgreSQL, KurrentDB)
 * and both must pass `runEventStoreContract` (see ./contract).
 *
 * Stream versions are 0-based (the first event of a stream has version 0), as KurrentDB revisions are.
 * Global positions are opaque, strictly increasing bigints: compare them, never do arithmetic on them.
 */

/** What the writer expects the stream to look like before the append. */
export type ExpectedVersion = { kind: 'no_stream' } | { kind: 'any' } | { kind: 'exact'; version: number };

export const ExpectedVersion = {
  noStream: { kind: 'no_stream' } as ExpectedVersion,
  any: { kind: 'any' } as ExpectedVersion,
  exact: (version: number): ExpectedVersion => ({ kind: 'exact', version }),
};

/** Cross-cutting facts about an event. No PHI: ids, timestamps and trace context only. */
export interface EventMetadata {
  correlationId: string;
  causationId: string;
  /** ISO-8601 instant from the command's injected clock. */
  occurredAt: string;
  /** W3C trace context of the request that caused the event, so the relay can continue the trace. */
  traceparent?: string;
  tracestate?: string;
  [key: string]: string | undefined;
}

export interface NewEvent<Type extends string = string, Data = unknown> {
  /** UUID chosen by the writer; an append of an eventId the store already holds in that stream is idempotent where the adapter supports it. */
  eventId: string;
  type: Type;
  data: Data;
  metadata: EventMetadata;
}

export interface RecordedEvent<Type extends string = string, Data = unknown> extends NewEvent<Type, Data> {
  streamId: string;
  streamVersion: number;
  globalPosition: bigint;
  recordedAt: Date;
}

export interface AppendResult {
  /** Version of the last event written: pass it as `ExpectedVersion.exact` to the next append. */
  nextExpectedVersion: number;
  lastGlobalPosition: bigint;
}

export interface ReadStreamOptions {
  direction?: 'forwards' | 'backwards';
  /** Inclusive. Forwards defaults to 0, backwards to the stream's end. */
  fromVersion?: number;
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. `undefined` means from the beginning. */
  after?: bigint;
  maxCount?: number;
}

export interface SubscribeToAllOptions {
  after?: bigint;
  /** Called in global order, one at a time; the subscription awaits it before the next event. */
  onEvent: (event: RecordedEvent) => Promise<void>;
  /**
   * The subscription ends after reporting an error (from the store or thrown by `onEvent`): the
   * consumer resubscribes from its own checkpoint, so no event is ever skipped.
   */
  onError?: (error: unknown) => void;
}

export interface Subscription {
  /** Resolves when the subscription has stopped and no `onEvent` call is running. */
  stop(): Promise<void>;
}

export interface EventStore {
  appendToStream(streamId: string, events: readonly NewEvent[], expected: ExpectedVersion): Promise<AppendResult>;
  /** An empty array for a stream that does not exist. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /**
   * The global log after a position. Gapless: an event that commits later never appears at a
   * position lower than one already returned, so a reader that follows positions misses nothing.
   */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Catch-up subscription: replays from `after`, then follows live appends. */
  subscribeToAll(options: SubscribeToAllOptions): Subscription;
  close(): Promise<void>;
}

export class WrongExpectedVersionError extends Error {
  override readonly name = 'WrongExpectedVersionError';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actualVersion: number | 'no_stream',
  ) {
    super(
      `Stream ${streamId}: expected ${describe(expected)}, but it is at ${actualVersion === 'no_stream' ? 'no stream' : `version ${actualVersion}`}`,
    );
  }
}

function describe(expected: ExpectedVersion): string {
  switch (expected.kind) {
    case 'no_stream':
      return 'no stream';
    case 'any':
      return 'any version';
    case 'exact':
      return `version ${expected.version}`;
  }
}
