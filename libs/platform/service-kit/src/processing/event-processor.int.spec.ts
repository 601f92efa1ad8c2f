import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ExpectedVersion,
  PostgresEventStore,
  SCHEMA_VERSION_KEY,
  UpcasterRegistry,
  UpcastingEventStore,
  eventStoreMigrations,
  runMigrations,
  type NewEvent,
  type RecordedEvent,
} from '@carecircle/platform/event-store';
import { createTestDatabase, waitFor, type TestDatabase } from '@carecircle/platform/testing';
import type { Pool } from 'pg';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { EventProcessor } from './event-processor';
import { countParkedEvents, listParkedEvents } from './parked-events';
import { processingMigrations } from './processing-migrations';

jest.setTimeout(60_000);

const event = (type: string, data: Record<string, unknown> = {}): NewEvent => ({
  eventId: randomUUID(),
  type,
  data,
  metadata: { correlationId: randomUUID(), causationId: randomUUID(), occurredAt: '2026-12-05T10:00:00.000Z' },
});

/** A transient failure as node-postgres reports one: the connection went away. */
const connectionLost = () => Object.assign(new Error('Connection terminated unexpectedly'), { code: '08006' });

/**
 * The platform's event processor on real PostgreSQL: a poison event is tried `maxAttempts` times, parked
 * without its data, and skipped in the parking transaction; an outage is retried until it passes and
 * never parks; a restart resumes after the parked event.
 */
describe('EventProcessor (PostgreSQL event store)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: PostgresEventStore;
  const processors: EventProcessor[] = [];
  const calls = new Map<string, number>();
  const logs: { level: string; fields: object; message: string }[] = [];
  let failTransiently = 0;
  let poisonCured = false;

  beforeAll(async () => {
    db = await createTestDatabase('event_processor');
    await runMigrations(db.url, [...eventStoreMigrations, ...processingMigrations]);
    dataSource = new DataSource({ type: 'postgres', url: db.url });
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE test_checkpoint (name text PRIMARY KEY, position bigint NOT NULL)');
    await dataSource.query('CREATE TABLE test_handled (position bigint PRIMARY KEY, type text NOT NULL)');
    store = new PostgresEventStore((dataSource.driver as PostgresDriver).master as Pool);
  });

  afterAll(async () => {
    for (const processor of processors) await processor.stop();
    await store?.close();
    await dataSource?.destroy();
    await db?.drop();
  });

  const saveCheckpoint = async (tx: EntityManager, position: bigint) => {
    await tx.query(
      `INSERT INTO test_checkpoint (name, position) VALUES ('p', $1) ON CONFLICT (name) DO UPDATE SET position = GREATEST(test_checkpoint.position, EXCLUDED.position)`,
      [position.toString()],
    );
  };

  const handle = async (recorded: RecordedEvent) => {
    calls.set(recorded.type, (calls.get(recorded.type) ?? 0) + 1);
    if (recorded.type === 'Poison' && !poisonCured)
      throw new RangeError(`cannot read ${JSON.stringify(recorded.data)}`);
    if (recorded.type === 'Flaky' && failTransiently > 0) {
      failTransiently--;
      throw connectionLost();
    }
    await dataSource.transaction(async (tx) => {
      await tx.query('INSERT INTO test_handled (position, type) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
        recorded.globalPosition.toString(),
        recorded.type,
      ]);
      await saveCheckpoint(tx, recorded.globalPosition);
    });
  };

  const startProcessor = async () => {
    const processor = new EventProcessor({
      name: 'test-processor',
      store,
      dataSource,
      readCheckpoint: async () => {
        const [row]: { position: string }[] = await dataSource.query(
          "SELECT position::text AS position FROM test_checkpoint WHERE name = 'p'",
        );
        return row ? BigInt(row.position) : undefined;
      },
      handle,
      skip: saveCheckpoint,
      logger: {
        warn: (fields, message) => void logs.push({ level: 'warn', fields, message }),
        error: (fields, message) => void logs.push({ level: 'error', fields, message }),
      },
      maxAttempts: 3,
      backoff: { initialDelayMs: 5, maxDelayMs: 20 },
    });
    processors.push(processor);
    await processor.start();
    return processor;
  };

  const handledTypes = async () =>
    ((await dataSource.query('SELECT type FROM test_handled ORDER BY position')) as { type: string }[]).map(
      (r) => r.type,
    );

  it('parks a poison event after its attempts and goes on; retries an outage until it passes without parking', async () => {
    failTransiently = 2;
    const processor = await startProcessor();
    for (const type of ['Before', 'Poison', 'After', 'Flaky', 'Last']) {
      await store.appendToStream(
        `stream-${randomUUID()}`,
        [event(type, { note: 'synthetic note that must not be logged' })],
        ExpectedVersion.any,
      );
    }
    await waitFor(async () => ((await handledTypes()).length === 4 ? true : undefined), {
      timeoutMs: 20_000,
      description: 'the four good events to be handled around the poison one',
    });

    expect(await handledTypes()).toEqual(['Before', 'After', 'Flaky', 'Last']);
    expect(calls.get('Poison')).toBe(3);
    expect(calls.get('Flaky')).toBe(3); // two outages, then handled
    const parked = await listParkedEvents(dataSource.manager);
    expect(parked).toEqual([
      expect.objectContaining({
        processor: 'test-processor',
        eventType: 'Poison',
        errorClass: 'RangeError',
        attempts: 3,
      }),
    ]);
    expect(await countParkedEvents(dataSource.manager)).toBe(1);
    expect(processor.status()).toMatchObject({
      running: true,
      consecutiveFailures: 0,
      parkedSinceStart: 1,
      lastErrorClass: 'Error',
    });
    expect(logs.filter((l) => l.message.startsWith('event parked'))).toHaveLength(1);
    expect(logs.filter((l) => l.message.startsWith('processor stopped'))).toHaveLength(2);
    expect(JSON.stringify(logs)).not.toContain('synthetic note');
  });

  it('resumes after the parked event on restart, trying it no more', async () => {
    await processors[0]!.stop();
    const poisonCalls = calls.get('Poison');
    await startProcessor();
    await store.appendToStream(`stream-${randomUUID()}`, [event('AfterRestart')], ExpectedVersion.any);
    await waitFor(async () => ((await handledTypes()).includes('AfterRestart') ? true : undefined), {
      timeoutMs: 20_000,
      description: 'the event appended after the restart to be handled',
    });
    expect(calls.get('Poison')).toBe(poisonCalls);
    expect(await handledTypes()).toEqual(['Before', 'After', 'Flaky', 'Last', 'AfterRestart']);
  });

  it('replays a parked event on request: a failure keeps it parked, a success forgets it', async () => {
    const processor = processors[processors.length - 1]!;
    const [parked] = await listParkedEvents(dataSource.manager);
    expect(await processor.replayParked(parked!.globalPosition)).toEqual({
      outcome: 'failed',
      errorClass: 'RangeError',
    });
    expect(await listParkedEvents(dataSource.manager)).toEqual([
      expect.objectContaining({ eventType: 'Poison', attempts: 4 }),
    ]);

    poisonCured = true; // the fix is deployed
    expect(await processor.replayParked(parked!.globalPosition)).toEqual({ outcome: 'replayed' });
    expect(await listParkedEvents(dataSource.manager)).toEqual([]);
    expect(await handledTypes()).toContain('Poison');
    expect(await processor.replayParked(parked!.globalPosition)).toEqual({ outcome: 'not-parked' });
  });
});

/**
 * An event this release cannot read (written by a newer release, at a schema version it does not know) is
 * parked at once, with no retries (it will read no better), and the processor goes on.
 */
describe('EventProcessor over an upcasting store', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let raw: PostgresEventStore;
  let processor: EventProcessor | undefined;
  const handled: RecordedEvent[] = [];
  let checkpoint: bigint | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('event_processor_upcast');
    await runMigrations(db.url, [...eventStoreMigrations, ...processingMigrations]);
    dataSource = new DataSource({ type: 'postgres', url: db.url });
    await dataSource.initialize();
    raw = new PostgresEventStore((dataSource.driver as PostgresDriver).master as Pool);
  });

  afterAll(async () => {
    await processor?.stop();
    await raw?.close();
    await dataSource?.destroy();
    await db?.drop();
  });

  it('parks an event from a newer release at once and handles the rest, upcast', async () => {
    const upcasters = new UpcasterRegistry([
      { type: 'PlanAgreed', fromVersion: 1, upcast: (data) => ({ ...data, reviewBy: null }) },
    ]);
    processor = new EventProcessor({
      name: 'upcast-processor',
      store: new UpcastingEventStore(raw, upcasters),
      dataSource,
      readCheckpoint: async () => checkpoint,
      handle: async (recorded) => {
        handled.push(recorded);
        checkpoint = recorded.globalPosition;
      },
      skip: async (_tx, position) => void (checkpoint = position),
      logger: { warn: () => undefined, error: () => undefined },
      maxAttempts: 3,
      backoff: { initialDelayMs: 5, maxDelayMs: 20 },
    });
    await processor.start();

    const newer = event('PlanAgreed', { planId: 'p-newer' });
    newer.metadata[SCHEMA_VERSION_KEY] = '7';
    for (const next of [event('PlanAgreed', { planId: 'p-old' }), newer, event('PlanAgreed', { planId: 'p-after' })])
      await raw.appendToStream(`stream-${randomUUID()}`, [next], ExpectedVersion.any);

    await waitFor(() => (handled.length === 2 ? true : undefined), {
      timeoutMs: 20_000,
      description: 'the two readable events to be handled around the unreadable one',
    });
    expect(handled.map((e) => e.data)).toEqual([
      { planId: 'p-old', reviewBy: null },
      { planId: 'p-after', reviewBy: null },
    ]);
    expect(await listParkedEvents(dataSource.manager)).toEqual([
      expect.objectContaining({
        processor: 'upcast-processor',
        eventId: newer.eventId,
        eventType: 'PlanAgreed',
        errorClass: 'UpcastError',
        attempts: 1,
      }),
    ]);
    expect(processor.status()).toMatchObject({ parkedSinceStart: 1 });

    // The operator's replay reads it no better: it stays parked.
    const [parked] = await listParkedEvents(dataSource.manager);
    expect(await processor.replayParked(parked!.globalPosition)).toEqual({
      outcome: 'failed',
      errorClass: 'UpcastError',
    });
  });
});

/**
 * Two replicas of one processor: one holds the lease and follows the log, the other stands by; when the
 * holder's lease connection is cut (as by a crash or a network cut) or it stops, the standby takes over
 * from the checkpoint.
 */
describe('EventProcessor lease: one active replica', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: PostgresEventStore;
  const replicas: Record<'a' | 'b', EventProcessor | undefined> = { a: undefined, b: undefined };
  const handledBy: { replica: string; type: string }[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('event_processor_lease');
    await runMigrations(db.url, [...eventStoreMigrations, ...processingMigrations]);
    dataSource = new DataSource({ type: 'postgres', url: db.url });
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE lease_checkpoint (name text PRIMARY KEY, position bigint NOT NULL)');
    store = new PostgresEventStore((dataSource.driver as PostgresDriver).master as Pool, { pollIntervalMs: 20 });
  });

  afterAll(async () => {
    for (const replica of Object.values(replicas)) await replica?.stop();
    await store?.close();
    await dataSource?.destroy();
    await db?.drop();
  });

  const replica = (name: 'a' | 'b') =>
    new EventProcessor({
      name: 'leased-processor',
      store,
      dataSource,
      readCheckpoint: async () => {
        const [row]: { position: string }[] = await dataSource.query(
          "SELECT position::text AS position FROM lease_checkpoint WHERE name = 'p'",
        );
        return row ? BigInt(row.position) : undefined;
      },
      handle: async (recorded) => {
        await dataSource.transaction(async (tx) => {
          await tx.query(
            `INSERT INTO lease_checkpoint (name, position) VALUES ('p', $1)
             ON CONFLICT (name) DO UPDATE SET position = GREATEST(lease_checkpoint.position, EXCLUDED.position)`,
            [recorded.globalPosition.toString()],
          );
        });
        handledBy.push({ replica: name, type: recorded.type });
      },
      skip: async () => undefined,
      logger: { warn: () => undefined, error: () => undefined },
      leasePool: (dataSource.driver as PostgresDriver).master as Pool,
      standbyRetryMs: 100,
    });

  const appendAndAwait = async (types: string[]) => {
    for (const type of types) await store.appendToStream(`stream-${randomUUID()}`, [event(type)], ExpectedVersion.any);
    await waitFor(() => types.every((type) => handledBy.some((h) => h.type === type)), {
      timeoutMs: 20_000,
      description: `${types.join(', ')} to be handled by the active replica`,
    });
  };
  const whoHandled = (types: string[]) => [
    ...new Set(handledBy.filter((h) => types.includes(h.type)).map((h) => h.replica)),
  ];

  it('runs on one replica at a time and moves to the standby when the lease connection is cut or the holder stops', async () => {
    replicas.a = replica('a');
    await replicas.a.start();
    replicas.b = replica('b');
    await replicas.b.start();
    expect(replicas.a.status()).toMatchObject({ running: true, active: true });
    expect(replicas.b.status()).toMatchObject({ running: true, active: false });

    await appendAndAwait(['First1', 'First2', 'First3']);
    expect(whoHandled(['First1', 'First2', 'First3'])).toEqual(['a']);

    // The holder's lease connection ends, as in a crash or a cut: the server frees the lock.
    await dataSource.query(
      `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()`,
    );
    await waitFor(() => replicas.b!.status().active, {
      timeoutMs: 10_000,
      description: 'the standby to take the lease once the holder lost it',
    });
    expect(replicas.a.status().active).toBe(false);
    await appendAndAwait(['Second1', 'Second2']);
    expect(whoHandled(['Second1', 'Second2'])).toEqual(['b']);

    // The holder stops (a rollout): the other, standing by since it lost the lease, takes over.
    await replicas.b.stop();
    await waitFor(() => replicas.a!.status().active, {
      timeoutMs: 10_000,
      description: 'the first replica to take the lease back once the holder stopped',
    });
    await appendAndAwait(['Third1']);
    expect(whoHandled(['Third1'])).toEqual(['a']);
    // Every event handled, none of the later ones twice.
    expect(handledBy.filter((h) => h.type.startsWith('Second') || h.type === 'Third1')).toHaveLength(3);
  });
});
