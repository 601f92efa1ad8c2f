import { createTestDatabase, type TestDatabase } from '@carecircle/platform/testing';
import { Pool } from 'pg';
import { newEvent, newEvents, readAllOfStream, rejectionOf, uniqueStreamId } from '../contract/contract-fixtures';
import { ExpectedVersion, WrongExpectedVersionError } from '../event-store.port';
import { eventStoreMigrations } from './migrations';
import { PostgresEventStore } from './postgres-event-store';
import { runMigrations } from './run-migrations';

let database: TestDatabase;
let pool: Pool;
let store: PostgresEventStore;

beforeAll(async () => {
  database = await createTestDatabase('event_store_groups');
  await runMigrations(database.url, eventStoreMigrations);
  pool = new Pool({ connectionString: database.url, max: 10 });
  pool.on('error', () => undefined); // the final DROP DATABASE ... WITH (FORCE)
  store = new PostgresEventStore(pool);
}, 60_000);

afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

/** Transactions the given streams' events were committed in. */
async function transactionsOf(streamIds: readonly string[]): Promise<number> {
  const { rows } = await pool.query<{ transactions: string }>(
    `SELECT count(DISTINCT transaction_id) AS transactions FROM event_store.events WHERE stream_id = ANY($1)`,
    [streamIds],
  );
  return Number(rows[0]?.transactions);
}

describe('PostgresEventStore: group commit of concurrent appends', () => {
  it('commits the appends that arrive while one is being written together, each with its own result', async () => {
    const streams = Array.from({ length: 9 }, () => uniqueStreamId('group'));
    const results = await Promise.all(
      streams.map((streamId) => store.appendToStream(streamId, newEvents(2), ExpectedVersion.noStream)),
    );

    // The first goes alone; the eight that waited for it share one transaction.
    expect(await transactionsOf(streams)).toBe(2);
    for (const [index, streamId] of streams.entries()) {
      const recorded = await store.readStream(streamId);
      expect(recorded.map((event) => event.streamVersion)).toEqual([0, 1]);
      expect(results[index]).toEqual({ nextExpectedVersion: 1, lastGlobalPosition: recorded[1].globalPosition });
    }
  });

  it('fails only the append whose expectation does not hold; the rest of its group is written', async () => {
    const existing = uniqueStreamId('group-existing');
    await store.appendToStream(existing, [newEvent()], ExpectedVersion.noStream);
    const others = Array.from({ length: 4 }, () => uniqueStreamId('group-others'));

    const outcomes = await Promise.allSettled([
      store.appendToStream(others[0], [newEvent()], ExpectedVersion.noStream),
      store.appendToStream(existing, [newEvent('Stale')], ExpectedVersion.noStream),
      ...others.slice(1).map((streamId) => store.appendToStream(streamId, [newEvent()], ExpectedVersion.noStream)),
    ]);

    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(4);
    const failed = outcomes[1];
    expect(failed.status === 'rejected' && failed.reason).toBeInstanceOf(WrongExpectedVersionError);
    expect((await store.readStream(existing)).map((event) => event.type)).not.toContain('Stale');
    for (const streamId of others) expect(await store.readStream(streamId)).toHaveLength(1);
  });

  it('keeps two appends of one stream apart, in the order they were made', async () => {
    const streamId = uniqueStreamId('group-same');
    const events = newEvents(6);
    await Promise.all(events.map((event) => store.appendToStream(streamId, [event], ExpectedVersion.any)));

    const recorded = await readAllOfStream(store, streamId);
    expect(recorded.map((event) => event.eventId)).toEqual(events.map((event) => event.eventId));
    expect(recorded.map((event) => event.streamVersion)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('answers a retried append with its first result, and refuses an event id used by another stream', async () => {
    const streamId = uniqueStreamId('group-retry');
    const events = newEvents(2);
    const first = await store.appendToStream(streamId, events, ExpectedVersion.noStream);
    const stolen = newEvent();
    await store.appendToStream(uniqueStreamId('group-owner'), [stolen], ExpectedVersion.noStream);

    const [retried, thief, bystander] = await Promise.allSettled([
      store.appendToStream(streamId, events, ExpectedVersion.noStream),
      store.appendToStream(uniqueStreamId('group-thief'), [stolen], ExpectedVersion.noStream),
      store.appendToStream(uniqueStreamId('group-bystander'), [newEvent()], ExpectedVersion.noStream),
    ]);

    expect(retried).toEqual({ status: 'fulfilled', value: first });
    expect(thief.status).toBe('rejected');
    expect(bystander.status).toBe('fulfilled');
    expect(await rejectionOf(store.appendToStream(streamId, [newEvent()], ExpectedVersion.noStream))).toBeInstanceOf(
      WrongExpectedVersionError,
    );
  });
});
