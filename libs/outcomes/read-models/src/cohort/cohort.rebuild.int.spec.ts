import { randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import {
  AttendanceCorrected,
  AttendanceRecorded,
  fixtures,
  GroupChanged,
  GroupFormed,
  MeasureCorrected,
  MeasureRecorded,
  Topics,
  type IntegrationEvent,
} from '@carecircle/contracts';
import {
  RebuildAlreadyRunningError,
  runMigrations,
  sqlOfPool,
  type RebuildProgress,
} from '@carecircle/platform/event-store';
import {
  Inbox,
  IntegrationEventConsumer,
  messagingMigrations,
  type HandleOutcome,
  type TopicHandler,
} from '@carecircle/platform/messaging';
import { backendPid, createTestDatabase, waitForLockWait, type TestDatabase } from '@carecircle/platform/testing';
import { outcomesReadModelMigrations } from '../index';
import { findCohortMembers } from './cohort.projection';
import { COHORT_CONSUMER, rebuildCohort } from './cohort.rebuild';
import { cohortMeasureRoutes, cohortSchedulingRoutes } from './cohort.routes';

const MIGRATIONS = [...messagingMigrations, ...outcomesReadModelMigrations];
const AT = '2026-04-01T10:00:00.000Z';

type Measure = ReturnType<typeof MeasureRecorded.parse> | ReturnType<typeof MeasureCorrected.parse>;

const envelope = (subject: string) => ({
  eventId: randomUUID(),
  schemaVersion: 1,
  occurredAt: AT,
  correlationId: 'corr-cohort-rebuild',
  causationId: 'cmd-cohort-rebuild',
  subject,
});
const measured = (memberId: string, point: 'baseline' | 'end', total: number, groupId: string) =>
  MeasureRecorded.parse({
    ...envelope(memberId),
    type: 'MeasureRecorded',
    payload: {
      measureId: randomUUID(),
      instrument: 'phq-9',
      total,
      band: 'moderate',
      item9: 0,
      point,
      administeredAt: point === 'baseline' ? '2026-01-05T10:00:00.000Z' : '2026-03-30T10:00:00.000Z',
      administeredBy: 'clin_synthetic_psy_01',
      groupId,
    },
  });
/** A new measure replacing `original` (which may itself be a correction). */
const corrected = (original: Measure, total: number) =>
  MeasureCorrected.parse({
    ...envelope(original.subject),
    type: 'MeasureCorrected',
    payload: {
      ...original.payload,
      measureId: randomUUID(),
      correctsMeasureId: original.payload.measureId,
      reason: 'synthetic correction',
      total,
    },
  });
const group = (groupId: string, groupType: string, condition?: string) => {
  const description = { ...fixtures.GroupFormed.payload, groupId, groupType, condition };
  return GroupFormed.parse({ ...envelope(groupId), type: 'GroupFormed', payload: description });
};
const groupChanged = (groupId: string, groupType: string, condition?: string) =>
  GroupChanged.parse({
    ...envelope(groupId),
    type: 'GroupChanged',
    payload: {
      ...fixtures.GroupChanged.payload,
      groupId,
      groupType,
      condition,
      changedFields: ['groupType', 'condition'],
    },
  });
const attendance = (memberId: string, groupId: string, sessionId: string, status: string) =>
  AttendanceRecorded.parse({
    ...envelope(memberId),
    type: 'AttendanceRecorded',
    payload: { memberId, groupId, sessionId, sessionStartsAt: AT, status, sessionsAttended: 1, recordedAt: AT },
  });
const attendanceCorrected = (memberId: string, groupId: string, sessionId: string, status: string) =>
  AttendanceCorrected.parse({
    ...envelope(memberId),
    type: 'AttendanceCorrected',
    payload: {
      memberId,
      groupId,
      sessionId,
      sessionStartsAt: AT,
      status,
      previousStatus: 'absent',
      sessionsAttended: 1,
      correctedAt: AT,
    },
  });

const OUTCOMES_TYPES = new Set(['MeasureRecorded', 'MeasureCorrected', 'ImprovementDetected']);

/**
 * The live path: outcomes' topic handlers (its consumer group, the cohort's routes, kept) over a real
 * inbox. `hold(eventId)` leaves that event's inbox transaction open once it has written the read model.
 */
function liveInto(dataSource: DataSource) {
  const inbox = new Inbox(dataSource);
  const holds = new Map<string, { reached: () => void; released: Promise<void> }>();
  const consumer = new IntegrationEventConsumer({
    consumerGroup: COHORT_CONSUMER,
    inbox: {
      handleOnce: (name, eventId, effect, kept) =>
        inbox.handleOnce(
          name,
          eventId,
          async (tx: EntityManager) => {
            await effect(tx);
            const hold = holds.get(eventId);
            hold?.reached();
            await hold?.released;
          },
          kept,
        ),
    },
    deadLetters: {
      publish: () => Promise.reject(new Error('the test expects no dead letter')),
    },
    retry: { attempts: 1 },
    logger: () => undefined,
  });
  const handlers: Record<string, TopicHandler> = {
    [Topics.outcomes]: consumer.forTopic(Topics.outcomes, { routes: [...cohortMeasureRoutes], keep: true }),
    [Topics.scheduling]: consumer.forTopic(Topics.scheduling, { routes: [...cohortSchedulingRoutes], keep: true }),
  };
  let offset = 0;
  const deliver = (event: IntegrationEvent): Promise<HandleOutcome> => {
    const topic = OUTCOMES_TYPES.has(event.type) ? Topics.outcomes : Topics.scheduling;
    return handlers[topic]!.handle({
      topic,
      partition: 0,
      offset: String(offset++),
      key: event.subject,
      value: Buffer.from(JSON.stringify(event)),
      headers: {},
    });
  };
  return {
    /** Delivers each event, in order, and checks what the handler settled it as. */
    async deliver(events: IntegrationEvent[], status: HandleOutcome['status'] = 'processed'): Promise<void> {
      for (const event of events) expect(await deliver(event)).toMatchObject({ status, eventId: event.eventId });
    },
    /** Delivers `event` and resolves once its open transaction has written the read model; `release` commits it. */
    async deliverHeld(event: IntegrationEvent) {
      let release = () => undefined as void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const written = new Promise<void>((reached) => holds.set(event.eventId, { reached, released }));
      const outcome = deliver(event);
      await Promise.race([written, outcome]);
      return { outcome, release };
    },
  };
}

type Queryable = { query(sql: string): Promise<unknown[]> };
const tables = async (em: Queryable) => ({
  measures: await em.query('SELECT * FROM outcome_measure ORDER BY measure_id'),
  attendance: await em.query('SELECT * FROM member_session_attendance ORDER BY member_id, group_id, session_id'),
  groups: await em.query('SELECT * FROM cohort_group ORDER BY group_id'),
});

/**
 * The cohort read model rebuilt from the events outcomes' inbox kept (its own topic and scheduling's), beside
 * the live tables, on real PostgreSQL, while the live path (the real topic handlers and inbox) keeps delivering.
 */
describe('cohort rebuild (PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: Pool;
  let dataSource: DataSource;
  let live: ReturnType<typeof liveInto>;

  beforeAll(async () => {
    db = await createTestDatabase('outcomes_cohort_rebuild');
    await runMigrations(db.url, MIGRATIONS);
    pool = new Pool({ connectionString: db.url, max: 6 });
    dataSource = new DataSource({ type: 'postgres', url: db.url, extra: { max: 4 } });
    await dataSource.initialize();
    live = liveInto(dataSource);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await pool?.end();
    await db?.drop();
  });

  const members = Array.from({ length: 8 }, (_, n) => `mbr_synthetic_rebuild_${n}`);
  const groupOf = (n: number) => (n % 2 === 0 ? 'grp_synthetic_a' : 'grp_synthetic_b');
  const cohort = () => findCohortMembers(dataSource.manager, { instrument: 'phq-9' });
  const member = async (memberId: string) => (await cohort()).find((row) => row.memberId === memberId);

  it('loses and doubles nothing while events keep arriving, and a correction may come before its original', async () => {
    const baselines = members.map((memberId, n) => measured(memberId, 'baseline', 10 + n, groupOf(n)));
    const ends = members.map((memberId, n) => measured(memberId, 'end', 5 + n, groupOf(n)));
    const firstCorrection = corrected(ends[1]!, 4);
    // Member 3's baseline comes after its correction (replayed from the dead-letter topic); member 2's only mid-rebuild.
    const lateOriginal3 = corrected(baselines[3]!, 11);
    const lateOriginal2 = corrected(baselines[2]!, 9);
    await live.deliver([
      group('grp_synthetic_a', 'disease-specific', 'cancer'),
      group('grp_synthetic_b', 'general-emotional-support'),
      ...baselines.filter((_, n) => n !== 2 && n !== 3),
      lateOriginal3,
      baselines[3]!,
      lateOriginal2,
      ...ends,
      corrected(baselines[0]!, 17),
      firstCorrection,
      corrected(firstCorrection, 3),
      ...members.flatMap((memberId, n) =>
        ['s1', 's2', 's3'].map((session) =>
          attendance(
            memberId,
            groupOf(n),
            `ses_${groupOf(n)}_${session}`,
            session === 's2' ? 'absent' : 'attended-online',
          ),
        ),
      ),
      attendanceCorrected(members[5]!, groupOf(5), `ses_${groupOf(5)}_s2`, 'attended-in-person'),
    ]);
    // Not the cohort's: settled without a route, neither applied nor kept.
    await live.deliver([{ ...fixtures.ImprovementDetected, eventId: randomUUID() }], 'ignored');

    const rebuilder = new Client(db.url);
    await rebuilder.connect();
    const pid = await backendPid(rebuilder);
    const pages: RebuildProgress[] = [];
    let readDuringRebuild: unknown[] = [];
    let secondRebuild: unknown;
    let held: Awaited<ReturnType<typeof live.deliverHeld>> | undefined;
    const heldCorrection = corrected(ends[5]!, 2);
    try {
      const rebuilding = rebuildCohort(sqlOfPool(rebuilder), {
        writer: dataSource.manager,
        pageSize: 5,
        onProgress: async (progress) => {
          pages.push(progress);
          if (pages.length === 3) {
            // Mid-rebuild: changes to rows already folded, the original of a folded correction, a new member.
            await live.deliver([
              groupChanged('grp_synthetic_a', 'stage-specific'),
              attendanceCorrected(members[0]!, groupOf(0), `ses_${groupOf(0)}_s1`, 'absent'),
              corrected(baselines[4]!, 8),
              baselines[2]!,
              measured('mbr_synthetic_rebuild_8', 'baseline', 20, 'grp_synthetic_a'),
            ]);
            readDuringRebuild = await cohort();
            secondRebuild = await rebuildCohort(sqlOfPool(pool), { writer: dataSource.manager }).catch(
              (error: unknown) => error,
            );
          }
          // In the last catch-up (past the first horizon's total): an inbox transaction that has written the
          // read model is still open when the rebuild wants to swap.
          if (!held && progress.done > (pages[0]?.total ?? Infinity)) held = await live.deliverHeld(heldCorrection);
        },
      });
      await waitForLockWait(pool, pid, "the rebuild's swap to wait for the open inbox transaction");
      held!.release();
      expect(await held!.outcome).toMatchObject({ status: 'processed', eventId: heldCorrection.eventId });
      const result = await rebuilding;

      const kept = Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM kept_message')).rows[0]?.n);
      expect(result).toEqual({ done: kept, total: kept });
      expect(pages[0]?.done).toBe(0);
      expect(pages.map((page) => page.done)).toEqual([...pages.map((page) => page.done)].sort((a, b) => a - b));
      expect(readDuringRebuild).toHaveLength(9);
      expect(secondRebuild).toEqual(new RebuildAlreadyRunningError('outcomes_cohort'));
    } finally {
      held?.release();
      await held?.outcome.catch(() => undefined);
      await rebuilder.end();
    }

    // The held correction was folded at the swap; late originals stay replaced by their corrections.
    expect(await member(members[5]!)).toEqual({
      memberId: members[5],
      baseline: 15,
      followUp: 2,
      sessionsAttended: 3,
    });
    expect(await member(members[2]!)).toMatchObject({ baseline: 9 });
    expect(await member(members[3]!)).toMatchObject({ baseline: 11 });
    expect(
      (
        await pool.query('SELECT superseded_by FROM outcome_measure WHERE measure_id = $1', [
          baselines[2]!.payload.measureId,
        ])
      ).rows,
    ).toEqual([{ superseded_by: lateOriginal2.payload.measureId }]);

    // A duplicate delivery after the swap changes nothing.
    const beforeDuplicates = await tables(dataSource);
    await live.deliver([baselines[0]!, ends[1]!, heldCorrection], 'duplicate');
    expect(await tables(dataSource)).toEqual(beforeDuplicates);

    // The live path writes into the rebuilt tables: a correction before its original again, a group change.
    const newcomer = measured('mbr_synthetic_rebuild_9', 'baseline', 22, 'grp_synthetic_b');
    await live.deliver([
      corrected(newcomer, 21),
      newcomer,
      groupChanged('grp_synthetic_b', 'disease-specific', 'dementia'),
    ]);
    expect(await member('mbr_synthetic_rebuild_9')).toMatchObject({ baseline: 21 });
    expect(
      (await findCohortMembers(dataSource.manager, { instrument: 'phq-9', condition: 'dementia' })).map(
        (m) => m.memberId,
      ),
    ).toEqual([
      'mbr_synthetic_rebuild_1',
      'mbr_synthetic_rebuild_3',
      'mbr_synthetic_rebuild_5',
      'mbr_synthetic_rebuild_7',
      'mbr_synthetic_rebuild_9',
    ]);

    // Every kept event applied once through the live path, in another database, gives the same tables.
    const reference = await createTestDatabase('outcomes_cohort_rebuild_reference');
    const referenceSource = new DataSource({ type: 'postgres', url: reference.url });
    try {
      await runMigrations(reference.url, MIGRATIONS);
      await referenceSource.initialize();
      const keptEvents = await pool.query<{ body: IntegrationEvent }>(
        'SELECT body FROM kept_message WHERE consumer = $1 ORDER BY seq',
        [COHORT_CONSUMER],
      );
      await liveInto(referenceSource).deliver(keptEvents.rows.map((row) => row.body));
      const rebuilt = await tables(dataSource);
      // 16 baselines and ends, 5 corrections before the rebuild, 3 measures during it and 2 after.
      expect(rebuilt.measures).toHaveLength(26);
      expect(rebuilt).toEqual(await tables(referenceSource));
    } finally {
      if (referenceSource.isInitialized) await referenceSource.destroy();
      await reference.drop();
    }
    // The indexes came across under their own names, and no shadow is left.
    const indexes = await pool.query<{ indexname: string }>(
      "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'outcome_measure' ORDER BY indexname",
    );
    expect(indexes.rows.map((row) => row.indexname)).toEqual([
      'outcome_measure_corrects',
      'outcome_measure_instrument',
      'outcome_measure_pkey',
    ]);
    expect((await pool.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'rebuild_%'`)).rows).toEqual([]);
  });

  it('is refused, changing nothing, when outcomes handled events before its inbox began keeping them', async () => {
    const before = await tables(dataSource);
    const early = randomUUID();
    await pool.query(
      `INSERT INTO processed_message (consumer, event_id, processed_at)
       SELECT $1, $2, min(started_at) - interval '1 day' FROM kept_message_start`,
      [COHORT_CONSUMER, early],
    );
    const rebuilder = new Client(db.url);
    await rebuilder.connect();
    try {
      await expect(rebuildCohort(sqlOfPool(rebuilder), { writer: dataSource.manager })).rejects.toThrow(
        'outcomes_cohort: outcomes handled events before its inbox kept them',
      );
      expect(await tables(dataSource)).toEqual(before);
      expect((await pool.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'rebuild_%'`)).rows).toEqual([]);
    } finally {
      await rebuilder.end();
      await pool.query('DELETE FROM processed_message WHERE consumer = $1 AND event_id = $2', [COHORT_CONSUMER, early]);
    }
  });
});
