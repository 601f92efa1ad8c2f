import { waitFor } from '@carecircle/platform/testing';
import { newEvent } from '../contract/contract-fixtures';
import type { RecordedEvent } from '../event-store.port';
import { startPollingSubscription, type ReadBatch } from './polling-subscription';

function recorded(position: number): RecordedEvent {
  return {
    ...newEvent(),
    streamId: 'stream',
    streamVersion: position,
    globalPosition: BigInt(position),
    recordedAt: new Date(0),
  };
}

/** A global log of `count` events read in batches, recording the `after` of every read. */
function logOf(count: number): { read: ReadBatch; reads: Array<bigint | undefined>; append(): void } {
  const events = Array.from({ length: count }, (_, index) => recorded(index + 1));
  const reads: Array<bigint | undefined> = [];
  return {
    reads,
    read: async (after, maxCount) => {
      reads.push(after);
      return events.filter((event) => after === undefined || event.globalPosition > after).slice(0, maxCount);
    },
    append: () => events.push(recorded(events.length + 1)),
  };
}

describe('startPollingSubscription', () => {
  it('reads full batches back to back from the checkpoint, then polls for new events', async () => {
    const log = logOf(7);
    const delivered: bigint[] = [];

    const subscription = startPollingSubscription(
      log.read,
      { after: 2n, onEvent: async (event) => void delivered.push(event.globalPosition) },
      { idleIntervalMs: 5, batchSize: 2 },
    );
    await waitFor(() => delivered.length === 5, {
      timeoutMs: 2_000,
      description: 'the five events after the checkpoint',
    });
    log.append();
    await waitFor(() => delivered.length === 6, { timeoutMs: 2_000, description: 'the event appended later' });
    await subscription.stop();

    expect(delivered).toEqual([3n, 4n, 5n, 6n, 7n, 8n]);
    expect(log.reads.slice(0, 4)).toEqual([2n, 4n, 6n, 7n]);
  });

  it('reads a signalled append the log held back soon after it becomes readable, not at the next poll', async () => {
    const log = logOf(1);
    let readable = 1; // the log holds later positions back (an older transaction is open)
    const heldBack: ReadBatch = async (after, maxCount) =>
      (await log.read(after, maxCount)).filter((event) => event.globalPosition <= BigInt(readable));
    let signal: () => void = () => undefined;
    const delivered: bigint[] = [];
    const subscription = startPollingSubscription(
      heldBack,
      { onEvent: async (event) => void delivered.push(event.globalPosition) },
      {
        idleIntervalMs: 60_000,
        batchSize: 10,
        wakeOn: (wake) => ((signal = wake), () => undefined),
      },
    );
    try {
      await waitFor(() => delivered.length === 1, { timeoutMs: 2_000, description: 'the first event' });
      log.append();
      signal(); // committed, but not readable yet
      await waitFor(() => log.reads.length >= 3, { timeoutMs: 2_000, description: 'the read the signal woke' });
      expect(delivered).toEqual([1n]);
      readable = 2; // the older transaction ended: no further signal comes
      await waitFor(() => delivered.length === 2, {
        timeoutMs: 5_000,
        description: 'the held-back event, read by a follow-up long before the 60 s poll',
      });
    } finally {
      await subscription.stop();
    }
    expect(delivered).toEqual([1n, 2n]);
  });

  it('reports a failed read once and ends', async () => {
    const errors: unknown[] = [];
    let reads = 0;
    const failing: ReadBatch = async () => {
      reads++;
      throw new Error('connection reset');
    };

    const subscription = startPollingSubscription(
      failing,
      { onEvent: async () => undefined, onError: (error) => errors.push(error) },
      { idleIntervalMs: 5, batchSize: 10 },
    );
    await waitFor(() => errors.length === 1, { timeoutMs: 2_000, description: 'the read failure' });
    await subscription.stop();

    expect(errors).toEqual([new Error('connection reset')]);
    expect(reads).toBe(1);
  });

  it('stops promptly while waiting between polls', async () => {
    const log = logOf(0);
    const subscription = startPollingSubscription(
      log.read,
      { onEvent: async () => undefined },
      { idleIntervalMs: 60_000, batchSize: 10 },
    );
    await waitFor(() => log.reads.length === 1, { timeoutMs: 2_000, description: 'the first poll' });

    await subscription.stop();

    expect(log.reads).toHaveLength(1);
  });

  /** A stand-in for the store's LogAppendSignal: what `wakeOn` subscribed, and whether it let go. */
  function signal(): { wakeOn: (wake: () => void) => () => void; appended(): void; listeners: number } {
    const listeners = new Set<() => void>();
    return {
      wakeOn: (wake) => {
        listeners.add(wake);
        return () => listeners.delete(wake);
      },
      appended: () => listeners.forEach((wake) => wake()),
      get listeners() {
        return listeners.size;
      },
    };
  }

  it('reads at once when an append is signalled, not at its next poll, and lets go of the signal when stopped', async () => {
    const log = logOf(1);
    const appends = signal();
    const delivered: bigint[] = [];
    const subscription = startPollingSubscription(
      log.read,
      { onEvent: async (event) => void delivered.push(event.globalPosition) },
      { idleIntervalMs: 60_000, batchSize: 10, wakeOn: appends.wakeOn },
    );
    await waitFor(() => delivered.length === 1, { timeoutMs: 2_000, description: 'the first event' });
    log.append();
    appends.appended();
    await waitFor(() => delivered.length === 2, { timeoutMs: 2_000, description: 'the appended event, woken' });
    expect(appends.listeners).toBe(1);
    await subscription.stop();

    expect(delivered).toEqual([1n, 2n]);
    expect(appends.listeners).toBe(0);
  });

  it('reads again without waiting when an append was signalled while it was handling a batch', async () => {
    const log = logOf(1);
    const appends = signal();
    const delivered: bigint[] = [];
    const subscription = startPollingSubscription(
      log.read,
      {
        onEvent: async (event) => {
          delivered.push(event.globalPosition);
          // Committed after the read that brought this event began: that read could not see it.
          if (event.globalPosition === 1n) {
            log.append();
            appends.appended();
          }
        },
      },
      { idleIntervalMs: 60_000, batchSize: 10, wakeOn: appends.wakeOn },
    );
    await waitFor(() => delivered.length === 2, {
      timeoutMs: 2_000,
      description: 'the event appended during the handling of the first',
    });
    await subscription.stop();

    expect(delivered).toEqual([1n, 2n]);
  });

  it('lets go of the signal when a read fails', async () => {
    const appends = signal();
    const errors: unknown[] = [];
    startPollingSubscription(
      async () => {
        throw new Error('connection reset');
      },
      { onEvent: async () => undefined, onError: (error) => errors.push(error) },
      { idleIntervalMs: 5, batchSize: 10, wakeOn: appends.wakeOn },
    );
    await waitFor(() => errors.length === 1 && appends.listeners === 0, {
      timeoutMs: 2_000,
      description: 'the failure to end the subscription and its listener',
    });
  });
});
