import { spec, type CommandMetadata } from '@carecircle/shared-kernel';
import { defaultEscalationConfig as escalation } from '../rules/rule-config';
import type { AlertCommand, AlertContent, AlertEvent, SiblingStep } from './alert';
import { alertDecider } from './alert.decider';

const metadata: CommandMetadata = {
  now: new Date('2026-03-02T10:00:00Z'),
  correlationId: 'corr-1',
  causationId: 'evt-1',
};
const alertId = '6f1c3e0a-1111-4c2d-9e8f-000000000001';
const content: AlertContent = {
  alertId,
  memberId: 'mbr_synthetic_0001',
  rule: 'antidepressant-change',
  severity: 'critical',
  recipientRole: 'attending-psychiatrist',
  recipientId: 'clin_psy_01',
  escalationChain: ['clin_phys_01', 'clin_fac_01'],
  dedupKey: 'antidepressant-change:med_1:evt-1',
  summary: 'sertraline started',
  detail: 'detail',
  evidenceEventIds: ['evt-1'],
};
const base = { alertId, memberId: content.memberId };
const raised: AlertEvent = {
  type: 'AlertRaised',
  data: { ...content, raisedAt: '2026-03-02T10:00:00.000Z', escalationDueAt: '2026-03-02T10:30:00.000Z' },
};
const escalated: AlertEvent = {
  type: 'AlertEscalated',
  data: { ...base, level: 1, escalatedTo: 'clin_phys_01', escalatedAt: 'x', nextEscalationDueAt: 'y' },
};
const then = spec(alertDecider);

describe('alert lifecycle', () => {
  it('raises with an escalation due 30 min later for critical alerts', () => {
    then.given([]).when({ type: 'RaiseAlert', data: { alertId, content, escalation }, metadata }).then([raised]);
  });
  it('raises a warning due in 24 h and an info alert that never escalates', () => {
    const warning = alertDecider.decide(
      { type: 'RaiseAlert', data: { alertId, content: { ...content, severity: 'warning' }, escalation }, metadata },
      alertDecider.initialState,
    );
    expect(warning).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ escalationDueAt: '2026-03-03T10:00:00.000Z' }) }),
    ]);
    const info = alertDecider.decide(
      { type: 'RaiseAlert', data: { alertId, content: { ...content, severity: 'info' }, escalation }, metadata },
      alertDecider.initialState,
    );
    expect(info).toEqual([expect.objectContaining({ data: expect.objectContaining({ escalationDueAt: null }) })]);
  });
  it('never raises the same alert twice', () => {
    then.given([raised]).when({ type: 'RaiseAlert', data: { alertId, content, escalation }, metadata }).then([]);
  });
  it('records delivery once per channel', () => {
    then
      .given([raised])
      .when({ type: 'MarkDelivered', data: { alertId, channel: 'cds-hooks' }, metadata })
      .then([
        { type: 'AlertDelivered', data: { ...base, channel: 'cds-hooks', deliveredAt: '2026-03-02T10:00:00.000Z' } },
      ]);
    then
      .given([raised, { type: 'AlertDelivered', data: { ...base, channel: 'cds-hooks', deliveredAt: 'x' } }])
      .when({ type: 'MarkDelivered', data: { alertId, channel: 'cds-hooks' }, metadata })
      .then([]);
  });
  it('is acknowledged by its recipient, or by whom it escalated to', () => {
    then
      .given([raised])
      .when({
        type: 'AcknowledgeAlert',
        data: { alertId, by: 'clin_psy_01', outcome: 'accepted', reason: null },
        metadata,
      })
      .then([
        {
          type: 'AlertAcknowledged',
          data: {
            ...base,
            by: 'clin_psy_01',
            outcome: 'accepted',
            reason: null,
            acknowledgedAt: '2026-03-02T10:00:00.000Z',
          },
        },
      ]);
    then
      .given([raised, escalated])
      .when({
        type: 'AcknowledgeAlert',
        data: { alertId, by: 'clin_phys_01', outcome: 'overridden', reason: 'dose already reviewed' },
        metadata,
      })
      .then([
        {
          type: 'AlertAcknowledged',
          data: {
            ...base,
            by: 'clin_phys_01',
            outcome: 'overridden',
            reason: 'dose already reviewed',
            acknowledgedAt: '2026-03-02T10:00:00.000Z',
          },
        },
      ]);
  });
  it("refuses someone else's acknowledgement, an override without reason, and unknown alerts", () => {
    then
      .given([raised])
      .when({
        type: 'AcknowledgeAlert',
        data: { alertId, by: 'clin_other', outcome: 'accepted', reason: null },
        metadata,
      })
      .thenFails('liaison.alert-not-yours');
    then
      .given([raised])
      .when({
        type: 'AcknowledgeAlert',
        data: { alertId, by: 'clin_psy_01', outcome: 'overridden', reason: ' ' },
        metadata,
      })
      .thenFails('liaison.override-reason-required', /reason/);
    then
      .given([])
      .when({ type: 'ResolveAlert', data: { alertId, by: 'clin_psy_01', reason: null }, metadata })
      .thenFails('liaison.alert-unknown');
  });
  it('escalates to the next care-team member, once per level', () => {
    then
      .given([raised])
      .when({ type: 'EscalateAlert', data: { alertId, level: 1, escalation }, metadata })
      .then([
        {
          type: 'AlertEscalated',
          data: {
            ...base,
            level: 1,
            escalatedTo: 'clin_phys_01',
            escalatedAt: '2026-03-02T10:00:00.000Z',
            nextEscalationDueAt: '2026-03-02T10:30:00.000Z',
          },
        },
      ]);
    then
      .given([raised, escalated])
      .when({ type: 'EscalateAlert', data: { alertId, level: 1, escalation }, metadata })
      .then([]);
  });
  it('does not escalate once acknowledged', () => {
    const ack: AlertEvent = {
      type: 'AlertAcknowledged',
      data: { ...base, by: 'clin_psy_01', outcome: 'accepted', reason: null, acknowledgedAt: 'x' },
    };
    then
      .given([raised, ack])
      .when({ type: 'EscalateAlert', data: { alertId, level: 1, escalation }, metadata })
      .then([]);
  });
  it('is resolved once', () => {
    const resolved: AlertEvent = {
      type: 'AlertResolved',
      data: { ...base, by: 'clin_psy_01', reason: 'reviewed', resolvedAt: '2026-03-02T10:00:00.000Z' },
    };
    then
      .given([raised])
      .when({ type: 'ResolveAlert', data: { alertId, by: 'clin_psy_01', reason: 'reviewed' }, metadata })
      .then([resolved]);
    then
      .given([raised, resolved])
      .when({ type: 'ResolveAlert', data: { alertId, by: 'clin_psy_01', reason: 'reviewed' }, metadata })
      .then([]);
  });
});

describe('one alert, one state: a facilitator’s copy follows the psychiatrist’s', () => {
  const facilitatorCopy = '6f1c3e0a-1111-4c2d-9e8f-000000000002';
  const linked: AlertEvent = {
    type: 'AlertRaised',
    data: {
      ...content,
      alertId: facilitatorCopy,
      recipientRole: 'facilitator',
      recipientId: 'fac_01',
      summary: 'A medication change: watch mood in group',
      siblingIds: [alertId],
      raisedAt: '2026-03-02T10:00:00.000Z',
      escalationDueAt: '2026-03-02T10:30:00.000Z',
    },
  };
  const onFacilitatorCopy = { alertId: facilitatorCopy, memberId: content.memberId };
  const overridden: SiblingStep = {
    type: 'AlertAcknowledged',
    data: {
      ...base,
      by: 'clin_psy_01',
      outcome: 'overridden',
      reason: 'dose discussed today',
      acknowledgedAt: '2026-03-02T10:05:00.000Z',
    },
  };
  const follow = (step: SiblingStep, siblingId = alertId): AlertCommand => ({
    type: 'FollowSibling',
    data: { alertId: facilitatorCopy, siblingId, step },
    metadata: { ...metadata, now: new Date('2026-03-02T11:00:00Z') },
  });

  it('is acknowledged by the same person, at the same time, with the same outcome and reason', () => {
    then
      .given([linked])
      .when(follow(overridden))
      .then([
        {
          type: 'AlertAcknowledged',
          data: {
            ...onFacilitatorCopy,
            by: 'clin_psy_01',
            outcome: 'overridden',
            reason: 'dose discussed today',
            acknowledgedAt: '2026-03-02T10:05:00.000Z',
            viaAlertId: alertId,
          },
        },
      ]);
  });

  it('is resolved with the sibling, and a step it already took changes nothing', () => {
    const resolved: SiblingStep = {
      type: 'AlertResolved',
      data: { ...base, by: 'clin_psy_01', reason: null, resolvedAt: '2026-03-02T12:00:00.000Z' },
    };
    then
      .given([linked])
      .when(follow(resolved))
      .then([
        {
          type: 'AlertResolved',
          data: {
            ...onFacilitatorCopy,
            by: 'clin_psy_01',
            reason: null,
            resolvedAt: '2026-03-02T12:00:00.000Z',
            viaAlertId: alertId,
          },
        },
      ]);
    const ownAck: AlertEvent = {
      type: 'AlertAcknowledged',
      data: { ...onFacilitatorCopy, by: 'fac_01', outcome: 'accepted', reason: null, acknowledgedAt: 'earlier' },
    };
    then.given([linked, ownAck]).when(follow(overridden)).then([]);
  });

  it('follows only a copy it was raised with', () => {
    const result = alertDecider.decide(follow(overridden, '6f1c3e0a-1111-4c2d-9e8f-00000000dead'), {
      status: 'raised',
      content: { ...content, alertId: facilitatorCopy, siblingIds: [alertId] },
      escalationLevel: 0,
      escalatedTo: [],
      deliveredVia: [],
    });
    expect(result).toMatchObject({ code: 'liaison.alert-not-a-sibling' });
  });
});
