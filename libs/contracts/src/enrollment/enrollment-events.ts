import { z } from 'zod';
import { defineEvent } from '../envelope';
import { Topics } from '../topics';

export const groupTypeSchema = z.enum(['disease-specific', 'stage-specific', 'general-emotional-support']);
export const modalitySchema = z.enum(['in-person', 'online', 'hybrid']);
export const memberRoleSchema = z.enum(['patient', 'caregiver', 'family-member']);

export const ReferralReceived = defineEvent({
  type: 'ReferralReceived',
  schemaVersion: 1,
  topic: Topics.enrollment,
  payload: z.object({
    referralId: z.string().uuid(),
    referringClinicianId: z.string().min(1),
    wantedGroupType: groupTypeSchema,
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
    groupId: z.string().min(1),
    reason: z.enum(['member-request', 'consent-withdrawn', 'clinical', 'other']),
    withdrewAt: z.string().datetime({ offset: true }),
  }),
});

export const enrollmentEvents = [ReferralReceived, MemberEnrolled, MemberWithdrew] as const;
