import type { EntityManager } from 'typeorm';

export interface PendingLoadReassessment {
  id: string;
  memberId: string;
  groupId: string;
  cause: 'enrolled' | 'withdrew';
  /** When the member enrolled or withdrew (ISO-8601). */
  at: string;
  causeEventId: string;
  correlationId: string;
}

/**
 * Owes a reassessment of the member's load, inside the caller's transaction (the inbox's): it
 * commits with the roster change or not at all. A second row for the same event is not added.
 */
export async function recordPendingLoadReassessment(
  tx: EntityManager,
  work: Omit<PendingLoadReassessment, 'id'>,
): Promise<void> {
  await tx.query(
    `INSERT INTO pending_load_reassessment (cause_event_id, member_id, group_id, cause, cause_at, correlation_id)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (cause_event_id) DO NOTHING`,
    [work.causeEventId, work.memberId, work.groupId, work.cause, work.at, work.correlationId],
  );
}

interface PendingRow {
  id: string;
  member_id: string;
  group_id: string;
  cause: 'enrolled' | 'withdrew';
  cause_at: Date;
  cause_event_id: string;
  correlation_id: string;
}

/** The oldest reassessments not yet done, in the order they were recorded. No lock: doing one twice appends nothing twice. */
export async function findPendingLoadReassessments(
  em: EntityManager,
  limit: number,
): Promise<PendingLoadReassessment[]> {
  const rows: PendingRow[] = await em.query(
    `SELECT id::text AS id, member_id, group_id, cause, cause_at, cause_event_id, correlation_id
     FROM pending_load_reassessment WHERE done_at IS NULL ORDER BY id LIMIT $1`,
    [limit],
  );
  return rows.map((row) => ({
    id: row.id,
    memberId: row.member_id,
    groupId: row.group_id,
    cause: row.cause,
    at: new Date(row.cause_at).toISOString(),
    causeEventId: row.cause_event_id,
    correlationId: row.correlation_id,
  }));
}

export async function markLoadReassessmentDone(em: EntityManager, id: string, at: Date): Promise<void> {
  await em.query('UPDATE pending_load_reassessment SET done_at = $2, attempts = attempts + 1 WHERE id = $1', [id, at]);
}

/** A failed attempt stays pending and is retried on the next pass; the count shows in the table. */
export async function markLoadReassessmentFailed(em: EntityManager, id: string): Promise<void> {
  await em.query('UPDATE pending_load_reassessment SET attempts = attempts + 1 WHERE id = $1', [id]);
}

/** Reassessments recorded and not yet done (for health and tests). */
export async function countPendingLoadReassessments(em: EntityManager): Promise<number> {
  const [row] = (await em.query(
    'SELECT count(*)::int AS pending FROM pending_load_reassessment WHERE done_at IS NULL',
  )) as { pending: number }[];
  return row?.pending ?? 0;
}
