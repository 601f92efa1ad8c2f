import { createTestDatabase, waitFor, type TestDatabase } from '@carecircle/platform/testing';
import { Pool } from 'pg';
import { newEvent, rejectionOf, uniqueStreamId } from '../contract/contract-fixtures';
import { runEventStoreContract } from '../contract/event-store.contract';
import { ExpectedVersion, type RecordedEvent } from '../event-store.port';
import { eventStoreMigrations } from '../postgres/migrations';
import { PostgresEventStore } from '../postgres/postgres-event-store';
import { runMigrations } from '../postgres/run-migrations';
import { SCHEMA_VERSION_KEY, UpcastError, UpcasterRegistry } from './upcasters';
import { UpcastingEventStore } from './upcasting-event-store';

let database: TestDatabase;
const pools: Pool[] = [];

function testPool(): Pool {
  const pool = new Pool({ connectionString: database.url, max: 10 });
  pool.on('error', (error: Error & { code?: string }) => {
    if (error.code !== '57P01') throw error;
  });
  pools.push(pool);
  return pool;
}

beforeAll(async () => {
  database = await createTestDatabase('upcasting_store');
  await runMigrations(database.url, eventStoreMigrations);
}, 60_000);
afterAll(async () => {
  for (const pool of pools) await pool.end().catch(() => undefined);
  await database?.drop();
});

/** A synthetic type that gained a field in version 2; events recorded before it was kept have none. */
const upcasters = new UpcasterRegistry([
  { type: 'PlanAgreed', fromVersion: 1, upcast: (data) => ({ ...data, reviewBy: null }) },
]);

// Every other event type passes through untouched: the decorated store is still a whole event store.
runEventStoreContract('PostgreSQL behind UpcastingEventStore', async () => {
  const pool = testPool();
  return {
    store: new UpcastingEventStore(new PostgresEventStore(pool, { pollIntervalMs: 20 }), upcasters),
    cleanup: async () => undefined,
  };
});

describe('UpcastingEventStore over PostgreSQL', () => {
  let raw: PostgresEventStore;
  let store: UpcastingEventStore;

  beforeAll(() => {
    raw = new PostgresEventStore(testPool(), { pollIntervalMs: 20 });
    store = new UpcastingEventStore(raw, upcasters);
  });
  afterAll(async () => {
    await store.close();
  });

  /** An event as an earlier release wrote it: no schema version in its metadata. */
  const writtenByEarlierRelease = async (streamId: string) =>
    raw.appendToStream(streamId, [newEvent('PlanAgreed', { planId: 'p1' })], ExpectedVersion.noStream);

  it('reads a version-1 event at version 2 from a stream, the global log and a subscription', async () => {
    const streamId = uniqueStreamId('upcast');
    const { lastGlobalPosition } = await writtenByEarlierRelease(streamId);
    const expected = { planId: 'p1', reviewBy: null };

    const [fromStream] = await store.readStream(streamId);
    expect(fromStream).toMatchObject({ data: expected, metadata: { [SCHEMA_VERSION_KEY]: '2' } });

    // The global log shows a row once every transaction that began before it has ended (any on the server).
    const fromLog = await waitFor(
      async () => (await store.readAll({ after: lastGlobalPosition - 1n, maxCount: 1 }))[0],
      { timeoutMs: 10_000, description: 'the global log to show the version-1 event' },
    );
    expect(fromLog.data).toEqual(expected);

    const delivered: RecordedEvent[] = [];
    const subscription = store.subscribeToAll({
      after: lastGlobalPosition - 1n,
      onEvent: async (event) => void delivered.push(event),
    });
    try {
      await waitFor(() => (delivered.length > 0 ? true : undefined), {
        timeoutMs: 10_000,
        description: 'the subscription to deliver the version-1 event',
      });
    } finally {
      await subscription.stop();
    }
    expect(delivered[0]?.data).toEqual(expected);

    // The stored row is as the earlier release wrote it.
    expect((await raw.readStream(streamId))[0]?.data).toEqual({ planId: 'p1' });
  });

  it('stamps what it appends with the current version, and reads it back as written', async () => {
    const streamId = uniqueStreamId('stamp');
    await store.appendToStream(
      streamId,
      [newEvent('PlanAgreed', { planId: 'p2', reviewBy: '2027-01-01' })],
      ExpectedVersion.noStream,
    );
    const [stored] = await raw.readStream(streamId);
    expect(stored?.metadata[SCHEMA_VERSION_KEY]).toBe('2');
    expect((await store.readStream(streamId))[0]?.data).toEqual({ planId: 'p2', reviewBy: '2027-01-01' });
  });

  it('refuses an event from a newer release: the read fails, a subscription ends naming the event', async () => {
    const streamId = uniqueStreamId('newer');
    const future = newEvent('PlanAgreed', { planId: 'p3', secretField: 'Jane Synthetic' });
    future.metadata[SCHEMA_VERSION_KEY] = '3';
    const { lastGlobalPosition } = await raw.appendToStream(streamId, [future], ExpectedVersion.noStream);

    const error = await rejectionOf(store.readStream(streamId));
    expect(error).toBeInstanceOf(UpcastError);
    expect(String(error)).not.toContain('Jane');

    let ended: unknown;
    const handled: RecordedEvent[] = [];
    const subscription = store.subscribeToAll({
      after: lastGlobalPosition - 1n,
      onEvent: async (event) => void handled.push(event),
      onError: (e) => (ended = e),
    });
    try {
      await waitFor(() => ended, { timeoutMs: 10_000, description: 'the subscription to end on the newer event' });
    } finally {
      await subscription.stop();
    }
    expect(handled).toEqual([]);
    expect(ended).toBeInstanceOf(UpcastError);
    expect((ended as UpcastError).event).toEqual({
      eventId: future.eventId,
      type: 'PlanAgreed',
      globalPosition: lastGlobalPosition,
    });
  });
});
