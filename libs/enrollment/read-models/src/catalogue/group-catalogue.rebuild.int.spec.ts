import { randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';
import { DataSource } from 'typeorm';
import {
  fixtures,
  GroupChanged,
  GroupClosed,
  GroupFormed,
  Topics,
  type EventOf,
  type IntegrationEvent,
} from '@carecircle/contracts';
import { runMigrations, sqlOfPool, type RebuildProgress } from '@carecircle/platform/event-store';
import {
  Inbox,
  IntegrationEventConsumer,
  messagingMigrations,
  type DeadLetterPublisher,
  type TopicHandler,
} from '@carecircle/platform/messaging';
import { backendPid, createTestDatabase, waitForLockWait, type TestDatabase } from '@carecircle/platform/testing';
import { enrollmentReadModelEntities, enrollmentReadModelMigrations } from '../index';
import { groupCatalogueRoutes, TypeOrmGroupCatalogue } from './group-catalogue.projection';
import { ENROLLMENT_CONSUMER, rebuildGroupCatalogue } from './group-catalogue.rebuild';

const MIGRATIONS = [...messagingMigrations, ...enrollmentReadModelMigrations];

const formed = (groupId: string, seats = 8): EventOf<typeof GroupFormed> =>
  GroupFormed.parse({
    ...fixtures.GroupFormed,
    eventId: randomUUID(),
    subject: groupId,
    payload: { ...fixtures.GroupFormed.payload, groupId, seats },
  });
const changed = (groupId: string, seats: number, facilitatorIds = ['fac_synthetic_sw_01']) =>
  GroupChanged.parse({
    ...fixtures.GroupChanged,
    eventId: randomUUID(),
    subject: groupId,
    payload: { ...fixtures.GroupChanged.payload, groupId, seats, facilitatorIds },
  });
const closed = (groupId: string) =>
  GroupClosed.parse({
    ...fixtures.GroupClosed,
    eventId: randomUUID(),
    subject: groupId,
    payload: { ...fixtures.GroupClosed.payload, groupId },
  });

const noDeadLetters: DeadLetterPublisher = {
  publish: () => Promise.reject(new Error('nothing may be dead-lettered here')),
} as unknown as DeadLetterPublisher;

/**
 * Enrollment's scheduling topic handler as the service builds it (the catalogue's routes, kept), on one
 * database. `hold(eventId)` leaves that event's inbox transaction open once its effect has written.
 */
function liveCatalogue(dataSource: DataSource) {
  const inbox = new Inbox(dataSource);
  const held = new Map<string, { written: () => void; release: Promise<void> }>();
  const consumer = new IntegrationEventConsumer({
    consumerGroup: ENROLLMENT_CONSUMER,
    inbox: {
      handleOnce: (group, eventId, effect, kept) =>
        inbox.handleOnce(
          group,
          eventId,
          async (tx) => {
            await effect(tx);
            const hold = held.get(eventId);
            if (hold) {
              hold.written();
              await hold.release;
            }
          },
          kept,
        ),
    },
    deadLetters: noDeadLetters,
    retry: { attempts: 1 },
  });
  const handler: TopicHandler = consumer.forTopic(Topics.scheduling, { routes: [...groupCatalogueRoutes], keep: true });
  let offset = 0;
  const deliver = async (event: IntegrationEvent) =>
    (
      await handler.handle({
        topic: Topics.scheduling,
        partition: 0,
        offset: String(offset++),
        key: null,
        value: Buffer.from(JSON.stringify(event)),
        headers: {},
      })
    ).status;
  const hold = (eventId: string) => {
    let written!: () => void;
    let release!: () => void;
    const hasWritten = new Promise<void>((resolve) => (written = resolve));
    held.set(eventId, { written, release: new Promise<void>((resolve) => (release = resolve)) });
    return { hasWritten, release: () => release() };
  };
  return { deliver, hold };
}

const catalogueRows = (source: DataSource) =>
  source.query('SELECT * FROM enrollment_group_catalogue ORDER BY group_id');

/**
 * Enrollment's group catalogue rebuilt from the scheduling events its inbox kept, beside the live table, on
 * real PostgreSQL, while the live topic handler keeps applying events. Seat counts change with every
 * event, so an event folded twice, lost or out of order would show; the seat keeper's openings, kept
 * apart, survive.
 */
describe('group catalogue rebuild (PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: Pool;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('enrollment_catalogue_rebuild');
    await runMigrations(db.url, MIGRATIONS);
    pool = new Pool({ connectionString: db.url, max: 2 });
    dataSource = new DataSource({
      type: 'postgres',
      url: db.url,
      entities: enrollmentReadModelEntities,
      extra: { max: 6 },
    });
    await dataSource.initialize();
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await pool?.end();
    await db?.drop();
  });

  it('loses and doubles nothing while the topic handler keeps applying events, and keeps the seat openings', async () => {
    const live = liveCatalogue(dataSource);
    const catalogue = new TypeOrmGroupCatalogue(dataSource);
    const first = formed('grp_synthetic_r0');
    const delivered: IntegrationEvent[] = [first];
    expect(await live.deliver(first)).toBe('processed');
    for (let g = 1; g < 5; g++) delivered.push(formed(`grp_synthetic_r${g}`));
    for (let g = 0; g < 5; g++)
      delivered.push(changed(`grp_synthetic_r${g}`, 6 + g), changed(`grp_synthetic_r${g}`, 7));
    delivered.push(closed('grp_synthetic_r4'));
    for (const event of delivered.slice(1)) expect(await live.deliver(event)).toBe('processed');
    // The seat keeper has offered the seats of two new groups: the rebuild must not make them pending again.
    await catalogue.markOpened('grp_synthetic_r0');
    await catalogue.markOpened('grp_synthetic_r1');

    const rebuilder = new Client(db.url);
    await rebuilder.connect();
    const pid = await backendPid(rebuilder);
    const pages: RebuildProgress[] = [];
    const late = changed('grp_synthetic_r1', 12, ['fac_synthetic_late']);
    const held = live.hold(late.eventId);
    let lateDelivery: Promise<string> | undefined;
    try {
      const rebuilding = rebuildGroupCatalogue(sqlOfPool(rebuilder), {
        writer: dataSource.manager,
        pageSize: 3,
        onProgress: async (progress) => {
          pages.push(progress);
          if (pages.length === 3) {
            // Mid-rebuild: groups already folded change and close, a new one forms.
            for (const event of [
              changed('grp_synthetic_r0', 9),
              closed('grp_synthetic_r2'),
              formed('grp_synthetic_r5'),
            ]) {
              delivered.push(event);
              expect(await live.deliver(event)).toBe('processed');
            }
          } else if (!lateDelivery && progress.done > (pages[0]?.total ?? 0)) {
            // In the last catch-up round: one more change is written and left uncommitted until the swap waits on it.
            delivered.push(late);
            lateDelivery = live.deliver(late);
            await Promise.race([held.hasWritten, lateDelivery]);
          }
        },
      });
      // A rebuild that failed before the late change would otherwise leave this waiting forever.
      await Promise.race([held.hasWritten, rebuilding]);
      await waitForLockWait(pool, pid, "the rebuild's swap to wait for the open inbox transaction");
      held.release();
      expect(await lateDelivery).toBe('processed');
      const result = await rebuilding;
      expect(result).toEqual({ done: delivered.length, total: delivered.length });
    } finally {
      held.release();
      await lateDelivery?.catch(() => undefined);
      await rebuilder.end();
    }

    const rebuilt = await catalogueRows(dataSource);
    // A duplicate delivery changes nothing after the swap; the live path writes to the rebuilt table.
    expect(await live.deliver(first)).toBe('duplicate');
    expect(await catalogueRows(dataSource)).toEqual(rebuilt);
    const after = changed('grp_synthetic_r3', 11);
    delivered.push(after);
    expect(await live.deliver(after)).toBe('processed');
    expect(
      (await catalogue.list()).map(({ groupId, seats, closed, facilitatorIds }) => [
        groupId,
        seats,
        closed,
        facilitatorIds,
      ]),
    ).toEqual([
      ['grp_synthetic_r0', 9, false, ['fac_synthetic_sw_01']],
      ['grp_synthetic_r1', 12, false, ['fac_synthetic_late']],
      ['grp_synthetic_r2', 7, true, ['fac_synthetic_sw_01']],
      ['grp_synthetic_r3', 11, false, ['fac_synthetic_sw_01']],
      ['grp_synthetic_r4', 7, true, ['fac_synthetic_sw_01']],
      ['grp_synthetic_r5', 8, false, ['fac_synthetic_sw_01']],
    ]);
    expect((await catalogue.pending()).map((group) => group.groupId)).toEqual([
      'grp_synthetic_r2',
      'grp_synthetic_r3',
      'grp_synthetic_r4',
      'grp_synthetic_r5',
    ]);

    // The reference: every kept event applied once through the live path into a database of its own.
    const kept: { body: IntegrationEvent }[] = await dataSource.query(
      'SELECT body FROM kept_message WHERE consumer = $1 ORDER BY seq',
      [ENROLLMENT_CONSUMER],
    );
    expect(kept.map((row) => row.body.eventId).sort()).toEqual(delivered.map((event) => event.eventId).sort());
    const reference = await createTestDatabase('enrollment_catalogue_rebuild_reference');
    const referenceSource = new DataSource({
      type: 'postgres',
      url: reference.url,
      entities: enrollmentReadModelEntities,
    });
    try {
      await runMigrations(reference.url, MIGRATIONS);
      await referenceSource.initialize();
      const referenceLive = liveCatalogue(referenceSource);
      for (const { body } of kept) expect(await referenceLive.deliver(body)).toBe('processed');
      expect(await catalogueRows(dataSource)).toEqual(await catalogueRows(referenceSource));
    } finally {
      if (referenceSource.isInitialized) await referenceSource.destroy();
      await reference.drop();
    }
    expect((await pool.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'rebuild_%'`)).rows).toEqual([]);
  });

  it('refuses a rebuild when enrollment handled scheduling events before its inbox kept them, changing nothing', async () => {
    await liveCatalogue(dataSource).deliver(formed('grp_synthetic_refused'));
    await pool.query(
      `INSERT INTO processed_message (consumer, event_id, processed_at)
       SELECT $1, $2, min(started_at) - interval '1 hour' FROM kept_message_start`,
      [ENROLLMENT_CONSUMER, randomUUID()],
    );
    const before = await catalogueRows(dataSource);
    const rebuilder = new Client(db.url);
    await rebuilder.connect();
    try {
      await expect(rebuildGroupCatalogue(sqlOfPool(rebuilder), { writer: dataSource.manager })).rejects.toThrow(
        /enrollment handled events before its inbox kept them/,
      );
    } finally {
      await rebuilder.end();
    }
    expect(await catalogueRows(dataSource)).toEqual(before);
    expect((await pool.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'rebuild_%'`)).rows).toEqual([]);
  });
});
