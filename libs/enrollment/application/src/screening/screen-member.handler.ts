import { handleCommand } from '@carecircle/platform/event-sourcing';
import { referralStreamId, type ScreeningFacts } from '@carecircle/enrollment/domain';
import { decidersFor, type EnrollmentDeps } from '../enrollment-deps';
import type { RequestContext } from '../request-context';

/** Screens (or re-screens, with new scores) a referred member. Unchanged facts change nothing. */
export function screenMember(deps: EnrollmentDeps) {
  const { referral } = decidersFor(deps.policy);
  return (input: { referralId: string; facts: ScreeningFacts }, context: RequestContext) =>
    handleCommand(deps.store, referralStreamId(input.referralId), referral, {
      type: 'ScreenMember',
      data: input,
      metadata: { now: deps.clock.now(), ...context },
    });
}
