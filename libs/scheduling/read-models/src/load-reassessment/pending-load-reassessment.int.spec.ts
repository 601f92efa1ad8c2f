import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { runMigrations } from '@carecircle/platform/event-store';
import { createTestDatabase, type TestDatabase } from '@carecircle/platform/testing';
import { schedulingReadModelEntities, schedulingReadModelMigrations } from '../index';
import {
  countPendingLoadReassessments,
  findPendingLoadReassessments,
  markLoadReassessmentDone,
  markLoadReassessmentFailed,
  recordPendingLoadReassessment,
  type PendingLoadReassessment,
} from './pending-load-reassessment';

/**
 * The reassessments owed after a roster change, on real PostgreSQL: one per enrollment event however
 * often it is recorded, handed out oldest first until done, and a failed one stays owed.
 */
describe('pending load reassessments', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('scheduling_pending_load_reassessment');
    await runMigrations(db.url, schedulingReadModelMigrations);
    dataSource = new DataSource({ type: 'postgres', url: db.url, entities: schedulingReadModelEntities });
    await dataSource.initialize();
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });
  // Each test starts with nothing owed, so the counts and the order below are the test's own.
  beforeEach(async () => {
    await dataSource.query('TRUNCATE pending_load_reassessment RESTART IDENTITY');
  });

  const owed = (memberId: string, cause: 'enrolled' | 'withdrew', at: string): Omit<PendingLoadReassessment, 'id'> => ({
    memberId,
    groupId: 'grp_synthetic_0701',
    cause,
    at,
    causeEventId: randomUUID(),
    correlationId: `corr_synthetic_${memberId}`,
  });
  const record = (work: Omit<PendingLoadReassessment, 'id'>) =>
    dataSource.transaction((tx) => recordPendingLoadReassessment(tx, work));
  const attempts = async (id: string) =>
    (
      (await dataSource.query('SELECT attempts, done_at FROM pending_load_reassessment WHERE id = $1', [id])) as {
        attempts: number;
        done_at: Date | null;
      }[]
    )[0];

  it('hands out what is owed oldest first, as it was recorded, up to the limit', async () => {
    const first = owed('mbr_synthetic_0701', 'enrolled', '2026-03-01T09:00:00.000Z');
    const second = owed('mbr_synthetic_0702', 'withdrew', '2026-02-01T09:00:00.000Z');
    const third = owed('mbr_synthetic_0703', 'enrolled', '2026-03-02T09:00:00.000Z');
    for (const work of [first, second, third]) await record(work);

    expect(await findPendingLoadReassessments(dataSource.manager, 2)).toEqual([
      { id: '1', ...first },
      { id: '2', ...second },
    ]);
    expect(await countPendingLoadReassessments(dataSource.manager)).toBe(3);
  });

  it('records one reassessment per enrollment event, however often that event is recorded', async () => {
    const work = owed('mbr_synthetic_0711', 'enrolled', '2026-03-01T09:00:00.000Z');
    await record(work);
    await record(work);
    await record({ ...work, at: '2026-03-05T09:00:00.000Z' });

    expect(await findPendingLoadReassessments(dataSource.manager, 10)).toEqual([{ id: '1', ...work }]);
    expect(await countPendingLoadReassessments(dataSource.manager)).toBe(1);
  });

  it('owes nothing when the transaction that recorded it rolls back', async () => {
    const failure = new Error('synthetic failure after the roster change');
    await expect(
      dataSource.transaction(async (tx) => {
        await recordPendingLoadReassessment(tx, owed('mbr_synthetic_0721', 'withdrew', '2026-03-01T09:00:00.000Z'));
        throw failure;
      }),
    ).rejects.toBe(failure);

    expect(await countPendingLoadReassessments(dataSource.manager)).toBe(0);
  });

  it('stops handing out a done reassessment, and keeps a failed one owed with its attempts counted', async () => {
    const done = owed('mbr_synthetic_0731', 'enrolled', '2026-03-01T09:00:00.000Z');
    const failing = owed('mbr_synthetic_0732', 'enrolled', '2026-03-01T10:00:00.000Z');
    await record(done);
    await record(failing);
    // Ids count from 1 again in every test (RESTART IDENTITY).
    const [doneId, failingId] = ['1', '2'];
    expect((await findPendingLoadReassessments(dataSource.manager, 10)).map((p) => p.id)).toEqual([doneId, failingId]);

    await markLoadReassessmentFailed(dataSource.manager, failingId);
    await markLoadReassessmentFailed(dataSource.manager, failingId);
    await markLoadReassessmentDone(dataSource.manager, doneId, new Date('2026-03-01T09:00:05.000Z'));

    expect(await findPendingLoadReassessments(dataSource.manager, 10)).toEqual([{ id: failingId, ...failing }]);
    expect(await countPendingLoadReassessments(dataSource.manager)).toBe(1);
    expect(await attempts(doneId)).toEqual({ attempts: 1, done_at: new Date('2026-03-01T09:00:05.000Z') });
    expect(await attempts(failingId)).toEqual({ attempts: 2, done_at: null });

    // Recording the done one's event again (a redelivery) owes nothing new.
    await record(done);
    expect(await countPendingLoadReassessments(dataSource.manager)).toBe(1);
  });
});
