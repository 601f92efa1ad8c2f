import { type Sql } from '@carecircle/platform/event-store';

/**
 * Who leads which group, as the gateway learnt it from the events (the timeline's tables); care teams
 * are the access policy's relationships (`AccessContext`). The console never trusts a service's answer for either.
 */
export async function groupsFacilitatedBy(sql: Sql, facilitatorId: string): Promise<string[]> {
  const rows = await sql<{ group_id: string }>(
    `SELECT group_id FROM gateway.timeline_group_facilitator WHERE $1 = ANY(facilitator_ids) ORDER BY group_id`,
    [facilitatorId],
  );
  return rows.map((row) => row.group_id);
}

export async function facilitatorsOfGroup(sql: Sql, groupId: string): Promise<string[]> {
  const [row] = await sql<{ facilitator_ids: string[] }>(
    `SELECT facilitator_ids FROM gateway.timeline_group_facilitator WHERE group_id = $1`,
    [groupId],
  );
  return row?.facilitator_ids ?? [];
}

/** Members currently in any of the groups. */
export async function membersOfGroups(sql: Sql, groupIds: readonly string[]): Promise<string[]> {
  if (groupIds.length === 0) return [];
  const rows = await sql<{ member_id: string }>(
    `SELECT DISTINCT member_id FROM gateway.timeline_group_member WHERE group_id = ANY($1::text[]) ORDER BY member_id`,
    [groupIds],
  );
  return rows.map((row) => row.member_id);
}
