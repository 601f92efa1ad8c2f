import { DataSource } from 'typeorm';
import type { GroupDetails, GroupEvent, SessionFacts } from '@carecircle/scheduling/domain';
import { runMigrations } from '@carecircle/platform/event-store';
import { createTestDatabase, waitFor, type TestDatabase } from '@carecircle/platform/testing';
import { schedulingReadModelEntities, schedulingReadModelMigrations } from '../index';
import {
  claimProjectionPosition,
  findUpcomingSessions,
  projectUpcomingSessions,
  readProjectionCheckpoint,
} from './upcoming-sessions.projection';

/**
 * The facilitators' upcoming sessions on real PostgreSQL, applied as the scheduling processor does:
 * each event in the transaction that claims its position, so an event at or below the checkpoint
 * (a replay, another replica) is not applied again and a session's revision counts each change once.
 */
describe('upcoming sessions projection', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('scheduling_upcoming_sessions');
    await runMigrations(db.url, schedulingReadModelMigrations);
    dataSource = new DataSource({ type: 'postgres', url: db.url, entities: schedulingReadModelEntities });
    await dataSource.initialize();
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  /** What SchedulingProcessor.process does for a projected event; true when it was applied. */
  const applyAt = (projection: string, position: bigint, event: GroupEvent) =>
    dataSource.transaction(async (tx) => {
      if (!(await claimProjectionPosition(tx, projection, position))) return false;
      await projectUpcomingSessions(tx, event);
      return true;
    });
  const upcoming = (facilitatorId: string, now = '2026-01-01T00:00:00.000Z') =>
    findUpcomingSessions(dataSource.manager, facilitatorId, new Date(now));
  const sessionRow = async (sessionId: string) =>
    (
      await dataSource.query(
        `SELECT session_id, group_id, sequence, starts_at, ends_at, status, revision
           FROM schedule_session WHERE session_id = $1`,
        [sessionId],
      )
    ).map((r: Record<string, unknown>) => ({
      ...r,
      starts_at: (r['starts_at'] as Date).toISOString(),
      ends_at: (r['ends_at'] as Date).toISOString(),
    }))[0];

  const details = (groupId: string, facilitatorIds: string[]): GroupDetails => ({
    groupId,
    groupType: 'general-emotional-support',
    seats: 8,
    openness: 'closed',
    modality: 'online',
    locationId: null,
    videoLink: null,
    facilitatorIds,
    ageBand: { min: 18, max: 99 },
    cadence: 'weekly',
    sessionMinutes: 90,
    courseWeeks: 8,
    firstSessionAt: '2026-02-02T17:00:00.000Z',
    timeZone: 'Europe/Berlin',
  });
  const formed = (groupId: string, facilitatorIds: string[]): GroupEvent => ({
    type: 'GroupFormed',
    data: { ...details(groupId, facilitatorIds), formedAt: '2026-01-01T00:00:00.000Z' },
  });
  const changed = (groupId: string, facilitatorIds: string[]): GroupEvent => ({
    type: 'GroupChanged',
    data: {
      ...details(groupId, facilitatorIds),
      changedFields: ['facilitatorIds'],
      changedAt: '2026-01-10T00:00:00.000Z',
    },
  });
  const facts = (
    groupId: string,
    sessionId: string,
    sequence: number,
    startsAt: string,
    endsAt: string,
  ): SessionFacts => ({
    groupId,
    sessionId,
    sequence,
    startsAt,
    endsAt,
    timeZone: 'Europe/Berlin',
  });
  const scheduled = (...args: Parameters<typeof facts>): GroupEvent => ({
    type: 'SessionScheduled',
    data: facts(...args),
  });

  it('lists the scheduled sessions of every group a facilitator leads, soonest first, and no one else’s', async () => {
    const projection = 'upcoming-lists';
    await applyAt(projection, 1n, formed('grp_synthetic_0101', ['fac_synthetic_0001', 'fac_synthetic_0002']));
    await applyAt(projection, 2n, formed('grp_synthetic_0102', ['fac_synthetic_0001']));
    await applyAt(
      projection,
      3n,
      scheduled('grp_synthetic_0101', 'ses_synthetic_0102', 2, '2026-02-09T17:00:00.000Z', '2026-02-09T18:30:00.000Z'),
    );
    await applyAt(
      projection,
      4n,
      scheduled('grp_synthetic_0101', 'ses_synthetic_0101', 1, '2026-02-02T17:00:00.000Z', '2026-02-02T18:30:00.000Z'),
    );
    await applyAt(
      projection,
      5n,
      scheduled('grp_synthetic_0102', 'ses_synthetic_0103', 1, '2026-02-05T10:00:00.000Z', '2026-02-05T11:00:00.000Z'),
    );

    expect(await upcoming('fac_synthetic_0001')).toEqual([
      {
        groupId: 'grp_synthetic_0101',
        sessionId: 'ses_synthetic_0101',
        sequence: 1,
        startsAt: '2026-02-02T17:00:00.000Z',
        endsAt: '2026-02-02T18:30:00.000Z',
        status: 'scheduled',
        revision: 0,
      },
      expect.objectContaining({ groupId: 'grp_synthetic_0102', sessionId: 'ses_synthetic_0103', revision: 0 }),
      expect.objectContaining({ groupId: 'grp_synthetic_0101', sessionId: 'ses_synthetic_0102', sequence: 2 }),
    ]);
    expect((await upcoming('fac_synthetic_0002')).map((s) => s.sessionId)).toEqual([
      'ses_synthetic_0101',
      'ses_synthetic_0102',
    ]);
    expect(await upcoming('fac_synthetic_0003')).toEqual([]);
    // A session is upcoming until it ends: one under way still shows, one over does not.
    expect((await upcoming('fac_synthetic_0002', '2026-02-02T18:00:00.000Z')).map((s) => s.sessionId)).toEqual([
      'ses_synthetic_0101',
      'ses_synthetic_0102',
    ]);
    expect((await upcoming('fac_synthetic_0002', '2026-02-02T18:30:00.000Z')).map((s) => s.sessionId)).toEqual([
      'ses_synthetic_0102',
    ]);
    expect(await readProjectionCheckpoint(dataSource.manager, projection)).toBe(5n);
  });

  it('hands a group’s sessions to its new facilitators when the group changes', async () => {
    const projection = 'upcoming-handover';
    const groupId = 'grp_synthetic_0201';
    await applyAt(projection, 10n, formed(groupId, ['fac_synthetic_0011', 'fac_synthetic_0012']));
    await applyAt(
      projection,
      11n,
      scheduled(groupId, 'ses_synthetic_0201', 1, '2026-03-02T17:00:00.000Z', '2026-03-02T18:30:00.000Z'),
    );
    await applyAt(projection, 12n, changed(groupId, ['fac_synthetic_0012', 'fac_synthetic_0013']));

    expect(await upcoming('fac_synthetic_0011')).toEqual([]);
    expect((await upcoming('fac_synthetic_0012')).map((s) => s.sessionId)).toEqual(['ses_synthetic_0201']);
    expect((await upcoming('fac_synthetic_0013')).map((s) => s.sessionId)).toEqual(['ses_synthetic_0201']);
    expect(
      await dataSource.query(
        'SELECT facilitator_id FROM schedule_group_facilitator WHERE group_id = $1 ORDER BY facilitator_id',
        [groupId],
      ),
    ).toEqual([{ facilitator_id: 'fac_synthetic_0012' }, { facilitator_id: 'fac_synthetic_0013' }]);
  });

  it('moves a rescheduled session and drops a cancelled one, counting each change in the revision', async () => {
    const projection = 'upcoming-changes';
    const groupId = 'grp_synthetic_0301';
    const facilitatorId = 'fac_synthetic_0021';
    await applyAt(projection, 20n, formed(groupId, [facilitatorId]));
    await applyAt(
      projection,
      21n,
      scheduled(groupId, 'ses_synthetic_0301', 1, '2026-04-06T17:00:00.000Z', '2026-04-06T18:30:00.000Z'),
    );
    await applyAt(
      projection,
      22n,
      scheduled(groupId, 'ses_synthetic_0302', 2, '2026-04-13T17:00:00.000Z', '2026-04-13T18:30:00.000Z'),
    );

    await applyAt(projection, 23n, {
      type: 'SessionRescheduled',
      data: {
        ...facts(groupId, 'ses_synthetic_0301', 1, '2026-04-20T17:00:00.000Z', '2026-04-20T18:30:00.000Z'),
        previousStartsAt: '2026-04-06T17:00:00.000Z',
        previousEndsAt: '2026-04-06T18:30:00.000Z',
      },
    });
    expect(await upcoming(facilitatorId)).toEqual([
      expect.objectContaining({ sessionId: 'ses_synthetic_0302', revision: 0 }),
      {
        groupId,
        sessionId: 'ses_synthetic_0301',
        sequence: 1,
        startsAt: '2026-04-20T17:00:00.000Z',
        endsAt: '2026-04-20T18:30:00.000Z',
        status: 'scheduled',
        revision: 1,
      },
    ]);

    await applyAt(projection, 24n, {
      type: 'SessionCancelled',
      data: {
        ...facts(groupId, 'ses_synthetic_0301', 1, '2026-04-20T17:00:00.000Z', '2026-04-20T18:30:00.000Z'),
        reason: 'holiday',
      },
    });
    expect((await upcoming(facilitatorId)).map((s) => s.sessionId)).toEqual(['ses_synthetic_0302']);
    // The cancelled session stays in the table, so its revision goes on counting for calendars.
    expect(await sessionRow('ses_synthetic_0301')).toEqual({
      session_id: 'ses_synthetic_0301',
      group_id: groupId,
      sequence: 1,
      starts_at: '2026-04-20T17:00:00.000Z',
      ends_at: '2026-04-20T18:30:00.000Z',
      status: 'cancelled',
      revision: 2,
    });
  });

  it('ignores group events that are not about facilitators or sessions', async () => {
    const projection = 'upcoming-ignored';
    const groupId = 'grp_synthetic_0401';
    await applyAt(projection, 30n, formed(groupId, ['fac_synthetic_0031']));
    await applyAt(
      projection,
      31n,
      scheduled(groupId, 'ses_synthetic_0401', 1, '2026-05-04T17:00:00.000Z', '2026-05-04T18:30:00.000Z'),
    );
    const before = await upcoming('fac_synthetic_0031');

    await applyAt(projection, 32n, {
      type: 'GroupClosed',
      data: { groupId, reason: 'too-few-members', closedAt: '2026-04-30T00:00:00.000Z' },
    });

    expect(await upcoming('fac_synthetic_0031')).toEqual(before);
    expect(before).toHaveLength(1);
  });

  it('moves the checkpoint only forward: a claim at or below it answers false and the event is not applied again', async () => {
    const projection = 'upcoming-checkpoint';
    const groupId = 'grp_synthetic_0501';
    const reschedule: GroupEvent = {
      type: 'SessionRescheduled',
      data: {
        ...facts(groupId, 'ses_synthetic_0501', 1, '2026-06-08T17:00:00.000Z', '2026-06-08T18:30:00.000Z'),
        previousStartsAt: '2026-06-01T17:00:00.000Z',
        previousEndsAt: '2026-06-01T18:30:00.000Z',
      },
    };
    expect(await readProjectionCheckpoint(dataSource.manager, projection)).toBeUndefined();

    expect(
      await applyAt(
        projection,
        40n,
        scheduled(groupId, 'ses_synthetic_0501', 1, '2026-06-01T17:00:00.000Z', '2026-06-01T18:30:00.000Z'),
      ),
    ).toBe(true);
    expect(await applyAt(projection, 42n, reschedule)).toBe(true);
    expect(await readProjectionCheckpoint(dataSource.manager, projection)).toBe(42n);

    // A replay from an older checkpoint hands the same reschedule, and an older event, over again.
    expect(await applyAt(projection, 42n, reschedule)).toBe(false);
    expect(await applyAt(projection, 41n, reschedule)).toBe(false);
    expect(await readProjectionCheckpoint(dataSource.manager, projection)).toBe(42n);
    expect(await sessionRow('ses_synthetic_0501')).toMatchObject({
      starts_at: '2026-06-08T17:00:00.000Z',
      revision: 1,
    });

    // Each projection has a checkpoint of its own.
    expect(await readProjectionCheckpoint(dataSource.manager, 'upcoming-checkpoint-other')).toBeUndefined();
    expect(await dataSource.transaction((tx) => claimProjectionPosition(tx, 'upcoming-checkpoint-other', 41n))).toBe(
      true,
    );
    expect(await readProjectionCheckpoint(dataSource.manager, projection)).toBe(42n);
  });

  it('leaves the checkpoint where it was when the transaction that claimed it rolls back', async () => {
    const projection = 'upcoming-rollback';
    const groupId = 'grp_synthetic_0601';
    await applyAt(projection, 50n, formed(groupId, ['fac_synthetic_0061']));
    const failure = new Error('synthetic failure after the claim');

    await expect(
      dataSource.transaction(async (tx) => {
        expect(await claimProjectionPosition(tx, projection, 51n)).toBe(true);
        await projectUpcomingSessions(
          tx,
          scheduled(groupId, 'ses_synthetic_0601', 1, '2026-07-06T17:00:00.000Z', '2026-07-06T18:30:00.000Z'),
        );
        throw failure;
      }),
    ).rejects.toBe(failure);

    expect(await readProjectionCheckpoint(dataSource.manager, projection)).toBe(50n);
    expect(await sessionRow('ses_synthetic_0601')).toBeUndefined();
    // The retry claims the same position and applies it.
    expect(
      await applyAt(
        projection,
        51n,
        scheduled(groupId, 'ses_synthetic_0601', 1, '2026-07-06T17:00:00.000Z', '2026-07-06T18:30:00.000Z'),
      ),
    ).toBe(true);
    expect(await sessionRow('ses_synthetic_0601')).toMatchObject({ status: 'scheduled', revision: 0 });
  });

  it('lets only one of two replicas claiming the same position apply it', async () => {
    const projection = 'upcoming-replicas';
    await dataSource.transaction((tx) => claimProjectionPosition(tx, projection, 60n));

    let secondClaim: Promise<boolean> | undefined;
    const firstClaim = await dataSource.transaction(async (tx) => {
      const claimed = await claimProjectionPosition(tx, projection, 61n);
      secondClaim = dataSource.transaction((other) => claimProjectionPosition(other, projection, 61n));
      // The second replica waits on the checkpoint row this transaction holds until it commits.
      await waitFor(
        async () =>
          (
            await dataSource.query(
              "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
            )
          ).length > 0,
        { timeoutMs: 10_000, description: 'the second claim of position 61 to wait on the checkpoint row lock' },
      );
      return claimed;
    });

    expect(firstClaim).toBe(true);
    expect(await secondClaim).toBe(false);
    expect(await readProjectionCheckpoint(dataSource.manager, projection)).toBe(61n);
  });
});
