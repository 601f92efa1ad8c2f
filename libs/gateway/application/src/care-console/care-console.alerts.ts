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
}

/** An alert as the console shows it: whose copy, but not who exactly nor the evidence's event ids. */
export type ConsoleAlert = Omit<LiaisonAlert, 'recipientId' | 'evidenceEventIds'> & {
  /** Open: neither acknowledged nor resolved (so it may still escalate). */
  open: boolean;
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
    }));
}

/** A reader acts only on the copy of the alert meant for their view of the member. */
export function decideAlertAction(view: ConsoleView, alert: Pick<LiaisonAlert, 'recipientRole'>): Decision {
  return (view === 'facilitator') === (alert.recipientRole === 'facilitator')
    ? { allowed: true }
    : { allowed: false, status: 403, reason: view === 'facilitator' ? 'This alert is for the care team, not the facilitator' : 'This alert is the facilitator’s copy' };
}

export type Acknowledgement = { outcome: 'accepted' | 'overridden'; reason: string | null };
export type Checked<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

const MAX_REASON = 500;

/** Accepted, or overridden with a reason (DOMAIN.md: the override's reason is required). */
export function checkAcknowledgement(body: unknown): Checked<Acknowledgement> {
  const input = (body ?? {}) as { outcome?: unknown; reason?: unknown };
  if (input.outcome !== 'accepted' && input.outcome !== 'overridden') return { ok: false, field: 'outcome', message: 'outcome must be accepted or overridden' };
  if (input.reason !== undefined && input.reason !== null && typeof input.reason !== 'string') return { ok: false, field: 'reason', message: 'reason must be text' };
  const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
  if (reason.length > MAX_REASON) return { ok: false, field: 'reason', message: `reason must be at most ${MAX_REASON} characters` };
  if (input.outcome === 'overridden' && reason === '') return { ok: false, field: 'reason', message: 'reason is required when an alert is overridden' };
  return { ok: true, value: { outcome: input.outcome, reason: reason === '' ? null : reason } };
}

/** Resolving takes an optional reason. */
export function checkResolution(body: unknown): Checked<{ reason: string | null }> {
  const input = (body ?? {}) as { reason?: unknown };
  if (input.reason !== undefined && input.reason !== null && typeof input.reason !== 'string') return { ok: false, field: 'reason', message: 'reason must be text' };
  const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
  if (reason.length > MAX_REASON) return { ok: false, field: 'reason', message: `reason must be at most ${MAX_REASON} characters` };
  return { ok: true, value: { reason: reason === '' ? null : reason } };
}
