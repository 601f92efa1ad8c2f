import type { DataSource, EntityManager } from 'typeorm';
import { UpcastError, type EventStore, type RecordedEvent, type Subscription } from '@carecircle/platform/event-store';
import { isTransientError, jitteredBackoffDelayMs, type Backoff } from '@carecircle/platform/messaging';
import type { Pool } from 'pg';
import { ProcessorLease } from './processor-lease';
import { findParkedEvent, forgetParkedEvent, parkEvent, recordFailedReplay } from './parked-events';

export interface EventProcessorLogger {
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface EventProcessorOptions {
  /** Names the processor in logs and parked rows. */
  name: string;
  store: Pick<EventStore, 'subscribeToAll' | 'readAll'>;
  dataSource: DataSource;
  /** Where to resume: the last position the processor has fully handled. */
  readCheckpoint(): Promise<bigint | undefined>;
  /** Handles one event and moves the checkpoint, idempotently (a replay after a crash repeats it). */
  handle(event: RecordedEvent): Promise<void>;
  /** Moves the checkpoint past a parked event, in the transaction that parks it. */
  skip(tx: EntityManager, position: bigint): Promise<void>;
  /**
   * Handles a parked event once more, on an operator's request, after later events were handled: it
   * must not depend on the checkpoint. Default `handle`.
   */
  replay?(event: RecordedEvent): Promise<void>;
  logger: EventProcessorLogger;
  /** Tries of one event before it is parked. Default 5. */
  maxAttempts?: number;
  /** Between tries of one event, and before resubscribing after an outage. */
  backoff?: Partial<Backoff>;
  clock?: () => Date;
  random?: () => number;
  /**
   * Where the processor's lease comes from (`leasePoolOf`): with one, a single replica runs it at a time
   * and the others stand by, trying again every `standbyRetryMs`. Without, every instance runs it.
   */
  leasePool?: Pick<Pool, 'connect'>;
  /** Default 2 s. */
  standbyRetryMs?: number;
}

export type ReplayOutcome =
  { outcome: 'replayed' } | { outcome: 'failed'; errorClass: string } | { outcome: 'not-parked' };

export interface EventProcessorStatus {
  running: boolean;
  /** Holds the lease and follows the log; false while another replica does (a standby). */
  active: boolean;
  /** Consecutive failures of the subscription (an outage); 0 once an event is handled again. */
  consecutiveFailures: number;
  lastErrorClass?: string;
  parkedSinceStart: number;
}

const DEFAULT_BACKOFF: Backoff = { initialDelayMs: 200, maxDelayMs: 10_000, multiplier: 2 };

/**
 * Follows a service's own log from its checkpoint, one event at a time. An event that fails is tried
 * again in place; after `maxAttempts` it is parked (position, id, type, error class) and the checkpoint
 * moves past it in one transaction, so one bad event cannot stop the processor. An outage (the database
 * or a connection away) never parks: the subscription ends and resumes from the checkpoint after a
 * jittered, capped backoff, for as long as it takes.
 */
export class EventProcessor {
  private subscription: Subscription | undefined;
  private stopping = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly backoff: Backoff;
  private readonly maxAttempts: number;
  private readonly state: EventProcessorStatus = {
    running: false,
    active: false,
    consecutiveFailures: 0,
    parkedSinceStart: 0,
  };
  private readonly lease: ProcessorLease | undefined;
  private standbyTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: EventProcessorOptions) {
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.lease = options.leasePool && new ProcessorLease(options.leasePool, options.name);
  }

  async start(): Promise<void> {
    this.stopping = false;
    this.state.running = true;
    await this.lead();
  }

  /** Resolves once no event is being handled. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.standbyTimer);
    await this.subscription?.stop();
    await this.lease?.release();
    this.state.running = false;
    this.state.active = false;
  }

  /** Follows the log once it holds the lease (at once without one); otherwise stands by and tries again. */
  private async lead(): Promise<void> {
    if (this.stopping) return;
    let leading = true;
    try {
      if (this.lease) leading = await this.lease.tryAcquire((error) => void this.standDown(error));
    } catch (error) {
      leading = false;
      this.options.logger.warn({ processor: this.options.name, errorClass: errorClass(error) }, 'lease not taken');
    }
    if (!leading) return this.standBy();
    // Stopped while the lease was being taken: give it back rather than hold it past the stop.
    if (this.stopping) return this.lease?.release();
    this.state.active = true;
    await this.subscribe();
  }

  private standBy(): void {
    if (this.stopping) return;
    this.standbyTimer = setTimeout(() => void this.lead(), this.options.standbyRetryMs ?? 2_000);
    this.standbyTimer.unref();
  }

  /** The lease's connection ended: another replica may be taking over, so this one stops and stands by. */
  private async standDown(error: unknown): Promise<void> {
    this.state.active = false;
    clearTimeout(this.retryTimer);
    this.options.logger.warn(
      { processor: this.options.name, errorClass: errorClass(error) },
      'processor lease lost; standing by',
    );
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.stop();
    this.standBy();
  }

  get name(): string {
    return this.options.name;
  }

  status(): EventProcessorStatus {
    return { ...this.state };
  }

  /** An operator's replay of one parked event: handled once, then forgotten; a failure stays parked. */
  async replayParked(position: bigint): Promise<ReplayOutcome> {
    const { name, dataSource, store } = this.options;
    const parked = await findParkedEvent(dataSource.manager, name, position);
    if (!parked) return { outcome: 'not-parked' };
    try {
      // Read inside the try: an event this release still cannot read (`UpcastError`) stays parked.
      const [event] = await store.readAll({ after: position - 1n, maxCount: 1 });
      if (event?.globalPosition !== position) return { outcome: 'failed', errorClass: 'EventNotFound' };
      await (this.options.replay ?? this.options.handle)(event);
    } catch (error) {
      await recordFailedReplay(dataSource.manager, name, position, errorClass(error));
      return { outcome: 'failed', errorClass: errorClass(error) };
    }
    await forgetParkedEvent(dataSource.manager, name, position);
    return { outcome: 'replayed' };
  }

  private async subscribe(): Promise<void> {
    if (this.stopping || !this.state.active) return;
    let after: bigint | undefined;
    try {
      after = await this.options.readCheckpoint();
    } catch (error) {
      this.resubscribeLater(error);
      return;
    }
    this.subscription = this.options.store.subscribeToAll({
      after,
      onEvent: (event) => this.handleWithRetries(event),
      onError: (error) => void this.recover(error),
    });
  }

  /** An event this release cannot read will never be read: it is parked at once and the rest go on. */
  private async recover(error: unknown): Promise<void> {
    if (!(error instanceof UpcastError) || this.stopping) return this.resubscribeLater(error);
    try {
      await this.park(error.event, error, 1);
    } catch (parkError) {
      return this.resubscribeLater(parkError);
    }
    await this.subscribe();
  }

  private resubscribeLater(error: unknown): void {
    if (this.stopping) return;
    const failures = ++this.state.consecutiveFailures;
    this.state.lastErrorClass = errorClass(error);
    const delayMs = jitteredBackoffDelayMs(this.backoff, failures, this.options.random);
    const log = failures === 1 ? this.options.logger.warn : this.options.logger.error;
    log.call(
      this.options.logger,
      {
        processor: this.options.name,
        errorClass: this.state.lastErrorClass,
        consecutiveFailures: failures,
        retryInMs: delayMs,
      },
      'processor stopped; resubscribing from its checkpoint',
    );
    this.retryTimer = setTimeout(() => void this.subscribe(), delayMs);
    this.retryTimer.unref();
  }

  private async handleWithRetries(event: RecordedEvent): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.options.handle(event);
        this.state.consecutiveFailures = 0;
        return;
      } catch (error) {
        // An outage or a stop ends the subscription (resumed from the checkpoint); only the event's own failures count.
        if (this.stopping || isTransientError(error)) throw error;
        if (attempt >= this.maxAttempts) return this.park(event, error, attempt);
        await new Promise((resolve) =>
          setTimeout(resolve, jitteredBackoffDelayMs(this.backoff, attempt, this.options.random)),
        );
      }
    }
  }

  private async park(
    event: Pick<RecordedEvent, 'eventId' | 'type' | 'globalPosition'>,
    error: unknown,
    attempts: number,
  ): Promise<void> {
    const { name, dataSource, clock } = this.options;
    await dataSource.transaction(async (tx) => {
      await parkEvent(tx, {
        processor: name,
        globalPosition: event.globalPosition,
        eventId: event.eventId,
        eventType: event.type,
        errorClass: errorClass(error),
        attempts,
        parkedAt: clock?.() ?? new Date(),
      });
      await this.options.skip(tx, event.globalPosition);
    });
    this.state.parkedSinceStart++;
    this.options.logger.error(
      {
        processor: name,
        eventId: event.eventId,
        eventType: event.type,
        position: event.globalPosition.toString(),
        errorClass: errorClass(error),
        attempts,
      },
      'event parked; the processor goes on without it',
    );
  }
}

/** The class only: a message could carry data from the event. */
function errorClass(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
