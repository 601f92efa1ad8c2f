import { handleCommand, type CommandOutcome } from '@carecircle/platform/event-sourcing';
import {
  groupSeatsStreamId,
  matchGroups,
  referralStreamId,
  type CatalogueGroup,
  type GroupSeatsEvent,
  type GroupSeatsState,
  type PlacementCandidate,
  type ReferralEvent,
  type WaitlistPriority,
} from '@carecircle/enrollment/domain';
import { domainError, type DomainError } from '@carecircle/shared-kernel';
import { capacityOf, decidersFor, loadState, type EnrollmentDeps } from '../enrollment-deps';
import type { RequestContext } from '../request-context';
import { completePlacement, standing } from './complete-placement';
import { ineligibleAmong, loadCandidate } from './eligibility';
import { actOnGroupSeats } from './group-seats.handlers';

export interface PlaceMemberInput {
  referralId: string;
  groupId: string;
  /** enrol: take a free seat (409 when full); waitlist: queue for the next freed seat. */
  mode: 'enrol' | 'waitlist';
  priority?: WaitlistPriority;
}

const DEFAULT_PRIORITY: WaitlistPriority = 2;

/**
 * Places a screened, consenting member in a group that fits them: the seat decision is taken on the
 * group's seats stream (expected version: one winner for the last seat), then the referral remembers the
 * group (completePlacement). Repeating the same placement is accepted and changes nothing, which also
 * completes a placement interrupted between the two appends; the repair poll does the same on its own.
 */
export function placeMember(deps: EnrollmentDeps) {
  const deciders = decidersFor(deps.policy);
  const complete = completePlacement(deps);
  return async (input: PlaceMemberInput, context: RequestContext): Promise<CommandOutcome<GroupSeatsEvent>> => {
    const now = deps.clock.now();
    const metadata = { now, ...context };
    const prepared = await prepare(deps, input, now);
    if ('kind' in prepared) return { ok: false, error: prepared };
    const { candidate, group } = prepared;
    const holder = { referralId: candidate.referralId, memberId: candidate.memberId, memberRole: candidate.memberRole };
    // Joining a waitlist can offer a free seat at once: the members already waiting are re-checked first.
    const ineligible = input.mode === 'waitlist' ? await waitingIneligible(deps, group, now) : {};
    const seats = await handleCommand(
      deps.store,
      groupSeatsStreamId(group.groupId),
      deciders.groupSeats,
      input.mode === 'enrol'
        ? { type: 'EnrolInGroup', data: { group: capacityOf(group, now), candidate: holder }, metadata }
        : { type: 'JoinWaitlist', data: { group: capacityOf(group, now), ineligible, candidate: holder, priority: input.priority ?? DEFAULT_PRIORITY }, metadata },
    );
    if (!seats.ok) return seats;
    const recorded = await complete(holder, group.groupId, context);
    return recorded.ok ? seats : recorded;
  };
}

/**
 * Accepts a seat offer (the member's screening and consents are re-checked), then completes the placement:
 * a member offered a new group's seat from another group's waitlist leaves that waitlist. A member who
 * already holds a seat in the group their referral points at must withdraw there first (409).
 */
export function acceptOffer(deps: EnrollmentDeps) {
  const deciders = decidersFor(deps.policy);
  const act = actOnGroupSeats(deps);
  const complete = completePlacement(deps);
  return async (input: { groupId: string; memberId: string }, context: RequestContext): Promise<CommandOutcome<GroupSeatsEvent>> => {
    const { state } = await loadState<GroupSeatsEvent, GroupSeatsState>(deps.store, groupSeatsStreamId(input.groupId), deciders.groupSeats);
    const offer = state.offers.find((o) => o.memberId === input.memberId) ?? state.enrolled.find((m) => m.memberId === input.memberId);
    if (offer) {
      const { state: referral } = await loadState<ReferralEvent, typeof deciders.referral.initialState>(deps.store, referralStreamId(offer.referralId), deciders.referral);
      const elsewhere = referral.status !== 'none' ? referral.placementGroupId : undefined;
      if (elsewhere && elsewhere !== input.groupId) {
        const { state: other } = await loadState<GroupSeatsEvent, GroupSeatsState>(deps.store, groupSeatsStreamId(elsewhere), deciders.groupSeats);
        if (standing(other, input.memberId) === 'enrolled') {
          return { ok: false, error: domainError('conflict', 'enrollment.seated-elsewhere', 'The member already holds a seat in another group; they withdraw there before taking this one.') };
        }
      }
    }
    const accepted = await act(input.groupId, { type: 'AcceptOffer', memberId: input.memberId }, context);
    if (!accepted.ok || !offer) return accepted;
    const recorded = await complete(offer, input.groupId, context);
    return recorded.ok ? accepted : recorded;
  };
}

async function waitingIneligible(deps: EnrollmentDeps, group: CatalogueGroup, now: Date) {
  const { groupSeats } = decidersFor(deps.policy);
  const { state } = await loadState<GroupSeatsEvent, GroupSeatsState>(deps.store, groupSeatsStreamId(group.groupId), groupSeats);
  return state.waitlist.length === 0 ? {} : ineligibleAmong(deps, group, state.waitlist, now);
}

async function prepare(deps: EnrollmentDeps, input: PlaceMemberInput, now: Date): Promise<{ candidate: PlacementCandidate; group: CatalogueGroup } | DomainError> {
  const candidate = await loadCandidate(deps, input.referralId);
  if ('kind' in candidate) return candidate;
  const group = await deps.catalogue.find(input.groupId);
  if (!group) return domainError('not-found', 'enrollment.group-unknown', 'No group with this id is in the catalogue.');
  const { excluded } = matchGroups(candidate, [{ group, freeSeats: 1 }], now);
  const misfit = excluded[0];
  // Closed and started groups are the seat stream's call (409); every other misfit is a placement rule (422).
  if (misfit && !group.closed && !(group.openness === 'closed' && Date.parse(group.firstSessionAt) <= now.getTime())) {
    return domainError('rule-violation', 'enrollment.group-does-not-fit', `This group does not fit the member: ${misfit.reasons.join(' ')}`);
  }
  return { candidate, group };
}
