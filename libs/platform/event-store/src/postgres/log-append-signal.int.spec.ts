import { createTestDatabase, waitFor, type TestDatabase } from '@carecircle/platform/testing';
import { Pool } from 'pg';
import { ExpectedVersion } from '../event-store.port';
import { newEvent, uniqueStreamId } from '../contract/contract-fixtures';
import { LOG_APPENDED_CHANNEL, LogAppendSignal } from './log-append-signal';
import { eventStoreMigrations } from './migrations';
import { PostgresEventStore } from './postgres-event-store';
import { runMigrations } from './run-migrations';

/** Two replicas of one service: each its own pool and signal over the same database. */
let database: TestDatabase;
const pools: Pool[] = [];
const signals: LogAppendSignal[] = [];

/** `pollIntervalMs`: how long the replica's caught-up subscriptions wait when nothing wakes them. */
function replica(pollIntervalMs?: number): { pool: Pool; signal: LogAppendSignal; store: PostgresEventStore } {
  const pool = new Pool({ connectionString: database.url, max: 4 });
  // The reconnect test terminates a backend on purpose (57P01).
  pool.on('error', () => undefined);
  const signal = new LogAppendSignal(pool, { crossProcess: true, relistenDelayMs: 50 });
  pools.push(pool);
  signals.push(signal);
  return { pool, signal, store: new PostgresEventStore(pool, { appendSignal: signal, pollIntervalMs }) };
}

async function listening(pool: Pool): Promise<number | undefined> {
  const { rows } = await pool.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = $1`,
    [`LISTEN ${LOG_APPENDED_CHANNEL}`],
  );
  return rows[0]?.pid;
}

beforeAll(async () => {
  database = await createTestDatabase('log_append_signal');
  await runMigrations(database.url, eventStoreMigrations);
}, 60_000);

afterEach(async () => {
  for (const signal of signals.splice(0)) await signal.close();
  for (const pool of pools.splice(0)) await pool.end();
});

afterAll(async () => {
  await database?.drop();
});

describe('LogAppendSignal', () => {
  it("wakes this process's listener at once and another replica's once the append has committed", async () => {
    const writer = replica();
    const other = replica();
    const local: string[] = [];
    const remote: string[] = [];
    writer.signal.subscribe(() => local.push('woken'));
    other.signal.subscribe(() => remote.push('woken'));
    await waitFor(() => listening(other.pool), { timeoutMs: 5_000, description: 'the other replica to LISTEN' });
    await waitFor(() => remote.length > 0, {
      timeoutMs: 5_000,
      description: 'the wake-up a new listener gives itself',
    });
    const before = remote.length;

    await writer.store.appendToStream(uniqueStreamId('signal'), [newEvent()], ExpectedVersion.noStream);

    expect(local.length).toBeGreaterThan(0);
    await waitFor(() => remote.length > before, {
      timeoutMs: 5_000,
      description: "the other replica's listener to be woken by the append's NOTIFY",
    });
  });

  it('listens again after its connection was cut, and is woken by later appends', async () => {
    const writer = replica();
    const other = replica();
    let woken = 0;
    other.signal.subscribe(() => woken++);
    const firstPid = await waitFor(() => listening(other.pool), {
      timeoutMs: 5_000,
      description: 'the other replica to LISTEN',
    });

    await writer.pool.query('SELECT pg_terminate_backend($1)', [firstPid]);
    const secondPid = await waitFor(
      async () => {
        const pid = await listening(other.pool);
        return pid !== undefined && pid !== firstPid ? pid : undefined;
      },
      { timeoutMs: 5_000, description: 'a new listening connection after the first was terminated' },
    );
    expect(secondPid).not.toBe(firstPid);

    const before = woken;
    await writer.store.appendToStream(uniqueStreamId('signal'), [newEvent()], ExpectedVersion.noStream);
    await waitFor(() => woken > before, { timeoutMs: 5_000, description: 'a wake-up through the new connection' });
  });

  it("wakes the store's subscriptions, here and in another replica, long before their next poll", async () => {
    const writer = replica(60_000);
    const other = replica(60_000);
    const seen: { here: string[]; there: string[] } = { here: [], there: [] };
    const head = (await writer.store.readAll()).at(-1)?.globalPosition;
    const here = writer.store.subscribeToAll({ after: head, onEvent: async (e) => void seen.here.push(e.eventId) });
    const there = other.store.subscribeToAll({ after: head, onEvent: async (e) => void seen.there.push(e.eventId) });
    await waitFor(() => listening(other.pool), { timeoutMs: 5_000, description: 'the other replica to LISTEN' });
    const event = newEvent();

    await writer.store.appendToStream(uniqueStreamId('signal'), [event], ExpectedVersion.noStream);

    await waitFor(() => seen.here.length === 1 && seen.there.length === 1, {
      timeoutMs: 5_000,
      description: 'both subscriptions to read the append without waiting out their 60 s poll',
    });
    await Promise.all([here.stop(), there.stop()]);
    expect(seen).toEqual({ here: [event.eventId], there: [event.eventId] });
  });

  it('after close, notifies nobody else and holds no connection', async () => {
    const writer = replica();
    writer.signal.subscribe(() => undefined);
    await waitFor(() => listening(writer.pool), { timeoutMs: 5_000, description: 'the replica to LISTEN' });
    await writer.signal.close();
    expect(await listening(writer.pool)).toBeUndefined();
    expect(writer.pool.totalCount - writer.pool.idleCount).toBe(0);
  });
});
