import type { CommandMetadata } from '@carecircle/shared-kernel';
import type { PlacementConstraints, ScreeningFacts, ScreeningOutcome, ScreeningReason } from '../screening/screening';

export type GroupType = 'disease-specific' | 'stage-specific' | 'general-emotional-support';
export type Modality = 'in-person' | 'online' | 'hybrid';
export type MemberRole = 'patient' | 'caregiver' | 'family-member';
export type ConsentKind = 'treatment' | 'confidentiality-agreement';
/** Why a referral was cancelled: `revoked` by the referrer, or `entered-in-error` (it should never have existed). */
export type ReferralCancellationReason = 'revoked' | 'entered-in-error';
/** Who the member allows the care team to share group information with. */
export type SharingScope = 'psychiatrist' | 'cbt-therapist' | 'palliative-team' | 'primary-care';

/** What a referral says about who is referred and what they want. `memberId` is pseudonymous. */
export interface ReferralDetails {
  referralId: string;
  memberId: string;
  referringClinicianId: string;
  wantedGroupType: GroupType;
  /** For disease-specific groups, e.g. "cancer". */
  wantedCondition?: string;
  /** For stage-specific groups, e.g. "post-surgical-recovery". */
  wantedStage?: string;
  modalityPreference: Modality;
  memberRole: MemberRole;
  /** The facts screening needs; a referral without them can be screened later. */
  screeningFacts?: ScreeningFacts;
}

export interface ConsentDetails {
  kind: ConsentKind;
  /** Version of the agreement text the member signed, e.g. "2026-01". */
  agreementVersion: string;
  sharingScope: SharingScope[];
  /** Opaque id of the staff member who took the consent. */
  recordedBy: string;
  signedAt: string;
}

// Commands ---------------------------------------------------------------------------------------

export type ReferralCommand =
  | { type: 'ReceiveReferral'; data: ReferralDetails; metadata: CommandMetadata }
  | { type: 'ScreenMember'; data: { referralId: string; facts: ScreeningFacts }; metadata: CommandMetadata }
  | { type: 'RecordConsent'; data: { referralId: string } & ConsentDetails; metadata: CommandMetadata }
  | {
      type: 'WithdrawConsent';
      data: { referralId: string; kind: ConsentKind; withdrawnBy: string };
      metadata: CommandMetadata;
    }
  /** The referrer withdrew the referral (an EHR ServiceRequest revoked or entered in error) before any placement. */
  | {
      type: 'CancelReferral';
      data: { referralId: string; reason: ReferralCancellationReason };
      metadata: CommandMetadata;
    }
  | {
      type: 'RecordPlacement';
      /**
       * `ifPlacedIn` (optional): record only while the referral still points at this group (null: at none),
       * so a repair that read an older state never overwrites a newer placement.
       */
      data: { referralId: string; groupId: string; ifPlacedIn?: string | null };
      metadata: CommandMetadata;
    };

// Events -----------------------------------------------------------------------------------------

export interface ScreeningCompletedData {
  referralId: string;
  memberId: string;
  outcome: ScreeningOutcome;
  reasons: ScreeningReason[];
  constraints: PlacementConstraints;
  /** Kept in enrollment's own store (matching needs the age); never published. */
  facts: ScreeningFacts;
  screenedAt: string;
}

export type ReferralEvent =
  | { type: 'ReferralReceived'; data: ReferralDetails & { receivedAt: string } }
  | { type: 'ScreeningCompleted'; data: ScreeningCompletedData }
  | {
      type: 'PsychiatricEvaluationRequired';
      data: {
        referralId: string;
        memberId: string;
        urgency: 'same-day' | 'before-placement';
        reasons: ScreeningReason[];
        requiredAt: string;
      };
    }
  | {
      type: 'IndividualCounselingRecommended';
      data: { referralId: string; memberId: string; reasons: ScreeningReason[]; recommendedAt: string };
    }
  | { type: 'ConsentRecorded'; data: { referralId: string; memberId: string; recordedAt: string } & ConsentDetails }
  | {
      type: 'ConsentWithdrawn';
      data: { referralId: string; memberId: string; kind: ConsentKind; withdrawnBy: string; withdrawnAt: string };
    }
  | { type: 'PlacementRecorded'; data: { referralId: string; groupId: string; recordedAt: string } }
  | {
      type: 'ReferralCancelled';
      data: { referralId: string; memberId: string; reason: ReferralCancellationReason; cancelledAt: string };
    }
  /**
   * No longer decided here (members take a seat on the group's seats stream): referral streams written by
   * the foundation's direct-enrolment route, since removed, still hold it, so it still folds.
   */
  | {
      type: 'MemberEnrolled';
      data: { referralId: string; memberId: string; groupId: string; memberRole: MemberRole; enrolledAt: string };
    };

// State ------------------------------------------------------------------------------------------

export interface OpenReferral {
  details: ReferralDetails;
  screening?: ScreeningCompletedData;
  consents: Partial<Record<ConsentKind, ConsentDetails>>;
  /** The group the member was last placed in (enrolled or waitlisted) through the placement flow. */
  placementGroupId?: string;
}

export type ReferralState =
  | { status: 'none' }
  | ({ status: 'referred' } & OpenReferral)
  | ({ status: 'enrolled'; groupId: string } & OpenReferral)
  /** Withdrawn by the referrer before any placement: kept for the history, never screened or placed. */
  | ({ status: 'cancelled' } & OpenReferral);

export const referralStreamId = (referralId: string) => `referral-${referralId}`;
