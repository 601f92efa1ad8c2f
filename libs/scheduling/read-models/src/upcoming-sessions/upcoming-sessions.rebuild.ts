import type { GroupEvent } from '@carecircle/scheduling/domain';
import {
  logShadowProjection,
  rebuildIntoShadows,
  type ServiceRebuildOptions,
  type RebuildProgress,
  type Sql,
} from '@carecircle/platform/event-store';
import { projectUpcomingSessions, UPCOMING_SESSIONS } from './upcoming-sessions.projection';

/**
 * Rebuilds the facilitators' upcoming sessions from zero, from scheduling's own log, beside the live
 * tables (`rebuildIntoShadows`). The horizon is the projection's checkpoint, claimed in the transaction
 * that applies each event. At the swap the checkpoint row is locked first, then the tables against
 * writers: the order the processor takes them in. Readers carry on until the last statements.
 *
 * `sql` must be bound to one connection outside any transaction.
 */
export async function rebuildUpcomingSessions(
  sql: Sql,
  { store, writer, onProgress, pageSize }: ServiceRebuildOptions,
): Promise<RebuildProgress> {
  const projection = logShadowProjection({
    name: 'upcoming_sessions',
    schema: 'public',
    tables: ['schedule_group_facilitator', 'schedule_session'],
    horizon: async (horizonSql, swapping) => {
      const [row] = await horizonSql<{ position: string }>(
        `SELECT greatest(position, 0)::text AS position FROM scheduling_projection_checkpoint WHERE projection = $1${swapping ? ' FOR UPDATE' : ''}`,
        [UPCOMING_SESSIONS],
      );
      if (swapping)
        await horizonSql('LOCK TABLE public.schedule_group_facilitator, public.schedule_session IN EXCLUSIVE MODE');
      return row?.position ?? '0';
    },
    store,
    writer,
    // Every other event leaves the schedule as it is (`projectUpcomingSessions` ignores it).
    apply: (tx, event) => projectUpcomingSessions(tx, { type: event.type, data: event.data } as GroupEvent),
    pageSize,
  });
  return rebuildIntoShadows(sql, projection, { onProgress });
}
