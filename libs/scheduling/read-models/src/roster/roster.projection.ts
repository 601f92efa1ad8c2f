import type { EntityManager } from 'typeorm';
import { evolveRosterEntry, type RosterEntry, type RosterFact } from '@carecircle/scheduling/domain';
import { GroupRosterSummaryRow, RosterEntryRow } from './roster-entry.entity';

/**
 * Applies one enrollment fact to the roster inside the caller's transaction (the inbox's), so the
 * row, the counters and the "already processed" mark commit together or not at all.
 */
export async function projectRosterFact(tx: EntityManager, fact: RosterFact): Promise<void> {
  const rows = tx.getRepository(RosterEntryRow);
  const current = await rows.findOne({
    where: { groupId: fact.groupId, memberId: fact.memberId },
    lock: { mode: 'pessimistic_write' },
  });
  const next = evolveRosterEntry(current ? toEntry(current) : null, fact);
  if (next) await rows.save(toRow(next));
  const counter = fact.type === 'MemberEnrolled' ? 'enrolments_applied' : 'withdrawals_applied';
  await tx.query(
    `INSERT INTO group_roster_summary (group_id, ${counter}) VALUES ($1, 1)
     ON CONFLICT (group_id) DO UPDATE SET ${counter} = group_roster_summary.${counter} + 1`,
    [fact.groupId],
  );
}

export interface GroupRoster {
  groupId: string;
  members: RosterEntry[];
  enrolmentsApplied: number;
  withdrawalsApplied: number;
}

export async function findGroupRoster(em: EntityManager, groupId: string): Promise<GroupRoster> {
  const [rows, summary] = await Promise.all([
    em.getRepository(RosterEntryRow).find({ where: { groupId }, order: { enrolledAt: 'ASC', memberId: 'ASC' } }),
    em.getRepository(GroupRosterSummaryRow).findOne({ where: { groupId } }),
  ]);
  return {
    groupId,
    members: rows.map(toEntry),
    enrolmentsApplied: summary?.enrolmentsApplied ?? 0,
    withdrawalsApplied: summary?.withdrawalsApplied ?? 0,
  };
}

function toEntry(row: RosterEntryRow): RosterEntry {
  return {
    groupId: row.groupId,
    memberId: row.memberId,
    memberRole: row.memberRole,
    status: row.status,
    enrolledAt: row.enrolledAt.toISOString(),
    withdrawnAt: row.withdrawnAt?.toISOString() ?? null,
  };
}

function toRow(entry: RosterEntry): RosterEntryRow {
  return Object.assign(new RosterEntryRow(), {
    ...entry,
    enrolledAt: new Date(entry.enrolledAt),
    withdrawnAt: entry.withdrawnAt ? new Date(entry.withdrawnAt) : null,
  });
}
