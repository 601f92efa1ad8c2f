import { handleCommand } from '@carecircle/platform/event-sourcing';
import type { EventStore } from '@carecircle/platform/event-store';
import {
  createReferralDecider,
  referralStreamId,
  type EnrollmentPolicy,
  type ReferralDetails,
} from '@carecircle/enrollment/domain';
import type { Clock } from '@carecircle/shared-kernel';
import type { RequestContext } from '../request-context';

export interface ReceiveReferralDeps {
  store: EventStore;
  clock: Clock;
  /** The configured thresholds, for a referral that comes with its screening facts. */
  policy?: EnrollmentPolicy;
}

/** Records a referral. Sending the same referral again is accepted and changes nothing. */
export function receiveReferral({ store, clock, policy }: ReceiveReferralDeps) {
  const referralDecider = createReferralDecider(policy);
  return (details: ReferralDetails, context: RequestContext) =>
    handleCommand(store, referralStreamId(details.referralId), referralDecider, {
      type: 'ReceiveReferral',
      data: details,
      metadata: { now: clock.now(), ...context },
    });
}
