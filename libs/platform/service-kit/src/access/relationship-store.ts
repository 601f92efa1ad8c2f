import type { MemberRelations, RelationshipFact } from '@carecircle/platform/access';

/** A TypeORM EntityManager or DataSource (rows as the answer), or a node-postgres pool or client (`{ rows }`). */
export interface Queryable {
  query(text: string, params?: unknown[]): Promise<unknown>;
}

async function rows<Row>(db: Queryable, text: string, params: unknown[] = []): Promise<Row[]> {
  const result = await db.query(text, params);
  if (Array.isArray(result)) return result as Row[];
  const pgRows = (result as { rows?: unknown } | null)?.rows;
  return (Array.isArray(pgRows) ? pgRows : []) as Row[];
}

/** The row `MEMBER_RELATIONS_COLUMNS` selects. */
export interface MemberRelationsRow {
  care_team: { clinicianId: string; activeUntil: string | null }[];
  facilitator_ids: string[];
  emergency: { clinicianId: string; expiresAt: string }[];
  withdrawn: boolean;
}

/**
 * The select list of `memberRelations` (the member id is `$1`, nothing else is bound): a service that
 * needs its own facts about the member next to these selects them in the same statement (one round trip,
 * one snapshot) and reads the relations back with `memberRelationsOf`.
 */
export const MEMBER_RELATIONS_COLUMNS = `
  COALESCE((SELECT json_agg(json_build_object('clinicianId', clinician_id, 'activeUntil', active_until)) FROM access.care_team WHERE member_id = $1), '[]') AS care_team,
  COALESCE((SELECT array_agg(DISTINCT f) FROM access.group_member m JOIN access.group_facilitator g USING (group_id), unnest(g.facilitator_ids) AS f WHERE m.member_id = $1), '{}') AS facilitator_ids,
  COALESCE((SELECT json_agg(json_build_object('clinicianId', clinician_id, 'expiresAt', expires_at)) FROM access.emergency_access WHERE member_id = $1), '[]') AS emergency,
  EXISTS (SELECT 1 FROM access.withdrawn_member WHERE member_id = $1) AS withdrawn`;

/** The relations in a row selected with `MEMBER_RELATIONS_COLUMNS`; none when there is no row. */
export function memberRelationsOf(row: MemberRelationsRow | undefined): MemberRelations {
  return {
    careTeam: row?.care_team ?? [],
    facilitatorIds: row?.facilitator_ids ?? [],
    emergencyAccess: row?.emergency ?? [],
    withdrawn: row?.withdrawn ?? false,
  };
}

/**
 * The service's copy of who relates to whom (schema `access`). Facts are applied in the order their
 * events arrive on one partition; each is a set or a delete, so a redelivered batch changes nothing.
 */
export class RelationshipStore {
  constructor(private readonly db: Queryable) {}

  /** Applies one batch's facts on `tx` (the projector's transaction). */
  async apply(tx: Queryable, facts: readonly RelationshipFact[]): Promise<void> {
    for (const fact of facts) {
      switch (fact.kind) {
        case 'group-facilitators':
          await tx.query(
            `INSERT INTO access.group_facilitator (group_id, facilitator_ids) VALUES ($1, $2)
             ON CONFLICT (group_id) DO UPDATE SET facilitator_ids = excluded.facilitator_ids`,
            [fact.groupId, fact.facilitatorIds],
          );
          break;
        case 'group-member':
          if (fact.present) {
            await tx.query(
              `INSERT INTO access.group_member (group_id, member_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
              [fact.groupId, fact.memberId],
            );
            await tx.query(`DELETE FROM access.withdrawn_member WHERE member_id = $1`, [fact.memberId]);
          } else {
            await tx.query(`DELETE FROM access.group_member WHERE group_id = $1 AND member_id = $2`, [
              fact.groupId,
              fact.memberId,
            ]);
            // Leaving the last group is leaving the programme: people's access to the member ends.
            await tx.query(
              `INSERT INTO access.withdrawn_member (member_id, withdrew_at)
               SELECT $1, $2 WHERE NOT EXISTS (SELECT 1 FROM access.group_member WHERE member_id = $1)
               ON CONFLICT (member_id) DO UPDATE SET withdrew_at = excluded.withdrew_at`,
              [fact.memberId, fact.at],
            );
          }
          break;
        case 'care-team':
          await (fact.present
            ? tx.query(
                `INSERT INTO access.care_team (member_id, clinician_id, role, active_until) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (member_id, clinician_id, role) DO UPDATE SET active_until = excluded.active_until`,
                [fact.memberId, fact.clinicianId, fact.role, fact.activeUntil],
              )
            : tx.query(`DELETE FROM access.care_team WHERE member_id = $1 AND clinician_id = $2 AND role = $3`, [
                fact.memberId,
                fact.clinicianId,
                fact.role,
              ]));
          break;
        case 'emergency-access':
          await tx.query(
            `INSERT INTO access.emergency_access (member_id, clinician_id, expires_at) VALUES ($1, $2, $3)
             ON CONFLICT (member_id, clinician_id) DO UPDATE SET expires_at = GREATEST(access.emergency_access.expires_at, excluded.expires_at)`,
            [fact.memberId, fact.clinicianId, fact.expiresAt],
          );
          break;
      }
    }
  }

  /** Everything the policy needs about one member, in one round trip. */
  async memberRelations(memberId: string): Promise<MemberRelations> {
    const [row] = await rows<MemberRelationsRow>(this.db, `SELECT ${MEMBER_RELATIONS_COLUMNS}`, [memberId]);
    return memberRelationsOf(row);
  }

  async groupFacilitators(groupId: string): Promise<readonly string[]> {
    const [row] = await rows<{ facilitator_ids: string[] }>(
      this.db,
      `SELECT facilitator_ids FROM access.group_facilitator WHERE group_id = $1`,
      [groupId],
    );
    return row?.facilitator_ids ?? [];
  }

  /** The members whose care team the clinician is on now (for a clinician's home). */
  async membersOfClinician(clinicianId: string, now: Date): Promise<string[]> {
    const found = await rows<{ member_id: string }>(
      this.db,
      `SELECT DISTINCT member_id FROM access.care_team WHERE clinician_id = $1 AND (active_until IS NULL OR active_until > $2)
       AND member_id NOT IN (SELECT member_id FROM access.withdrawn_member) ORDER BY member_id`,
      [clinicianId, now.toISOString()],
    );
    return found.map((row) => row.member_id);
  }
}
