import { handleCommand, type CommandOutcome } from '@carecircle/platform/event-sourcing';
import { groupSeatsStreamId, type GroupSeatsEvent, type WithdrawalReason } from '@carecircle/enrollment/domain';
import { domainError } from '@carecircle/shared-kernel';
import { capacityOf, decidersFor, type EnrollmentDeps } from '../enrollment-deps';
import type { RequestContext } from '../request-context';

type SeatAction =
  | { type: 'AcceptOffer'; memberId: string }
  | { type: 'DeclineOffer'; memberId: string }
  | { type: 'LeaveGroup'; memberId: string; reason: WithdrawalReason }
  | { type: 'ExpireOffers' };

/** Runs one seat command on a catalogued group's seats stream. */
export function actOnGroupSeats(deps: EnrollmentDeps) {
  const { groupSeats } = decidersFor(deps.policy);
  return async (groupId: string, action: SeatAction, context: RequestContext): Promise<CommandOutcome<GroupSeatsEvent>> => {
    const group = await deps.catalogue.find(groupId);
    if (!group) return { ok: false, error: domainError('not-found', 'enrollment.group-unknown', 'No group with this id is in the catalogue.') };
    const now = deps.clock.now();
    const { type, ...data } = action;
    return handleCommand(deps.store, groupSeatsStreamId(groupId), groupSeats, {
      type,
      data: { ...data, group: capacityOf(group, now) },
      metadata: { now, ...context },
    } as Parameters<typeof groupSeats.decide>[0]);
  };
}

/**
 * The durable offer clock: on each poll, every catalogued group lapses its due offers and offers free
 * seats (a withdrawal, a grown group) to its waitlist. State lives in the streams, so a restart loses nothing.
 */
export function expireDueOffers(deps: EnrollmentDeps) {
  const act = actOnGroupSeats(deps);
  return async (context: RequestContext): Promise<number> => {
    let changes = 0;
    for (const group of await deps.catalogue.list()) {
      const outcome = await act(group.groupId, { type: 'ExpireOffers' }, context);
      if (outcome.ok) changes += outcome.events.length;
    }
    return changes;
  };
}
