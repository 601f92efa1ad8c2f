import type { Pool } from 'pg';

/**
 * Every derived timeline row the readers and the access checks use, in a stable order; change numbers
 * left out (a rebuild draws new ones). Two equal snapshots mean the same timeline.
 */
export async function timelineSnapshot(pool: Pool) {
  const rows = async (query: string) => (await pool.query(query)).rows;
  return {
    entries: await rows(
      `SELECT member_id, source_event_id, at, kind, alert_id, entry FROM gateway.timeline_entry ORDER BY member_id, source_event_id`,
    ),
    facilitators: await rows(
      `SELECT group_id, facilitator_ids FROM gateway.timeline_group_facilitator ORDER BY group_id`,
    ),
    groupMembers: await rows(
      `SELECT group_id, member_id FROM gateway.timeline_group_member ORDER BY group_id, member_id`,
    ),
    sharing: await rows(`SELECT member_id, share_medication FROM gateway.timeline_member_sharing ORDER BY member_id`),
  };
}
