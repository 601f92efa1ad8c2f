import { handleCommand } from '@carecircle/platform/event-sourcing';
import type { EventStore } from '@carecircle/platform/event-store';
import { referralDecider, referralStreamId, type ReferralDetails } from '@carecircle/enrollment/domain';
import type { Clock } from '@carecircle/shared-kernel';
import type { RequestContext } from '../request-context';

export interface ReceiveReferralDeps {
  store: EventStore;
  clock: Clock;
}

/** Records a referral. Sending the same referral again is accepted and changes nothing. */
export function receiveReferral({ store, clock }: ReceiveReferralDeps) {
  return (details: ReferralDetails, context: RequestContext) =>
    handleCommand(store, referralStreamId(details.referralId), referralDecider, {
      type: 'ReceiveReferral',
      data: details,
      metadata: { now: clock.now(), ...context },
    });
}
