import { spec, type CommandMetadata } from '@carecircle/shared-kernel';
import { defaultEnrollmentPolicy } from '../policy/enrollment-policy';
import type { ScreeningFacts } from '../screening/screening';
import type { ReferralDetails, ReferralEvent } from './referral';
import { createReferralDecider, placementCandidate, referralDecider } from './referral.decider';
import { fold } from '@carecircle/shared-kernel';

const metadata: CommandMetadata = {
  now: new Date('2026-03-02T09:30:00Z'),
  correlationId: 'corr-1',
  causationId: 'req-1',
};
const at = '2026-03-02T09:30:00.000Z';
const referralId = 'a3e1c1f4-2f0b-4a77-8f0a-3f3b1c2d4e51';
const memberId = 'mbr_synthetic_0001';
const mild: ScreeningFacts = {
  age: 54,
  conditions: ['cancer'],
  phq9: { total: 7, item9: 0 },
  gad7: 6,
  pcl5: 12,
  ptsdDiagnosis: false,
  highImpulsivity: false,
  acutePsychogenicDisorder: false,
  suicidalOrHomicidalIntent: false,
  psychosisOrAcuteMania: false,
};
const details: ReferralDetails = {
  referralId,
  memberId,
  referringClinicianId: 'clin_synthetic_psy_01',
  wantedGroupType: 'disease-specific',
  wantedCondition: 'cancer',
  modalityPreference: 'online',
  memberRole: 'patient',
};
const received: ReferralEvent = { type: 'ReferralReceived', data: { ...details, receivedAt: at } };
const then = spec(referralDecider);
const screenWith = (facts: ScreeningFacts) =>
  then.given([received]).when({ type: 'ScreenMember', data: { referralId, facts }, metadata });
const outcomeOf = (facts: ScreeningFacts) => {
  const events = referralDecider.decide(
    { type: 'ScreenMember', data: { referralId, facts }, metadata },
    fold(referralDecider, [received]),
  );
  if (!Array.isArray(events)) throw new Error('expected events');
  return events as ReferralEvent[];
};
const completed = (events: ReferralEvent[]) =>
  events.find((e) => e.type === 'ScreeningCompleted')!.data as {
    outcome: string;
    reasons: { code: string; text: string }[];
    constraints: object;
  };

describe('screening at referral (DOMAIN.md table)', () => {
  it('finds a member without contraindications eligible, and says so', () => {
    screenWith(mild).then([
      {
        type: 'ScreeningCompleted',
        data: {
          referralId,
          memberId,
          outcome: 'eligible',
          reasons: [
            { code: 'no-contraindication', outcome: 'eligible', text: 'No finding stands against group placement.' },
          ],
          constraints: {},
          facts: mild,
          screenedAt: at,
        },
      },
    ]);
  });

  it.each([
    ['high impulsivity', { highImpulsivity: true }],
    ['an acute psychogenic disorder', { acutePsychogenicDisorder: true }],
    ['current suicidal or homicidal intent', { suicidalOrHomicidalIntent: true }],
    ['psychosis or acute mania', { psychosisOrAcuteMania: true }],
  ])('requires a psychiatric evaluation first for %s', (finding, flags) => {
    const events = outcomeOf({ ...mild, ...flags });
    expect(completed(events).outcome).toBe('psychiatric-evaluation-required');
    expect(completed(events).reasons[0]!.text).toContain(finding);
    expect(events[1]).toMatchObject({ type: 'PsychiatricEvaluationRequired', data: { urgency: 'before-placement' } });
  });

  it('recommends individual trauma-focused counseling first for PTSD (PCL-5 at the threshold)', () => {
    const events = outcomeOf({ ...mild, pcl5: defaultEnrollmentPolicy.ptsdPcl5Threshold });
    expect(completed(events).outcome).toBe('individual-counseling-first');
    expect(events.map((e) => e.type)).toEqual(['ScreeningCompleted', 'IndividualCounselingRecommended']);
    expect(completed(events).reasons[0]!.text).toMatch(/individual counseling comes first/);
  });

  it('recommends individual counseling first for a PTSD diagnosis even with a low PCL-5', () => {
    expect(completed(outcomeOf({ ...mild, ptsdDiagnosis: true, pcl5: 10 })).outcome).toBe(
      'individual-counseling-first',
    );
  });

  it('lets PTSD with counseling already in place join a group alongside it', () => {
    expect(completed(outcomeOf({ ...mild, ptsdDiagnosis: true, individualCounselingInPlace: true })).outcome).toBe(
      'eligible',
    );
  });

  it('limits severe anxiety (GAD-7 >= 15) to small, low-frequency groups', () => {
    const result = completed(outcomeOf({ ...mild, gad7: 15 }));
    expect(result.outcome).toBe('eligible-with-constraints');
    expect(result.constraints).toEqual({ maxGroupSeats: 8, allowedCadences: ['biweekly', 'monthly'] });
    expect(result.reasons[0]!.text).toMatch(/at most 8 members/);
  });

  it('does not constrain GAD-7 just below the threshold', () => {
    expect(completed(outcomeOf({ ...mild, gad7: 14 })).outcome).toBe('eligible');
  });

  it('holds placement and asks the psychiatrist for a same-day contact when PHQ-9 item 9 > 0', () => {
    const events = outcomeOf({ ...mild, phq9: { total: 6, item9: 1 } });
    expect(completed(events).outcome).toBe('placement-on-hold');
    expect(events[1]).toMatchObject({ type: 'PsychiatricEvaluationRequired', data: { urgency: 'same-day' } });
  });

  it('holds placement for item 9 positive even when every other score is mild', () => {
    const result = completed(outcomeOf({ ...mild, phq9: { total: 3, item9: 2 }, gad7: 2, pcl5: 4 }));
    expect(result.outcome).toBe('placement-on-hold');
    expect(result.reasons.map((r) => r.code)).toEqual(['suicidal-ideation-item9']);
  });

  it('gives PTSD with severe anxiety counseling first, and keeps the small-group constraint for later', () => {
    const result = completed(outcomeOf({ ...mild, pcl5: 40, gad7: 17 }));
    expect(result.outcome).toBe('individual-counseling-first');
    expect(result.reasons.map((r) => r.code)).toEqual(['ptsd', 'severe-anxiety']);
    expect(result.constraints).toEqual({ maxGroupSeats: 8, allowedCadences: ['biweekly', 'monthly'] });
  });

  it('follows configured thresholds rather than built-in ones', () => {
    const strict = createReferralDecider({ ...defaultEnrollmentPolicy, severeAnxietyGad7Threshold: 10 });
    const events = strict.decide(
      { type: 'ScreenMember', data: { referralId, facts: { ...mild, gad7: 10 } }, metadata },
      fold(strict, [received]),
    );
    expect(completed(events as ReferralEvent[]).outcome).toBe('eligible-with-constraints');
  });

  it('lifts a hold when a re-screen brings new scores, and ignores a re-screen with the same facts', () => {
    const held = outcomeOf({ ...mild, phq9: { total: 6, item9: 1 } });
    expect(completed(outcomeOf(mild)).outcome).toBe('eligible');
    const rescreened = referralDecider.decide(
      { type: 'ScreenMember', data: { referralId, facts: mild }, metadata },
      fold(referralDecider, [received, ...held]),
    );
    expect(completed(rescreened as ReferralEvent[]).outcome).toBe('eligible');
    then
      .given([received, ...held])
      .when({ type: 'ScreenMember', data: { referralId, facts: { ...mild, phq9: { total: 6, item9: 1 } } }, metadata })
      .then([]);
  });

  it('asks the psychiatrist and the counselor once: a re-screen with new scores but the same findings asks nobody again', () => {
    const held = outcomeOf({ ...mild, phq9: { total: 6, item9: 1 }, pcl5: 40 });
    expect(held.map((e) => e.type)).toEqual([
      'ScreeningCompleted',
      'PsychiatricEvaluationRequired',
      'IndividualCounselingRecommended',
    ]);
    const rescreen = (facts: ScreeningFacts) =>
      referralDecider.decide(
        { type: 'ScreenMember', data: { referralId, facts }, metadata },
        fold(referralDecider, [received, ...held]),
      ) as ReferralEvent[];
    expect(rescreen({ ...mild, phq9: { total: 9, item9: 1 }, pcl5: 40, gad7: 16 }).map((e) => e.type)).toEqual([
      'ScreeningCompleted',
    ]);
    expect(
      rescreen({ ...mild, phq9: { total: 9, item9: 1 }, pcl5: 40, highImpulsivity: true }).map((e) => e.type),
    ).toEqual(['ScreeningCompleted', 'PsychiatricEvaluationRequired']);
  });

  it('screens a referral that arrives with its clinical facts in the same decision', () => {
    const events = referralDecider.decide(
      { type: 'ReceiveReferral', data: { ...details, screeningFacts: mild }, metadata },
      referralDecider.initialState,
    );
    expect((events as ReferralEvent[]).map((e) => e.type)).toEqual(['ReferralReceived', 'ScreeningCompleted']);
  });
});

describe('consent and the confidentiality agreement', () => {
  const consent = {
    agreementVersion: '2026-01',
    sharingScope: ['psychiatrist' as const],
    recordedBy: 'staff_01',
    signedAt: '2026-03-01T10:00:00.000Z',
  };
  const screened = outcomeOf(mild);
  const treatment: ReferralEvent = {
    type: 'ConsentRecorded',
    data: { referralId, memberId, kind: 'treatment', ...consent, recordedAt: at },
  };
  const agreement: ReferralEvent = {
    type: 'ConsentRecorded',
    data: { referralId, memberId, kind: 'confidentiality-agreement', ...consent, recordedAt: at },
  };

  it('records who took which consent, when, the agreement version and the sharing scope', () => {
    then
      .given([received])
      .when({ type: 'RecordConsent', data: { referralId, kind: 'treatment', ...consent }, metadata })
      .then([treatment]);
  });

  it('treats the same consent recorded twice as already done', () => {
    then
      .given([received, treatment])
      .when({ type: 'RecordConsent', data: { referralId, kind: 'treatment', ...consent }, metadata })
      .then([]);
  });

  it('refuses consent for an unknown referral', () => {
    then
      .given([])
      .when({ type: 'RecordConsent', data: { referralId, kind: 'treatment', ...consent }, metadata })
      .thenFails('enrollment.referral-unknown');
  });

  it('does not place a member without a signed confidentiality agreement', () => {
    const candidate = placementCandidate(fold(referralDecider, [received, ...screened, treatment]));
    expect(candidate).toMatchObject({
      code: 'enrollment.consent-missing',
      message: expect.stringMatching(/confidentiality-agreement/),
    });
  });

  it('places a screened member with both consents', () => {
    expect(placementCandidate(fold(referralDecider, [received, ...screened, treatment, agreement]))).toMatchObject({
      memberId,
      age: 54,
      constraints: {},
    });
  });

  it('withdraws consent, after which the member cannot be placed', () => {
    then
      .given([received, treatment])
      .when({ type: 'WithdrawConsent', data: { referralId, kind: 'treatment', withdrawnBy: 'staff_01' }, metadata })
      .then([
        {
          type: 'ConsentWithdrawn',
          data: { referralId, memberId, kind: 'treatment', withdrawnBy: 'staff_01', withdrawnAt: at },
        },
      ]);
    const withdrawn: ReferralEvent = {
      type: 'ConsentWithdrawn',
      data: { referralId, memberId, kind: 'treatment', withdrawnBy: 'staff_01', withdrawnAt: at },
    };
    expect(
      placementCandidate(fold(referralDecider, [received, ...screened, treatment, agreement, withdrawn])),
    ).toMatchObject({ code: 'enrollment.consent-missing' });
  });

  it('does not place a member whose screening blocks placement, and says why', () => {
    const held = outcomeOf({ ...mild, phq9: { total: 6, item9: 1 } });
    expect(placementCandidate(fold(referralDecider, [received, ...held, treatment, agreement]))).toMatchObject({
      code: 'enrollment.screening-placement-on-hold',
      message: expect.stringMatching(/thoughts of self-harm/),
    });
  });

  it('does not place an unscreened member', () => {
    expect(placementCandidate(fold(referralDecider, [received, treatment, agreement]))).toMatchObject({
      code: 'enrollment.not-screened',
    });
  });
});
