import { z } from 'zod';
import { defineEvent } from '../envelope';
import { Topics } from '../topics';

export const groupTypeSchema = z.enum(['disease-specific', 'stage-specific', 'general-emotional-support']);
export const modalitySchema = z.enum(['in-person', 'online', 'hybrid']);
export const memberRoleSchema = z.enum(['patient', 'caregiver', 'family-member']);
/** placed-elsewhere (added in v1): the member took a seat in another group and left this waitlist. */
const withdrawalReasonSchema = z.enum(['member-request', 'consent-withdrawn', 'clinical', 'other', 'placed-elsewhere']);

export const ReferralReceived = defineEvent({
  type: 'ReferralReceived',
  schemaVersion: 1,
  topic: Topics.enrollment,
  payload: z.object({
    referralId: z.string().uuid(),
    referringClinicianId: z.string().min(1),
    wantedGroupType: groupTypeSchema,
    /** Added in v1 (optional): the condition or stage a disease- or stage-specific group should be about. */
    wantedCondition: z.string().min(1).max(64).optional(),
    wantedStage: z.string().min(1).max(64).optional(),
    modalityPreference: modalitySchema,
    memberRole: memberRoleSchema,
    receivedAt: z.string().datetime({ offset: true }),
  }),
});

export const MemberEnrolled = defineEvent({
  type: 'MemberEnrolled',
  schemaVersion: 1,
  topic: Topics.enrollment,
  payload: z.object({
    referralId: z.string().uuid(),
    groupId: z.string().min(1),
    memberRole: memberRoleSchema,
    enrolledAt: z.string().datetime({ offset: true }),
  }),
});

export const MemberWithdrew = defineEvent({
  type: 'MemberWithdrew',
  schemaVersion: 1,
  topic: Topics.enrollment,
  payload: z.object({
    /** Added in v1 (optional): the referral the member was placed through. */
    referralId: z.string().min(1).optional(),
    groupId: z.string().min(1),
    reason: withdrawalReasonSchema,
    withdrewAt: z.string().datetime({ offset: true }),
  }),
});

const instant = z.string().datetime({ offset: true });
const screeningOutcomeSchema = z.enum([
  'eligible',
  'eligible-with-constraints',
  'individual-counseling-first',
  'psychiatric-evaluation-required',
  'placement-on-hold',
]);
/** A screening finding in words a facilitator understands; it never quotes the member's scores. */
const screeningReasonSchema = z.object({
  code: z.enum([
    'acute-risk',
    'suicidal-ideation-item9',
    'ptsd',
    'ptsd-counseling-in-place',
    'severe-anxiety',
    'no-contraindication',
  ]),
  outcome: screeningOutcomeSchema,
  text: z.string().min(1).max(500),
});
const consentKindSchema = z.enum(['treatment', 'confidentiality-agreement']);
const placementFacts = { referralId: z.string().min(1), groupId: z.string().min(1) };

export const ScreeningCompleted = defineEvent({
  type: 'ScreeningCompleted',
  schemaVersion: 1,
  topic: Topics.enrollment,
  payload: z.object({
    referralId: z.string().min(1),
    outcome: screeningOutcomeSchema,
    reasons: z.array(screeningReasonSchema).min(1),
    constraints: z.object({
      maxGroupSeats: z.number().int().positive().optional(),
      allowedCadences: z.array(z.enum(['weekly', 'biweekly', 'monthly'])).optional(),
    }),
    screenedAt: instant,
  }),
});

export const PsychiatricEvaluationRequired = defineEvent({
  type: 'PsychiatricEvaluationRequired',
  schemaVersion: 1,
  topic: Topics.enrollment,
  payload: z.object({
    referralId: z.string().min(1),
    /** same-day: PHQ-9 item 9 positive (a same-day task to the psychiatrist); before-placement: acute findings. */
    urgency: z.enum(['same-day', 'before-placement']),
    reasons: z.array(screeningReasonSchema).min(1),
    requiredAt: instant,
  }),
});

export const IndividualCounselingRecommended = defineEvent({
  type: 'IndividualCounselingRecommended',
  schemaVersion: 1,
  topic: Topics.enrollment,
  payload: z.object({
    referralId: z.string().min(1),
    reasons: z.array(screeningReasonSchema).min(1),
    recommendedAt: instant,
  }),
});

export const ConsentRecorded = defineEvent({
  type: 'ConsentRecorded',
  schemaVersion: 1,
  topic: Topics.enrollment,
  payload: z.object({
    referralId: z.string().min(1),
    kind: consentKindSchema,
    agreementVersion: z.string().min(1).max(32),
    /** Whom group information may be shared with; sharing stops when the consent is withdrawn. */
    sharingScope: z.array(z.enum(['psychiatrist', 'cbt-therapist', 'palliative-team', 'primary-care'])),
    recordedBy: z.string().min(1).max(64),
    signedAt: instant,
    recordedAt: instant,
  }),
});

export const ConsentWithdrawn = defineEvent({
  type: 'ConsentWithdrawn',
  schemaVersion: 1,
  topic: Topics.enrollment,
  payload: z.object({
    referralId: z.string().min(1),
    kind: consentKindSchema,
    withdrawnBy: z.string().min(1).max(64),
    withdrawnAt: instant,
  }),
});

export const MemberWaitlisted = defineEvent({
  type: 'MemberWaitlisted',
  schemaVersion: 1,
  topic: Topics.enrollment,
  payload: z.object({
    ...placementFacts,
    memberRole: memberRoleSchema,
    /** 1 is the most urgent; first come, first served within a priority. */
    priority: z.number().int().min(1).max(3),
    /** Place in the queue when waitlisted. */
    position: z.number().int().positive(),
    waitlistedAt: instant,
  }),
});

export const SeatOffered = defineEvent({
  type: 'SeatOffered',
  schemaVersion: 1,
  topic: Topics.enrollment,
  payload: z.object({
    ...placementFacts,
    offeredAt: instant,
    expiresAt: instant,
    /** Added in v1 (optional): the full group whose waitlist the member was on, when a newly formed group offers the seat. */
    waitingInGroupId: z.string().min(1).optional(),
  }),
});

export const OfferDeclined = defineEvent({
  type: 'OfferDeclined',
  schemaVersion: 1,
  topic: Topics.enrollment,
  payload: z.object({ ...placementFacts, declinedAt: instant }),
});

export const OfferExpired = defineEvent({
  type: 'OfferExpired',
  schemaVersion: 1,
  topic: Topics.enrollment,
  payload: z.object({ ...placementFacts, expiredAt: instant }),
});

export const WaitlistLeft = defineEvent({
  type: 'WaitlistLeft',
  schemaVersion: 1,
  topic: Topics.enrollment,
  payload: z.object({ ...placementFacts, reason: withdrawalReasonSchema, leftAt: instant }),
});

export const enrollmentEvents = [
  ReferralReceived,
  MemberEnrolled,
  MemberWithdrew,
  ScreeningCompleted,
  PsychiatricEvaluationRequired,
  IndividualCounselingRecommended,
  ConsentRecorded,
  ConsentWithdrawn,
  MemberWaitlisted,
  SeatOffered,
  OfferDeclined,
  OfferExpired,
  WaitlistLeft,
] as const;
