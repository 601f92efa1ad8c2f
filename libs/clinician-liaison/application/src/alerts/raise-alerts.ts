import { handleCommand } from '@carecircle/platform/event-sourcing';
import type { RecordedEvent } from '@carecircle/platform/event-store';
import {
  alertDecider,
  alertStreamId,
  COORDINATION_STREAM_PREFIX,
  evaluateRules,
  mayShareMedicationDetails,
  ruleInputFor,
  type AlertContent,
  type CareTeamRole,
  type CoordinationEvent,
  type CoordinationState,
  type Finding,
  type RecipientRole,
} from '@carecircle/clinician-liaison/domain';
import type { LiaisonDeps } from '../liaison-deps';
import { alertIdFor } from './alert-id';

/** The order in which the care team is asked when an alert goes unacknowledged. */
const ESCALATION_ORDER: readonly CareTeamRole[] = ['attending-psychiatrist', 'physician', 'palliative-team', 'cbt-therapist', 'facilitator'];

/**
 * Runs the coordination rules for one event of a member's stream (in global order, so per member in
 * order) and raises one alert per finding and recipient. Alert ids derive from the deduplication key,
 * so running this again for the same event (a restart, a replay) raises nothing new.
 */
export async function raiseAlertsFor(deps: LiaisonDeps, recorded: RecordedEvent): Promise<string[]> {
  if (!recorded.streamId.startsWith(COORDINATION_STREAM_PREFIX)) return [];
  const history = await deps.store.readStream(recorded.streamId, { maxCount: recorded.streamVersion + 1 });
  const input = ruleInputFor(history.map((r) => ({ eventId: r.eventId, occurredAt: r.metadata.occurredAt, event: { type: r.type, data: r.data } as CoordinationEvent })));
  const raised: string[] = [];
  for (const finding of evaluateRules(input, deps.rules)) {
    for (const content of alertContents(input.after, finding)) {
      const outcome = await handleCommand(deps.store, alertStreamId(content.alertId), alertDecider, {
        type: 'RaiseAlert',
        data: { alertId: content.alertId, content, escalation: deps.escalation },
        // The alert is raised at the time of the fact that caused it: replays decide the same.
        metadata: { now: new Date(recorded.metadata.occurredAt), correlationId: recorded.metadata.correlationId, causationId: recorded.eventId },
      });
      if (outcome.ok && outcome.events.length > 0) raised.push(content.alertId);
    }
  }
  return raised;
}

/** One alert per recipient; facilitators get the minimum-necessary text unless consent allows more. */
export function alertContents(state: CoordinationState, finding: Finding): AlertContent[] {
  const memberId = state.memberId!;
  return finding.recipients.flatMap((role) =>
    recipientsFor(state, finding, role).map((recipientId) => {
      const dedupKey = `${finding.dedupKey}|${role}${role === 'prescriber' ? `:${recipientId}` : ''}`;
      const minimal = role === 'facilitator' && finding.mentionsMedication && !mayShareMedicationDetails(state, 'facilitator');
      return {
        alertId: alertIdFor(memberId, dedupKey),
        memberId,
        rule: finding.rule,
        severity: finding.severity,
        recipientRole: role,
        recipientId,
        escalationChain: escalationChain(state, recipientId),
        dedupKey,
        summary: minimal ? finding.minimumNecessarySummary : finding.summary,
        detail: minimal ? finding.minimumNecessarySummary : `${finding.detail}\n\n**Evidence**: ${finding.evidence.facts.join('; ')}`,
        evidenceEventIds: finding.evidence.eventIds,
      };
    }),
  );
}

function recipientsFor(state: CoordinationState, finding: Finding, role: RecipientRole): (string | null)[] {
  if (role === 'prescriber') return finding.prescriberIds ?? [];
  const holders = state.careTeam.filter((m) => m.role === role && m.activeTo === null).map((m) => m.clinicianId);
  // A role nobody holds still raises the alert: it escalates at once to the care team.
  return holders.length > 0 ? holders.slice(0, 1) : role === 'attending-psychiatrist' || role === 'facilitator' ? [null] : [];
}

function escalationChain(state: CoordinationState, recipientId: string | null): string[] {
  const active = state.careTeam.filter((m) => m.activeTo === null && m.clinicianId !== recipientId);
  const ordered = ESCALATION_ORDER.flatMap((role) => active.filter((m) => m.role === role).map((m) => m.clinicianId));
  return [...new Set(ordered)];
}
