import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { runMigrations } from '@carecircle/platform/event-store';
import { createTestDatabase, type TestDatabase } from '@carecircle/platform/testing';
import { outcomesReadModelMigrations } from '../index';
import {
  findCohortMembers,
  projectAttendance,
  projectGroup,
  projectMeasure,
  type AttendanceFact,
  type MeasureFact,
} from './cohort.projection';

/**
 * The cohort read model on real PostgreSQL: a correction replaces the measure it corrects, every fact
 * applied again (a redelivery or a replay) changes nothing, and the cohort report reads standing
 * baselines, follow-ups and attended sessions from it.
 */
describe('cohort projection', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('outcomes_cohort_projection');
    await runMigrations(db.url, outcomesReadModelMigrations);
    dataSource = new DataSource({ type: 'postgres', url: db.url });
    await dataSource.initialize();
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });
  // The report reads every row of an instrument, so each test starts from an empty read model.
  beforeEach(() => dataSource.query('TRUNCATE outcome_measure, member_session_attendance, cohort_group'));

  const record = (fact: MeasureFact) => dataSource.transaction((tx) => projectMeasure(tx, fact));
  const attend = (fact: AttendanceFact) => dataSource.transaction((tx) => projectAttendance(tx, fact));
  const group = (groupId: string, groupType: string, condition: string | null) =>
    dataSource.transaction((tx) => projectGroup(tx, { groupId, groupType, condition }));
  const measureRows = (): Promise<{ measure_id: string; total: number; superseded_by: string | null }[]> =>
    dataSource.query(
      'SELECT measure_id, total, superseded_by FROM outcome_measure ORDER BY administered_at, superseded_by NULLS LAST',
    );
  const groupRows = (): Promise<{ group_id: string; group_type: string; condition: string | null }[]> =>
    dataSource.query('SELECT group_id, group_type, condition FROM cohort_group ORDER BY group_id');

  const phq9 = (
    memberId: string,
    point: MeasureFact['point'],
    total: number,
    administeredAt: string,
    groupId: string | null = 'grp_synthetic_a',
  ): MeasureFact => ({ memberId, measureId: randomUUID(), instrument: 'phq-9', total, point, administeredAt, groupId });

  it('replaces a corrected measure with its correction, and a measure applied twice changes nothing', async () => {
    const baseline = phq9('mbr_synthetic_0001', 'baseline', 18, '2026-01-05T10:00:00.000Z');
    const end = phq9('mbr_synthetic_0001', 'end', 9, '2026-03-30T10:00:00.000Z');
    await record(baseline);
    await record(end);
    expect(await findCohortMembers(dataSource.manager, { instrument: 'phq-9' })).toEqual([
      { memberId: 'mbr_synthetic_0001', baseline: 18, followUp: 9, sessionsAttended: 0 },
    ]);

    const correction = { ...baseline, measureId: randomUUID(), total: 16, correctsMeasureId: baseline.measureId };
    await record(correction);
    expect(await findCohortMembers(dataSource.manager, { instrument: 'phq-9' })).toEqual([
      { memberId: 'mbr_synthetic_0001', baseline: 16, followUp: 9, sessionsAttended: 0 },
    ]);
    const afterCorrection = await measureRows();
    expect(afterCorrection).toEqual([
      { measure_id: baseline.measureId, total: 18, superseded_by: correction.measureId },
      { measure_id: correction.measureId, total: 16, superseded_by: null },
      { measure_id: end.measureId, total: 9, superseded_by: null },
    ]);

    // Redelivered in any order, the original does not come back and nothing is counted twice.
    await record(correction);
    await record(baseline);
    await record(end);
    expect(await measureRows()).toEqual(afterCorrection);
    expect(await findCohortMembers(dataSource.manager, { instrument: 'phq-9' })).toEqual([
      { memberId: 'mbr_synthetic_0001', baseline: 16, followUp: 9, sessionsAttended: 0 },
    ]);
  });

  it('follows a chain of corrections to the last one', async () => {
    const end = phq9('mbr_synthetic_0002', 'end', 20, '2026-03-30T10:00:00.000Z');
    const first = { ...end, measureId: randomUUID(), total: 12, correctsMeasureId: end.measureId };
    const second = { ...end, measureId: randomUUID(), total: 11, correctsMeasureId: first.measureId };
    for (const fact of [end, first, second]) await record(fact);

    expect(await findCohortMembers(dataSource.manager, { instrument: 'phq-9' })).toEqual([
      { memberId: 'mbr_synthetic_0002', baseline: null, followUp: 11, sessionsAttended: 0 },
    ]);
  });

  it('replaces an original that arrives after its correction (replayed from the dead-letter topic)', async () => {
    const baseline = phq9('mbr_synthetic_0003', 'baseline', 21, '2026-01-05T10:00:00.000Z');
    const correction = { ...baseline, measureId: randomUUID(), total: 19, correctsMeasureId: baseline.measureId };
    await record(correction);
    await record(baseline);

    expect(await findCohortMembers(dataSource.manager, { instrument: 'phq-9' })).toEqual(
      expect.arrayContaining([{ memberId: 'mbr_synthetic_0003', baseline: 19, followUp: null, sessionsAttended: 0 }]),
    );
    const rows = await dataSource.query(
      'SELECT measure_id, superseded_by FROM outcome_measure WHERE member_id = $1 ORDER BY total',
      ['mbr_synthetic_0003'],
    );
    expect(rows).toEqual([
      { measure_id: correction.measureId, superseded_by: null },
      { measure_id: baseline.measureId, superseded_by: correction.measureId },
    ]);
  });

  it('keeps one row per group, the latest description replacing the one before', async () => {
    await group('grp_synthetic_a', 'disease-specific', 'cancer');
    await group('grp_synthetic_b', 'general-emotional-support', null);
    expect(await groupRows()).toEqual([
      { group_id: 'grp_synthetic_a', group_type: 'disease-specific', condition: 'cancer' },
      { group_id: 'grp_synthetic_b', group_type: 'general-emotional-support', condition: null },
    ]);

    await group('grp_synthetic_a', 'stage-specific', null);
    await group('grp_synthetic_a', 'stage-specific', null);
    expect(await groupRows()).toEqual([
      { group_id: 'grp_synthetic_a', group_type: 'stage-specific', condition: null },
      { group_id: 'grp_synthetic_b', group_type: 'general-emotional-support', condition: null },
    ]);
  });

  it('reports the earliest standing baseline and the latest standing end or follow-up per member', async () => {
    const member = 'mbr_synthetic_0003';
    await record(phq9(member, 'baseline', 21, '2026-01-05T10:00:00.000Z'));
    await record(phq9(member, 'baseline', 19, '2026-01-12T10:00:00.000Z'));
    await record(phq9(member, 'mid-course', 3, '2026-02-16T10:00:00.000Z'));
    await record(phq9(member, 'end', 10, '2026-03-30T10:00:00.000Z'));
    await record(phq9(member, 'follow-up', 7, '2026-06-29T10:00:00.000Z'));
    // Another instrument for the same member stays out of the PHQ-9 report.
    await record({ ...phq9(member, 'baseline', 15, '2026-01-05T10:00:00.000Z'), instrument: 'gad-7' });
    // A member with a baseline only is in the cohort, without a follow-up.
    await record(phq9('mbr_synthetic_0004', 'baseline', 12, '2026-01-06T10:00:00.000Z'));

    expect(await findCohortMembers(dataSource.manager, { instrument: 'phq-9' })).toEqual([
      { memberId: 'mbr_synthetic_0003', baseline: 21, followUp: 7, sessionsAttended: 0 },
      { memberId: 'mbr_synthetic_0004', baseline: 12, followUp: null, sessionsAttended: 0 },
    ]);
    expect(await findCohortMembers(dataSource.manager, { instrument: 'gad-7' })).toEqual([
      { memberId: 'mbr_synthetic_0003', baseline: 15, followUp: null, sessionsAttended: 0 },
    ]);
    expect(await findCohortMembers(dataSource.manager, { instrument: 'pcl-5' })).toEqual([]);
  });

  it('filters by group, group type, condition and the [from, to) window of administration', async () => {
    await group('grp_synthetic_a', 'disease-specific', 'cancer');
    await group('grp_synthetic_b', 'general-emotional-support', null);
    await record(phq9('mbr_synthetic_0005', 'baseline', 17, '2026-01-05T10:00:00.000Z', 'grp_synthetic_a'));
    await record(phq9('mbr_synthetic_0006', 'baseline', 14, '2026-02-01T00:00:00.000Z', 'grp_synthetic_b'));
    await record(phq9('mbr_synthetic_0007', 'baseline', 11, '2026-01-20T10:00:00.000Z', null));
    const memberIds = async (filter: Omit<Parameters<typeof findCohortMembers>[1], 'instrument'>) =>
      (await findCohortMembers(dataSource.manager, { instrument: 'phq-9', ...filter })).map((m) => m.memberId);

    expect(await memberIds({})).toEqual(['mbr_synthetic_0005', 'mbr_synthetic_0006', 'mbr_synthetic_0007']);
    expect(await memberIds({ groupId: 'grp_synthetic_b' })).toEqual(['mbr_synthetic_0006']);
    expect(await memberIds({ groupType: 'disease-specific' })).toEqual(['mbr_synthetic_0005']);
    expect(await memberIds({ condition: 'cancer' })).toEqual(['mbr_synthetic_0005']);
    expect(await memberIds({ condition: 'dementia' })).toEqual([]);
    // from is inclusive and to exclusive: a measure at exactly `to` belongs to the next window.
    expect(await memberIds({ from: '2026-01-20T10:00:00.000Z', to: '2026-02-01T00:00:00.000Z' })).toEqual([
      'mbr_synthetic_0007',
    ]);
    expect(await memberIds({ from: '2026-02-01T00:00:00.000Z' })).toEqual(['mbr_synthetic_0006']);

    // A group's changed description moves its members between the type and condition filters.
    await group('grp_synthetic_a', 'stage-specific', null);
    expect(await memberIds({ groupType: 'disease-specific' })).toEqual([]);
    expect(await memberIds({ groupType: 'stage-specific' })).toEqual(['mbr_synthetic_0005']);
  });

  it('counts each attended session once, a correction overwriting it, within the filtered group', async () => {
    const member = 'mbr_synthetic_0008';
    await record(phq9(member, 'baseline', 16, '2026-01-05T10:00:00.000Z', 'grp_synthetic_a'));
    const session = (groupId: string, sessionId: string, attended: boolean) => ({
      memberId: member,
      groupId,
      sessionId,
      attended,
    });
    await attend(session('grp_synthetic_a', 'ses_a_1', true));
    await attend(session('grp_synthetic_a', 'ses_a_1', true));
    await attend(session('grp_synthetic_a', 'ses_a_2', true));
    await attend(session('grp_synthetic_a', 'ses_a_3', false));
    await attend(session('grp_synthetic_b', 'ses_b_1', true));
    const attended = async (groupId?: string) =>
      (await findCohortMembers(dataSource.manager, { instrument: 'phq-9', groupId }))[0]?.sessionsAttended;

    expect(await attended()).toBe(3);
    expect(await attended('grp_synthetic_a')).toBe(2);

    // ses_a_2 corrected to absent, ses_a_3 to attended: still one row each.
    await attend(session('grp_synthetic_a', 'ses_a_2', false));
    await attend(session('grp_synthetic_a', 'ses_a_3', true));
    expect(await attended('grp_synthetic_a')).toBe(2);
    expect(
      await dataSource.query(
        'SELECT session_id, attended FROM member_session_attendance WHERE group_id = $1 ORDER BY session_id',
        ['grp_synthetic_a'],
      ),
    ).toEqual([
      { session_id: 'ses_a_1', attended: true },
      { session_id: 'ses_a_2', attended: false },
      { session_id: 'ses_a_3', attended: true },
    ]);
  });
});
