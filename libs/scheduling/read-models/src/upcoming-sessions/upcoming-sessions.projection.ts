import type { EntityManager } from 'typeorm';
import type { GroupEvent } from '@carecircle/scheduling/domain';

/** The projection's name: its checkpoint row. */
export const UPCOMING_SESSIONS = 'upcoming-sessions';

/**
 * Folds one of scheduling's own group events into the facilitators' schedule, inside the caller's
 * transaction, the one that claims the event's position (`claimProjectionPosition`): rows and
 * checkpoint commit together, so each event is applied exactly once (a revision counts reschedules
 * and cancellations, so it must not be applied twice).
 */
export async function projectUpcomingSessions(tx: EntityManager, event: GroupEvent): Promise<void> {
  switch (event.type) {
    case 'GroupFormed':
    case 'GroupChanged': {
      const { groupId, facilitatorIds } = event.data;
      await tx.query(
        'DELETE FROM schedule_group_facilitator WHERE group_id = $1 AND NOT (facilitator_id = ANY($2::text[]))',
        [groupId, facilitatorIds],
      );
      await tx.query(
        `INSERT INTO schedule_group_facilitator (group_id, facilitator_id) SELECT $1, unnest($2::text[])
         ON CONFLICT DO NOTHING`,
        [groupId, facilitatorIds],
      );
      return;
    }
    case 'SessionScheduled':
    case 'SessionRescheduled':
    case 'SessionCancelled': {
      const { sessionId, groupId, sequence, startsAt, endsAt } = event.data;
      const status = event.type === 'SessionCancelled' ? 'cancelled' : 'scheduled';
      await tx.query(
        `INSERT INTO schedule_session AS s (session_id, group_id, sequence, starts_at, ends_at, status, revision) VALUES ($1, $2, $3, $4, $5, $6, 0)
         ON CONFLICT (session_id) DO UPDATE SET starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at, status = EXCLUDED.status, revision = s.revision + 1`,
        [sessionId, groupId, sequence, startsAt, endsAt, status],
      );
      return;
    }
    default:
      return;
  }
}

export interface UpcomingSession {
  groupId: string;
  sessionId: string;
  sequence: number;
  startsAt: string;
  endsAt: string;
  status: 'scheduled';
  revision: number;
}

/** Scheduled sessions not yet over, of every group the facilitator leads, soonest first. */
export async function findUpcomingSessions(
  em: EntityManager,
  facilitatorId: string,
  now: Date,
): Promise<UpcomingSession[]> {
  const rows: {
    group_id: string;
    session_id: string;
    sequence: number;
    starts_at: Date;
    ends_at: Date;
    revision: number;
  }[] = await em.query(
    `SELECT s.group_id, s.session_id, s.sequence, s.starts_at, s.ends_at, s.revision
       FROM schedule_group_facilitator f JOIN schedule_session s ON s.group_id = f.group_id
      WHERE f.facilitator_id = $1 AND s.status = 'scheduled' AND s.ends_at > $2
      ORDER BY s.starts_at, s.session_id`,
    [facilitatorId, now],
  );
  return rows.map((r) => ({
    groupId: r.group_id,
    sessionId: r.session_id,
    sequence: r.sequence,
    startsAt: r.starts_at.toISOString(),
    endsAt: r.ends_at.toISOString(),
    status: 'scheduled',
    revision: r.revision,
  }));
}

/** Where a projection of scheduling's own log has got to (exclusive: resume after it). */
export async function readProjectionCheckpoint(em: EntityManager, projection: string): Promise<bigint | undefined> {
  const [row]: { position: string }[] = await em.query(
    'SELECT position::text AS position FROM scheduling_projection_checkpoint WHERE projection = $1',
    [projection],
  );
  return row === undefined || BigInt(row.position) < 0n ? undefined : BigInt(row.position);
}

/**
 * Claims `position` for the projection inside the caller's transaction: true (and the checkpoint moved
 * to it) when the projection has not applied it yet, false when it has. The checkpoint row stays
 * locked until the transaction ends, so two replicas following the log never apply an event twice.
 */
export async function claimProjectionPosition(
  tx: EntityManager,
  projection: string,
  position: bigint,
): Promise<boolean> {
  await tx.query(
    'INSERT INTO scheduling_projection_checkpoint (projection, position) VALUES ($1, -1) ON CONFLICT (projection) DO NOTHING',
    [projection],
  );
  const [row]: { position: string }[] = await tx.query(
    'SELECT position::text AS position FROM scheduling_projection_checkpoint WHERE projection = $1 FOR UPDATE',
    [projection],
  );
  if (BigInt(row!.position) >= position) return false;
  await tx.query('UPDATE scheduling_projection_checkpoint SET position = $2 WHERE projection = $1', [
    projection,
    position.toString(),
  ]);
  return true;
}
