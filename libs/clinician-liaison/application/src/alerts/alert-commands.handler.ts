import { handleCommand } from '@carecircle/platform/event-sourcing';
import { alertDecider, alertStreamId, type AckOutcome, type AlertCommand } from '@carecircle/clinician-liaison/domain';
import type { LiaisonDeps, RequestContext } from '../liaison-deps';

function run(deps: LiaisonDeps, command: Omit<AlertCommand, 'metadata'>, context: RequestContext) {
  return handleCommand(deps.store, alertStreamId(command.data.alertId), alertDecider, {
    ...command,
    metadata: { now: deps.clock.now(), ...context },
  } as AlertCommand);
}

export function acknowledgeAlert(deps: LiaisonDeps) {
  return (
    input: { alertId: string; by: string; outcome: AckOutcome; reason: string | null },
    context: RequestContext,
  ) => run(deps, { type: 'AcknowledgeAlert', data: input }, context);
}

export function resolveAlert(deps: LiaisonDeps) {
  return (input: { alertId: string; by: string; reason: string | null }, context: RequestContext) =>
    run(deps, { type: 'ResolveAlert', data: input }, context);
}

export function markAlertDelivered(deps: LiaisonDeps) {
  return (input: { alertId: string; channel: string }, context: RequestContext) =>
    run(deps, { type: 'MarkDelivered', data: input }, context);
}

/** Fired by the durable timer; the level makes a second firing a no-op. */
export function escalateAlert(deps: LiaisonDeps) {
  return (input: { alertId: string; level: number }, context: RequestContext) =>
    run(deps, { type: 'EscalateAlert', data: { ...input, escalation: deps.escalation } }, context);
}
