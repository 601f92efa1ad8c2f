import { fold, spec, type CommandMetadata } from '@carecircle/shared-kernel';
import { ehrIntakeDecider, type EhrEvidence, type EhrIntakeEvent, type NotedEvidence } from './ehr-intake';
import {
  assembleScreeningFacts,
  EHR_REFERRER,
  ehrReferralDetails,
  withStandingFacts,
} from './screening-facts-assembly';

const memberId = 'mbr_synthetic_0001';
const metadata: CommandMetadata = {
  now: new Date('2026-03-02T09:30:00Z'),
  correlationId: 'corr-1',
  causationId: 'evt-1',
};
let n = 0;
const noted = (evidence: EhrEvidence, revision = 1): NotedEvidence => ({
  resourceId: `c0ffee00-1d2e-4f30-8a4b-${String(++n).padStart(12, '0')}`,
  revision,
  evidence,
});
const scores = (
  administeredAt: string,
  values: Omit<Extract<EhrEvidence, { kind: 'scores' }>, 'kind' | 'administeredAt'>,
) => noted({ kind: 'scores', administeredAt, ...values });
const absent = { highImpulsivity: false, acutePsychogenicDisorder: false, suicidalOrHomicidalIntent: false };

describe('screening facts assembled from EHR evidence', () => {
  it('waits for a PHQ-9 total and its item 9, naming what is missing', () => {
    expect(assembleScreeningFacts([])).toEqual({ kind: 'awaiting', missing: ['phq9-total', 'phq9-item9'] });
    expect(
      assembleScreeningFacts([
        scores('2026-03-01T09:00:00.000Z', { phq9Total: 12 }),
        scores('2026-03-01T09:00:00.000Z', { gad7: 16 }),
      ]),
    ).toEqual({ kind: 'awaiting', missing: ['phq9-item9'] });
    expect(assembleScreeningFacts([scores('2026-03-01T09:00:00.000Z', { phq9Item9: 0 })])).toEqual({
      kind: 'awaiting',
      missing: ['phq9-total'],
    });
  });

  it('adds up observations and diagnoses in any order: latest scores, active conditions, uncoded findings absent', () => {
    const evidence = [
      noted({ kind: 'diagnosis', conditionCategory: 'cancer' }),
      scores('2026-03-01T09:00:00.000Z', { gad7: 9 }),
      scores('2026-03-02T09:00:00.000Z', { phq9Item9: 0 }),
      scores('2026-03-02T09:00:00.000Z', { gad7: 16 }),
      scores('2026-03-02T09:00:00.000Z', { phq9Total: 11 }),
      noted({ kind: 'diagnosis', finding: 'ptsd' }),
      noted({ kind: 'retracted' }),
    ];
    const facts = {
      conditions: ['cancer'],
      phq9: { total: 11, item9: 0 },
      gad7: 16,
      ptsdDiagnosis: true,
      psychosisOrAcuteMania: false,
      ...absent,
    };
    expect(assembleScreeningFacts(evidence)).toEqual({ kind: 'complete', facts });
    expect(assembleScreeningFacts([...evidence].reverse())).toEqual({ kind: 'complete', facts });
  });

  it('never lets an older item 9 vouch for a newer total; a total of 0 answers item 9 itself', () => {
    const old = scores('2026-01-10T09:00:00.000Z', { phq9Total: 4, phq9Item9: 0 });
    expect(assembleScreeningFacts([old])).toMatchObject({ kind: 'complete', facts: { phq9: { total: 4, item9: 0 } } });
    expect(assembleScreeningFacts([old, scores('2026-03-02T09:00:00.000Z', { phq9Total: 19 })])).toEqual({
      kind: 'awaiting',
      missing: ['phq9-item9'],
    });
    expect(assembleScreeningFacts([old, scores('2026-03-02T09:00:00.000Z', { phq9Total: 0 })])).toMatchObject({
      kind: 'complete',
      facts: { phq9: { total: 0, item9: 0 } },
    });
    expect(
      assembleScreeningFacts([old, scores('2026-03-02T09:00:00.000Z', { phq9Total: 19, phq9Item9: 2 })]),
    ).toMatchObject({ facts: { phq9: { total: 19, item9: 2 } } });
  });

  it('turns an active ServiceRequest into a patient referral open to any modality, under the resource id', () => {
    const referral = noted({
      kind: 'referral',
      state: 'active',
      wantedGroupType: 'disease-specific',
      wantedCondition: 'cancer',
    }) as NotedEvidence & { evidence: Extract<EhrEvidence, { kind: 'referral' }> };
    expect(ehrReferralDetails(memberId, referral)).toEqual({
      referralId: referral.resourceId,
      memberId,
      referringClinicianId: EHR_REFERRER,
      wantedGroupType: 'disease-specific',
      wantedCondition: 'cancer',
      modalityPreference: 'hybrid',
      memberRole: 'patient',
    });
  });

  it('names the requester the gateway sent as referrer, and keeps the referrer a received referral already has', () => {
    const requested = (requesterId?: string) =>
      noted({
        kind: 'referral',
        state: 'active',
        wantedGroupType: 'general-emotional-support',
        ...(requesterId ? { requesterId } : {}),
        ageAtReferral: 47,
      }) as NotedEvidence & {
        evidence: Extract<EhrEvidence, { kind: 'referral' }>;
      };
    expect(ehrReferralDetails(memberId, requested('clin_a1'))).toMatchObject({ referringClinicianId: 'clin_a1' });
    expect(ehrReferralDetails(memberId, requested('clin_b2'), { referringClinicianId: 'clin_a1' })).toMatchObject({
      referringClinicianId: 'clin_a1',
    });
    expect(ehrReferralDetails(memberId, requested('clin_b2'), { referringClinicianId: EHR_REFERRER })).toMatchObject({
      referringClinicianId: EHR_REFERRER,
    });
    // The age is a screening fact, not a detail of the referral.
    expect(ehrReferralDetails(memberId, requested('clin_a1'))).not.toHaveProperty('screeningFacts');
  });
});

describe('re-screening an EHR referral staff have screened since', () => {
  it("takes the EHR's new scores and keeps what only staff state; a finding once stated stays until staff clear it", () => {
    const ehr = {
      conditions: ['cancer'],
      phq9: { total: 14, item9: 0 },
      gad7: 8,
      ptsdDiagnosis: false,
      psychosisOrAcuteMania: false,
      ...absent,
    };
    const standing = {
      age: 52,
      conditions: ['lymphoma'],
      phq9: { total: 6, item9: 0 },
      pcl5: 35,
      ptsdDiagnosis: true,
      psychosisOrAcuteMania: false,
      individualCounselingInPlace: true,
      ...absent,
      highImpulsivity: true,
    };
    expect(withStandingFacts(ehr, undefined)).toBe(ehr);
    // The age the EHR's birth date gives wins over an earlier one; without it, staff's stays.
    expect(withStandingFacts({ ...ehr, age: 53 }, standing)).toMatchObject({ age: 53 });
    expect(withStandingFacts(ehr, standing)).toEqual({
      age: 52,
      conditions: ['cancer', 'lymphoma'],
      phq9: { total: 14, item9: 0 },
      gad7: 8,
      pcl5: 35,
      ptsdDiagnosis: true,
      psychosisOrAcuteMania: false,
      individualCounselingInPlace: true,
      ...absent,
      highImpulsivity: true,
    });
  });
});

describe('EHR intake decider', () => {
  const then = spec(ehrIntakeDecider);
  const resourceId = 'c0ffee00-1d2e-4f30-8a4b-000000000005';
  const note = (revision: number, evidence: EhrEvidence) =>
    ({ type: 'NoteEhrEvidence', data: { memberId, resourceId, revision, evidence }, metadata }) as const;
  const phq9: EhrEvidence = { kind: 'scores', administeredAt: '2026-03-02T09:00:00.000Z', phq9Total: 12 };
  const notedEvent = (revision: number, evidence: EhrEvidence): EhrIntakeEvent => ({
    type: 'EhrEvidenceNoted',
    data: { memberId, resourceId, revision, evidence, notedAt: '2026-03-02T09:30:00.000Z' },
  });

  it('notes a new resource and a later revision; a redelivered or older revision changes nothing', () => {
    then
      .given([])
      .when(note(1, phq9))
      .then([notedEvent(1, phq9)]);
    then
      .given([notedEvent(1, phq9)])
      .when(note(1, phq9))
      .then([]);
    const corrected: EhrEvidence = { ...phq9, phq9Total: 14 };
    then
      .given([notedEvent(1, phq9)])
      .when(note(2, corrected))
      .then([notedEvent(2, corrected)]);
    then
      .given([notedEvent(1, phq9), notedEvent(2, corrected)])
      .when(note(1, phq9))
      .then([]);
    expect(fold(ehrIntakeDecider, [notedEvent(1, phq9), notedEvent(2, corrected)]).evidence).toEqual([
      { resourceId, revision: 2, evidence: corrected },
    ]);
  });

  it('retracts what a resource said once it no longer counts, and ignores a retraction of anything never noted', () => {
    then
      .given([])
      .when(note(1, { kind: 'retracted' }))
      .then([]);
    then
      .given([notedEvent(1, phq9)])
      .when(note(2, { kind: 'retracted' }))
      .then([notedEvent(2, { kind: 'retracted' })]);
  });
});
