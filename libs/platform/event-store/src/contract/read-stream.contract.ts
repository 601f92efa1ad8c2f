import { ExpectedVersion, type EventStore } from '../event-store.port';
import { newEvents, uniqueStreamId } from './contract-fixtures';

export function describeReadStreamContract(store: () => EventStore): void {
  describe('readStream', () => {
    let streamId: string;
    const versions = async (options?: Parameters<EventStore['readStream']>[1]) =>
      (await store().readStream(streamId, options)).map((event) => event.streamVersion);

    beforeAll(async () => {
      streamId = uniqueStreamId('read');
      await store().appendToStream(streamId, newEvents(10), ExpectedVersion.noStream);
    });

    it('returns an empty array for a stream that does not exist', async () => {
      expect(await store().readStream(uniqueStreamId('never-written'))).toEqual([]);
      expect(await store().readStream(uniqueStreamId('never-written'), { direction: 'backwards' })).toEqual([]);
    });

    it('reads forwards from the start by default', async () => {
      expect(await versions()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    });

    it('reads forwards from a version, at most maxCount events', async () => {
      expect(await versions({ fromVersion: 3, maxCount: 4 })).toEqual([3, 4, 5, 6]);
      expect(await versions({ fromVersion: 8, maxCount: 4 })).toEqual([8, 9]);
      expect(await versions({ fromVersion: 10 })).toEqual([]);
    });

    it('reads backwards from the end by default', async () => {
      expect(await versions({ direction: 'backwards' })).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
      expect(await versions({ direction: 'backwards', maxCount: 1 })).toEqual([9]);
    });

    it('reads backwards from a version, at most maxCount events', async () => {
      expect(await versions({ direction: 'backwards', fromVersion: 5, maxCount: 3 })).toEqual([5, 4, 3]);
      expect(await versions({ direction: 'backwards', fromVersion: 1, maxCount: 5 })).toEqual([1, 0]);
    });
  });
}
