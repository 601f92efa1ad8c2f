import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { AlertEvent } from '@carecircle/clinician-liaison/domain';
import { runMigrations } from '@carecircle/platform/event-store';
import { createTestDatabase, type TestDatabase } from '@carecircle/platform/testing';
import { liaisonReadModelEntities, liaisonReadModelMigrations } from '../index';
import { AlertRow } from './alert.entity';
import { projectAlertEvent } from './alert.projection';

/**
 * The alert inbox on real PostgreSQL: each step moves an alert forward, and a step applied again (a
 * replica or a replay behind another) never takes it back.
 */
describe('alert inbox projection', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('liaison_alert_projection');
    await runMigrations(db.url, liaisonReadModelMigrations);
    dataSource = new DataSource({ type: 'postgres', url: db.url, entities: liaisonReadModelEntities });
    await dataSource.initialize();
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  const apply = (event: { type: AlertEvent['type']; data: object }) =>
    dataSource.transaction((tx) => projectAlertEvent(tx, event as AlertEvent));
  const row = async (alertId: string) => dataSource.getRepository(AlertRow).findOneByOrFail({ alertId });

  const raised = (alertId: string) => ({
    type: 'AlertRaised' as const,
    data: {
      alertId,
      memberId: 'mbr_synthetic_0001',
      rule: 'suicidal-ideation',
      severity: 'critical',
      recipientRole: 'attending-psychiatrist',
      recipientId: 'clin_psy_01',
      escalationChain: ['clin_lead_01'],
      dedupKey: `suicidal-ideation:${alertId}`,
      summary: 'PHQ-9 item 9 above zero',
      detail: 'synthetic detail',
      evidenceEventIds: ['evt-1'],
      raisedAt: '2026-12-06T10:00:00.000Z',
      escalationDueAt: '2026-12-06T10:15:00.000Z',
    },
  });
  const escalated = (alertId: string, level: number, escalatedTo: string, next: string | null) => ({
    type: 'AlertEscalated' as const,
    data: { alertId, level, escalatedTo, escalatedAt: '2026-12-06T10:15:00.000Z', nextEscalationDueAt: next },
  });

  it('moves an alert from raised to delivered, escalated and acknowledged, each addressee added once', async () => {
    const alertId = randomUUID();
    await apply(raised(alertId));
    expect(await row(alertId)).toMatchObject({ status: 'raised', escalationLevel: 0, addressees: ['clin_psy_01'] });

    await apply({ type: 'AlertDelivered', data: { alertId, channel: 'webhook', deliveredAt: '2026-12-06T10:00:01Z' } });
    await apply(escalated(alertId, 1, 'clin_lead_01', '2026-12-06T10:30:00.000Z'));
    expect(await row(alertId)).toMatchObject({
      status: 'delivered',
      escalationLevel: 1,
      addressees: ['clin_psy_01', 'clin_lead_01'],
    });

    const acknowledged = {
      type: 'AlertAcknowledged' as const,
      data: { alertId, by: 'clin_psy_01', outcome: 'accepted', reason: null, acknowledgedAt: '2026-12-06T10:20:00Z' },
    };
    await apply(acknowledged);
    expect(await row(alertId)).toMatchObject({ status: 'acknowledged', ackOutcome: 'accepted', escalationDueAt: null });
  });

  it('never moves an alert back: a repeated raise, a late delivery or an older escalation level change nothing', async () => {
    const alertId = randomUUID();
    await apply(raised(alertId));
    await apply(escalated(alertId, 1, 'clin_lead_01', '2026-12-06T10:30:00.000Z'));
    await apply(escalated(alertId, 2, 'clin_head_01', null));
    const before = await row(alertId);

    await apply(escalated(alertId, 1, 'clin_lead_01', '2026-12-06T10:30:00.000Z'));
    await apply(raised(alertId));
    expect(await row(alertId)).toEqual(before);
    expect(before).toMatchObject({ escalationLevel: 2, escalationDueAt: null });

    await apply({
      type: 'AlertResolved',
      data: { alertId, by: 'clin_psy_01', reason: null, resolvedAt: '2026-12-06T11:00Z' },
    });
    await apply({ type: 'AlertDelivered', data: { alertId, channel: 'webhook', deliveredAt: '2026-12-06T11:01Z' } });
    expect(await row(alertId)).toMatchObject({ status: 'resolved' });
  });

  it('ignores a step for an alert it does not know', async () => {
    await apply(escalated(randomUUID(), 1, 'clin_lead_01', null));
    expect(await dataSource.getRepository(AlertRow).count()).toBe(2);
  });
});
