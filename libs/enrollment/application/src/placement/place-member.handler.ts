import { handleCommand, type CommandOutcome } from '@carecircle/platform/event-sourcing';
import {
  groupSeatsStreamId,
  matchGroups,
  placementCandidate,
  referralStreamId,
  type CatalogueGroup,
  type GroupSeatsEvent,
  type PlacementCandidate,
  type ReferralEvent,
  type WaitlistPriority,
} from '@carecircle/enrollment/domain';
import { domainError, type DomainError } from '@carecircle/shared-kernel';
import { capacityOf, decidersFor, loadState, type EnrollmentDeps } from '../enrollment-deps';
import type { RequestContext } from '../request-context';

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
 * group. Repeating the same placement is accepted and changes nothing, which also completes a placement
 * interrupted between the two appends.
 */
export function placeMember(deps: EnrollmentDeps) {
  const deciders = decidersFor(deps.policy);
  return async (input: PlaceMemberInput, context: RequestContext): Promise<CommandOutcome<GroupSeatsEvent>> => {
    const now = deps.clock.now();
    const metadata = { now, ...context };
    const prepared = await prepare(deps, input, now);
    if ('kind' in prepared) return { ok: false, error: prepared };
    const { candidate, group } = prepared;
    const holder = { referralId: candidate.referralId, memberId: candidate.memberId, memberRole: candidate.memberRole };
    const seats = await handleCommand(
      deps.store,
      groupSeatsStreamId(group.groupId),
      deciders.groupSeats,
      input.mode === 'enrol'
        ? { type: 'EnrolInGroup', data: { group: capacityOf(group, now), candidate: holder }, metadata }
        : { type: 'JoinWaitlist', data: { group: capacityOf(group, now), candidate: holder, priority: input.priority ?? DEFAULT_PRIORITY }, metadata },
    );
    if (!seats.ok) return seats;
    const recorded = await handleCommand(deps.store, referralStreamId(input.referralId), deciders.referral, {
      type: 'RecordPlacement',
      data: { referralId: input.referralId, groupId: group.groupId },
      metadata,
    });
    return recorded.ok ? seats : recorded;
  };
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

/** The referral's placement candidate, or why the member cannot be placed. */
export async function loadCandidate(deps: EnrollmentDeps, referralId: string): Promise<PlacementCandidate | DomainError> {
  const { referral } = decidersFor(deps.policy);
  const { state } = await loadState<ReferralEvent, typeof referral.initialState>(deps.store, referralStreamId(referralId), referral);
  return placementCandidate(state);
}
