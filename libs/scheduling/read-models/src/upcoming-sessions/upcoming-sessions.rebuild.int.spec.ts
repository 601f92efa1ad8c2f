import { randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import type { GroupEvent } from '@carecircle/scheduling/domain';
import {
  eventStoreMigrations,
  ExpectedVersion,
  PostgresEventStore,
  runMigrations,
  sqlOfPool,
  type RebuildProgress,
  type RecordedEvent,
} from '@carecircle/platform/event-store';
import {
  backendPid,
  createTestDatabase,
  waitFor,
  waitForLockWait,
  type TestDatabase,
} from '@carecircle/platform/testing';
import { schedulingReadModelEntities, schedulingReadModelMigrations } from '../index';
import { claimProjectionPosition, projectUpcomingSessions, UPCOMING_SESSIONS } from './upcoming-sessions.projection';
import { rebuildUpcomingSessions } from './upcoming-sessions.rebuild';

const MIGRATIONS = [...eventStoreMigrations, ...schedulingReadModelMigrations];
const AT = '2026-12-06T10:00:00.000Z';

const group = (groupId: string, facilitatorIds: string[], type: 'GroupFormed' | 'GroupChanged' = 'GroupFormed') =>
  ({ type, data: { groupId, facilitatorIds } }) as unknown as GroupEvent;
const session = (
  type: 'SessionScheduled' | 'SessionRescheduled' | 'SessionCancelled',
  groupId: string,
  sequence: number,
  day: number,
) =>
  ({
    type,
    data: {
      groupId,
      sessionId: `ses_synthetic_${groupId}_${sequence}`,
      sequence,
      startsAt: `2027-01-${String(day).padStart(2, '0')}T17:00:00.000Z`,
      endsAt: `2027-01-${String(day).padStart(2, '0')}T18:30:00.000Z`,
      timeZone: 'Europe/Berlin',
    },
  }) as unknown as GroupEvent;

/**
 * The facilitators' upcoming sessions rebuilt from scheduling's log beside the live tables, on real
 * PostgreSQL, while the live path (the processor's: claim the position, then project, in one transaction)
 * keeps applying events. Reschedules count revisions, so an event folded twice or lost would show.
 */
describe('upcoming sessions rebuild (PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: Pool;
  let store: PostgresEventStore;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('scheduling_sessions_rebuild');
    await runMigrations(db.url, MIGRATIONS);
    pool = new Pool({ connectionString: db.url, max: 6 });
    store = new PostgresEventStore(pool);
    dataSource = new DataSource({
      type: 'postgres',
      url: db.url,
      entities: schedulingReadModelEntities,
      extra: { max: 4 },
    });
    await dataSource.initialize();
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await pool?.end();
    await db?.drop();
  });

  const append = async (event: GroupEvent): Promise<RecordedEvent> => {
    const groupId = (event.data as { groupId: string }).groupId;
    const metadata = { correlationId: 'c', causationId: 'c', occurredAt: AT };
    const { lastGlobalPosition } = await store.appendToStream(
      `group-${groupId}`,
      [{ eventId: randomUUID(), type: event.type, data: event.data, metadata }],
      ExpectedVersion.any,
    );
    // The log holds a position back while an older transaction anywhere on the server is open.
    return waitFor(async () => (await store.readAll({ after: lastGlobalPosition - 1n, maxCount: 1 }))[0], {
      timeoutMs: 10_000,
      description: 'the appended event to be readable from the log',
    });
  };
  /** The processor's transaction for one event. */
  const project = async (tx: EntityManager, event: RecordedEvent) => {
    if (await claimProjectionPosition(tx, UPCOMING_SESSIONS, event.globalPosition))
      await projectUpcomingSessions(tx, { type: event.type, data: event.data } as GroupEvent);
  };
  const live = async (event: GroupEvent) => {
    const recorded = await append(event);
    await dataSource.transaction((tx) => project(tx, recorded));
  };
  const tables = async (em: EntityManager) => ({
    sessions: await em.query('SELECT * FROM schedule_session ORDER BY session_id'),
    facilitators: await em.query('SELECT * FROM schedule_group_facilitator ORDER BY group_id, facilitator_id'),
  });

  it('loses and doubles nothing while the processor keeps projecting', async () => {
    for (let g = 0; g < 4; g++) {
      await live(group(`grp${g}`, [`fac_${g}`, 'fac_lead']));
      for (let s = 1; s <= 4; s++) await live(session('SessionScheduled', `grp${g}`, s, s * 7));
    }
    const rebuilder = new Client(db.url);
    await rebuilder.connect();
    const pid = await backendPid(rebuilder);
    const openTransaction = dataSource.createQueryRunner();
    await openTransaction.connect();
    const pages: RebuildProgress[] = [];
    try {
      const rebuilding = rebuildUpcomingSessions(sqlOfPool(rebuilder), {
        store,
        writer: dataSource.manager,
        pageSize: 3,
        onProgress: async (progress) => {
          pages.push(progress);
          if (pages.length !== 3) return;
          // Mid-rebuild: sessions already folded move and are cancelled, a group changes facilitators…
          await live(session('SessionRescheduled', 'grp0', 1, 8));
          await live(session('SessionCancelled', 'grp1', 2, 14));
          await live(group('grp2', ['fac_new'], 'GroupChanged'));
          // …and the processor's transaction for one more reschedule is open when the rebuild wants to swap.
          const pending = await append(session('SessionRescheduled', 'grp0', 1, 9));
          await openTransaction.startTransaction();
          await project(openTransaction.manager, pending);
        },
      });
      await waitForLockWait(pool, pid, "the rebuild's swap to wait for the open processor transaction");
      await openTransaction.commitTransaction();
      const result = await rebuilding;
      const logged = Number(
        (await pool.query<{ n: string }>('SELECT count(*) AS n FROM event_store.events')).rows[0]?.n,
      );
      expect(result).toEqual({ done: logged, total: logged });
    } finally {
      if (openTransaction.isTransactionActive) await openTransaction.rollbackTransaction();
      await openTransaction.release();
      await rebuilder.end();
    }
    // After the swap, the processor writes to the rebuilt tables.
    await live(session('SessionRescheduled', 'grp3', 4, 29));

    const reference = await createTestDatabase('scheduling_sessions_rebuild_reference');
    const referenceSource = new DataSource({
      type: 'postgres',
      url: reference.url,
      entities: schedulingReadModelEntities,
    });
    try {
      await runMigrations(reference.url, schedulingReadModelMigrations);
      await referenceSource.initialize();
      for (const event of await store.readAll({ maxCount: 10_000 }))
        await referenceSource.transaction((tx) => project(tx, event));
      const rebuilt = await tables(dataSource.manager);
      expect(rebuilt.sessions).toHaveLength(16);
      expect(
        rebuilt.sessions.find((row: { session_id: string }) => row.session_id === 'ses_synthetic_grp0_1'),
      ).toMatchObject({
        revision: 2,
        status: 'scheduled',
      });
      expect(rebuilt).toEqual(await tables(referenceSource.manager));
    } finally {
      if (referenceSource.isInitialized) await referenceSource.destroy();
      await reference.drop();
    }
    expect((await pool.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'rebuild_%'`)).rows).toEqual([]);
  });
});
