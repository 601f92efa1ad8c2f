import { ALERT_STREAM_PREFIX, type AlertEvent } from '@carecircle/clinician-liaison/domain';
import {
  logShadowProjection,
  rebuildIntoShadows,
  type ServiceRebuildOptions,
  type RebuildProgress,
  type Sql,
} from '@carecircle/platform/event-store';
import { LIAISON_PROCESSOR, projectAlertEvent } from './alert.projection';

/**
 * Rebuilds the clinicians' alert inbox (`liaison_alert`) from zero, from the alert events of liaison's own
 * log, beside the live table (`rebuildIntoShadows`). The horizon is the processor's checkpoint, which
 * commits with the rows it projected, so the rebuilt table holds exactly the events the live one does.
 * At the swap the live table is locked against writers first, then the checkpoint row: the order the
 * processor takes them in. Readers carry on until the last statements.
 *
 * `sql` must be bound to one connection outside any transaction.
 */
export async function rebuildAlerts(
  sql: Sql,
  { store, writer, onProgress, pageSize }: ServiceRebuildOptions,
): Promise<RebuildProgress> {
  const projection = logShadowProjection({
    name: 'liaison_alerts',
    schema: 'public',
    tables: ['liaison_alert'],
    horizon: async (horizonSql, swapping) => {
      if (swapping) await horizonSql('LOCK TABLE public.liaison_alert IN EXCLUSIVE MODE');
      const [row] = await horizonSql<{ position: string }>(
        `SELECT position::text AS position FROM liaison_processor_checkpoint WHERE processor = $1${swapping ? ' FOR UPDATE' : ''}`,
        [LIAISON_PROCESSOR],
      );
      return row?.position ?? '0';
    },
    store,
    writer,
    apply: async (tx, event) => {
      if (event.streamId.startsWith(ALERT_STREAM_PREFIX))
        await projectAlertEvent(tx, { type: event.type, data: event.data } as AlertEvent);
    },
    pageSize,
  });
  return rebuildIntoShadows(sql, projection, { onProgress });
}
