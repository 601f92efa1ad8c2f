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
  /** Set when the push was given up on (a 4xx, or every attempt spent): it waits for an operator. */
  parkedAt: string | null;
  parkReason: string | null;
}

export interface DueDelivery {
  alertId: string;
  channel: string;
  url: string;
  payload: unknown;
  attempts: number;
  /**
   * Taken over from another replica whose lease ran out: that replica may have sent it just before it
   * died, unrecorded, so this push may be a second one (receivers deduplicate on the alert id).
   */
  possibleDuplicate: boolean;
}

/** Queued in the processor's transaction with the AlertRaised projection: a replay queues nothing twice. */
export async function enqueueDelivery(
  tx: EntityManager,
  delivery: { alertId: string; channel: string; url: string; payload: unknown; now: Date },
): Promise<void> {
  await tx.query(
    `INSERT INTO liaison_delivery (alert_id, channel, url, payload, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $5)
     ON CONFLICT (alert_id, channel) DO NOTHING`,
    [delivery.alertId, delivery.channel, delivery.url, JSON.stringify(delivery.payload), delivery.now],
  );
}

/**
 * Claims pushes for one pass of replica `replica` (its id for the life of the process): each row's next
 * attempt moves to `leaseUntil` and names the replica in the same statement, and rows another replica is
 * claiming are skipped, so two replicas never send the same push at once. Taken, own rows first:
 *  - rows the replica itself still holds: its passes are serial, so they come from a pass that never got
 *    to them (its claim's answer was lost with the database connection, or the lease ran short), and are
 *    taken back at once;
 *  - due rows, and rows whose lease has passed (their replica died or lost its database), by due time.
 * Another replica's lease is never taken before it ends: after a crash, its rows wait the lease out.
 */
export async function claimDueDeliveries(
  em: EntityManager,
  claim: { replica: string; now: Date; leaseUntil: Date; limit?: number },
): Promise<DueDelivery[]> {
  const [rows]: [
    {
      alert_id: string;
      channel: string;
      url: string;
      payload: unknown;
      attempts: number;
      previous_lease: string | null;
    }[],
    number,
  ] = await em.query(
    `UPDATE liaison_delivery d SET next_attempt_at = $2, leased_by = $4
     FROM (SELECT alert_id, channel, leased_by AS previous_lease FROM liaison_delivery
           WHERE delivered_at IS NULL AND parked_at IS NULL AND (next_attempt_at <= $1 OR leased_by = $4)
           ORDER BY leased_by IS NOT DISTINCT FROM $4 DESC, next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED) due
     WHERE d.alert_id = due.alert_id AND d.channel = due.channel
     RETURNING d.alert_id, d.channel, d.url, d.payload, d.attempts, due.previous_lease`,
    [claim.now, claim.leaseUntil, claim.limit ?? 20, claim.replica],
  );
  return rows.map((r) => ({
    alertId: r.alert_id,
    channel: r.channel,
    url: r.url,
    payload: r.payload,
    attempts: r.attempts,
    // A lease ends when its attempt is recorded: one still named here was never recorded.
    possibleDuplicate: r.previous_lease !== null && r.previous_lease !== claim.replica,
  }));
}

/**
 * Logs an attempt by replica `replica` and ends its lease: `deliveredAt` for a 2xx answer; `parked` when
 * it is given up on; otherwise the next attempt is scheduled. The reason names a status or an error class,
 * never a body. A delivery is recorded whoever holds the row now (it happened); a failed attempt only
 * while `replica` still holds it, so a late record (its database came back after the lease ended) never
 * undoes another replica's claim. Recording the same attempt twice changes nothing the second time.
 */
export async function recordDeliveryAttempt(
  em: EntityManager,
  attempt: {
    replica: string;
    alertId: string;
    channel: string;
    status: number | null;
    error: string | null;
    deliveredAt: Date | null;
    nextAttemptAt: Date;
    parked?: { at: Date; reason: string };
  },
): Promise<void> {
  await em.query(
    `UPDATE liaison_delivery SET attempts = attempts + 1, last_status = $3, last_error = $4, delivered_at = $5, next_attempt_at = $6,
       parked_at = $7, park_reason = $8, leased_by = NULL
     WHERE alert_id = $1 AND channel = $2 AND delivered_at IS NULL AND ($5::timestamptz IS NOT NULL OR leased_by = $9)`,
    [
      attempt.alertId,
      attempt.channel,
      attempt.status,
      attempt.error,
      attempt.deliveredAt,
      attempt.nextAttemptAt,
      attempt.parked?.at ?? null,
      attempt.parked?.reason ?? null,
      attempt.replica,
    ],
  );
}

/**
 * Hands back the rows `replica` holds but has not sent (a replica shutting down), due at `now`, so another
 * replica takes them at its next pass instead of after the lease.
 */
export async function releaseDeliveryLeases(em: EntityManager, replica: string, now: Date): Promise<void> {
  await em.query(
    'UPDATE liaison_delivery SET leased_by = NULL, next_attempt_at = $2 WHERE leased_by = $1 AND delivered_at IS NULL',
    [replica, now],
  );
}

/** How many pushes wait for an operator: readiness reports it, so a dashboard sees it. */
export async function countParkedDeliveries(em: EntityManager): Promise<number> {
  const [row]: { n: string }[] = await em.query(
    'SELECT count(*) AS n FROM liaison_delivery WHERE parked_at IS NOT NULL AND delivered_at IS NULL',
  );
  return Number(row?.n ?? 0);
}

export async function findDeliveries(em: EntityManager, alertId: string): Promise<DeliveryView[]> {
  const rows: {
    channel: string;
    attempts: number;
    delivered_at: Date | null;
    last_status: number | null;
    last_error: string | null;
    next_attempt_at: Date;
    parked_at: Date | null;
    park_reason: string | null;
  }[] = await em.query(
    'SELECT channel, attempts, delivered_at, last_status, last_error, next_attempt_at, parked_at, park_reason FROM liaison_delivery WHERE alert_id = $1 ORDER BY channel',
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
    parkedAt: r.parked_at?.toISOString() ?? null,
    parkReason: r.park_reason,
  }));
}
