import { handleCommand, type CommandOutcome } from '@carecircle/platform/event-sourcing';
import {
  freeSeats,
  groupSeatsStreamId,
  type GroupSeatsEvent,
  type SeatHolder,
  type WaitingElsewhere,
  type WithdrawalReason,
} from '@carecircle/enrollment/domain';
import { domainError } from '@carecircle/shared-kernel';
import { capacityOf, decidersFor, loadState, type EnrollmentDeps } from '../enrollment-deps';
import type { RequestContext } from '../request-context';
import { ineligibleAmong } from './eligibility';

export type SeatAction =
  | { type: 'AcceptOffer'; memberId: string }
  | { type: 'DeclineOffer'; memberId: string }
  | { type: 'LeaveGroup'; memberId: string; reason: WithdrawalReason }
  | { type: 'ExpireOffers' }
  | { type: 'OfferSeatsToWaitingElsewhere'; candidates: readonly WaitingElsewhere[] };

/**
 * Runs one seat command on a catalogued group's seats stream. Every member the command could offer a seat
 * to (or seat, for an acceptance) is re-checked first: screening outcome, consents and screening constraints
 * must still hold, or the member is passed over (keeping their place in line) with the reason.
 */
export function actOnGroupSeats(deps: EnrollmentDeps) {
  const { groupSeats } = decidersFor(deps.policy);
  return async (
    groupId: string,
    action: SeatAction,
    context: RequestContext,
  ): Promise<CommandOutcome<GroupSeatsEvent>> => {
    const group = await deps.catalogue.find(groupId);
    if (!group)
      return {
        ok: false,
        error: domainError('not-found', 'enrollment.group-unknown', 'No group with this id is in the catalogue.'),
      };
    const now = deps.clock.now();
    const { state } = await loadState<GroupSeatsEvent, typeof groupSeats.initialState>(
      deps.store,
      groupSeatsStreamId(groupId),
      groupSeats,
    );
    const capacity = capacityOf(group, now);
    // The poll runs for every group: only read waiting members' referrals when a seat could go to one of them.
    const dueOffers = state.offers.filter((offer) => offer.expiresAt <= now.toISOString()).length;
    const couldOffer = action.type !== 'ExpireOffers' || freeSeats(state, capacity) + dueOffers > 0;
    const toCheck: SeatHolder[] = [
      ...(couldOffer ? state.waitlist : []),
      ...(action.type === 'AcceptOffer' ? state.offers.filter((offer) => offer.memberId === action.memberId) : []),
      ...(action.type === 'OfferSeatsToWaitingElsewhere' ? action.candidates : []),
    ];
    const ineligible = toCheck.length === 0 ? {} : await ineligibleAmong(deps, group, toCheck, now);
    const { type, ...data } = action;
    return handleCommand(deps.store, groupSeatsStreamId(groupId), groupSeats, {
      type,
      data: { ...data, group: capacity, ineligible },
      metadata: { now, ...context },
    } as Parameters<typeof groupSeats.decide>[0]);
  };
}

/**
 * The durable offer clock: on each poll, every catalogued group lapses its due offers and offers free
 * seats (a withdrawal, a grown group, a member eligible again) to its waitlist. State lives in the streams,
 * so a restart loses nothing.
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
