import { handleCommand, type CommandOutcome } from '@carecircle/platform/event-sourcing';
import {
  freeSeats,
  groupSeatsStreamId,
  matchGroups,
  redirectPlacement,
  type PlacementRedirect,
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

/** A placement decided: the seat events, the group the member went to, and why when it is not the one asked for. */
export type PlacementOutcome =
  | {
      ok: true;
      events: readonly GroupSeatsEvent[];
      nextExpectedVersion: number;
      placedIn: string;
      placement: 'enrol' | 'waitlist';
      redirect?: PlacementRedirect;
    }
  | { ok: false; error: DomainError };

/**
 * Places a screened, consenting member in a group that fits them: the seat decision is taken on the
 * group's seats stream (expected version: one winner for the last seat), then the referral remembers the
 * group (completePlacement). Repeating the same placement is accepted and changes nothing, which also
 * completes a placement interrupted between the two appends; the repair poll does the same on its own.
 * A group that takes nobody new does not leave the member without a place: a closed group that has
 * started (or one scheduling closed) sends them to its next course, else to another group that fits
 * (seat or waitlist), else (started closed group) onto its waitlist for the next course, with the reason.
 */
export function placeMember(deps: EnrollmentDeps) {
  const deciders = decidersFor(deps.policy);
  const complete = completePlacement(deps);
  return async (input: PlaceMemberInput, context: RequestContext): Promise<PlacementOutcome> => {
    const now = deps.clock.now();
    const metadata = { now, ...context };
    const prepared = await prepare(deps, input, now);
    if ('kind' in prepared) return { ok: false, error: prepared };
    const { candidate } = prepared;
    const redirect = redirectPlacement(candidate, prepared.group, await catalogueWithFreeSeats(deps, now), now);
    if (redirect?.kind === 'none') {
      return {
        ok: false,
        error: domainError(
          'conflict',
          'enrollment.group-closed',
          'This group has been closed and takes no new members, and no other group fits the member yet.',
        ),
      };
    }
    const target = redirect ? await deps.catalogue.find(redirect.groupId) : prepared.group;
    if (!target)
      return {
        ok: false,
        error: domainError('not-found', 'enrollment.group-unknown', 'No group with this id is in the catalogue.'),
      };
    const mode = redirect ? redirect.placement : input.mode;
    const holder = { referralId: candidate.referralId, memberId: candidate.memberId, memberRole: candidate.memberRole };
    // Joining a waitlist can offer a free seat at once: the members already waiting are re-checked first.
    const ineligible = mode === 'waitlist' ? await waitingIneligible(deps, target, now) : {};
    const reason = redirect?.kind === 'waitlist-for-next-course' ? { reason: redirect.reason } : {};
    const seats = await handleCommand(
      deps.store,
      groupSeatsStreamId(target.groupId),
      deciders.groupSeats,
      mode === 'enrol'
        ? { type: 'EnrolInGroup', data: { group: capacityOf(target, now), candidate: holder }, metadata }
        : {
            type: 'JoinWaitlist',
            data: {
              group: capacityOf(target, now),
              ineligible,
              candidate: holder,
              priority: input.priority ?? DEFAULT_PRIORITY,
              ...reason,
            },
            metadata,
          },
    );
    if (!seats.ok) return seats;
    const recorded = await complete(holder, target.groupId, context);
    if (!recorded.ok) return recorded;
    return { ...seats, placedIn: target.groupId, placement: mode, ...(redirect ? { redirect } : {}) };
  };
}

/** Every catalogued group with the seats free on its stream (for redirecting from a group that takes nobody new). */
async function catalogueWithFreeSeats(deps: EnrollmentDeps, now: Date) {
  const { groupSeats } = decidersFor(deps.policy);
  return Promise.all(
    (await deps.catalogue.list()).map(async (group) => {
      const { state } = await loadState<GroupSeatsEvent, GroupSeatsState>(
        deps.store,
        groupSeatsStreamId(group.groupId),
        groupSeats,
      );
      return { group, freeSeats: freeSeats(state, capacityOf(group, now)) };
    }),
  );
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
  return async (
    input: { groupId: string; memberId: string },
    context: RequestContext,
  ): Promise<CommandOutcome<GroupSeatsEvent>> => {
    const { state } = await loadState<GroupSeatsEvent, GroupSeatsState>(
      deps.store,
      groupSeatsStreamId(input.groupId),
      deciders.groupSeats,
    );
    const offer =
      state.offers.find((o) => o.memberId === input.memberId) ??
      state.enrolled.find((m) => m.memberId === input.memberId);
    if (offer) {
      const { state: referral } = await loadState<ReferralEvent, typeof deciders.referral.initialState>(
        deps.store,
        referralStreamId(offer.referralId),
        deciders.referral,
      );
      const elsewhere = referral.status !== 'none' ? referral.placementGroupId : undefined;
      if (elsewhere && elsewhere !== input.groupId) {
        const { state: other } = await loadState<GroupSeatsEvent, GroupSeatsState>(
          deps.store,
          groupSeatsStreamId(elsewhere),
          deciders.groupSeats,
        );
        if (standing(other, input.memberId) === 'enrolled') {
          return {
            ok: false,
            error: domainError(
              'conflict',
              'enrollment.seated-elsewhere',
              'The member already holds a seat in another group; they withdraw there before taking this one.',
            ),
          };
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
  const { state } = await loadState<GroupSeatsEvent, GroupSeatsState>(
    deps.store,
    groupSeatsStreamId(group.groupId),
    groupSeats,
  );
  return state.waitlist.length === 0 ? {} : ineligibleAmong(deps, group, state.waitlist, now);
}

async function prepare(
  deps: EnrollmentDeps,
  input: PlaceMemberInput,
  now: Date,
): Promise<{ candidate: PlacementCandidate; group: CatalogueGroup } | DomainError> {
  const candidate = await loadCandidate(deps, input.referralId);
  if ('kind' in candidate) return candidate;
  const group = await deps.catalogue.find(input.groupId);
  if (!group) return domainError('not-found', 'enrollment.group-unknown', 'No group with this id is in the catalogue.');
  // Whether the group fits the member, whether or not it takes anyone now (a group that does not is redirected from).
  const { excluded } = matchGroups(
    candidate,
    [{ group: { ...group, closed: false, openness: 'open' }, freeSeats: 1 }],
    now,
  );
  const misfit = excluded[0];
  if (misfit) {
    return domainError(
      'rule-violation',
      'enrollment.group-does-not-fit',
      `This group does not fit the member: ${misfit.reasons.join(' ')}`,
    );
  }
  return { candidate, group };
}
