import {
  freeSeats,
  groupSeatsStreamId,
  matchGroups,
  referralStreamId,
  type GroupSeatsEvent,
  type MatchResult,
  type ReferralEvent,
} from '@carecircle/enrollment/domain';
import type { EventStore } from '@carecircle/platform/event-store';
import { domainError, type DomainError } from '@carecircle/shared-kernel';
import { capacityOf, decidersFor, loadState, type EnrollmentDeps } from '../enrollment-deps';
import { loadCandidate } from '../placement/eligibility';

/** A referral's current status and its history, read from its stream (no clinical facts). */
export function referralStatus(deps: EnrollmentDeps) {
  const { referral } = decidersFor(deps.policy);
  return async (referralId: string) => {
    const { history, state } = await loadState<ReferralEvent, typeof referral.initialState>(
      deps.store,
      referralStreamId(referralId),
      referral,
    );
    if (state.status === 'none')
      return domainError('not-found', 'enrollment.referral-unknown', 'No referral with this id has been received.');
    return {
      referralId,
      memberId: state.details.memberId,
      status: state.status,
      screening: state.screening
        ? {
            outcome: state.screening.outcome,
            reasons: state.screening.reasons,
            constraints: state.screening.constraints,
            screenedAt: state.screening.screenedAt,
          }
        : null,
      consents: Object.keys(state.consents),
      placementGroupId: state.placementGroupId ?? null,
      history: history.map((recorded) => ({ type: recorded.type, at: recorded.metadata.occurredAt })),
    };
  };
}

/**
 * The member a referral is about (its first event, ReferralReceived, names them), or undefined for a
 * referral never received: the access policy's lookup for routes that name a referral, not a member.
 */
export function referralMember(store: Pick<EventStore, 'readStream'>) {
  return async (referralId: string): Promise<string | undefined> => {
    const [first] = await store.readStream(referralStreamId(referralId), { maxCount: 1 });
    return first?.type === 'ReferralReceived' ? (first.data as { memberId?: string }).memberId : undefined;
  };
}

/** A group's roster, waitlist (serving order) and open offers, folded from its seats stream. */
export function groupSeats(deps: EnrollmentDeps) {
  const deciders = decidersFor(deps.policy);
  return async (groupId: string) => {
    const group = await deps.catalogue.find(groupId);
    if (!group)
      return domainError('not-found', 'enrollment.group-unknown', 'No group with this id is in the catalogue.');
    const { history, state } = await loadState<GroupSeatsEvent, typeof deciders.groupSeats.initialState>(
      deps.store,
      groupSeatsStreamId(groupId),
      deciders.groupSeats,
    );
    return {
      groupId,
      seats: group.seats,
      roster: state.enrolled,
      waitlist: state.waitlist,
      offers: state.offers,
      history: history.map((r) => ({
        type: r.type,
        memberId: (r.data as { memberId: string }).memberId,
        at: r.metadata.occurredAt,
      })),
    };
  };
}

/** The groups that fit a referred member, best first, with reasons; and why the others do not. */
export function proposeGroups(deps: EnrollmentDeps) {
  const deciders = decidersFor(deps.policy);
  return async (referralId: string): Promise<MatchResult | DomainError> => {
    const candidate = await loadCandidate(deps, referralId);
    if ('kind' in candidate) return candidate;
    const now = deps.clock.now();
    const groups = await Promise.all(
      (await deps.catalogue.list()).map(async (group) => {
        const { state } = await loadState<GroupSeatsEvent, typeof deciders.groupSeats.initialState>(
          deps.store,
          groupSeatsStreamId(group.groupId),
          deciders.groupSeats,
        );
        return { group, freeSeats: freeSeats(state, capacityOf(group, now)) };
      }),
    );
    return matchGroups(candidate, groups, now);
  };
}
