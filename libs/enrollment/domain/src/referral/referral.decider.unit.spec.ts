import { spec, type CommandMetadata } from '@carecircle/shared-kernel';
import type { ReferralDetails, ReferralEvent } from './referral';
import { placementCandidate, referralDecider } from './referral.decider';
import { fold } from '@carecircle/shared-kernel';

const metadata: CommandMetadata = {
  now: new Date('2026-03-02T09:30:00Z'),
  correlationId: 'corr-1',
  causationId: 'req-1',
};
const details: ReferralDetails = {
  referralId: 'a3e1c1f4-2f0b-4a77-8f0a-3f3b1c2d4e51',
  memberId: 'mbr_synthetic_0001',
  referringClinicianId: 'clin_synthetic_psy_01',
  wantedGroupType: 'disease-specific',
  modalityPreference: 'hybrid',
  memberRole: 'patient',
};
const received = { type: 'ReferralReceived', data: { ...details, receivedAt: '2026-03-01T08:00:00.000Z' } } as const;
const enrolled = {
  type: 'MemberEnrolled',
  data: {
    referralId: details.referralId,
    memberId: details.memberId,
    groupId: 'grp_1',
    memberRole: 'patient',
    enrolledAt: '2026-03-02T09:30:00.000Z',
  },
} as const;
const then = spec(referralDecider);

describe('referral decider', () => {
  it('records a new referral with the time it was received', () => {
    then
      .given([])
      .when({ type: 'ReceiveReferral', data: details, metadata })
      .then([{ type: 'ReferralReceived', data: { ...details, receivedAt: '2026-03-02T09:30:00.000Z' } }]);
  });

  it('treats the same referral sent again as already done', () => {
    then.given([received]).when({ type: 'ReceiveReferral', data: details, metadata }).then([]);
  });

  it('refuses different facts under an existing referral id', () => {
    then
      .given([received])
      .when({ type: 'ReceiveReferral', data: { ...details, modalityPreference: 'online' }, metadata })
      .thenFails('enrollment.referral-conflict', /different referral/);
  });

  it('still folds a MemberEnrolled that the removed direct-enrolment route recorded on the referral', () => {
    then
      .given([received, enrolled])
      .when({ type: 'RecordPlacement', data: { referralId: details.referralId, groupId: 'grp_1' }, metadata })
      .then([
        {
          type: 'PlacementRecorded',
          data: { referralId: details.referralId, groupId: 'grp_1', recordedAt: '2026-03-02T09:30:00.000Z' },
        },
      ]);
  });

  it('records a repaired placement only while the referral still points where the repair saw it', () => {
    const placed = (groupId: string) =>
      ({
        type: 'PlacementRecorded',
        data: { referralId: details.referralId, groupId, recordedAt: '2026-03-02T09:00:00.000Z' },
      }) as const;
    const repair = (ifPlacedIn: string | null) =>
      ({
        type: 'RecordPlacement',
        data: { referralId: details.referralId, groupId: 'grp_2', ifPlacedIn },
        metadata,
      }) as const;
    then
      .given([received])
      .when(repair(null))
      .then([
        {
          type: 'PlacementRecorded',
          data: { referralId: details.referralId, groupId: 'grp_2', recordedAt: '2026-03-02T09:30:00.000Z' },
        },
      ]);
    then
      .given([received, placed('grp_1')])
      .when(repair(null))
      .then([]);
    then
      .given([received, placed('grp_1')])
      .when(repair('grp_1'))
      .then([
        {
          type: 'PlacementRecorded',
          data: { referralId: details.referralId, groupId: 'grp_2', recordedAt: '2026-03-02T09:30:00.000Z' },
        },
      ]);
    then
      .given([received, placed('grp_2')])
      .when(repair('grp_1'))
      .then([]);
  });

  it('cancels a referral the referrer withdrew before any placement, once; a cancelled referral is neither screened nor placed', () => {
    const cancel = {
      type: 'CancelReferral',
      data: { referralId: details.referralId, reason: 'revoked' },
      metadata,
    } as const;
    const cancelled = {
      type: 'ReferralCancelled',
      data: {
        referralId: details.referralId,
        memberId: details.memberId,
        reason: 'revoked',
        cancelledAt: '2026-03-02T09:30:00.000Z',
      },
    } as const;
    then.given([received]).when(cancel).then([cancelled]);
    then.given([received, cancelled]).when(cancel).then([]);
    const facts = {
      age: 40,
      conditions: [],
      phq9: { total: 3, item9: 0 },
      ptsdDiagnosis: false,
      highImpulsivity: false,
      acutePsychogenicDisorder: false,
      suicidalOrHomicidalIntent: false,
      psychosisOrAcuteMania: false,
    };
    then
      .given([received, cancelled])
      .when({ type: 'ScreenMember', data: { referralId: details.referralId, facts }, metadata })
      .thenFails('enrollment.referral-cancelled', /cancelled/);
    expect(placementCandidate(fold(referralDecider, [received, cancelled]))).toMatchObject({
      code: 'enrollment.referral-cancelled',
    });
  });

  it('refuses to cancel a referral whose member already has a place: that is a withdrawal', () => {
    const placed = {
      type: 'PlacementRecorded',
      data: { referralId: details.referralId, groupId: 'grp_1', recordedAt: '2026-03-02T09:00:00.000Z' },
    } as const;
    for (const history of [
      [received, placed],
      [received, enrolled],
    ] as const) {
      then
        .given([...history])
        .when({
          type: 'CancelReferral',
          data: { referralId: details.referralId, reason: 'entered-in-error' },
          metadata,
        })
        .thenFails('enrollment.referral-placed', /withdrawal/);
    }
  });

  it('asks for the age before placing a member screened without it (an EHR referral)', () => {
    const screened: ReferralEvent = {
      type: 'ScreeningCompleted',
      data: {
        referralId: details.referralId,
        memberId: details.memberId,
        outcome: 'eligible',
        reasons: [],
        constraints: {},
        screenedAt: '2026-03-02T09:00:00.000Z',
        facts: {
          conditions: [],
          phq9: { total: 3, item9: 0 },
          ptsdDiagnosis: false,
          highImpulsivity: false,
          acutePsychogenicDisorder: false,
          suicidalOrHomicidalIntent: false,
          psychosisOrAcuteMania: false,
        },
      },
    };
    const consent = (kind: 'treatment' | 'confidentiality-agreement'): ReferralEvent => ({
      type: 'ConsentRecorded',
      data: {
        referralId: details.referralId,
        memberId: details.memberId,
        kind,
        agreementVersion: '2026-01',
        sharingScope: [],
        recordedBy: 'staff_1',
        signedAt: '2026-03-01T00:00:00Z',
        recordedAt: '2026-03-01T00:00:00Z',
      },
    });
    expect(
      placementCandidate(
        fold(referralDecider, [received, screened, consent('treatment'), consent('confidentiality-agreement')]),
      ),
    ).toMatchObject({ code: 'enrollment.age-unknown' });
  });
});
