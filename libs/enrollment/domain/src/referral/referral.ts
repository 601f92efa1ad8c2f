import type { CommandMetadata } from '@carecircle/shared-kernel';

export type GroupType = 'disease-specific' | 'stage-specific' | 'general-emotional-support';
export type Modality = 'in-person' | 'online' | 'hybrid';
export type MemberRole = 'patient' | 'caregiver' | 'family-member';

/** What a referral says about who is referred and what they want. `memberId` is pseudonymous. */
export interface ReferralDetails {
  referralId: string;
  memberId: string;
  referringClinicianId: string;
  wantedGroupType: GroupType;
  modalityPreference: Modality;
  memberRole: MemberRole;
}

// Commands ---------------------------------------------------------------------------------------

export type ReferralCommand =
  | { type: 'ReceiveReferral'; data: ReferralDetails; metadata: CommandMetadata }
  | { type: 'EnrolMember'; data: { referralId: string; groupId: string }; metadata: CommandMetadata };

// Events -----------------------------------------------------------------------------------------

export type ReferralEvent =
  | { type: 'ReferralReceived'; data: ReferralDetails & { receivedAt: string } }
  | { type: 'MemberEnrolled'; data: { referralId: string; memberId: string; groupId: string; memberRole: MemberRole; enrolledAt: string } };

// State ------------------------------------------------------------------------------------------

export type ReferralState =
  | { status: 'none' }
  | { status: 'referred'; details: ReferralDetails }
  | { status: 'enrolled'; details: ReferralDetails; groupId: string };

export const referralStreamId = (referralId: string) => `referral-${referralId}`;
