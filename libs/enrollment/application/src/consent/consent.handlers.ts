import { handleCommand } from '@carecircle/platform/event-sourcing';
import {
  referralStreamId,
  type ConsentDetails,
  type ConsentKind,
  type ReferralEvent,
} from '@carecircle/enrollment/domain';
import { decidersFor, loadState, type EnrollmentDeps } from '../enrollment-deps';
import { actOnGroupSeats } from '../placement/group-seats.handlers';
import type { RequestContext } from '../request-context';

/** Records treatment consent or the signed confidentiality agreement. The same record twice changes nothing. */
export function recordConsent(deps: EnrollmentDeps) {
  const { referral } = decidersFor(deps.policy);
  return (input: { referralId: string } & ConsentDetails, context: RequestContext) =>
    handleCommand(deps.store, referralStreamId(input.referralId), referral, {
      type: 'RecordConsent',
      data: input,
      metadata: { now: deps.clock.now(), ...context },
    });
}

/**
 * Withdraws a consent (published, so sharing stops) and takes the member out of their group or its
 * waitlist. A retry after a crash between the two steps finishes the second one.
 */
export function withdrawConsent(deps: EnrollmentDeps) {
  const { referral } = decidersFor(deps.policy);
  const act = actOnGroupSeats(deps);
  return async (input: { referralId: string; kind: ConsentKind; withdrawnBy: string }, context: RequestContext) => {
    const streamId = referralStreamId(input.referralId);
    const withdrawn = await handleCommand(deps.store, streamId, referral, {
      type: 'WithdrawConsent',
      data: input,
      metadata: { now: deps.clock.now(), ...context },
    });
    if (!withdrawn.ok) return withdrawn;
    const { state } = await loadState<ReferralEvent, typeof referral.initialState>(deps.store, streamId, referral);
    if (state.status !== 'none' && state.placementGroupId) {
      const left = await act(
        state.placementGroupId,
        { type: 'LeaveGroup', memberId: state.details.memberId, reason: 'consent-withdrawn' },
        context,
      );
      if (!left.ok) return left;
    }
    return withdrawn;
  };
}
