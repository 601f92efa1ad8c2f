import { waitFor } from '@carecircle/platform/testing';
import { ExpectedVersion, type EventStore, type RecordedEvent, type Subscription } from '../event-store.port';
import { isStrictlyIncreasing, newEvent, newEvents, positionsOf, uniqueStreamId } from './contract-fixtures';

const WAIT = { timeoutMs: 15_000 };

export function describeSubscriptionContract(store: () => EventStore): void {
  describe('subscribeToAll', () => {
    const subscriptions: Subscription[] = [];
    afterEach(async () => {
      await Promise.all(subscriptions.splice(0).map((subscription) => subscription.stop()));
    });
    const subscribe = (...args: Parameters<EventStore['subscribeToAll']>) => {
      const subscription = store().subscribeToAll(...args);
      subscriptions.push(subscription);
      return subscription;
    };

    it('catches up from a checkpoint, then follows live appends', async () => {
      const streamId = uniqueStreamId('catch-up');
      const checkpoint = (await store().appendToStream(streamId, newEvents(3), ExpectedVersion.noStream))
        .lastGlobalPosition;
      await store().appendToStream(streamId, newEvents(2), ExpectedVersion.exact(2));
      const delivered: RecordedEvent[] = [];

      subscribe({
        after: checkpoint,
        onEvent: async (event) => void (event.streamId === streamId && delivered.push(event)),
      });
      await waitFor(() => delivered.length >= 2, { ...WAIT, description: 'the two events after the checkpoint' });
      await store().appendToStream(streamId, newEvents(2), ExpectedVersion.exact(4));
      await waitFor(() => delivered.length >= 4, { ...WAIT, description: 'the two events appended live' });

      expect(delivered.map((event) => event.streamVersion)).toEqual([3, 4, 5, 6]);
      expect(isStrictlyIncreasing([checkpoint, ...positionsOf(delivered)])).toBe(true);
    });

    it('replays from the beginning without a checkpoint', async () => {
      const streamId = uniqueStreamId('from-start');
      const first = newEvent();
      await store().appendToStream(streamId, [first], ExpectedVersion.noStream);
      const delivered: RecordedEvent[] = [];

      subscribe({ onEvent: async (event) => void (event.streamId === streamId && delivered.push(event)) });

      await waitFor(() => delivered.length >= 1, { ...WAIT, description: 'the stream written before subscribing' });
      expect(delivered.map((event) => event.eventId)).toEqual([first.eventId]);
    });

    it('delivers one event at a time, and stop() waits for the running handler', async () => {
      const { streamId, checkpoint } = await streamAfterCheckpoint(store(), 'serial', 5);
      const handled: number[] = [];
      let running = 0;
      let mostRunning = 0;
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));

      const subscription = subscribe({
        after: checkpoint,
        onEvent: async (event) => {
          if (event.streamId !== streamId) return;
          mostRunning = Math.max(mostRunning, ++running);
          await (event.streamVersion === 3 ? gate : new Promise((resolve) => setImmediate(resolve)));
          handled.push(event.streamVersion);
          running--;
        },
      });
      await waitFor(() => running === 1 && handled.length === 2, {
        ...WAIT,
        description: 'the handler blocked on version 3',
      });
      let stopped = false;
      const stopping = subscription.stop().then(() => (stopped = true));
      await new Promise((resolve) => setImmediate(resolve));

      expect(stopped).toBe(false);
      release();
      await stopping;
      expect(handled).toEqual([1, 2, 3]);
      expect(mostRunning).toBe(1);
    });

    it('reports an error thrown by the handler and ends', async () => {
      const { streamId, checkpoint } = await streamAfterCheckpoint(store(), 'failing', 2);
      const errors: unknown[] = [];
      let calls = 0;

      const subscription = subscribe({
        after: checkpoint,
        onEvent: async (event) => {
          if (event.streamId !== streamId) return;
          calls++;
          throw new Error(`projection failed on version ${event.streamVersion}`);
        },
        onError: (error) => errors.push(error),
      });

      await waitFor(() => errors.length > 0, { ...WAIT, description: 'the handler failure to be reported' });
      await subscription.stop();
      expect(errors).toEqual([new Error('projection failed on version 1')]);
      expect(calls).toBe(1);
    });
  });
}

/** A new stream whose first event is the checkpoint, then `count` events (versions 1 to count) after it. */
async function streamAfterCheckpoint(
  store: EventStore,
  purpose: string,
  count: number,
): Promise<{ streamId: string; checkpoint: bigint }> {
  const streamId = uniqueStreamId(purpose);
  const checkpoint = (await store.appendToStream(streamId, [newEvent('Checkpoint')], ExpectedVersion.noStream))
    .lastGlobalPosition;
  await store.appendToStream(streamId, newEvents(count), ExpectedVersion.exact(0));
  return { streamId, checkpoint };
}
