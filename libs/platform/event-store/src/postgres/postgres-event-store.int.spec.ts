import { createTestDatabase, waitFor, type TestDatabase } from '@carecircle/platform/testing';
import { Pool, type PoolClient } from 'pg';
import {
  lastOf,
  newEvent,
  newEvents,
  readAllOfStream,
  rejectionOf,
  uniqueStreamId,
} from '../contract/contract-fixtures';
import { runEventStoreContract } from '../contract/event-store.contract';
import { ExpectedVersion, WrongExpectedVersionError, type RecordedEvent } from '../event-store.port';
import { eventStoreMigrations } from './migrations';
import { appendEvents } from './postgres-append';
import { PostgresEventStore } from './postgres-event-store';
import { runMigrations } from './run-migrations';

let database: TestDatabase;

/**
 * `pool.end()` resolves before the sockets are closed, so dropping the database (WITH FORCE) can
 * still hit a closing connection; that is the expected end of the test, not an error.
 */
function testPool(max: number): Pool {
  const pool = new Pool({ connectionString: database.url, max });
  pool.on('error', (error: Error & { code?: string }) => {
    if (error.code !== '57P01') throw error;
  });
  return pool;
}

beforeAll(async () => {
  database = await createTestDatabase('event_store');
  await runMigrations(database.url, eventStoreMigrations);
}, 60_000);
afterAll(async () => {
  await database?.drop();
});

runEventStoreContract('PostgreSQL', async () => {
  const pool = testPool(20);
  return { store: new PostgresEventStore(pool, { pollIntervalMs: 20 }), cleanup: () => pool.end() };
});

describe('PostgresEventStore: the global log under open transactions', () => {
  let pool: Pool;
  let store: PostgresEventStore;
  const sessions: PoolClient[] = [];

  beforeAll(() => {
    pool = testPool(10);
    store = new PostgresEventStore(pool);
  });
  afterEach(async () => {
    for (const session of sessions.splice(0)) {
      await session.query('ROLLBACK');
      session.release();
    }
  });
  afterAll(async () => {
    await store.close();
    await pool.end();
  });

  /** A session with an open transaction, to hold a commit back for as long as the test wants. */
  async function openTransaction(): Promise<PoolClient> {
    const session = await pool.connect();
    sessions.push(session);
    await session.query('BEGIN');
    return session;
  }

  /** What a reader that follows positions from `after` has seen so far, of the given streams. */
  async function readerSees(after: bigint, streamIds: string[]): Promise<RecordedEvent[]> {
    const all = await Promise.all(streamIds.map((streamId) => readAllOfStream(store, streamId, after)));
    return all.flat().sort((a, b) => (a.globalPosition < b.globalPosition ? -1 : 1));
  }

  function readerWaitsFor(after: bigint, streamIds: string[], count: number): Promise<RecordedEvent[]> {
    return waitFor(
      async () => {
        const seen = await readerSees(after, streamIds);
        return seen.length >= count ? seen : undefined;
      },
      { timeoutMs: 10_000, description: `${count} event(s) of ${streamIds.join(', ')} after ${after}` },
    );
  }

  it('holds back a later commit until an earlier open transaction ends, then delivers both', async () => {
    const [slow, fast] = [uniqueStreamId('slow'), uniqueStreamId('fast')];
    const checkpoint = (
      await store.appendToStream(uniqueStreamId('checkpoint'), [newEvent()], ExpectedVersion.noStream)
    ).lastGlobalPosition;

    const open = await openTransaction();
    const held = await appendEvents(open, slow, [newEvent('Slow')], ExpectedVersion.noStream);
    const committed = await store.appendToStream(fast, [newEvent('Fast')], ExpectedVersion.noStream);

    expect(await store.readStream(fast)).toHaveLength(1);
    expect(await readerSees(checkpoint, [slow, fast])).toEqual([]);

    await open.query('COMMIT');
    const seen = await readerWaitsFor(checkpoint, [slow, fast], 2);
    expect(seen.map((event) => event.streamId)).toEqual([slow, fast]);
    expect(seen.map((event) => event.globalPosition)).toEqual([held.lastGlobalPosition, committed.lastGlobalPosition]);
  });

  it('does not skip a transaction that got its id first but inserted last (a sequence would)', async () => {
    const [early, late] = [uniqueStreamId('early-id'), uniqueStreamId('late-id')];
    const checkpoint = (
      await store.appendToStream(uniqueStreamId('checkpoint'), [newEvent()], ExpectedVersion.noStream)
    ).lastGlobalPosition;
    const first = await openTransaction();
    const second = await openTransaction();

    await first.query('SELECT pg_current_xact_id()'); // takes its transaction id now, inserts later
    await appendEvents(second, late, [newEvent('Late')], ExpectedVersion.noStream);
    await appendEvents(first, early, [newEvent('Early')], ExpectedVersion.noStream);
    await first.query('COMMIT');
    const seenFirst = await readerWaitsFor(checkpoint, [early, late], 1);
    await second.query('COMMIT');
    const seenAfter = await readerWaitsFor(lastOf(seenFirst).globalPosition, [early, late], 1);

    expect(seenFirst.map((event) => event.streamId)).toEqual([early]);
    expect(seenAfter.map((event) => event.streamId)).toEqual([late]);
  });
});

describe('PostgresEventStore: appends', () => {
  let pool: Pool;
  let store: PostgresEventStore;

  beforeAll(() => {
    pool = testPool(4);
    store = new PostgresEventStore(pool, { endPoolOnClose: true });
  });
  afterAll(() => store.close());

  it('treats a retried append (same event ids, same expectation) as done once', async () => {
    const streamId = uniqueStreamId('retry');
    await store.appendToStream(streamId, [newEvent()], ExpectedVersion.noStream);
    const batch = newEvents(3);

    const first = await store.appendToStream(streamId, batch, ExpectedVersion.exact(0));
    const retried = await store.appendToStream(streamId, batch, ExpectedVersion.exact(0));
    const retriedWithAny = await store.appendToStream(streamId, batch, ExpectedVersion.any);

    expect(retried).toEqual(first);
    expect(retriedWithAny).toEqual(first);
    expect(await store.readStream(streamId)).toHaveLength(4);
    expect(await rejectionOf(store.appendToStream(streamId, batch, ExpectedVersion.exact(2)))).toBeInstanceOf(
      WrongExpectedVersionError,
    );
  });

  it('refuses an event id already stored in another stream', async () => {
    const event = newEvent();
    await store.appendToStream(uniqueStreamId('owner'), [event], ExpectedVersion.noStream);

    await expect(store.appendToStream(uniqueStreamId('thief'), [event], ExpectedVersion.any)).rejects.toMatchObject({
      code: '23505',
    });
  });

  it('never rewrites history', async () => {
    const streamId = uniqueStreamId('immutable');
    await store.appendToStream(streamId, [newEvent()], ExpectedVersion.noStream);

    await expect(
      pool.query(`UPDATE event_store.events SET type = 'Forged' WHERE stream_id = $1`, [streamId]),
    ).rejects.toThrow('append-only');
    await expect(pool.query(`DELETE FROM event_store.events WHERE stream_id = $1`, [streamId])).rejects.toThrow(
      'append-only',
    );
  });

  it('ends a pool it was told to end', async () => {
    const own = testPool(1);
    await new PostgresEventStore(own, { endPoolOnClose: true }).close();

    expect(own.ended).toBe(true);
  });
});

describe('PostgresEventStore: positions', () => {
  it('orders the log by number, also where positions gain a digit', async () => {
    const fresh = await createTestDatabase('event_store_order');
    const pool = new Pool({ connectionString: fresh.url, max: 2 });
    try {
      await runMigrations(fresh.url, eventStoreMigrations);
      // Transactions 9 and 10 ended long ago on any server; their positions have 7 and 8 digits.
      await pool.query('ALTER TABLE event_store.events DISABLE TRIGGER events_assign_global_position');
      for (const transactionId of [10, 9]) {
        const event = newEvent();
        await pool.query(
          `INSERT INTO event_store.events (global_position, transaction_id, stream_id, stream_version, event_id, type, data, metadata)
           VALUES (($1::bigint << 20) + 1, $1::text::xid8, $2, 0, $3, $4, '{}', '{}')`,
          [transactionId, `digits-${transactionId}`, event.eventId, event.type],
        );
      }
      await pool.query('ALTER TABLE event_store.events ENABLE TRIGGER events_assign_global_position');

      const log = await new PostgresEventStore(pool).readAll({ maxCount: 1 });

      expect(log.map((event) => event.streamId)).toEqual(['digits-9']);
    } finally {
      await pool.end();
      await fresh.drop();
    }
  });
});
