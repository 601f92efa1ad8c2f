import type { EntityManager } from 'typeorm';

/** One push delivery of one alert to one channel (`webhook:facilitator`, `fhir:Communication`), and its log. */
export interface DeliveryView {
  alertId: string;
  channel: string;
  attempts: number;
  deliveredAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  nextAttemptAt: string;
}

export interface DueDelivery {
  alertId: string;
  channel: string;
  url: string;
  payload: unknown;
  attempts: number;
}

/** Queued in the processor's transaction with the AlertRaised projection: a replay queues nothing twice. */
export async function enqueueDelivery(tx: EntityManager, delivery: { alertId: string; channel: string; url: string; payload: unknown; now: Date }): Promise<void> {
  await tx.query(
    `INSERT INTO liaison_delivery (alert_id, channel, url, payload, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $5)
     ON CONFLICT (alert_id, channel) DO NOTHING`,
    [delivery.alertId, delivery.channel, delivery.url, JSON.stringify(delivery.payload), delivery.now],
  );
}

export async function findDueDeliveries(em: EntityManager, now: Date, limit = 20): Promise<DueDelivery[]> {
  const rows: { alert_id: string; channel: string; url: string; payload: unknown; attempts: number }[] = await em.query(
    `SELECT alert_id, channel, url, payload, attempts FROM liaison_delivery
     WHERE delivered_at IS NULL AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT $2`,
    [now, limit],
  );
  return rows.map((r) => ({ alertId: r.alert_id, channel: r.channel, url: r.url, payload: r.payload, attempts: r.attempts }));
}

/** Logs an attempt: `deliveredAt` only for a 2xx answer; otherwise the next attempt is scheduled. */
export async function recordDeliveryAttempt(
  em: EntityManager,
  attempt: { alertId: string; channel: string; status: number | null; error: string | null; deliveredAt: Date | null; nextAttemptAt: Date },
): Promise<void> {
  await em.query(
    `UPDATE liaison_delivery SET attempts = attempts + 1, last_status = $3, last_error = $4, delivered_at = $5, next_attempt_at = $6
     WHERE alert_id = $1 AND channel = $2 AND delivered_at IS NULL`,
    [attempt.alertId, attempt.channel, attempt.status, attempt.error, attempt.deliveredAt, attempt.nextAttemptAt],
  );
}

export async function findDeliveries(em: EntityManager, alertId: string): Promise<DeliveryView[]> {
  const rows: { channel: string; attempts: number; delivered_at: Date | null; last_status: number | null; last_error: string | null; next_attempt_at: Date }[] = await em.query(
    'SELECT channel, attempts, delivered_at, last_status, last_error, next_attempt_at FROM liaison_delivery WHERE alert_id = $1 ORDER BY channel',
    [alertId],
  );
  return rows.map((r) => ({
    alertId,
    channel: r.channel,
    attempts: r.attempts,
    deliveredAt: r.delivered_at?.toISOString() ?? null,
    lastStatus: r.last_status,
    lastError: r.last_error,
    nextAttemptAt: r.next_attempt_at.toISOString(),
  }));
}
