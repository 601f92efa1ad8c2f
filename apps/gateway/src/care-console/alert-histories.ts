import {
  ALERT_EVENT_TYPES,
  alertHistories,
  foldAlerts,
  type AlertHistory,
  type ConsoleAlert,
} from '@carecircle/gateway/application';
import { sourceEventsByPayload } from '@carecircle/gateway/read-models';
import { type Sql } from '@carecircle/platform/event-store';

/**
 * Who acted on each alert and when, from liaison's events the gateway keeps. Only the ids of the reader's
 * own copies are asked for, so nothing of another recipient's copy comes back.
 */
export async function historiesOf(sql: Sql, alerts: readonly ConsoleAlert[]): Promise<Map<string, AlertHistory>> {
  const events = await sourceEventsByPayload(
    sql,
    'alertId',
    alerts.map((alert) => alert.alertId),
    ALERT_EVENT_TYPES,
  );
  return alertHistories(foldAlerts(events));
}
