import {
  matchGroups,
  placementCandidate,
  referralStreamId,
  type CatalogueGroup,
  type Ineligible,
  type PlacementCandidate,
  type ReferralEvent,
  type SeatHolder,
} from '@carecircle/enrollment/domain';
import type { DomainError } from '@carecircle/shared-kernel';
import { decidersFor, loadState, type EnrollmentDeps } from '../enrollment-deps';

/** The referral's placement candidate, or why the member cannot be placed. */
export async function loadCandidate(
  deps: EnrollmentDeps,
  referralId: string,
): Promise<PlacementCandidate | DomainError> {
  const { referral } = decidersFor(deps.policy);
  const { state } = await loadState<ReferralEvent, typeof referral.initialState>(
    deps.store,
    referralStreamId(referralId),
    referral,
  );
  return placementCandidate(state);
}

/**
 * Re-checks waiting members before a seat is offered to them (or taken): the referral must still allow
 * placement (screening outcome, both consents) and the group must still fit its screening constraints.
 * Answers the members who may not be offered a seat now, with the reason in plain words.
 */
export async function ineligibleAmong(
  deps: EnrollmentDeps,
  group: CatalogueGroup,
  holders: readonly SeatHolder[],
  now: Date,
): Promise<Ineligible> {
  const ineligible: Record<string, string> = {};
  await Promise.all(
    holders.map(async (holder) => {
      const candidate = await loadCandidate(deps, holder.referralId);
      if ('kind' in candidate) {
        ineligible[holder.memberId] = candidate.message;
        return;
      }
      const misfit = matchGroups(candidate, [{ group, freeSeats: 1 }], now).excluded[0];
      if (misfit) ineligible[holder.memberId] = `This group no longer fits the member: ${misfit.reasons.join(' ')}`;
    }),
  );
  return ineligible;
}
