import { randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import { fixtures, MemberEnrolled, MemberWithdrew, Topics, type IntegrationEvent } from '@carecircle/contracts';
import { runMigrations, sqlOfPool, type RebuildProgress } from '@carecircle/platform/event-store';
import {
  Inbox,
  IntegrationEventConsumer,
  messagingMigrations,
  on,
  silentLogger,
  type HandleStatus,
  type TopicHandler,
} from '@carecircle/platform/messaging';
import { backendPid, createTestDatabase, waitForLockWait, type TestDatabase } from '@carecircle/platform/testing';
import { schedulingReadModelEntities, schedulingReadModelMigrations } from '../index';
import { recordPendingLoadReassessment } from '../load-reassessment/pending-load-reassessment';
import { projectRosterEvent, type RosterEvent } from './roster.projection';
import { rebuildRoster, ROSTER_CONSUMER } from './roster.rebuild';

const MIGRATIONS = [...schedulingReadModelMigrations, ...messagingMigrations];
type Role = 'patient' | 'caregiver' | 'family-member';

const enrolled = (groupId: string, memberId: string, day: number, memberRole: Role = 'patient'): RosterEvent =>
  MemberEnrolled.parse({
    ...fixtures.MemberEnrolled,
    eventId: randomUUID(),
    subject: memberId,
    payload: { ...fixtures.MemberEnrolled.payload, groupId, memberRole, enrolledAt: at(day) },
  });
const withdrew = (groupId: string, memberId: string, day: number): RosterEvent =>
  MemberWithdrew.parse({
    ...fixtures.MemberWithdrew,
    eventId: randomUUID(),
    subject: memberId,
    payload: { ...fixtures.MemberWithdrew.payload, groupId, withdrewAt: at(day) },
  });
const at = (day: number) => `2026-03-${String(day).padStart(2, '0')}T09:00:00.000Z`;
const member = (n: number) => `mbr_synthetic_${String(n).padStart(4, '0')}`;

/** Scheduling's enrollment handler as its Kafka controller declares it: the roster, then the reassessment owed. */
function enrollmentHandler(dataSource: DataSource, holds = new Map<string, () => Promise<void>>()): TopicHandler {
  const live = async (event: RosterEvent, tx: EntityManager, cause: 'enrolled' | 'withdrew', when: string) => {
    await projectRosterEvent(tx, event);
    await recordPendingLoadReassessment(tx, {
      memberId: event.subject,
      groupId: event.payload.groupId,
      cause,
      at: when,
      causeEventId: event.eventId,
      correlationId: event.correlationId,
    });
    // A test may hold the inbox transaction open here, once it has written the roster.
    await holds.get(event.eventId)?.();
  };
  const consumer = new IntegrationEventConsumer({
    consumerGroup: ROSTER_CONSUMER,
    inbox: new Inbox(dataSource),
    deadLetters: {
      publish: async () => {
        throw new Error('no enrollment event may be dead-lettered here');
      },
    },
    logger: silentLogger,
  });
  return consumer.forTopic(Topics.enrollment, {
    routes: [
      on(MemberEnrolled, (event, tx) => live(event, tx, 'enrolled', event.payload.enrolledAt)),
      on(MemberWithdrew, (event, tx) => live(event, tx, 'withdrew', event.payload.withdrewAt)),
    ],
    ignore: ['ReferralReceived'],
    keep: true,
  });
}

let offset = 0;
const deliver = async (handler: TopicHandler, event: IntegrationEvent): Promise<HandleStatus> =>
  (
    await handler.handle({
      topic: Topics.enrollment,
      partition: 0,
      offset: String(offset++),
      key: event.subject,
      value: Buffer.from(JSON.stringify(event)),
      headers: {},
    })
  ).status;

const rosterTables = async (em: Pick<EntityManager, 'query'>) => ({
  entries: await em.query('SELECT * FROM roster_entry ORDER BY group_id, member_id'),
  summaries: await em.query('SELECT * FROM group_roster_summary ORDER BY group_id'),
});

/**
 * Scheduling's rosters rebuilt from the enrollment events its inbox kept, beside the live tables, on real
 * PostgreSQL, while the real topic handler keeps delivering. The summaries count every fact applied, so an
 * event folded twice or lost would show there.
 */
describe('roster rebuild (PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: Pool;
  let dataSource: DataSource;
  const holds = new Map<string, () => Promise<void>>();
  let handler: TopicHandler;

  beforeAll(async () => {
    db = await createTestDatabase('scheduling_roster_rebuild');
    await runMigrations(db.url, MIGRATIONS);
    pool = new Pool({ connectionString: db.url, max: 2 });
    dataSource = new DataSource({
      type: 'postgres',
      url: db.url,
      entities: schedulingReadModelEntities,
      extra: { max: 6 },
    });
    await dataSource.initialize();
    handler = enrollmentHandler(dataSource, holds);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await pool?.end();
    await db?.drop();
  });

  const keptCount = async () =>
    Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM kept_message')).rows[0]?.n);

  it('loses and doubles nothing while enrollment events keep arriving; the live path carries on', async () => {
    const alreadyFolded = enrolled('grp_synthetic_0', member(1), 1);
    await deliver(handler, alreadyFolded);
    for (let g = 0; g < 4; g++)
      for (let m = g === 0 ? 2 : 1; m <= 3; m++) await deliver(handler, enrolled(`grp_synthetic_${g}`, member(m), m));
    await deliver(handler, withdrew('grp_synthetic_1', member(2), 10));
    await deliver(handler, withdrew('grp_synthetic_2', member(9), 11)); // never enrolled: only the summary counts it
    await deliver(handler, enrolled('grp_synthetic_1', member(2), 12, 'caregiver')); // re-enrolled
    // Neither an ignored type nor a redelivery is kept.
    expect(await deliver(handler, { ...fixtures.ReferralReceived, eventId: randomUUID() })).toBe('ignored');
    expect(await deliver(handler, alreadyFolded)).toBe('duplicate');
    expect(await keptCount()).toBe(15);

    const rebuilder = new Client(db.url);
    await rebuilder.connect();
    const pid = await backendPid(rebuilder);
    let release = () => undefined as void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let held: Promise<HandleStatus> | undefined;
    const pages: RebuildProgress[] = [];
    try {
      const rebuilding = rebuildRoster(sqlOfPool(rebuilder), {
        writer: dataSource.manager,
        pageSize: 3,
        onProgress: async (progress) => {
          pages.push(progress);
          if (pages.length === 3) {
            // Mid-load: members already folded leave, re-enrol with another role, a new group starts…
            await deliver(handler, withdrew('grp_synthetic_0', member(1), 20));
            await deliver(handler, enrolled('grp_synthetic_0', member(1), 21, 'family-member'));
            await deliver(handler, withdrew('grp_synthetic_0', member(2), 22));
            await deliver(handler, enrolled('grp_synthetic_4', member(5), 23));
            expect(await deliver(handler, alreadyFolded)).toBe('duplicate');
          }
          if (held === undefined && progress.done > (pages[0]?.total ?? Infinity)) {
            // …and, past the last catch-up's horizon, an inbox transaction has written the roster and stays open
            // when the rebuild wants to swap.
            const last = withdrew('grp_synthetic_3', member(1), 24);
            let written = () => undefined as void;
            const roster = new Promise<void>((resolve) => (written = resolve));
            holds.set(last.eventId, async () => {
              written();
              await released;
            });
            held = deliver(handler, last);
            await roster;
          }
        },
      });
      await Promise.race([
        waitForLockWait(pool, pid, "the rebuild's swap to wait for the open inbox transaction"),
        rebuilding.then(() => Promise.reject(new Error('the rebuild swapped without waiting'))),
      ]);
      // It waits at the swap, on the roster's first table: not on the kept events.
      const waitingOn = await pool.query(
        'SELECT relation::regclass::text AS "table" FROM pg_locks WHERE pid = $1 AND NOT granted',
        [pid],
      );
      expect(waitingOn.rows).toEqual([{ table: 'roster_entry' }]);
      release();
      expect(await held).toBe('processed');
      const result = await rebuilding;
      const kept = await keptCount();
      expect(kept).toBe(20);
      expect(result).toEqual({ done: kept, total: kept });
    } finally {
      release();
      await held?.catch(() => undefined);
      await rebuilder.end();
    }

    // A redelivery still changes nothing after the swap, and the live path writes into the rebuilt tables.
    const rebuilt = await rosterTables(dataSource.manager);
    expect(await deliver(handler, alreadyFolded)).toBe('duplicate');
    expect(await rosterTables(dataSource.manager)).toEqual(rebuilt);
    expect(await deliver(handler, withdrew('grp_synthetic_4', member(5), 25))).toBe('processed');
    expect((await rosterTables(dataSource.manager)).summaries).toContainEqual({
      group_id: 'grp_synthetic_4',
      enrolments_applied: 1,
      withdrawals_applied: 1,
    });
    // The rebuild leaves the reassessments owed alone: one for each event the live path applied.
    const owed = await pool.query<{ n: string }>('SELECT count(*) AS n FROM pending_load_reassessment');
    expect(Number(owed.rows[0]?.n)).toBe(await keptCount());

    const reference = await createTestDatabase('scheduling_roster_rebuild_reference');
    const referenceSource = new DataSource({
      type: 'postgres',
      url: reference.url,
      entities: schedulingReadModelEntities,
    });
    try {
      await runMigrations(reference.url, MIGRATIONS);
      await referenceSource.initialize();
      const referenceHandler = enrollmentHandler(referenceSource);
      const events = await pool.query<{ body: IntegrationEvent }>('SELECT body FROM kept_message ORDER BY seq');
      for (const { body } of events.rows) expect(await deliver(referenceHandler, body)).toBe('processed');
      const tables = await rosterTables(dataSource.manager);
      expect(tables.entries).toContainEqual(
        expect.objectContaining({ group_id: 'grp_synthetic_0', member_id: member(1), member_role: 'family-member' }),
      );
      expect(tables.summaries).toContainEqual({
        group_id: 'grp_synthetic_0',
        enrolments_applied: 4,
        withdrawals_applied: 2,
      });
      expect(tables).toEqual(await rosterTables(referenceSource.manager));
    } finally {
      if (referenceSource.isInitialized) await referenceSource.destroy();
      await reference.drop();
    }
    expect((await pool.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'rebuild_%'`)).rows).toEqual([]);
  });

  it('refuses a rebuild before any work when scheduling handled events before its inbox kept them', async () => {
    const before = await rosterTables(dataSource.manager);
    const early = randomUUID();
    await pool.query(
      `INSERT INTO processed_message (consumer, event_id, processed_at)
       SELECT $1, $2, min(started_at) - interval '1 day' FROM kept_message_start`,
      [ROSTER_CONSUMER, early],
    );
    const rebuilder = new Client(db.url);
    await rebuilder.connect();
    try {
      await expect(rebuildRoster(sqlOfPool(rebuilder), { writer: dataSource.manager })).rejects.toThrow(
        'roster: scheduling handled events before its inbox kept them; the read model cannot be rebuilt from zero',
      );
    } finally {
      await rebuilder.end();
      await pool.query('DELETE FROM processed_message WHERE consumer = $1 AND event_id = $2', [ROSTER_CONSUMER, early]);
    }
    expect(await rosterTables(dataSource.manager)).toEqual(before);
    expect((await pool.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'rebuild_%'`)).rows).toEqual([]);
  });
});
