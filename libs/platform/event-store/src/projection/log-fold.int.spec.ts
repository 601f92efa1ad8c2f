import { createTestDatabase, waitFor, type TestDatabase } from '@carecircle/platform/testing';
import { Pool } from 'pg';
import { newEvent, uniqueStreamId } from '../contract/contract-fixtures';
import { ExpectedVersion, type EventStore, type RecordedEvent } from '../event-store.port';
import { eventStoreMigrations } from '../postgres/migrations';
import { PostgresEventStore } from '../postgres/postgres-event-store';
import { runMigrations } from '../postgres/run-migrations';
import { SCHEMA_VERSION_KEY, UpcasterRegistry } from '../upcasting/upcasters';
import { UpcastingEventStore } from '../upcasting/upcasting-event-store';
import { foldLog } from './log-fold';

let database: TestDatabase;
let pool: Pool;
let store: PostgresEventStore;
/** The log as the test wrote it: 11 events over three streams, interleaved. */
let log: RecordedEvent[];

beforeAll(async () => {
  database = await createTestDatabase('log_fold');
  await runMigrations(database.url, eventStoreMigrations);
  pool = new Pool({ connectionString: database.url, max: 4 });
  pool.on('error', (error: Error & { code?: string }) => {
    if (error.code !== '57P01') throw error; // the database dropped under a closing connection
  });
  store = new PostgresEventStore(pool);
  const streams = [uniqueStreamId('fold_a'), uniqueStreamId('fold_b'), uniqueStreamId('fold_c')];
  for (let index = 0; index < 11; index++)
    await store.appendToStream(streams[index % 3] ?? '', [newEvent('Counted', { index })], ExpectedVersion.any);
  // The log holds positions back while an older transaction anywhere on the server is open.
  log = await waitFor(async () => ((await store.readAll()).length === 11 ? store.readAll() : undefined), {
    timeoutMs: 20_000,
    description: 'the 11 appended events to be readable from the log',
  });
}, 60_000);

afterAll(async () => {
  await store?.close();
  await pool?.end();
  await database?.drop();
});

const at = (index: number): bigint => {
  const event = log[index];
  if (!event) throw new Error(`no event at ${index}`);
  return event.globalPosition;
};
const range = (after: bigint, until: bigint) => ({ after: String(after), until: String(until) });

/** A fold that records the pages `apply` and `page` see. */
function recorder() {
  const applied: RecordedEvent[][] = [];
  const pages: number[] = [];
  return {
    applied,
    pages,
    apply: async (events: readonly RecordedEvent[]) => void applied.push([...events]),
    page: async (events: number) => void pages.push(events),
  };
}

/** One turn of the event loop: long enough for a rejection nobody handles to fail the test (Jest fails it). */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('foldLog over a PostgreSQL event store', () => {
  it('folds exactly the events after `after` up to and including `until`, in order, a page at a time', async () => {
    expect(log).toHaveLength(11);
    const fold = recorder();

    const folded = await foldLog(store, range(at(1), at(8)), fold.apply, fold.page, 3);

    expect(folded).toBe(7);
    expect(fold.applied.flat().map((event) => event.eventId)).toEqual(log.slice(2, 9).map((event) => event.eventId));
    expect(fold.applied.map((events) => events.length)).toEqual([3, 3, 1]);
    expect(fold.pages).toEqual([3, 3, 1]);
  });

  it('folds the whole log from position 0, and stops at `until` even when the log goes on', async () => {
    const fold = recorder();
    expect(await foldLog(store, range(0n, at(10)), fold.apply, fold.page, 4)).toBe(11);
    expect(fold.pages).toEqual([4, 4, 3]);
    expect(fold.applied.flat().map((event) => event.globalPosition)).toEqual(log.map((event) => event.globalPosition));

    const upToThird = recorder();
    expect(await foldLog(store, range(0n, at(2)), upToThird.apply, upToThird.page, 10)).toBe(3);
    expect(upToThird.applied.flat().map((event) => event.eventId)).toEqual(log.slice(0, 3).map((e) => e.eventId));
  });

  it('answers 0 for an empty range, with neither apply nor page called', async () => {
    for (const empty of [range(at(4), at(4)), range(at(6), at(3)), range(at(10), at(10) + 1_000n)]) {
      const fold = recorder();
      expect(await foldLog(store, empty, fold.apply, fold.page, 3)).toBe(0);
      expect(fold.applied).toEqual([]);
      expect(fold.pages).toEqual([]);
    }
  });

  it('passes on an error thrown by apply, with no page reported for it and the read-ahead settled', async () => {
    const failure = new Error('apply failed');
    const fold = recorder();
    let reads = 0;
    const counting: Pick<EventStore, 'readAll'> = { readAll: (options) => (reads++, store.readAll(options)) };

    const folding = foldLog(
      counting,
      range(0n, at(10)),
      async (events) => {
        if (fold.applied.length === 1) throw failure;
        await fold.apply(events);
      },
      fold.page,
      2,
    );

    await expect(folding).rejects.toBe(failure);
    expect(fold.pages).toEqual([2]);
    // The page after the failed one was being read meanwhile; it is finished, and nothing reads after it.
    expect(reads).toBe(3);
    await nextTurn();
    expect(reads).toBe(3);
  });

  it('keeps a failed read-ahead from counting as unhandled while apply runs; passes on what fails first', async () => {
    const readFailure = new Error('read failed');
    const applyFailure = new Error('apply failed');
    let reads = 0;
    let readFailed!: () => void;
    const readHasFailed = new Promise<void>((resolve) => (readFailed = resolve));
    // The real store for the first page; the read-ahead of the second fails.
    const failingSecondRead: Pick<EventStore, 'readAll'> = {
      readAll: async (options) => {
        if (++reads === 1) return store.readAll(options);
        readFailed();
        throw readFailure;
      },
    };
    const applyAfterTheReadFailed = async () => {
      await readHasFailed;
      await nextTurn(); // an unhandled rejection would surface here
    };

    // apply fails too: its error is the one seen.
    await expect(
      foldLog(
        failingSecondRead,
        range(0n, at(10)),
        async () => {
          await applyAfterTheReadFailed();
          throw applyFailure;
        },
        async () => undefined,
        3,
      ),
    ).rejects.toBe(applyFailure);

    // apply succeeds: the read's error is seen where the next page is awaited.
    reads = 0;
    const pages: number[] = [];
    await expect(
      foldLog(failingSecondRead, range(0n, at(10)), applyAfterTheReadFailed, async (n) => void pages.push(n), 3),
    ).rejects.toBe(readFailure);
    expect(pages).toEqual([3]);
  });

  it('reads through an UpcastingEventStore: events arrive at their current version', async () => {
    const upcasters = new UpcasterRegistry([
      { type: 'ToyMeasured', fromVersion: 1, upcast: (data) => ({ ...data, unit: 'mmol/L' }) },
    ]);
    // Recorded at version 1 (no unit) straight into the store, as an older release wrote them.
    const streamId = uniqueStreamId('fold_upcast');
    const written = await store.appendToStream(
      streamId,
      [newEvent('ToyMeasured', { value: 5.4 }), newEvent('ToyMeasured', { value: 6.1 }), newEvent('Counted', {})],
      ExpectedVersion.noStream,
    );
    const fold = recorder();

    const folded = await foldLog(
      new UpcastingEventStore(store, upcasters),
      range(at(10), written.lastGlobalPosition),
      fold.apply,
      fold.page,
      2,
    );

    expect(folded).toBe(3);
    expect(fold.pages).toEqual([2, 1]);
    expect(
      fold.applied.flat().map(({ type, data, metadata }) => ({ type, data, version: metadata[SCHEMA_VERSION_KEY] })),
    ).toEqual([
      { type: 'ToyMeasured', data: { value: 5.4, unit: 'mmol/L' }, version: '2' },
      { type: 'ToyMeasured', data: { value: 6.1, unit: 'mmol/L' }, version: '2' },
      { type: 'Counted', data: {}, version: undefined },
    ]);
  });
});
