import type { Pool } from 'pg';
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
import { StoreLifecycle, assertAppendable } from '../store-lifecycle';
import type { LogAppendSignal } from './log-append-signal';
import { AppendGroups } from './postgres-append-group';
import {
  asQuery,
  EVENT_COLUMNS,
  EXACT_INT8,
  toRecordedEvent,
  type EventRow,
  type NamedStatement,
} from './postgres-rows';
import { startPollingSubscription } from './polling-subscription';

export interface PostgresEventStoreOptions {
  /** How long a caught-up subscription waits before polling again. Default 50 ms. */
  pollIntervalMs?: number;
  /** Events a subscription reads per query. Default 500. */
  subscriptionBatchSize?: number;
  /** End the pool on `close()`. Default false: whoever created the pool ends it. */
  endPoolOnClose?: boolean;
  /** Prepare the hot statements once per connection. Default true; false where connections share one session (PGlite). */
  namedStatements?: boolean;
  /**
   * Signalled after each append has committed (wakes the outbox relays and this store's subscriptions). Only for a store over a pool:
   * over a client inside a caller's transaction, the caller signals once that transaction commits.
   */
  appendSignal?: LogAppendSignal;
}

/** Highest value of the `integer` stream_version column: "from the end" when reading backwards. */
const LAST_POSSIBLE_VERSION = 2_147_483_647;

/**
 * Only rows whose position lies below the first position the oldest running transaction could
 * take, i.e. rows of finished transactions: positions start with the transaction id (see the
 * migration), and every transaction that can still commit has an id >= xmin of our snapshot.
 * The same snapshot decides visibility, so every row in that range is visible or rolled back.
 * The price: transaction ids are server-wide, so a long transaction in any database of the server
 * holds back what readers see until it ends (they wait; they never skip). Keep transactions short.
 */
const READ_ALL = {
  name: 'event_store_read_all',
  text: `
  SELECT ${EVENT_COLUMNS} FROM event_store.events
  WHERE global_position > $1::bigint
    AND global_position < (pg_snapshot_xmin(pg_current_snapshot())::text::bigint << 20)
  ORDER BY global_position
  LIMIT $2`,
};

const READ_FORWARDS = {
  name: 'event_store_read_forwards',
  text: `
  SELECT ${EVENT_COLUMNS} FROM event_store.events
  WHERE stream_id = $1 AND stream_version >= $2
  ORDER BY stream_version LIMIT $3`,
};

const READ_BACKWARDS = {
  name: 'event_store_read_backwards',
  text: `
  SELECT ${EVENT_COLUMNS} FROM event_store.events
  WHERE stream_id = $1 AND stream_version <= $2
  ORDER BY stream_version DESC LIMIT $3`,
};

/** The default adapter. Needs the schema of `eventStoreMigrations`. */
export class PostgresEventStore implements EventStore {
  private readonly lifecycle = new StoreLifecycle();
  private readonly appendGroups: AppendGroups;

  constructor(
    private readonly pool: Pool,
    private readonly options: PostgresEventStoreOptions = {},
  ) {
    this.appendGroups = new AppendGroups(pool, options.namedStatements ?? true);
  }

  async appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedVersion,
  ): Promise<AppendResult> {
    this.lifecycle.assertOpen();
    assertAppendable(streamId, events, expected);
    const result = await this.appendGroups.append(streamId, events, expected);
    this.options.appendSignal?.appended();
    return result;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.lifecycle.assertOpen();
    const backwards = options.direction === 'backwards';
    const from = options.fromVersion ?? (backwards ? LAST_POSSIBLE_VERSION : 0);
    return this.select(backwards ? READ_BACKWARDS : READ_FORWARDS, [streamId, from, options.maxCount ?? null]);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.lifecycle.assertOpen();
    return this.readGlobalLog(options.after, options.maxCount);
  }

  subscribeToAll(options: SubscribeToAllOptions): Subscription {
    this.lifecycle.assertOpen();
    const signal = this.options.appendSignal;
    const subscription = startPollingSubscription((after, maxCount) => this.readGlobalLog(after, maxCount), options, {
      idleIntervalMs: this.options.pollIntervalMs ?? 50,
      batchSize: this.options.subscriptionBatchSize ?? 500,
      // Processors follow the log as appends commit (here or in another replica); the poll stays as the fallback.
      wakeOn: signal && ((wake) => signal.subscribe(wake)),
    });
    return this.lifecycle.track(subscription);
  }

  close(): Promise<void> {
    return this.lifecycle.close(async () => {
      if (this.options.endPoolOnClose) await this.pool.end();
    });
  }

  private readGlobalLog(after: bigint | undefined, maxCount: number | undefined): Promise<RecordedEvent[]> {
    return this.select(READ_ALL, [(after ?? -1n).toString(), maxCount ?? null]);
  }

  private async select(query: NamedStatement, values: unknown[]): Promise<RecordedEvent[]> {
    const { rows } = await this.pool.query<EventRow>({
      ...asQuery(query, this.options.namedStatements ?? true),
      values,
      types: EXACT_INT8,
    });
    return rows.map(toRecordedEvent);
  }
}
