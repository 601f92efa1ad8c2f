import type {
  AlertAcknowledged,
  AlertEscalated,
  AlertResolved,
  AlertStep,
  AlertView,
  CoordinationAlertRaised,
  EventOf,
} from '@carecircle/contracts';
import { payloadOf, type StoredEvent } from './fhir-read-references';

/** The events that make up one coordination alert (all carry `alertId`; subject the member). */
export const ALERT_EVENT_TYPES = [
  'CoordinationAlertRaised',
  'AlertAcknowledged',
  'AlertEscalated',
  'AlertResolved',
] as const;

type Raised = EventOf<typeof CoordinationAlertRaised>['payload'];
type Acknowledged = EventOf<typeof AlertAcknowledged>['payload'];
type Escalated = EventOf<typeof AlertEscalated>['payload'];
type Resolved = EventOf<typeof AlertResolved>['payload'];

/** One alert folded from its events (what was raised, every later step in time order), as the FHIR mappers read it. */
export interface FoldedAlert extends AlertView {
  raised: Raised;
  events: StoredEvent[];
}

function stepOf(event: StoredEvent): AlertStep | undefined {
  switch (event.type) {
    case 'AlertAcknowledged': {
      const p = payloadOf<Acknowledged>(event);
      return {
        state: p.outcome === 'overridden' ? 'overridden' : 'acknowledged',
        at: p.acknowledgedAt,
        by: p.acknowledgedBy,
      };
    }
    case 'AlertEscalated': {
      const p = payloadOf<Escalated>(event);
      return { state: 'escalated', at: p.escalatedAt, by: p.escalatedTo, level: p.level };
    }
    case 'AlertResolved': {
      const p = payloadOf<Resolved>(event);
      return { state: 'resolved', at: p.resolvedAt, by: p.resolvedBy };
    }
    default:
      return undefined;
  }
}

/**
 * Folds alert events (any order, any mix of alerts) into alerts by id. An alert whose raising event
 * the gateway has not received is left out: its lifecycle alone says too little to describe it.
 * Status as on the care timeline: resolved once resolved, otherwise the latest step.
 */
export function foldAlerts(events: readonly StoredEvent[]): FoldedAlert[] {
  const byId = new Map<string, StoredEvent[]>();
  for (const event of events) {
    const alertId = (event.payload as { alertId?: unknown }).alertId;
    if (typeof alertId === 'string' && (ALERT_EVENT_TYPES as readonly string[]).includes(event.type))
      byId.set(alertId, [...(byId.get(alertId) ?? []), event]);
  }
  return [...byId.values()].flatMap((alertEvents) => {
    const raisedEvent = alertEvents.find((event) => event.type === 'CoordinationAlertRaised');
    if (!raisedEvent) return [];
    const steps = alertEvents.flatMap((event) => stepOf(event) ?? []).sort((a, b) => a.at.localeCompare(b.at));
    const status: AlertView['status'] = steps.some((step) => step.state === 'resolved')
      ? 'resolved'
      : (steps.at(-1)?.state ?? 'raised');
    const raised = payloadOf<Raised>(raisedEvent);
    const { alertId, rule, severity, recipientRole, recipientId, raisedAt, escalationDueAt } = raised;
    return [
      {
        alertId,
        memberId: raisedEvent.subject,
        rule,
        severity,
        recipientRole,
        recipientId,
        raisedAt,
        escalationDueAt,
        steps,
        status,
        raised,
        events: alertEvents,
      },
    ];
  });
}
