import { waitFor } from '@carecircle/platform/testing';
import { ExpectedVersion, type EventStore, type RecordedEvent } from '../event-store.port';
import {
  isStrictlyIncreasing,
  lastOf,
  newEvent,
  newEvents,
  positionsOf,
  readAllOfStream,
  uniqueStreamId,
} from './contract-fixtures';

const WRITERS = 8;
const EVENTS_PER_WRITER = 150;
/** Batch sizes cycle so that multi-event transactions interleave with single-event ones. */
const BATCH_SIZES = [1, 2, 3];
const LOAD_TIMEOUT_MS = 60_000;
const CATCH_UP_AFTER_WRITES_MS = 10_000;

/**
 * The global log may show a commit only once every older transaction has finished (the price of
 * being gapless), so a test that reads right after writing waits for its events, with a bound.
 */
function readStreamViaGlobalLog(
  store: EventStore,
  streamId: string,
  count: number,
  after?: bigint,
): Promise<RecordedEvent[]> {
  return waitFor(
    async () => {
      const found = await readAllOfStream(store, streamId, after);
      return found.length >= count ? found : undefined;
    },
    { timeoutMs: 10_000, description: `${count} events of ${streamId} in the global log` },
  );
}

export function describeGlobalLogContract(store: () => EventStore): void {
  describe('readAll', () => {
    it('returns the events strictly after a position, in increasing positions, at most maxCount', async () => {
      const streamId = uniqueStreamId('all');
      await store().appendToStream(streamId, newEvents(4), ExpectedVersion.noStream);
      const all = await readStreamViaGlobalLog(store(), streamId, 4);
      const [first, second] = all as [RecordedEvent, RecordedEvent];

      const after = await readStreamViaGlobalLog(store(), streamId, 3, first.globalPosition);
      const page = await store().readAll({ after: first.globalPosition, maxCount: 1 });

      expect(all.map((event) => event.streamVersion)).toEqual([0, 1, 2, 3]);
      expect(isStrictlyIncreasing(positionsOf(all))).toBe(true);
      expect(after.map((event) => event.streamVersion)).toEqual([1, 2, 3]);
      expect(page).toHaveLength(1);
      expect(page[0]).toEqual(second);
    });

    it('returns every page of the log in strictly increasing positions', async () => {
      const streamId = uniqueStreamId('pages');
      await store().appendToStream(streamId, newEvents(5), ExpectedVersion.noStream);
      await readStreamViaGlobalLog(store(), streamId, 5);

      const log: RecordedEvent[] = [];
      for (
        let page = await store().readAll({ maxCount: 7 });
        page.length > 0;
        page = await store().readAll({ after: lastOf(log).globalPosition, maxCount: 7 })
      ) {
        expect(page.length).toBeLessThanOrEqual(7);
        log.push(...page);
      }

      expect(isStrictlyIncreasing(positionsOf(log))).toBe(true);
      expect(log.filter((event) => event.streamId === streamId)).toHaveLength(5);
    });

    it(
      `never skips an event while ${WRITERS} writers append ${EVENTS_PER_WRITER} events each and a reader follows positions`,
      async () => {
        const marker = await store().appendToStream(
          uniqueStreamId('gaps-marker'),
          [newEvent('ReaderStarted')],
          ExpectedVersion.noStream,
        );
        const run = uniqueStreamId('gaps');
        const total = WRITERS * EVENTS_PER_WRITER;
        const seen: RecordedEvent[] = [];
        let seenOfRunCount = 0;

        let deadline = Date.now() + LOAD_TIMEOUT_MS;
        const reader = (async () => {
          let after = marker.lastGlobalPosition;
          while (seenOfRunCount < total && Date.now() < deadline) {
            const page = await store().readAll({ after, maxCount: 100 });
            seen.push(...page);
            seenOfRunCount += page.filter((event) => event.streamId.startsWith(run)).length;
            if (page.length > 0) after = lastOf(page).globalPosition;
          }
        })();
        const appended = await Promise.all(
          Array.from({ length: WRITERS }, (_, writer) => writeContinuously(store(), `${run}-writer-${writer}`)),
        );
        // Everything is committed: a reader that has not seen it all by then has skipped something.
        deadline = Math.min(deadline, Date.now() + CATCH_UP_AFTER_WRITES_MS);
        await reader;

        const ids = new Set(appended.flat());
        const seenOfRun = seen.filter((event) => event.streamId.startsWith(run));
        const timesSeen = new Map<string, number>();
        for (const event of seenOfRun) timesSeen.set(event.eventId, (timesSeen.get(event.eventId) ?? 0) + 1);
        expect(ids.size).toBe(total);
        expect([...ids].filter((id) => timesSeen.get(id) !== 1)).toEqual([]);
        expect(seenOfRun).toHaveLength(total);
        expect(isStrictlyIncreasing(positionsOf(seen))).toBe(true);
        for (let writer = 0; writer < WRITERS; writer++) {
          const versions = seenOfRun
            .filter((event) => event.streamId === `${run}-writer-${writer}`)
            .map((event) => event.streamVersion);
          expect(versions).toEqual(Array.from({ length: EVENTS_PER_WRITER }, (_, version) => version));
        }
      },
      LOAD_TIMEOUT_MS + 30_000,
    );
  });
}

/** Appends EVENTS_PER_WRITER events in batches of varying size; returns the event ids in order. */
async function writeContinuously(store: EventStore, streamId: string): Promise<string[]> {
  const ids: string[] = [];
  let expected = ExpectedVersion.noStream;
  for (let batch = 0; ids.length < EVENTS_PER_WRITER; batch++) {
    const size = Math.min(BATCH_SIZES[batch % BATCH_SIZES.length] ?? 1, EVENTS_PER_WRITER - ids.length);
    const events = newEvents(size, 'LoadApplied');
    const result = await store.appendToStream(streamId, events, expected);
    expected = ExpectedVersion.exact(result.nextExpectedVersion);
    ids.push(...events.map((event) => event.eventId));
  }
  return ids;
}
