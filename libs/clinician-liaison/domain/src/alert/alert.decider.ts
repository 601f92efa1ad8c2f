import { domainError, type Decider, type DomainError } from '@carecircle/shared-kernel';
import type { EscalationConfig } from '../rules/rule-config';
import type { Severity } from '../rules/finding';
import type { AlertCommand, AlertContent, AlertEvent, AlertState } from './alert';

/** When an unacknowledged alert of this severity escalates; info alerts never do. */
export function escalationDueAt(severity: Severity, from: Date, config: EscalationConfig): string | null {
  const minutes =
    severity === 'critical' ? config.criticalAfterMinutes : severity === 'warning' ? config.warningAfterMinutes : null;
  return minutes === null ? null : new Date(from.getTime() + minutes * 60_000).toISOString();
}

/** Whoever the alert went to (first recipient or an escalation) may act on it. */
export function isAddressee(state: Extract<AlertState, { content: AlertContent }>, clinicianId: string): boolean {
  return state.content.recipientId === clinicianId || state.escalatedTo.includes(clinicianId);
}

const unknown = () => domainError('not-found', 'liaison.alert-unknown', 'No alert with this id exists.');
const notYours = () =>
  domainError(
    'rule-violation',
    'liaison.alert-not-yours',
    'Only a clinician the alert was sent or escalated to may act on it.',
  );

const notASibling = () =>
  domainError('rule-violation', 'liaison.alert-not-a-sibling', 'Only a copy of the same alert may be followed.');

export const alertDecider: Decider<AlertCommand, AlertEvent, AlertState> = {
  initialState: { status: 'none' },
  decide(command, state): readonly AlertEvent[] | DomainError {
    const now = command.metadata.now;
    const at = now.toISOString();
    const { alertId } = command.data;
    if (command.type === 'RaiseAlert') {
      // The alert id derives from its deduplication key: raising the same cause again is a no-op.
      if (state.status !== 'none') return [];
      const { content, escalation } = command.data;
      const due = escalationDueAt(content.severity, now, escalation);
      return [
        {
          type: 'AlertRaised',
          data: { ...content, raisedAt: at, escalationDueAt: content.recipientId === null && due ? at : due },
        },
      ];
    }
    if (state.status === 'none') return unknown();
    const memberId = state.content.memberId;
    switch (command.type) {
      case 'MarkDelivered':
        if (state.deliveredVia.includes(command.data.channel) || state.status === 'resolved') return [];
        return [
          { type: 'AlertDelivered', data: { alertId, memberId, channel: command.data.channel, deliveredAt: at } },
        ];
      case 'AcknowledgeAlert': {
        const { by, outcome, reason } = command.data;
        if (!isAddressee(state, by)) return notYours();
        if (outcome === 'overridden' && !reason?.trim()) {
          return domainError(
            'rule-violation',
            'liaison.override-reason-required',
            'Overriding an alert requires a reason.',
          );
        }
        if (state.status === 'acknowledged' || state.status === 'resolved') return [];
        return [{ type: 'AlertAcknowledged', data: { alertId, memberId, by, outcome, reason, acknowledgedAt: at } }];
      }
      case 'EscalateAlert': {
        // Only the next level, only while nobody has acknowledged: a timer that fires twice changes nothing.
        if (
          state.status === 'acknowledged' ||
          state.status === 'resolved' ||
          command.data.level !== state.escalationLevel + 1
        )
          return [];
        const escalatedTo = state.content.escalationChain[state.escalationLevel] ?? null;
        const hasNext = state.content.escalationChain.length > command.data.level;
        return [
          {
            type: 'AlertEscalated',
            data: {
              alertId,
              memberId,
              level: command.data.level,
              escalatedTo,
              escalatedAt: at,
              nextEscalationDueAt: hasNext
                ? escalationDueAt(state.content.severity, now, command.data.escalation)
                : null,
            },
          },
        ];
      }
      case 'FollowSibling': {
        // The link is checked here, not trusted from the caller: only a copy raised with this one is followed.
        const { siblingId, step } = command.data;
        if (!(state.content.siblingIds ?? []).includes(siblingId)) return notASibling();
        if (step.type === 'AlertAcknowledged') {
          if (state.status === 'acknowledged' || state.status === 'resolved') return [];
          const { by, outcome, reason, acknowledgedAt } = step.data;
          return [
            {
              type: 'AlertAcknowledged',
              data: { alertId, memberId, by, outcome, reason, acknowledgedAt, viaAlertId: siblingId },
            },
          ];
        }
        if (state.status === 'resolved') return [];
        const { by, reason, resolvedAt } = step.data;
        return [{ type: 'AlertResolved', data: { alertId, memberId, by, reason, resolvedAt, viaAlertId: siblingId } }];
      }
      case 'ResolveAlert':
        if (!isAddressee(state, command.data.by)) return notYours();
        if (state.status === 'resolved') return [];
        return [
          {
            type: 'AlertResolved',
            data: { alertId, memberId, by: command.data.by, reason: command.data.reason, resolvedAt: at },
          },
        ];
    }
  },
  evolve(state, event) {
    if (event.type === 'AlertRaised') {
      const { raisedAt: _r, escalationDueAt: _d, ...content } = event.data;
      return { status: 'raised', content, escalationLevel: 0, escalatedTo: [], deliveredVia: [] };
    }
    if (state.status === 'none') return state;
    switch (event.type) {
      case 'AlertDelivered':
        return {
          ...state,
          status: state.status === 'raised' ? 'delivered' : state.status,
          deliveredVia: [...state.deliveredVia, event.data.channel],
        };
      case 'AlertAcknowledged':
        return { ...state, status: 'acknowledged' };
      case 'AlertEscalated':
        return {
          ...state,
          escalationLevel: event.data.level,
          escalatedTo: event.data.escalatedTo ? [...state.escalatedTo, event.data.escalatedTo] : state.escalatedTo,
        };
      case 'AlertResolved':
        return { ...state, status: 'resolved' };
    }
  },
};
