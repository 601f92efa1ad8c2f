import type { EntityManager } from 'typeorm';
import type { AlertEvent } from '@carecircle/clinician-liaison/domain';
import { AlertRow } from './alert.entity';

/**
 * Applies one alert event to the inbox row inside the caller's transaction (with the processor's
 * checkpoint). The unique (member, dedup key) constraint is the last guard against a second alert.
 */
export async function projectAlertEvent(tx: EntityManager, event: AlertEvent): Promise<void> {
  const rows = tx.getRepository(AlertRow);
  if (event.type === 'AlertRaised') {
    const d = event.data;
    await tx.query(
      `INSERT INTO liaison_alert (alert_id, dedup_key, member_id, rule, severity, status, recipient_role, recipient_id, addressees, summary, detail, evidence_event_ids, escalation_due_at, raised_at)
       VALUES ($1, $2, $3, $4, $5, 'raised', $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (alert_id) DO NOTHING`,
      [
        d.alertId,
        d.dedupKey,
        d.memberId,
        d.rule,
        d.severity,
        d.recipientRole,
        d.recipientId,
        d.recipientId ? [d.recipientId] : [],
        d.summary,
        d.detail,
        d.evidenceEventIds,
        d.escalationDueAt,
        d.raisedAt,
      ],
    );
    return;
  }
  const row = await rows.findOne({ where: { alertId: event.data.alertId }, lock: { mode: 'pessimistic_write' } });
  if (!row) return;
  switch (event.type) {
    case 'AlertDelivered':
      if (row.status === 'raised') row.status = 'delivered';
      break;
    case 'AlertAcknowledged':
      Object.assign(row, {
        status: 'acknowledged',
        ackOutcome: event.data.outcome,
        ackReason: event.data.reason,
        escalationDueAt: null,
      });
      break;
    case 'AlertEscalated':
      // Levels only rise: a replica replaying behind another never takes an alert back a level.
      if (event.data.level <= row.escalationLevel) return;
      row.escalationLevel = event.data.level;
      row.escalationDueAt = event.data.nextEscalationDueAt ? new Date(event.data.nextEscalationDueAt) : null;
      if (event.data.escalatedTo && !row.addressees.includes(event.data.escalatedTo))
        row.addressees = [...row.addressees, event.data.escalatedTo];
      break;
    case 'AlertResolved':
      Object.assign(row, { status: 'resolved', escalationDueAt: null });
      break;
  }
  await rows.save(row);
}

export interface AlertView {
  alertId: string;
  memberId: string;
  rule: string;
  severity: string;
  status: string;
  recipientRole: string;
  recipientId: string | null;
  summary: string;
  detail: string;
  evidenceEventIds: string[];
  escalationLevel: number;
  raisedAt: string;
  /** Why it was overridden, when it was: a clinician's words (a facilitator's view leaves it out). */
  overrideReason: string | null;
}

const toView = (r: AlertRow): AlertView => ({
  alertId: r.alertId,
  memberId: r.memberId,
  rule: r.rule,
  severity: r.severity,
  status: r.status,
  recipientRole: r.recipientRole,
  recipientId: r.recipientId,
  summary: r.summary,
  detail: r.detail,
  evidenceEventIds: r.evidenceEventIds,
  escalationLevel: r.escalationLevel,
  raisedAt: r.raisedAt.toISOString(),
  overrideReason: r.ackOutcome === 'overridden' ? r.ackReason : null,
});

/** A clinician's inbox: alerts addressed to them (directly or by escalation), newest first. */
export async function findClinicianAlerts(
  em: EntityManager,
  clinicianId: string,
  filter: { status?: string; severity?: string; memberId?: string },
): Promise<AlertView[]> {
  const query = em
    .getRepository(AlertRow)
    .createQueryBuilder('a')
    .where(':clinician = ANY(a.addressees)', { clinician: clinicianId });
  if (filter.status) query.andWhere('a.status = :status', { status: filter.status });
  if (filter.severity) query.andWhere('a.severity = :severity', { severity: filter.severity });
  if (filter.memberId) query.andWhere('a.member_id = :memberId', { memberId: filter.memberId });
  return (await query.orderBy('a.raised_at', 'DESC').limit(200).getMany()).map(toView);
}

/** Open (not acknowledged, not resolved) alerts about a member, for CDS Hooks patient-view. */
export async function findOpenMemberAlerts(em: EntityManager, memberId: string): Promise<AlertView[]> {
  const rows = await em
    .getRepository(AlertRow)
    .createQueryBuilder('a')
    .where('a.member_id = :memberId', { memberId })
    .andWhere("a.status IN ('raised', 'delivered')")
    .orderBy('a.raised_at', 'ASC')
    .getMany();
  return rows.map(toView);
}

/** Every alert about a member, oldest first (the FHIR Communication feed). */
export async function findMemberAlerts(em: EntityManager, memberId: string): Promise<AlertView[]> {
  return (await em.getRepository(AlertRow).find({ where: { memberId }, order: { raisedAt: 'ASC' }, take: 500 })).map(
    toView,
  );
}

export async function findAlert(em: EntityManager, alertId: string): Promise<AlertView | null> {
  const row = await em.getRepository(AlertRow).findOne({ where: { alertId } });
  return row && toView(row);
}

/** Alerts whose escalation timer is due: the durable timer's work list. */
export async function findDueEscalations(
  em: EntityManager,
  now: Date,
  limit = 50,
): Promise<{ alertId: string; nextLevel: number }[]> {
  const rows: { alert_id: string; escalation_level: number }[] = await em.query(
    `SELECT alert_id, escalation_level FROM liaison_alert
     WHERE escalation_due_at IS NOT NULL AND escalation_due_at <= $1 AND status IN ('raised', 'delivered')
     ORDER BY escalation_due_at LIMIT $2`,
    [now, limit],
  );
  return rows.map((r) => ({ alertId: r.alert_id, nextLevel: r.escalation_level + 1 }));
}

/** The processor that projects the alerts, with its checkpoint in the same transaction. */
export const LIAISON_PROCESSOR = 'liaison-processor';

export async function readProcessorCheckpoint(em: EntityManager, processor: string): Promise<bigint | undefined> {
  const rows: { position: string }[] = await em.query(
    'SELECT position FROM liaison_processor_checkpoint WHERE processor = $1',
    [processor],
  );
  return rows[0] ? BigInt(rows[0].position) : undefined;
}

/** Only forward: a replica or a replay that is behind never moves the checkpoint back. */
export async function saveProcessorCheckpoint(tx: EntityManager, processor: string, position: bigint): Promise<void> {
  await tx.query(
    `INSERT INTO liaison_processor_checkpoint (processor, position) VALUES ($1, $2)
     ON CONFLICT (processor) DO UPDATE SET position = GREATEST(liaison_processor_checkpoint.position, EXCLUDED.position)`,
    [processor, position.toString()],
  );
}
