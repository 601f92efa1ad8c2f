import { handleCommand } from '@carecircle/platform/event-sourcing';
import type { EventStore } from '@carecircle/platform/event-store';
import { referralDecider, referralStreamId } from '@carecircle/enrollment/domain';
import type { Clock } from '@carecircle/shared-kernel';
import type { RequestContext } from '../request-context';

export interface EnrolMemberDeps {
  store: EventStore;
  clock: Clock;
}

/** Enrols the referred member in a group. Repeating the same enrolment is accepted and changes nothing. */
export function enrolMember({ store, clock }: EnrolMemberDeps) {
  return (input: { referralId: string; groupId: string }, context: RequestContext) =>
    handleCommand(store, referralStreamId(input.referralId), referralDecider, {
      type: 'EnrolMember',
      data: input,
      metadata: { now: clock.now(), ...context },
    });
}
