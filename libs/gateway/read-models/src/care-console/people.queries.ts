import { type Sql } from '@carecircle/platform/event-store';

/** The sealed identity of each member that has one (sealed: opening it is the caller's decision, audited). */
export async function sealedMemberIdentities(
  sql: Sql,
  memberIds: readonly string[],
): Promise<{ id: string; sealed: string }[]> {
  if (memberIds.length === 0) return [];
  return sql<{ id: string; sealed: string }>(
    `SELECT member_id AS id, sealed FROM gateway.member_identity WHERE member_id = ANY($1::text[])`,
    [memberIds],
  );
}

/** The sealed name of each staff id the directory knows. */
export async function sealedStaffNames(
  sql: Sql,
  staffIds: readonly string[],
): Promise<{ id: string; sealed: string }[]> {
  if (staffIds.length === 0) return [];
  return sql<{ id: string; sealed: string }>(
    `SELECT staff_id AS id, sealed FROM gateway.staff_identity WHERE staff_id = ANY($1::text[])`,
    [staffIds],
  );
}

/** Records (or replaces) a staff member's sealed name. */
export async function saveSealedStaffName(sql: Sql, staffId: string, sealed: string): Promise<void> {
  await sql(
    `INSERT INTO gateway.staff_identity (staff_id, sealed) VALUES ($1, $2)
     ON CONFLICT (staff_id) DO UPDATE SET sealed = EXCLUDED.sealed, updated_at = now()`,
    [staffId, sealed],
  );
}

/** Records a staff member's sealed name unless the directory already has one for them (that one stays). */
export async function saveSealedStaffNameIfAbsent(sql: Sql, staffId: string, sealed: string): Promise<void> {
  await sql(`INSERT INTO gateway.staff_identity (staff_id, sealed) VALUES ($1, $2) ON CONFLICT (staff_id) DO NOTHING`, [
    staffId,
    sealed,
  ]);
}
