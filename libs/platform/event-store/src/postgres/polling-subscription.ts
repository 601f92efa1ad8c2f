import type { RecordedEvent, SubscribeToAllOptions, Subscription } from '../event-store.port';

export interface PollingOptions {
  /** Wait between polls once caught up. */
  idleIntervalMs: number;
  batchSize: number;
}

export type ReadBatch = (after: bigint | undefined, maxCount: number) => Promise<RecordedEvent[]>;

/**
 * A catch-up subscription built on a gapless `readAll`: it reads full batches back to back while
 * behind, then polls. Because `readAll` never returns a position lower than one it already returned,
 * following the last delivered position is enough to miss nothing.
 */
export function startPollingSubscription(
  readBatch: ReadBatch,
  options: SubscribeToAllOptions,
  polling: PollingOptions,
): Subscription {
  let stopped = false;
  let wakeUp: (() => void) | undefined;

  const idle = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, polling.idleIntervalMs);
      wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const run = async () => {
    let after = options.after;
    while (!stopped) {
      const batch = await readBatch(after, polling.batchSize);
      for (const event of batch) {
        if (stopped) return;
        await options.onEvent(event);
        after = event.globalPosition;
      }
      if (batch.length < polling.batchSize && !stopped) await idle();
    }
  };

  const running = run().catch((error: unknown) => {
    if (!stopped) options.onError?.(error);
  });

  return {
    stop: async () => {
      stopped = true;
      wakeUp?.();
      await running;
    },
  };
}
