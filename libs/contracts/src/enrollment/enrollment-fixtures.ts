import {
  ConsentRecorded,
  ConsentWithdrawn,
  IndividualCounselingRecommended,
  MemberEnrolled,
  MemberWaitlisted,
  MemberWithdrew,
  OfferDeclined,
  OfferExpired,
  PsychiatricEvaluationRequired,
  ReferralReceived,
  ScreeningCompleted,
  SeatOffered,
  WaitlistLeft,
} from './enrollment-events';
import type { EventOf } from '../envelope';

/**
 * One canonical example of every event, synthetic only. Producers' contract tests check that what
 * they publish parses like these; consumers' tests feed these in when the producer is not running.
 */
const base = {
  schemaVersion: 1,
  occurredAt: '2026-03-02T09:30:00.000Z',
  correlationId: 'corr-7b1d2c',
  causationId: 'cmd-41aa09',
  subject: 'mbr_synthetic_0001',
} as const;

const referralId = 'a3e1c1f4-2f0b-4a77-8f0a-3f3b1c2d4e51';
const groupId = 'grp_cancer_tuesday';
const severeAnxietyText =
  'Severe anxiety (GAD-7 of 15 or more): only a small group (at most 8 members) meeting biweekly or monthly.';

export const enrollmentFixtures = {
  ReferralReceived: {
    ...base,
    eventId: '0b6c7f0e-5d57-4d43-9a3f-2f3b8b1e8f01',
    type: 'ReferralReceived',
    payload: {
      referralId: 'a3e1c1f4-2f0b-4a77-8f0a-3f3b1c2d4e51',
      referringClinicianId: 'clin_synthetic_psy_01',
      wantedGroupType: 'disease-specific',
      modalityPreference: 'hybrid',
      memberRole: 'patient',
      receivedAt: '2026-03-02T09:30:00.000Z',
    },
  } satisfies EventOf<typeof ReferralReceived>,
  MemberEnrolled: {
    ...base,
    eventId: '1d1b9b8e-7c1a-4f7e-b3a8-5a0e2d7f9c02',
    type: 'MemberEnrolled',
    payload: {
      referralId: 'a3e1c1f4-2f0b-4a77-8f0a-3f3b1c2d4e51',
      groupId: 'grp_cancer_tuesday',
      memberRole: 'patient',
      enrolledAt: '2026-03-09T10:00:00.000Z',
    },
  } satisfies EventOf<typeof MemberEnrolled>,
  MemberWithdrew: {
    ...base,
    eventId: '2f4c6e1a-0b3d-4e5f-8a9b-6c7d8e9f0a03',
    type: 'MemberWithdrew',
    payload: { groupId: 'grp_cancer_tuesday', reason: 'member-request', withdrewAt: '2026-04-20T10:00:00.000Z' },
  } satisfies EventOf<typeof MemberWithdrew>,
  ScreeningCompleted: {
    ...base,
    eventId: '3a5d7f2b-1c4e-4f60-9b0c-7d8e9f0a1b04',
    type: 'ScreeningCompleted',
    payload: {
      referralId,
      outcome: 'eligible-with-constraints',
      reasons: [{ code: 'severe-anxiety', outcome: 'eligible-with-constraints', text: severeAnxietyText }],
      constraints: { maxGroupSeats: 8, allowedCadences: ['biweekly', 'monthly'] },
      screenedAt: '2026-03-02T09:30:00.000Z',
    },
  } satisfies EventOf<typeof ScreeningCompleted>,
  PsychiatricEvaluationRequired: {
    ...base,
    eventId: '4b6e8a3c-2d5f-4a71-8c1d-8e9f0a1b2c05',
    type: 'PsychiatricEvaluationRequired',
    payload: {
      referralId,
      urgency: 'same-day',
      reasons: [
        {
          code: 'suicidal-ideation-item9',
          outcome: 'placement-on-hold',
          text: 'The member reported thoughts of self-harm (PHQ-9 question 9). Placement is on hold.',
        },
      ],
      requiredAt: '2026-03-02T09:30:00.000Z',
    },
  } satisfies EventOf<typeof PsychiatricEvaluationRequired>,
  IndividualCounselingRecommended: {
    ...base,
    eventId: '5c7f9b4d-3e6a-4b82-9d2e-9f0a1b2c3d06',
    type: 'IndividualCounselingRecommended',
    payload: {
      referralId,
      reasons: [
        {
          code: 'ptsd',
          outcome: 'individual-counseling-first',
          text: 'Signs of PTSD. Trauma-focused individual counseling comes first.',
        },
      ],
      recommendedAt: '2026-03-02T09:30:00.000Z',
    },
  } satisfies EventOf<typeof IndividualCounselingRecommended>,
  ConsentRecorded: {
    ...base,
    eventId: '6d8a0c5e-4f7b-4c93-8e3f-0a1b2c3d4e07',
    type: 'ConsentRecorded',
    payload: {
      referralId,
      kind: 'confidentiality-agreement',
      agreementVersion: '2026-01',
      sharingScope: ['psychiatrist', 'cbt-therapist'],
      recordedBy: 'staff_synthetic_01',
      signedAt: '2026-03-03T10:00:00.000Z',
      recordedAt: '2026-03-03T10:05:00.000Z',
    },
  } satisfies EventOf<typeof ConsentRecorded>,
  ConsentWithdrawn: {
    ...base,
    eventId: '7e9b1d6f-5a8c-4da4-9f40-1b2c3d4e5f08',
    type: 'ConsentWithdrawn',
    payload: {
      referralId,
      kind: 'treatment',
      withdrawnBy: 'staff_synthetic_01',
      withdrawnAt: '2026-04-01T10:00:00.000Z',
    },
  } satisfies EventOf<typeof ConsentWithdrawn>,
  MemberWaitlisted: {
    ...base,
    eventId: '8f0c2e7a-6b9d-4eb5-8a51-2c3d4e5f6a09',
    type: 'MemberWaitlisted',
    payload: {
      referralId,
      groupId,
      memberRole: 'patient',
      priority: 2,
      position: 3,
      waitlistedAt: '2026-03-09T10:00:00.000Z',
    },
  } satisfies EventOf<typeof MemberWaitlisted>,
  SeatOffered: {
    ...base,
    eventId: '9a1d3f8b-7cae-4fc6-9b62-3d4e5f6a7b10',
    type: 'SeatOffered',
    payload: { referralId, groupId, offeredAt: '2026-03-20T10:00:00.000Z', expiresAt: '2026-03-22T10:00:00.000Z' },
  } satisfies EventOf<typeof SeatOffered>,
  OfferDeclined: {
    ...base,
    eventId: 'ab2e4a9c-8dbf-4ad7-8c73-4e5f6a7b8c11',
    type: 'OfferDeclined',
    payload: { referralId, groupId, declinedAt: '2026-03-21T10:00:00.000Z' },
  } satisfies EventOf<typeof OfferDeclined>,
  OfferExpired: {
    ...base,
    eventId: 'bc3f5bad-9eca-4be8-9d84-5f6a7b8c9d12',
    type: 'OfferExpired',
    payload: { referralId, groupId, expiredAt: '2026-03-22T10:00:00.000Z' },
  } satisfies EventOf<typeof OfferExpired>,
  WaitlistLeft: {
    ...base,
    eventId: 'cd4a6cbe-afdb-4cf9-8e95-6a7b8c9d0e13',
    type: 'WaitlistLeft',
    payload: { referralId, groupId, reason: 'consent-withdrawn', leftAt: '2026-03-25T10:00:00.000Z' },
  } satisfies EventOf<typeof WaitlistLeft>,
};
