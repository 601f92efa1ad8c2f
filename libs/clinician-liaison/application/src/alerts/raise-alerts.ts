import { handleCommand } from '@carecircle/platform/event-sourcing';
import type { RecordedEvent } from '@carecircle/platform/event-store';
import {
  alertDecider,
  alertStreamId,
  careTeamAt,
  COORDINATION_STREAM_PREFIX,
  evaluateRules,
  mayShareMedicationDetails,
  ruleInputFor,
  type AlertContent,
  type CareTeamMember,
  type CareTeamRole,
  type CoordinationEvent,
  type CoordinationState,
  type Finding,
  type RecipientRole,
} from '@carecircle/clinician-liaison/domain';
import type { LiaisonDeps } from '../liaison-deps';
import { alertIdFor } from './alert-id';

/** The order in which the care team is asked when an alert goes unacknowledged. */
const ESCALATION_ORDER: readonly CareTeamRole[] = [
  'attending-psychiatrist',
  'physician',
  'palliative-team',
  'cbt-therapist',
  'facilitator',
];

/**
 * Runs the coordination rules for one event of a member's stream (in global order, so per member in
 * order) and raises one alert per finding and recipient. Alert ids derive from the deduplication key,
 * so running this again for the same event (a restart, a replay) raises nothing new.
 */
export async function raiseAlertsFor(deps: LiaisonDeps, recorded: RecordedEvent): Promise<string[]> {
  if (!recorded.streamId.startsWith(COORDINATION_STREAM_PREFIX)) return [];
  const history = await deps.store.readStream(recorded.streamId, { maxCount: recorded.streamVersion + 1 });
  const input = ruleInputFor(
    history.map((r) => ({
      eventId: r.eventId,
      occurredAt: r.metadata.occurredAt,
      event: { type: r.type, data: r.data } as CoordinationEvent,
    })),
  );
  const raised: string[] = [];
  const findings = evaluateRules(input, deps.rules);
  const facilitatorIds = findings.some((finding) => finding.recipients.includes('facilitator'))
    ? await facilitatorsOf(deps, input.after)
    : [];
  for (const finding of findings) {
    for (const content of alertContents(input.after, finding, recorded.metadata.occurredAt, facilitatorIds)) {
      const outcome = await handleCommand(deps.store, alertStreamId(content.alertId), alertDecider, {
        type: 'RaiseAlert',
        data: { alertId: content.alertId, content, escalation: deps.escalation },
        // The alert is raised at the time of the fact that caused it: replays decide the same.
        metadata: {
          now: new Date(recorded.metadata.occurredAt),
          correlationId: recorded.metadata.correlationId,
          causationId: recorded.eventId,
        },
      });
      if (outcome.ok && outcome.events.length > 0) raised.push(content.alertId);
    }
  }
  return raised;
}

/** The facilitators of the member's current groups, first group joined first. */
async function facilitatorsOf(deps: LiaisonDeps, state: CoordinationState): Promise<string[]> {
  if (!deps.groupFacilitators) return [];
  const groups = Object.values(state.groups)
    .filter((group) => group.active)
    .sort((a, b) => a.joinedAt.localeCompare(b.joinedAt));
  const perGroup = await Promise.all(groups.map((group) => deps.groupFacilitators!(group.groupId)));
  return [...new Set(perGroup.flat())];
}

/**
 * One alert per recipient, from the care team at `at` (the triggering fact's time: a planned end that has
 * passed counts); facilitators get the minimum-necessary text unless consent allows more. The facilitator
 * role is held by the care team's facilitators, else by the facilitators of the member's groups.
 */
export function alertContents(
  state: CoordinationState,
  finding: Finding,
  at: string,
  groupFacilitatorIds: readonly string[] = [],
): AlertContent[] {
  const memberId = state.memberId!;
  const team = careTeamAt(state, at);
  const copies: AlertContent[] = finding.recipients.flatMap((role) =>
    recipientsFor(team, finding, role, groupFacilitatorIds).map((recipientId) => {
      const perRecipient = role === 'prescriber' || finding.toEveryHolder === true;
      const dedupKey = `${finding.dedupKey}|${role}${perRecipient ? `:${recipientId}` : ''}`;
      const minimal =
        role === 'facilitator' && finding.mentionsMedication && !mayShareMedicationDetails(state, 'facilitator');
      return {
        alertId: alertIdFor(memberId, dedupKey),
        memberId,
        rule: finding.rule,
        severity: finding.severity,
        recipientRole: role,
        recipientId,
        escalationChain: escalationChain(team, recipientId),
        dedupKey,
        summary: minimal ? finding.minimumNecessarySummary : finding.summary,
        detail: minimal
          ? finding.minimumNecessarySummary
          : `${finding.detail}\n\n**Evidence**: ${finding.evidence.facts.join('; ')}`,
        evidenceEventIds: finding.evidence.eventIds,
      };
    }),
  );
  // Each recipient's copy, one alert: each knows the others so that they share one lifecycle.
  return copies.map((copy) => ({
    ...copy,
    siblingIds: copies.filter((other) => other.alertId !== copy.alertId).map((other) => other.alertId),
  }));
}

function recipientsFor(
  team: readonly CareTeamMember[],
  finding: Finding,
  role: RecipientRole,
  groupFacilitatorIds: readonly string[],
): (string | null)[] {
  if (role === 'prescriber') return finding.prescriberIds ?? [];
  const holders = [
    ...new Set([
      ...team.filter((m) => m.role === role).map((m) => m.clinicianId),
      ...(role === 'facilitator' ? groupFacilitatorIds : []),
    ]),
  ];
  if (finding.toEveryHolder) return holders;
  // A role nobody holds still raises the alert: it escalates at once to the care team.
  return holders.length > 0
    ? holders.slice(0, 1)
    : role === 'attending-psychiatrist' || role === 'facilitator'
      ? [null]
      : [];
}

function escalationChain(team: readonly CareTeamMember[], recipientId: string | null): string[] {
  const active = team.filter((m) => m.clinicianId !== recipientId);
  const ordered = ESCALATION_ORDER.flatMap((role) => active.filter((m) => m.role === role).map((m) => m.clinicianId));
  return [...new Set(ordered)];
}
