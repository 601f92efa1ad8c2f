import { ExpectedVersion, type EventStore } from '../event-store.port';
import { EventStoreClosedError } from '../store-lifecycle';
import { describeAppendContract } from './append.contract';
import { newEvent, uniqueStreamId } from './contract-fixtures';
import { describeGlobalLogContract } from './global-log.contract';
import { describeReadStreamContract } from './read-stream.contract';
import { describeSubscriptionContract } from './subscription.contract';

export interface EventStoreUnderTest {
  store: EventStore;
  /** Releases what the factory created (pool, client, database). Runs after the store was closed. */
  cleanup(): Promise<void>;
}

export type EventStoreFactory = () => Promise<EventStoreUnderTest>;

/**
 * The behaviour every EventStore adapter must show, as Jest `describe`/`it` blocks. Call it at the
 * top level of an adapter's `*.int.spec.ts`. One store serves the whole suite (tests use streams of
 * their own); the close test asks the factory for a second one.
 */
export function runEventStoreContract(name: string, factory: EventStoreFactory): void {
  describe(`EventStore contract: ${name}`, () => {
    let subject: EventStoreUnderTest | undefined;
    const store = (): EventStore => {
      if (!subject) throw new Error('The event store factory failed: see the beforeAll error');
      return subject.store;
    };

    beforeAll(async () => {
      subject = await factory();
    }, 120_000);
    afterAll(async () => {
      await subject?.store.close();
      await subject?.cleanup();
    });

    describeAppendContract(store);
    describeReadStreamContract(store);
    describeGlobalLogContract(store);
    describeSubscriptionContract(store);

    describe('close', () => {
      it('stops open subscriptions, can be called again, and refuses work afterwards', async () => {
        const { store: closing, cleanup } = await factory();
        try {
          const subscription = closing.subscribeToAll({ onEvent: async () => undefined });

          await Promise.all([closing.close(), closing.close()]);
          await closing.close();
          await subscription.stop();

          await expect(
            closing.appendToStream(uniqueStreamId('closed'), [newEvent()], ExpectedVersion.any),
          ).rejects.toThrow(EventStoreClosedError);
          await expect(closing.readStream(uniqueStreamId('closed'))).rejects.toThrow(EventStoreClosedError);
          await expect(closing.readAll()).rejects.toThrow(EventStoreClosedError);
          expect(() => closing.subscribeToAll({ onEvent: async () => undefined })).toThrow(EventStoreClosedError);
        } finally {
          await cleanup();
        }
      }, 60_000);
    });
  });
}
