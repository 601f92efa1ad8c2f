import { handleCommand } from '@carecircle/platform/event-sourcing';
import type { RecordedEvent } from '@carecircle/platform/event-store';
import {
  ALERT_STREAM_PREFIX,
  alertDecider,
  alertStreamId,
  type AckOutcome,
  type AlertCommand,
  type AlertContent,
  type SiblingStep,
} from '@carecircle/clinician-liaison/domain';
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

/**
 * One alert, one state: an acknowledgement or resolution taken on one recipient's copy is taken on each
 * sibling copy too (same who, when and reason). Run by the processor in log order; a replay finds the
 * siblings already there and changes nothing, and a followed step is never followed again.
 */
export async function followedBySiblings(deps: LiaisonDeps, recorded: RecordedEvent): Promise<void> {
  if (!recorded.streamId.startsWith(ALERT_STREAM_PREFIX)) return;
  if (recorded.type !== 'AlertAcknowledged' && recorded.type !== 'AlertResolved') return;
  const step = { type: recorded.type, data: recorded.data } as SiblingStep;
  if (step.data.viaAlertId) return;
  const [raised] = await deps.store.readStream(recorded.streamId, { maxCount: 1 });
  for (const siblingId of (raised?.data as Partial<AlertContent> | undefined)?.siblingIds ?? []) {
    await handleCommand(deps.store, alertStreamId(siblingId), alertDecider, {
      type: 'FollowSibling',
      data: { alertId: siblingId, siblingId: step.data.alertId, step },
      metadata: {
        now: new Date(recorded.metadata.occurredAt),
        correlationId: recorded.metadata.correlationId,
        causationId: recorded.eventId,
      },
    });
  }
}
