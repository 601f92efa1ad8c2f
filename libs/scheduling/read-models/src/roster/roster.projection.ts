import type { EntityManager } from 'typeorm';
import { MemberEnrolled, MemberWithdrew, type EventOf } from '@carecircle/contracts';
import { on, type EventRoute } from '@carecircle/platform/messaging';
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

export type RosterEvent = EventOf<typeof MemberEnrolled> | EventOf<typeof MemberWithdrew>;

/**
 * The roster's part of one of enrollment's events. The live route runs it before its other effects and
 * the rebuild runs it alone (`rosterRoutes`), so the two fold an event with the same code.
 */
export function projectRosterEvent(tx: EntityManager, event: RosterEvent): Promise<void> {
  return projectRosterFact(tx, rosterFactOf(event));
}

/** The roster's projection only: the rebuild runs these in its shadow schema, where no other table resolves. */
export const rosterRoutes: readonly EventRoute[] = [
  on(MemberEnrolled, (event, tx) => projectRosterEvent(tx, event)),
  on(MemberWithdrew, (event, tx) => projectRosterEvent(tx, event)),
];

function rosterFactOf(event: RosterEvent): RosterFact {
  if (event.type === 'MemberEnrolled') {
    const { groupId, memberRole, enrolledAt } = event.payload;
    return { type: 'MemberEnrolled', memberId: event.subject, groupId, memberRole, enrolledAt };
  }
  const { groupId, withdrewAt } = event.payload;
  return { type: 'MemberWithdrew', memberId: event.subject, groupId, withdrewAt };
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
