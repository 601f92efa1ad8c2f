import type { ConsoleView, Decision } from './care-console.access';

/** An alert as clinician-liaison reports it. */
export interface LiaisonAlert {
  alertId: string;
  memberId: string;
  rule: string;
  severity: string;
  status: string;
  recipientRole: string;
  recipientId: string | null;
  summary: string;
  detail: string;
  evidenceEventIds?: readonly string[];
  escalationLevel: number;
  raisedAt: string;
  /** The override's reason, when overridden (liaison leaves it out of a facilitator's view). */
  overrideReason?: string | null;
}

/** An alert as the console shows it: whose copy, but not who exactly nor the evidence's event ids. */
export type ConsoleAlert = Omit<LiaisonAlert, 'recipientId' | 'evidenceEventIds' | 'overrideReason'> & {
  /** Open: neither acknowledged nor resolved (so it may still escalate). */
  open: boolean;
  /** A clinician's words: only ever in a clinician's view. */
  overrideReason: string | null;
};

const OPEN = new Set(['raised', 'delivered']);

/**
 * Liaison raises one alert per recipient role, and the facilitator's copy already carries the
 * minimum-necessary text (no drug, no dose) unless the member consented to share. So a facilitator sees
 * only the facilitator copies, a clinician only the clinical ones; evidence ids stay inside.
 */
export function alertsForView(alerts: readonly LiaisonAlert[], view: ConsoleView): ConsoleAlert[] {
  return alerts
    .filter((alert) => (view === 'facilitator') === (alert.recipientRole === 'facilitator'))
    .map((alert) => ({
      alertId: alert.alertId,
      memberId: alert.memberId,
      rule: alert.rule,
      severity: alert.severity,
      status: alert.status,
      recipientRole: alert.recipientRole,
      summary: alert.summary,
      detail: alert.detail,
      escalationLevel: alert.escalationLevel,
      raisedAt: alert.raisedAt,
      open: OPEN.has(alert.status),
      overrideReason: view === 'clinician' ? (alert.overrideReason ?? null) : null,
    }));
}

/** A reader acts only on the copy of the alert meant for their view of the member. */
export function decideAlertAction(view: ConsoleView, alert: Pick<LiaisonAlert, 'recipientRole'>): Decision {
  return (view === 'facilitator') === (alert.recipientRole === 'facilitator')
    ? { allowed: true }
    : {
        allowed: false,
        status: 403,
        reason:
          view === 'facilitator'
            ? 'This alert is for the care team, not the facilitator'
            : 'This alert is the facilitator’s copy',
      };
}

export type Acknowledgement = { outcome: 'accepted' | 'overridden'; reason: string | null };
export type Checked<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

const MAX_REASON = 500;

/** Accepted, or overridden with a reason (DOMAIN.md: the override's reason is required). */
export function checkAcknowledgement(body: unknown): Checked<Acknowledgement> {
  const input = (body ?? {}) as { outcome?: unknown; reason?: unknown };
  if (input.outcome !== 'accepted' && input.outcome !== 'overridden')
    return { ok: false, field: 'outcome', message: 'outcome must be accepted or overridden' };
  if (input.reason !== undefined && input.reason !== null && typeof input.reason !== 'string')
    return { ok: false, field: 'reason', message: 'reason must be text' };
  const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
  if (reason.length > MAX_REASON)
    return { ok: false, field: 'reason', message: `reason must be at most ${MAX_REASON} characters` };
  if (input.outcome === 'overridden' && reason === '')
    return { ok: false, field: 'reason', message: 'reason is required when an alert is overridden' };
  return { ok: true, value: { outcome: input.outcome, reason: reason === '' ? null : reason } };
}

/** Resolving takes an optional reason. */
export function checkResolution(body: unknown): Checked<{ reason: string | null }> {
  const input = (body ?? {}) as { reason?: unknown };
  if (input.reason !== undefined && input.reason !== null && typeof input.reason !== 'string')
    return { ok: false, field: 'reason', message: 'reason must be text' };
  const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
  if (reason.length > MAX_REASON)
    return { ok: false, field: 'reason', message: `reason must be at most ${MAX_REASON} characters` };
  return { ok: true, value: { reason: reason === '' ? null : reason } };
}

/** The console's four states: open alerts are new or escalated, done ones acknowledged or resolved. */
export const ALERT_STATES = ['new', 'escalated', 'acknowledged', 'resolved'] as const;
export type ConsoleAlertState = (typeof ALERT_STATES)[number];

/** Who acted on an alert and when, as the gateway learnt it from liaison's events (the override's text stays in liaison). */
export interface AlertHistory {
  /** When the alert escalates unless acknowledged (as raised). */
  dueAt: string | null;
  acknowledged: { by: string | null; at: string; outcome: 'accepted' | 'overridden'; reasonGiven: boolean } | null;
  escalated: { at: string; level: number } | null;
  resolved: { by: string | null; at: string } | null;
}

export type InboxAlert = ConsoleAlert & AlertHistory & { state: ConsoleAlertState };

export interface ConsoleInbox {
  counts: Record<ConsoleAlertState, number>;
  /** New and escalated: most severe first, then the soonest to escalate, then the oldest. */
  open: InboxAlert[];
  /** Acknowledged and resolved: the latest acted on first. */
  done: InboxAlert[];
}

export const NO_HISTORY: AlertHistory = { dueAt: null, acknowledged: null, escalated: null, resolved: null };
const SEVERITY_RANK: Record<string, number> = { critical: 0, warning: 1, info: 2 };
const DONE_SHOWN = 20;

/** Liaison's status is the truth about the state; the history may lag it by a moment (then says less). */
export function stateOf(alert: Pick<ConsoleAlert, 'status' | 'escalationLevel'>): ConsoleAlertState {
  if (alert.status === 'resolved') return 'resolved';
  if (alert.status === 'acknowledged') return 'acknowledged';
  return alert.escalationLevel > 0 ? 'escalated' : 'new';
}

const lastActedAt = (alert: InboxAlert) =>
  alert.resolved?.at ?? alert.acknowledged?.at ?? alert.escalated?.at ?? alert.raisedAt;

function byUrgency(a: InboxAlert, b: InboxAlert): number {
  const severity = (SEVERITY_RANK[a.severity] ?? 3) - (SEVERITY_RANK[b.severity] ?? 3);
  if (severity !== 0) return severity;
  if (a.dueAt !== b.dueAt) return a.dueAt === null ? 1 : b.dueAt === null ? -1 : a.dueAt.localeCompare(b.dueAt);
  return a.raisedAt.localeCompare(b.raisedAt);
}

/** Each alert with its state and who acted on it when (nothing yet where the gateway has not heard). */
export function withHistories(
  alerts: readonly ConsoleAlert[],
  histories: ReadonlyMap<string, AlertHistory>,
): InboxAlert[] {
  return alerts.map((alert) => ({ ...alert, ...(histories.get(alert.alertId) ?? NO_HISTORY), state: stateOf(alert) }));
}

/** The reader's alerts as an inbox: needing attention first, a Done list instead of alerts vanishing, counts per state. */
export function inboxOf(alerts: readonly ConsoleAlert[], histories: ReadonlyMap<string, AlertHistory>): ConsoleInbox {
  const all = withHistories(alerts, histories);
  const counts = Object.fromEntries(
    ALERT_STATES.map((state) => [state, all.filter((alert) => alert.state === state).length]),
  ) as Record<ConsoleAlertState, number>;
  return {
    counts,
    open: all.filter((alert) => alert.open).sort(byUrgency),
    done: all
      .filter((alert) => !alert.open)
      .sort((a, b) => lastActedAt(b).localeCompare(lastActedAt(a)))
      .slice(0, DONE_SHOWN),
  };
}

/** The history of each alert from its events (`foldAlerts`): the latest acknowledgement, escalation and resolution. */
export function alertHistories(
  folded: readonly {
    alertId: string;
    escalationDueAt?: string | null;
    events: readonly { type: string; payload: unknown }[];
  }[],
): Map<string, AlertHistory> {
  return new Map(
    folded.map((alert) => {
      const latest = <P>(type: string) =>
        alert.events
          .filter((event) => event.type === type)
          .map((event) => event.payload as P)
          .at(-1);
      const ack = latest<{
        acknowledgedBy: string | null;
        acknowledgedAt: string;
        outcome: 'accepted' | 'overridden';
        overrideReasonGiven: boolean;
      }>('AlertAcknowledged');
      const escalated = latest<{ escalatedAt: string; level: number }>('AlertEscalated');
      const resolved = latest<{ resolvedBy: string | null; resolvedAt: string }>('AlertResolved');
      return [
        alert.alertId,
        {
          dueAt: alert.escalationDueAt ?? null,
          acknowledged: ack
            ? {
                by: ack.acknowledgedBy,
                at: ack.acknowledgedAt,
                outcome: ack.outcome,
                reasonGiven: ack.overrideReasonGiven,
              }
            : null,
          escalated: escalated ? { at: escalated.escalatedAt, level: escalated.level } : null,
          resolved: resolved ? { by: resolved.resolvedBy, at: resolved.resolvedAt } : null,
        },
      ];
    }),
  );
}
