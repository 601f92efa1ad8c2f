import type { EntityManager } from 'typeorm';
import type { GroupMembership, RosterMember } from '@carecircle/scheduling/domain';
import { RosterEntryRow } from './roster-entry.entity';

/** One member's roster entry in a group, as the attendance rules need it. */
export async function findRosterMember(
  em: EntityManager,
  groupId: string,
  memberId: string,
): Promise<RosterMember | null> {
  const row = await em.getRepository(RosterEntryRow).findOne({ where: { groupId, memberId } });
  return row ? { status: row.status, enrolledAt: row.enrolledAt.toISOString() } : null;
}

/** The groups a member is currently enrolled in. */
export async function findEnrolledGroups(em: EntityManager, memberId: string): Promise<string[]> {
  const rows = await em
    .getRepository(RosterEntryRow)
    .find({ where: { memberId, status: 'enrolled' }, order: { groupId: 'ASC' } });
  return rows.map((row) => row.groupId);
}

/** The members currently enrolled in a group. */
export async function findEnrolledMembers(em: EntityManager, groupId: string): Promise<string[]> {
  const rows = await em
    .getRepository(RosterEntryRow)
    .find({ where: { groupId, status: 'enrolled' }, order: { memberId: 'ASC' } });
  return rows.map((row) => row.memberId);
}

/** Every group the member is or was in, with when they left it (null while enrolled). */
export async function findMemberships(em: EntityManager, memberId: string): Promise<GroupMembership[]> {
  const rows = await em.getRepository(RosterEntryRow).find({ where: { memberId }, order: { groupId: 'ASC' } });
  return rows.map((row) => ({
    groupId: row.groupId,
    withdrawnAt: row.status === 'withdrawn' ? (row.withdrawnAt?.toISOString() ?? row.enrolledAt.toISOString()) : null,
  }));
}
