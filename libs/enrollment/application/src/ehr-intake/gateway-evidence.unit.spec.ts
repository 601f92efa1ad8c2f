import {
  ConditionRecorded,
  ConsentReceived,
  gatewayFixtures,
  ObservationRecorded,
  QuestionnaireAnswered,
  ReferralRequested,
} from '@carecircle/contracts';
import {
  administeredAt,
  conditionEvidence,
  consentEvidence,
  observationEvidence,
  questionnaireEvidence,
  referralEvidence,
} from './gateway-evidence';

const referral = (payload: object) =>
  ReferralRequested.parse({
    ...gatewayFixtures.ReferralRequested,
    payload: { ...gatewayFixtures.ReferralRequested.payload, ...payload },
  }).payload;
const observation = (payload: object) =>
  ObservationRecorded.parse({
    ...gatewayFixtures.ObservationRecorded,
    payload: { ...gatewayFixtures.ObservationRecorded.payload, ...payload },
  });
const questionnaire = (payload: object) =>
  QuestionnaireAnswered.parse({
    ...gatewayFixtures.QuestionnaireAnswered,
    payload: { ...gatewayFixtures.QuestionnaireAnswered.payload, ...payload },
  });
const condition = (payload: object) =>
  ConditionRecorded.parse({
    ...gatewayFixtures.ConditionRecorded,
    payload: { ...gatewayFixtures.ConditionRecorded.payload, ...payload },
  }).payload;
const consent = (payload: object) =>
  ConsentReceived.parse({
    ...gatewayFixtures.ConsentReceived,
    payload: { ...gatewayFixtures.ConsentReceived.payload, ...payload },
  });
const snomed = (code: string) => ({ system: 'http://snomed.info/sct', code });
const loinc = (code: string) => ({ system: 'http://loinc.org', code });

describe('gateway ingest payloads as enrollment evidence', () => {
  it('reads a support-group ServiceRequest: the group from its reason codes, its state from status and intent', () => {
    const { requesterId } = gatewayFixtures.ReferralRequested.payload;
    expect(referralEvidence(referral({}))).toEqual({
      kind: 'referral',
      state: 'active',
      wantedGroupType: 'general-emotional-support',
      requesterId,
      ageAtReferral: 47,
    });
    expect(referralEvidence(referral({ requesterId: undefined, ageAtReferral: undefined }))).toEqual({
      kind: 'referral',
      state: 'active',
      wantedGroupType: 'general-emotional-support',
    });
    expect(referralEvidence(referral({ ageAtReferral: 0 }))).toMatchObject({ ageAtReferral: 0 });
    expect(referralEvidence(referral({ reasonCodes: [snomed('93761005')] }))).toMatchObject({
      kind: 'referral',
      state: 'active',
      wantedGroupType: 'disease-specific',
      wantedCondition: 'cancer',
    });
    expect(referralEvidence(referral({ status: 'revoked' }))).toMatchObject({ state: { cancelled: 'revoked' } });
    expect(referralEvidence(referral({ status: 'entered-in-error' }))).toMatchObject({
      state: { cancelled: 'entered-in-error' },
    });
    expect(referralEvidence(referral({ status: 'draft' }))).toMatchObject({ state: 'pending' });
    expect(referralEvidence(referral({ intent: 'proposal' }))).toMatchObject({ state: 'pending' });
    expect(referralEvidence(referral({ status: 'completed' }))).toMatchObject({ state: 'completed' });
  });

  it('takes no other ServiceRequest for a referral (a lab order, another code system, a code the site did not list)', () => {
    expect(referralEvidence(referral({ codes: [snomed('15220000')] }))).toEqual({ kind: 'retracted' });
    expect(referralEvidence(referral({ codes: [{ system: 'http://example.org', code: '1259213000' }] }))).toEqual({
      kind: 'retracted',
    });
    expect(referralEvidence(referral({ codes: [snomed('390869002')] }), ['390869002'])).toMatchObject({
      kind: 'referral',
    });
  });

  it('scores PHQ-9 totals, PHQ-9 item 9 and GAD-7 totals in range; anything else says nothing', () => {
    expect(observationEvidence(observation({}))).toEqual({
      kind: 'scores',
      administeredAt: '2026-03-02T09:00:00.000Z',
      phq9Total: 12,
    });
    expect(
      observationEvidence(observation({ codes: [loinc('44260-8')], value: { value: 2 }, effective: '2026-03-02' })),
    ).toEqual({ kind: 'scores', administeredAt: '2026-03-02T00:00:00.000Z', phq9Item9: 2 });
    expect(observationEvidence(observation({ codes: [loinc('70274-6')], value: { value: 16 } }))).toMatchObject({
      gad7: 16,
    });
    for (const changed of [
      { status: 'entered-in-error' },
      { status: 'preliminary' },
      { value: { value: 31 } },
      { value: undefined },
      { codes: [loinc('55758-7')] },
      { codes: [loinc('44260-8')], value: { value: 4 } },
    ]) {
      expect(observationEvidence(observation(changed))).toEqual({ kind: 'retracted' });
    }
  });

  it('reads a PHQ-9 QuestionnaireResponse: a given total, or the sum of nine items; item 9 by LOINC or linkId, as a number or LL358-3 code', () => {
    expect(questionnaireEvidence(questionnaire({}))).toEqual({
      kind: 'scores',
      administeredAt: '2026-03-02T09:00:00.000Z',
      phq9Total: 12,
    });
    const items = [
      'LittleInterest',
      'FeelingDown',
      'TroubleSleeping',
      'FeelingTired',
      'BadAppetite',
      'FeelingBadAboutSelf',
      'TroubleConcentrating',
      'MovingSpeaking',
    ].map((linkId) => ({ linkId, value: 1 }));
    const selfHarm = { linkId: 'ThoughtsOfSelfHarm', value: { system: 'http://loinc.org', code: 'LA6570-1' } };
    expect(questionnaireEvidence(questionnaire({ answers: [...items, selfHarm] }))).toMatchObject({
      phq9Total: 10,
      phq9Item9: 2,
    });
    expect(questionnaireEvidence(questionnaire({ answers: [{ linkId: '44260-8', value: 1 }] }))).toEqual({
      kind: 'scores',
      administeredAt: '2026-03-02T09:00:00.000Z',
      phq9Item9: 1,
    });
    expect(questionnaireEvidence(questionnaire({ status: 'in-progress' }))).toEqual({ kind: 'retracted' });
    expect(questionnaireEvidence(questionnaire({ questionnaire: 'http://loinc.org/q/69737-5' }))).toEqual({
      kind: 'retracted',
    });
  });

  it('reads active diagnoses: PTSD, psychosis or mania, cancer; ended, refuted or unrelated conditions say nothing', () => {
    expect(conditionEvidence(condition({}))).toEqual({ kind: 'diagnosis', finding: 'ptsd' });
    expect(conditionEvidence(condition({ codes: [snomed('58214004')] }))).toEqual({
      kind: 'diagnosis',
      finding: 'psychosis-or-acute-mania',
    });
    expect(conditionEvidence(condition({ codes: [snomed('93761005')] }))).toEqual({
      kind: 'diagnosis',
      conditionCategory: 'cancer',
    });
    for (const changed of [
      { clinicalStatus: 'resolved' },
      { verificationStatus: 'refuted' },
      { codes: [snomed('35489007')] },
    ]) {
      expect(conditionEvidence(condition(changed))).toEqual({ kind: 'retracted' });
    }
  });

  it('reads a FHIR Consent as treatment consent or the confidentiality agreement: scope first, then the LOINC category', () => {
    const now = new Date('2026-03-05T12:00:00Z');
    const scope = (code: string) => [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code }];
    // The contract fixture: scope patient-privacy (wins over its generic consent-document category), signed at the period start.
    expect(consentEvidence(consent({}), now)).toEqual({
      kind: 'consent',
      consent: 'confidentiality-agreement',
      state: 'granted',
      signedAt: '2026-03-01T00:00:00.000Z',
    });
    expect(consentEvidence(consent({ scope: scope('treatment'), dateTime: '2026-03-02T10:00:00Z' }), now)).toEqual({
      kind: 'consent',
      consent: 'treatment',
      state: 'granted',
      signedAt: '2026-03-02T10:00:00.000Z',
    });
    expect(consentEvidence(consent({ scope: [], categories: [loinc('59284-0')] }), now)).toMatchObject({
      consent: 'treatment',
    });
    expect(consentEvidence(consent({ scope: [], categories: [loinc('64292-6')] }), now)).toMatchObject({
      consent: 'treatment',
    });
    expect(
      consentEvidence(consent({ scope: [], categories: [loinc('59284-0'), loinc('57016-8')] }), now),
    ).toMatchObject({ consent: 'confidentiality-agreement' });
    expect(
      consentEvidence(
        consent({ scope: [], categories: [loinc('57016-8')], provision: undefined, period: undefined }),
        now,
      ),
    ).toMatchObject({ consent: 'confidentiality-agreement', state: 'granted' });
    // Research, advance directives, unknown categories: nothing to enrollment.
    expect(consentEvidence(consent({ scope: scope('research') }), now)).toEqual({ kind: 'retracted' });
    expect(consentEvidence(consent({ scope: [], categories: [loinc('11111-1')] }), now)).toEqual({ kind: 'retracted' });
  });

  it('withdraws on inactive, rejected, entered-in-error, a deny provision or an ended period; draft and proposed wait', () => {
    const now = new Date('2026-03-05T12:00:00Z');
    for (const changed of [
      { status: 'inactive' },
      { status: 'rejected' },
      { status: 'entered-in-error' },
      { provision: 'deny' },
      { period: { start: '2026-01-01', end: '2026-03-04' } },
      { period: { end: '2026-03-05T11:59:00Z' } },
    ]) {
      expect(consentEvidence(consent(changed), now)).toMatchObject({
        kind: 'consent',
        consent: 'confidentiality-agreement',
        state: 'withdrawn',
      });
    }
    // A period ending today (date only) still covers today.
    expect(consentEvidence(consent({ period: { start: '2026-01-01', end: '2026-03-05' } }), now)).toMatchObject({
      state: 'granted',
      endsAt: '2026-03-05T23:59:59.999Z',
    });
    // A grant keeps its future end, so it lapses then; a withdrawal keeps none.
    expect(
      consentEvidence(consent({ period: { start: '2026-01-01', end: '2026-06-30T17:00:00+02:00' } }), now),
    ).toMatchObject({ state: 'granted', endsAt: '2026-06-30T15:00:00.000Z' });
    expect(consentEvidence(consent({ status: 'inactive', period: { end: '2026-06-30' } }), now)).not.toHaveProperty(
      'endsAt',
    );
    for (const status of ['draft', 'proposed'])
      expect(consentEvidence(consent({ status }), now)).toMatchObject({ state: 'pending' });
  });

  it('orders administrations by instant, partial FHIR dates included', () => {
    expect(administeredAt('2026', '2026-05-01T00:00:00Z')).toBe('2026-01-01T00:00:00.000Z');
    expect(administeredAt('2026-03', '2026-05-01T00:00:00Z')).toBe('2026-03-01T00:00:00.000Z');
    expect(administeredAt('2026-03-02T10:00:00+01:00', '2026-05-01T00:00:00Z')).toBe('2026-03-02T09:00:00.000Z');
    expect(administeredAt(undefined, '2026-05-01T00:00:00Z')).toBe('2026-05-01T00:00:00.000Z');
  });
});
