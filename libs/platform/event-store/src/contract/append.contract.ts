import { ExpectedVersion, WrongExpectedVersionError, type EventStore } from '../event-store.port';
import {
  expectConflict,
  isStrictlyIncreasing,
  lastOf,
  newEvent,
  newEvents,
  positionsOf,
  rejectionOf,
  uniqueStreamId,
} from './contract-fixtures';

const CONCURRENT_WRITERS = 10;

export function describeAppendContract(store: () => EventStore): void {
  describe('appendToStream', () => {
    it('creates a stream with no_stream and round-trips every field', async () => {
      const streamId = uniqueStreamId('create');
      const formed = newEvent('GroupFormed', { seats: 8, modality: 'in-person', tags: ['closed'] });
      formed.metadata.traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
      const events = [formed, newEvent('SessionScheduled', { week: 1 })];

      const result = await store().appendToStream(streamId, events, ExpectedVersion.noStream);
      const recorded = await store().readStream(streamId);

      expect(result.nextExpectedVersion).toBe(1);
      expect(
        recorded.map(({ eventId, type, data, metadata, streamId: id, streamVersion }) => ({
          eventId,
          type,
          data,
          metadata,
          streamId: id,
          streamVersion,
        })),
      ).toEqual(events.map((event, version) => ({ ...event, streamId, streamVersion: version })));
      expect(
        recorded.every((event) => event.recordedAt instanceof Date && typeof event.globalPosition === 'bigint'),
      ).toBe(true);
      expect(result.lastGlobalPosition).toBe(lastOf(recorded).globalPosition);
      expect(isStrictlyIncreasing(positionsOf(recorded))).toBe(true);
    });

    it('refuses no_stream on an existing stream with the actual version', async () => {
      const streamId = uniqueStreamId('exists');
      await store().appendToStream(streamId, newEvents(3), ExpectedVersion.noStream);

      await expectConflict(store().appendToStream(streamId, [newEvent()], ExpectedVersion.noStream), streamId, 2);
    });

    it('appends at the exact current version and refuses a stale or future one', async () => {
      const streamId = uniqueStreamId('exact');
      await store().appendToStream(streamId, newEvents(2), ExpectedVersion.noStream);

      const next = await store().appendToStream(streamId, newEvents(2), ExpectedVersion.exact(1));
      expect(next.nextExpectedVersion).toBe(3);
      await expectConflict(store().appendToStream(streamId, [newEvent()], ExpectedVersion.exact(1)), streamId, 3);
      await expectConflict(store().appendToStream(streamId, [newEvent()], ExpectedVersion.exact(7)), streamId, 3);
      expect(await store().readStream(streamId)).toHaveLength(4);
    });

    it('refuses an exact version on a stream that does not exist', async () => {
      const streamId = uniqueStreamId('missing');

      await expectConflict(
        store().appendToStream(streamId, [newEvent()], ExpectedVersion.exact(0)),
        streamId,
        'no_stream',
      );
      expect(await store().readStream(streamId)).toEqual([]);
    });

    it('appends with any to new and existing streams', async () => {
      const streamId = uniqueStreamId('any');

      expect((await store().appendToStream(streamId, newEvents(2), ExpectedVersion.any)).nextExpectedVersion).toBe(1);
      expect((await store().appendToStream(streamId, newEvents(1), ExpectedVersion.any)).nextExpectedVersion).toBe(2);
      expect((await store().readStream(streamId)).map((event) => event.streamVersion)).toEqual([0, 1, 2]);
    });

    it('describes a conflict in a typed error', async () => {
      const streamId = uniqueStreamId('typed');
      await store().appendToStream(streamId, [newEvent()], ExpectedVersion.noStream);

      const error = await rejectionOf(store().appendToStream(streamId, [newEvent()], ExpectedVersion.exact(4)));

      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect(error).toMatchObject({ streamId, expected: ExpectedVersion.exact(4), actualVersion: 0 });
      expect((error as Error).message).toBe(`Stream ${streamId}: expected version 4, but it is at version 0`);
    });

    it(`lets exactly one of ${CONCURRENT_WRITERS} concurrent writers at the same version through`, async () => {
      const streamId = uniqueStreamId('race');
      await store().appendToStream(streamId, [newEvent()], ExpectedVersion.noStream);

      const outcomes = await Promise.allSettled(
        Array.from({ length: CONCURRENT_WRITERS }, () =>
          store().appendToStream(streamId, newEvents(2), ExpectedVersion.exact(0)),
        ),
      );

      const winners = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      const losers = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(CONCURRENT_WRITERS - 1);
      for (const error of losers) {
        expect(error).toBeInstanceOf(WrongExpectedVersionError);
        expect(error).toMatchObject({ streamId, actualVersion: 2 });
      }
      expect((await store().readStream(streamId)).map((event) => event.streamVersion)).toEqual([0, 1, 2]);
    });

    it('serialises concurrent writers with any without losing or splitting a batch', async () => {
      const streamId = uniqueStreamId('any-race');
      const batches = Array.from({ length: CONCURRENT_WRITERS }, () => newEvents(2));

      await Promise.all(batches.map((batch) => store().appendToStream(streamId, batch, ExpectedVersion.any)));

      const recorded = await store().readStream(streamId);
      expect(recorded.map((event) => event.streamVersion)).toEqual(
        Array.from({ length: 2 * CONCURRENT_WRITERS }, (_, version) => version),
      );
      for (const batch of batches) {
        const versions = batch.map(
          (event) => recorded.find((candidate) => candidate.eventId === event.eventId)?.streamVersion ?? -1,
        );
        expect(versions[1]).toBe((versions[0] ?? Number.NaN) + 1);
      }
    });

    it('refuses an empty batch and a negative expected version before writing', async () => {
      const streamId = uniqueStreamId('invalid');

      await expect(store().appendToStream(streamId, [], ExpectedVersion.any)).rejects.toThrow(RangeError);
      await expect(store().appendToStream(streamId, [newEvent()], ExpectedVersion.exact(-1))).rejects.toThrow(
        RangeError,
      );
      expect(await store().readStream(streamId)).toEqual([]);
    });
  });
}
