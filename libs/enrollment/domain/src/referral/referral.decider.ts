import { domainError, type Decider } from '@carecircle/shared-kernel';
import type { ReferralCommand, ReferralDetails, ReferralEvent, ReferralState } from './referral';

export const referralDecider: Decider<ReferralCommand, ReferralEvent, ReferralState> = {
  initialState: { status: 'none' },
  decide(command, state) {
    switch (command.type) {
      case 'ReceiveReferral':
        return receiveReferral(command.data, command.metadata.now, state);
      case 'EnrolMember':
        return enrolMember(command.data, command.metadata.now, state);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'ReferralReceived': {
        const { receivedAt: _receivedAt, ...details } = event.data;
        return { status: 'referred', details };
      }
      case 'MemberEnrolled':
        return state.status === 'none' ? state : { status: 'enrolled', details: state.details, groupId: event.data.groupId };
    }
  },
};

function receiveReferral(details: ReferralDetails, now: Date, state: ReferralState) {
  if (state.status === 'none') {
    return [{ type: 'ReferralReceived', data: { ...details, receivedAt: now.toISOString() } }] as const;
  }
  // The same referral sent again (an EHR retry) changes nothing; different facts under the same id are a mistake.
  if (sameReferral(state.details, details)) return [];
  return domainError('conflict', 'enrollment.referral-conflict', 'A different referral was already received under this referral id.');
}

function enrolMember(data: { referralId: string; groupId: string }, now: Date, state: ReferralState) {
  switch (state.status) {
    case 'none':
      return domainError('not-found', 'enrollment.referral-unknown', 'No referral with this id has been received.');
    case 'enrolled':
      return state.groupId === data.groupId
        ? []
        : domainError('conflict', 'enrollment.already-enrolled-elsewhere', 'The member is already enrolled in another group through this referral.');
    case 'referred':
      return [
        {
          type: 'MemberEnrolled',
          data: {
            referralId: data.referralId,
            memberId: state.details.memberId,
            groupId: data.groupId,
            memberRole: state.details.memberRole,
            enrolledAt: now.toISOString(),
          },
        },
      ] as const;
  }
}

function sameReferral(a: ReferralDetails, b: ReferralDetails): boolean {
  return (Object.keys(a) as (keyof ReferralDetails)[]).every((key) => a[key] === b[key]);
}
