import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { RosterFact } from '@carecircle/scheduling/domain';
import { runMigrations } from '@carecircle/platform/event-store';
import { Inbox, messagingMigrations } from '@carecircle/platform/messaging';
import { createTestDatabase, type TestDatabase } from '@carecircle/platform/testing';
import { schedulingReadModelEntities, schedulingReadModelMigrations } from '../index';
import { findGroupRoster, projectRosterFact } from './roster.projection';
import { findEnrolledGroups, findEnrolledMembers, findMemberships, findRosterMember } from './roster.queries';

/**
 * Scheduling's rosters on real PostgreSQL, fed by enrollment's facts: the entry follows the member in
 * and out of a group, and the per-group counters count every fact applied, so a fact applied twice
 * (a redelivery the inbox let through) shows there while the entry itself stays the same.
 */
describe('roster projection', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('scheduling_roster_projection');
    // The inbox's table too: the last test delivers through it, as the Kafka controller does.
    await runMigrations(db.url, [...schedulingReadModelMigrations, ...messagingMigrations]);
    dataSource = new DataSource({ type: 'postgres', url: db.url, entities: schedulingReadModelEntities });
    await dataSource.initialize();
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  const apply = (fact: RosterFact) => dataSource.transaction((tx) => projectRosterFact(tx, fact));
  const enrolled = (
    groupId: string,
    memberId: string,
    enrolledAt: string,
    memberRole: 'patient' | 'caregiver' | 'family-member' = 'patient',
  ): RosterFact => ({ type: 'MemberEnrolled', groupId, memberId, memberRole, enrolledAt });
  const withdrew = (groupId: string, memberId: string, withdrewAt: string): RosterFact => ({
    type: 'MemberWithdrew',
    groupId,
    memberId,
    withdrewAt,
  });

  /** The table rows themselves, timestamps as ISO strings. */
  const entryRows = async (groupId: string) =>
    (
      await dataSource.query(
        `SELECT group_id, member_id, member_role, status, enrolled_at, withdrawn_at
           FROM roster_entry WHERE group_id = $1 ORDER BY member_id`,
        [groupId],
      )
    ).map((r: Record<string, unknown>) => ({
      ...r,
      enrolled_at: (r['enrolled_at'] as Date).toISOString(),
      withdrawn_at: r['withdrawn_at'] ? (r['withdrawn_at'] as Date).toISOString() : null,
    }));
  const summaryRow = async (groupId: string) =>
    (
      await dataSource.query(
        'SELECT group_id, enrolments_applied, withdrawals_applied FROM group_roster_summary WHERE group_id = $1',
        [groupId],
      )
    )[0] as { group_id: string; enrolments_applied: number; withdrawals_applied: number } | undefined;

  it('puts an enrolled member on the group roster and counts the enrolment', async () => {
    const groupId = 'grp_synthetic_0001';
    await apply(enrolled(groupId, 'mbr_synthetic_0001', '2026-03-02T09:00:00.000Z'));
    await apply(enrolled(groupId, 'mbr_synthetic_0002', '2026-03-01T09:00:00.000Z', 'caregiver'));

    expect(await entryRows(groupId)).toEqual([
      {
        group_id: groupId,
        member_id: 'mbr_synthetic_0001',
        member_role: 'patient',
        status: 'enrolled',
        enrolled_at: '2026-03-02T09:00:00.000Z',
        withdrawn_at: null,
      },
      {
        group_id: groupId,
        member_id: 'mbr_synthetic_0002',
        member_role: 'caregiver',
        status: 'enrolled',
        enrolled_at: '2026-03-01T09:00:00.000Z',
        withdrawn_at: null,
      },
    ]);
    expect(await summaryRow(groupId)).toEqual({ group_id: groupId, enrolments_applied: 2, withdrawals_applied: 0 });

    // The roster lists members in the order they enrolled.
    const roster = await findGroupRoster(dataSource.manager, groupId);
    expect(roster).toEqual({
      groupId,
      members: [
        {
          groupId,
          memberId: 'mbr_synthetic_0002',
          memberRole: 'caregiver',
          status: 'enrolled',
          enrolledAt: '2026-03-01T09:00:00.000Z',
          withdrawnAt: null,
        },
        {
          groupId,
          memberId: 'mbr_synthetic_0001',
          memberRole: 'patient',
          status: 'enrolled',
          enrolledAt: '2026-03-02T09:00:00.000Z',
          withdrawnAt: null,
        },
      ],
      enrolmentsApplied: 2,
      withdrawalsApplied: 0,
    });
    expect(await findEnrolledMembers(dataSource.manager, groupId)).toEqual([
      'mbr_synthetic_0001',
      'mbr_synthetic_0002',
    ]);
    expect(await findRosterMember(dataSource.manager, groupId, 'mbr_synthetic_0001')).toEqual({
      status: 'enrolled',
      enrolledAt: '2026-03-02T09:00:00.000Z',
    });
  });

  it('marks a withdrawn member withdrawn, keeps when they enrolled, and leaves them off the enrolled members', async () => {
    const groupId = 'grp_synthetic_0002';
    await apply(enrolled(groupId, 'mbr_synthetic_0003', '2026-03-01T09:00:00.000Z'));
    await apply(enrolled(groupId, 'mbr_synthetic_0004', '2026-03-01T10:00:00.000Z'));
    await apply(withdrew(groupId, 'mbr_synthetic_0003', '2026-04-15T12:30:00.000Z'));

    expect(await entryRows(groupId)).toEqual([
      expect.objectContaining({
        member_id: 'mbr_synthetic_0003',
        status: 'withdrawn',
        enrolled_at: '2026-03-01T09:00:00.000Z',
        withdrawn_at: '2026-04-15T12:30:00.000Z',
      }),
      expect.objectContaining({ member_id: 'mbr_synthetic_0004', status: 'enrolled', withdrawn_at: null }),
    ]);
    expect(await summaryRow(groupId)).toEqual({ group_id: groupId, enrolments_applied: 2, withdrawals_applied: 1 });
    expect(await findEnrolledMembers(dataSource.manager, groupId)).toEqual(['mbr_synthetic_0004']);
    expect(await findRosterMember(dataSource.manager, groupId, 'mbr_synthetic_0003')).toEqual({
      status: 'withdrawn',
      enrolledAt: '2026-03-01T09:00:00.000Z',
    });
    expect(await findMemberships(dataSource.manager, 'mbr_synthetic_0003')).toEqual([
      { groupId, withdrawnAt: '2026-04-15T12:30:00.000Z' },
    ]);
  });

  it('adds no entry for a withdrawal of someone never enrolled, though the summary counts the fact', async () => {
    const groupId = 'grp_synthetic_0003';
    await apply(withdrew(groupId, 'mbr_synthetic_0005', '2026-04-15T12:30:00.000Z'));

    expect(await entryRows(groupId)).toEqual([]);
    expect(await findRosterMember(dataSource.manager, groupId, 'mbr_synthetic_0005')).toBeNull();
    expect(await summaryRow(groupId)).toEqual({ group_id: groupId, enrolments_applied: 0, withdrawals_applied: 1 });
  });

  it('gives the same entry when a fact is applied twice, and shows the duplicate in the summary', async () => {
    const groupId = 'grp_synthetic_0004';
    await apply(enrolled(groupId, 'mbr_synthetic_0006', '2026-03-01T09:00:00.000Z'));
    await apply(withdrew(groupId, 'mbr_synthetic_0006', '2026-04-01T09:00:00.000Z'));
    const entriesOnce = await entryRows(groupId);

    await apply(withdrew(groupId, 'mbr_synthetic_0006', '2026-04-01T09:00:00.000Z'));
    expect(await entryRows(groupId)).toEqual(entriesOnce);
    // Exactly once is the inbox's job; the counters are how the fault suite sees a fact it let through twice.
    expect(await summaryRow(groupId)).toEqual({ group_id: groupId, enrolments_applied: 1, withdrawals_applied: 2 });
  });

  it('changes nothing when the inbox is handed the same enrollment event again', async () => {
    const groupId = 'grp_synthetic_0005';
    const inbox = new Inbox(dataSource);
    const eventId = randomUUID();
    const deliver = () =>
      inbox.handleOnce('scheduling-roster-test', eventId, (tx) =>
        projectRosterFact(tx, enrolled(groupId, 'mbr_synthetic_0007', '2026-03-01T09:00:00.000Z')),
      );

    expect(await deliver()).toBe('processed');
    const entriesOnce = await entryRows(groupId);
    expect(await deliver()).toBe('duplicate');

    expect(await entryRows(groupId)).toEqual(entriesOnce);
    expect(entriesOnce).toEqual([expect.objectContaining({ member_id: 'mbr_synthetic_0007', status: 'enrolled' })]);
    expect(await summaryRow(groupId)).toEqual({ group_id: groupId, enrolments_applied: 1, withdrawals_applied: 0 });
  });

  it('re-enrols a withdrawn member with the new enrolment date and no withdrawal', async () => {
    const groupId = 'grp_synthetic_0006';
    await apply(enrolled(groupId, 'mbr_synthetic_0008', '2026-03-01T09:00:00.000Z'));
    await apply(withdrew(groupId, 'mbr_synthetic_0008', '2026-03-20T09:00:00.000Z'));
    await apply(enrolled(groupId, 'mbr_synthetic_0008', '2026-05-04T09:00:00.000Z', 'family-member'));

    expect(await entryRows(groupId)).toEqual([
      {
        group_id: groupId,
        member_id: 'mbr_synthetic_0008',
        member_role: 'family-member',
        status: 'enrolled',
        enrolled_at: '2026-05-04T09:00:00.000Z',
        withdrawn_at: null,
      },
    ]);
    expect(await summaryRow(groupId)).toEqual({ group_id: groupId, enrolments_applied: 2, withdrawals_applied: 1 });
    expect(await findEnrolledMembers(dataSource.manager, groupId)).toEqual(['mbr_synthetic_0008']);
    expect(await findMemberships(dataSource.manager, 'mbr_synthetic_0008')).toEqual([{ groupId, withdrawnAt: null }]);
  });

  it('keeps two groups apart: leaving one leaves the member, and the counters, of the other as they were', async () => {
    const [groupA, groupB] = ['grp_synthetic_0007', 'grp_synthetic_0008'];
    const memberId = 'mbr_synthetic_0009';
    await apply(enrolled(groupA, memberId, '2026-03-01T09:00:00.000Z'));
    await apply(enrolled(groupB, memberId, '2026-03-02T09:00:00.000Z'));
    await apply(enrolled(groupB, 'mbr_synthetic_0010', '2026-03-02T10:00:00.000Z'));
    expect(await findEnrolledGroups(dataSource.manager, memberId)).toEqual([groupA, groupB]);

    await apply(withdrew(groupA, memberId, '2026-04-01T09:00:00.000Z'));

    expect(await findEnrolledGroups(dataSource.manager, memberId)).toEqual([groupB]);
    expect(await findMemberships(dataSource.manager, memberId)).toEqual([
      { groupId: groupA, withdrawnAt: '2026-04-01T09:00:00.000Z' },
      { groupId: groupB, withdrawnAt: null },
    ]);
    expect(await findEnrolledMembers(dataSource.manager, groupA)).toEqual([]);
    expect(await findEnrolledMembers(dataSource.manager, groupB)).toEqual([memberId, 'mbr_synthetic_0010']);
    expect(await summaryRow(groupA)).toEqual({ group_id: groupA, enrolments_applied: 1, withdrawals_applied: 1 });
    expect(await summaryRow(groupB)).toEqual({ group_id: groupB, enrolments_applied: 2, withdrawals_applied: 0 });
    expect(await entryRows(groupB)).toEqual([
      expect.objectContaining({ member_id: memberId, status: 'enrolled', enrolled_at: '2026-03-02T09:00:00.000Z' }),
      expect.objectContaining({ member_id: 'mbr_synthetic_0010', status: 'enrolled' }),
    ]);
  });

  it('rolls the entry and the counter back together with the transaction that applied them', async () => {
    const groupId = 'grp_synthetic_0009';
    const failure = new Error('synthetic failure after the roster change');
    await expect(
      dataSource.transaction(async (tx) => {
        await projectRosterFact(tx, enrolled(groupId, 'mbr_synthetic_0011', '2026-03-01T09:00:00.000Z'));
        throw failure;
      }),
    ).rejects.toBe(failure);

    expect(await entryRows(groupId)).toEqual([]);
    expect(await summaryRow(groupId)).toBeUndefined();
  });
});
