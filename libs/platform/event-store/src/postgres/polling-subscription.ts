import type { RecordedEvent, SubscribeToAllOptions, Subscription } from '../event-store.port';

export interface PollingOptions {
  /** Wait between polls once caught up. */
  idleIntervalMs: number;
  batchSize: number;
  /**
   * Subscribes a listener to "the log has grown" (the store's `LogAppendSignal`) and returns its
   * unsubscribe: the subscription then reads as soon as an append commits instead of at its next poll.
   */
  wakeOn?: (wake: () => void) => () => void;
}

export type ReadBatch = (after: bigint | undefined, maxCount: number) => Promise<RecordedEvent[]>;

/** The first follow-up read after a signalled append; each next one waits twice as long, up to the poll. */
const FOLLOW_UP_FIRST_MS = 10;

/**
 * A catch-up subscription built on a gapless `readAll`: it reads full batches back to back while
 * behind, then polls. Because `readAll` never returns a position lower than one it already returned,
 * following the last delivered position is enough to miss nothing. With `wakeOn`, an append wakes it
 * from the idle wait; one that comes while it reads or handles makes it read again without waiting.
 * A signalled append may not be readable yet: the log holds a position back while an older transaction
 * anywhere on the server is open. So after a signal it also reads again at growing intervals (10 ms,
 * doubling) until they reach the poll interval, rather than waiting out a whole poll for it.
 */
export function startPollingSubscription(
  readBatch: ReadBatch,
  options: SubscribeToAllOptions,
  polling: PollingOptions,
): Subscription {
  let stopped = false;
  let wakeUp: (() => void) | undefined;
  /** An append signalled since the last read began: that read may have missed it. */
  let appendedSinceRead = false;
  const unsubscribe = polling.wakeOn?.(() => {
    appendedSinceRead = true;
    wakeUp?.();
  });

  const idle = (waitMs: number) =>
    new Promise<void>((resolve) => {
      if (appendedSinceRead) return resolve();
      const timer = setTimeout(resolve, waitMs);
      wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => (wakeUp = undefined));

  const run = async () => {
    let after = options.after;
    /** The wait before the next follow-up read of a signalled append; undefined: none due. */
    let followUpMs: number | undefined;
    while (!stopped) {
      if (appendedSinceRead) followUpMs = FOLLOW_UP_FIRST_MS;
      appendedSinceRead = false;
      const batch = await readBatch(after, polling.batchSize);
      for (const event of batch) {
        if (stopped) return;
        await options.onEvent(event);
        after = event.globalPosition;
      }
      if (batch.length < polling.batchSize && !stopped) {
        const waitMs = followUpMs ?? polling.idleIntervalMs;
        followUpMs = followUpMs !== undefined && followUpMs * 2 < polling.idleIntervalMs ? followUpMs * 2 : undefined;
        await idle(waitMs);
      }
    }
  };

  const running = run()
    .catch((error: unknown) => {
      if (!stopped) options.onError?.(error);
    })
    .finally(() => unsubscribe?.());

  return {
    stop: async () => {
      stopped = true;
      wakeUp?.();
      await running;
    },
  };
}
