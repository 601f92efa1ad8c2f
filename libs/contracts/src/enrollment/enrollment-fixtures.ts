import { MemberEnrolled, MemberWithdrew, ReferralReceived } from './enrollment-events';
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
};
