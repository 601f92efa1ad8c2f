import {
  CarePlanUpdated,
  CareTeamUpdated,
  gatewayFixtures,
  MedicationOrdered,
  MedicationStatementRecorded,
} from '@carecircle/contracts';
import { ACUTE_DISTRESS_CODING } from '@carecircle/contracts';
import {
  careTeamAssignments,
  careTeamEnded,
  distressFlag,
  distressObservation,
  encounterIntent,
  fhirInstant,
  item9Observation,
  palliativeCondition,
  palliativePlanIntent,
  periodEnd,
  medicationIntent,
  RXNORM_SYSTEM,
} from './gateway-ingest';
import { UNKNOWN_EHR_PRESCRIBER } from '@carecircle/clinician-liaison/domain';

const ordered = MedicationOrdered.schema.parse(gatewayFixtures.MedicationOrdered).payload;
const statement = MedicationStatementRecorded.schema.parse(gatewayFixtures.MedicationStatementRecorded).payload;
const sertraline = { system: RXNORM_SYSTEM, code: '36437', display: 'sertraline' };

describe('gateway ingest mappings', () => {
  it('starts a medication per gateway resource, classified by the first RxNorm coding the table knows', () => {
    const intent = medicationIntent({ ...ordered, medication: { codes: [...ordered.medication.codes, sertraline] } });
    expect(intent).toMatchObject({
      kind: 'start',
      medicationId: `gw-${ordered.resourceId}`,
      order: {
        rxnormCode: '36437',
        name: 'sertraline',
        dailyDose: null,
        doseUnit: '1 tablet per dose',
        prescriberId: ordered.requesterId,
      },
      classification: { status: 'classified', ingredient: 'sertraline', classes: ['ssri'] },
    });
  });

  it('names the prescriber by the staff id the gateway sent, or the placeholder when the EHR named nobody', () => {
    expect(medicationIntent(ordered)).toMatchObject({ order: { prescriberId: 'clin_8d2Qm1vXkT3sW9yLpA0bRg' } });
    expect(medicationIntent({ ...ordered, requesterId: undefined })).toMatchObject({
      order: { prescriberId: UNKNOWN_EHR_PRESCRIBER },
    });
    expect(medicationIntent(statement)).toMatchObject({ order: { prescriberId: UNKNOWN_EHR_PRESCRIBER } });
  });

  it('keeps a product code the table does not know as unclassified, never dropped', () => {
    expect(medicationIntent(ordered)).toMatchObject({
      kind: 'start',
      order: { rxnormCode: '312938', name: 'sertraline 50 MG Oral Tablet' },
      classification: { status: 'unclassified' },
    });
    expect(
      medicationIntent({ ...statement, medication: { codes: [{ system: 'http://example.org/local', code: 'abc' }] } }),
    ).toMatchObject({ kind: 'start', order: { rxnormCode: null, name: 'abc', doseUnit: 'unknown' } });
  });

  it('a new revision with another dose differs only in dose; the same revision maps to the same order', () => {
    const one = medicationIntent(ordered);
    const two = medicationIntent({ ...ordered, revision: 2, dose: { value: 2, unit: 'tablet' } });
    expect(medicationIntent(ordered)).toEqual(one);
    expect(one.kind === 'start' && two.kind === 'start' && [one.order.doseUnit, two.order.doseUnit]).toEqual([
      '1 tablet per dose',
      '2 tablet per dose',
    ]);
  });

  it.each(['stopped', 'cancelled', 'completed', 'entered-in-error'])('stops on %s', (status) => {
    expect(medicationIntent({ ...ordered, status })).toEqual({
      kind: 'stop',
      medicationId: `gw-${ordered.resourceId}`,
    });
  });

  it.each([
    ['draft', 'order'],
    ['on-hold', 'order'],
    ['active', 'proposal'],
    ['active', 'plan'],
  ])('ignores status %s intent %s', (status, intent) => {
    expect(medicationIntent({ ...ordered, status, intent })).toEqual({ kind: 'ignore' });
  });

  it('maps care-team participants with a staff id and a known SNOMED role, ignoring the rest', () => {
    const payload = CareTeamUpdated.schema.parse(gatewayFixtures.CareTeamUpdated).payload;
    expect(careTeamAssignments(payload)).toEqual([
      { clinicianId: 'clin_8d2Qm1vXkT3sW9yLpA0bRg', role: 'attending-psychiatrist', activeUntil: null },
    ]);
    expect(
      careTeamAssignments({
        participants: [
          { roles: [{ system: 'http://snomed.info/sct', code: '309343006' }], clinician: 'clin_phys_1' },
          { roles: [{ system: 'http://snomed.info/sct', code: '999999' }], clinician: 'clin_other' },
          { roles: [{ system: 'http://snomed.info/sct', code: '80584001' }] },
          // Never an EHR reference, nor an id that is not a staff id.
          { roles: [{ system: 'http://snomed.info/sct', code: '80584001' }], clinician: 'Practitioner/psy-01' },
          { roles: [{ system: 'http://snomed.info/sct', code: '80584001' }], clinician: 'psy-01' },
        ],
      }),
    ).toEqual([{ clinicianId: 'clin_phys_1', role: 'physician', activeUntil: null }]);
    expect([
      careTeamEnded('inactive'),
      careTeamEnded('entered-in-error'),
      careTeamEnded('active'),
      careTeamEnded(undefined),
    ]).toEqual([true, true, false, false]);
  });

  it('takes the planned end from the participant’s period, else the team’s, else none', () => {
    const psychiatrist = [{ system: 'http://snomed.info/sct', code: '80584001' }];
    expect(
      careTeamAssignments({
        period: { start: '2026-01-01', end: '2026-12-31' },
        participants: [
          { roles: psychiatrist, clinician: 'clin_a', period: { end: '2026-06-30T12:00:00+02:00' } },
          { roles: psychiatrist, clinician: 'clin_b' },
        ],
      }),
    ).toEqual([
      { clinicianId: 'clin_a', role: 'attending-psychiatrist', activeUntil: '2026-06-30T10:00:00.000Z' },
      { clinicianId: 'clin_b', role: 'attending-psychiatrist', activeUntil: '2026-12-31T23:59:59.999Z' },
    ]);
    expect([periodEnd(undefined), periodEnd({ end: '2026-07' }), periodEnd({ end: '2026-07-01' })]).toEqual([
      null,
      null,
      '2026-07-01T23:59:59.999Z',
    ]);
  });

  it('puts an ongoing encounter’s participants on the care team until its end, and ends them at discharge', () => {
    const encounter = {
      period: { start: '2026-03-01T08:00:00Z', end: '2026-03-05T08:00:00Z' },
      participants: [{ clinician: 'clin_er_1' }, { clinician: 'Practitioner/x' }],
    };
    const assignments = [{ clinicianId: 'clin_er_1', role: 'physician', activeUntil: '2026-03-05T08:00:00.000Z' }];
    expect(encounterIntent({ ...encounter, status: 'in-progress' })).toEqual({ kind: 'assign', assignments });
    expect(encounterIntent({ ...encounter, status: 'finished' })).toEqual({ kind: 'end', assignments });
    expect(encounterIntent({ ...encounter, status: 'cancelled' })).toEqual({ kind: 'end', assignments });
    expect(encounterIntent({ ...encounter, status: 'planned' })).toEqual({ kind: 'ignore' });
    expect(encounterIntent({ status: 'in-progress' })).toEqual({ kind: 'ignore' });
  });

  describe('PHQ-9 item 9 Observation', () => {
    const item9 = {
      status: 'final',
      codes: [{ system: 'http://loinc.org', code: '44260-8' }],
      value: { value: 2 },
      effective: '2026-03-02T09:00:00+01:00',
    };
    const at = '2026-03-03T00:00:00.000Z';
    it('is the item 9 answer, at its effective time', () => {
      expect(item9Observation(item9, at)).toEqual({ kind: 'item9-answered', item9: 2, at: '2026-03-02T08:00:00.000Z' });
      expect(item9Observation({ ...item9, status: 'amended', value: { value: 0 } }, at)).toMatchObject({ item9: 0 });
      expect(item9Observation({ ...item9, effective: undefined }, at)).toMatchObject({ at });
      expect(item9Observation({ ...item9, effective: '2026-03-02' }, at)).toMatchObject({
        at: '2026-03-02T00:00:00.000Z',
      });
    });
    it('ignores totals, other systems, preliminary results, missing or impossible answers', () => {
      expect(item9Observation({ ...item9, codes: [{ system: 'http://loinc.org', code: '44261-6' }] }, at)).toBeNull();
      expect(item9Observation({ ...item9, codes: [{ system: 'http://example.org', code: '44260-8' }] }, at)).toBeNull();
      expect(item9Observation({ ...item9, status: 'preliminary' }, at)).toBeNull();
      expect(item9Observation({ ...item9, value: undefined }, at)).toBeNull();
      for (const value of [4, -1, 1.5]) expect(item9Observation({ ...item9, value: { value } }, at)).toBeNull();
    });
    it('reads partial FHIR dates as the start of their period', () => {
      expect(fhirInstant('2026', at)).toBe('2026-01-01T00:00:00.000Z');
      expect(fhirInstant('2026-04', at)).toBe('2026-04-01T00:00:00.000Z');
      expect(fhirInstant('not a date', at)).toBe(at);
    });
  });

  describe('dose from the FHIR dosage', () => {
    const oxycodone = {
      ...ordered,
      medication: { codes: [{ system: RXNORM_SYSTEM, code: '7804', display: 'oxycodone' }] },
      dose: { value: 30, unit: 'mg' },
    };
    it('oxycodone 30 mg every 6 h is 120 mg/day, by timing.repeat or timing.code', () => {
      const daily = { dailyDose: 120, doseUnit: 'mg/day' };
      expect(medicationIntent({ ...oxycodone, timing: { frequency: 1, period: 6, periodUnit: 'h' } })).toMatchObject({
        kind: 'start',
        order: { ...daily, frequency: '1 per 6 h (4/day)' },
      });
      expect(medicationIntent({ ...oxycodone, timing: { code: 'Q6H' } })).toMatchObject({
        order: { ...daily, frequency: 'Q6H (4/day)' },
      });
    });
    it('reads a fentanyl patch as mcg/h; keeps what was sent, with a null daily dose, when it cannot compute one', () => {
      const patch = {
        ...ordered,
        medication: { codes: [{ system: RXNORM_SYSTEM, code: '4337', display: 'fentanyl' }] },
        dose: { value: 25, unit: 'ug/h' },
        timing: { frequency: 1, period: 72, periodUnit: 'h' },
      };
      expect(medicationIntent(patch)).toMatchObject({ order: { dailyDose: 25, doseUnit: 'mcg/h' } });
      expect(medicationIntent(oxycodone)).toMatchObject({
        order: { dailyDose: null, doseUnit: '30 mg per dose', frequency: 'unknown' },
      });
      expect(
        medicationIntent({ ...oxycodone, dose: { value: 1, unit: 'tablet' }, timing: { code: 'BID' } }),
      ).toMatchObject({ order: { dailyDose: null, doseUnit: '1 tablet per dose', frequency: 'BID (2/day)' } });
    });
  });

  describe('palliative CarePlan', () => {
    const plan = CarePlanUpdated.schema.parse(gatewayFixtures.CarePlanUpdated).payload;
    it('an active palliative care plan (736373009, or 103735009 as category) starts one plan per resource', () => {
      expect(palliativePlanIntent(plan)).toEqual({ kind: 'start', planId: `gw-careplan-${plan.resourceId}` });
      expect(palliativePlanIntent({ ...plan, status: 'active' })).toEqual(palliativePlanIntent(plan));
      expect(
        palliativePlanIntent({ ...plan, categories: [{ system: 'http://snomed.info/sct', code: '103735009' }] }),
      ).toMatchObject({ kind: 'start' });
    });
    it('ignores proposals, plans not in force, other categories and other code systems', () => {
      expect(palliativePlanIntent({ ...plan, intent: 'proposal' })).toEqual({ kind: 'ignore' });
      for (const status of ['draft', 'on-hold', 'revoked', 'completed', 'entered-in-error'])
        expect(palliativePlanIntent({ ...plan, status })).toEqual({ kind: 'ignore' });
      expect(
        palliativePlanIntent({ ...plan, categories: [{ system: 'http://snomed.info/sct', code: '736271009' }] }),
      ).toEqual({ kind: 'ignore' });
      expect(
        palliativePlanIntent({ ...plan, categories: [{ system: 'http://example.org', code: '736373009' }] }),
      ).toEqual({ kind: 'ignore' });
    });
  });

  describe('acute distress from the EHR', () => {
    const at = '2026-03-02T09:30:00.000Z';
    const resourceId = 'c0ffee00-1d2e-4f30-8a4b-000000000014';
    const distress = [{ ...ACUTE_DISTRESS_CODING }];
    it('reads an active Flag coded acute distress as a report, once per resource', () => {
      const flag = { resourceId, status: 'active', codes: distress, period: { start: '2026-03-02T09:00:00Z' } };
      expect(distressFlag(flag, at)).toEqual({
        kind: 'distress-reported',
        groupId: null,
        at: '2026-03-02T09:00:00.000Z',
        reportId: `gw:${resourceId}`,
        source: 'ehr-flag',
      });
      expect(distressFlag({ ...flag, period: undefined }, at)).toMatchObject({ at });
      expect(distressFlag({ ...flag, status: 'inactive' }, at)).toBeNull();
      expect(distressFlag({ ...flag, status: 'entered-in-error' }, at)).toBeNull();
      expect(
        distressFlag({ ...flag, codes: [{ system: 'http://snomed.info/sct', code: 'acute-distress' }] }, at),
      ).toBeNull();
    });
    it('reads a final Observation coded acute distress with a positive value or none', () => {
      const observation = { resourceId, status: 'final', codes: distress, effective: '2026-03-02' };
      expect(distressObservation(observation, at)).toEqual({
        kind: 'distress-reported',
        groupId: null,
        at: '2026-03-02T00:00:00.000Z',
        reportId: `gw:${resourceId}`,
        source: 'ehr-observation',
      });
      expect(distressObservation({ ...observation, status: 'amended', value: { value: 1 } }, at)).not.toBeNull();
      expect(distressObservation({ ...observation, status: 'corrected' }, at)).not.toBeNull();
      expect(distressObservation({ ...observation, value: { value: 0 } }, at)).toBeNull();
      expect(distressObservation({ ...observation, status: 'preliminary' }, at)).toBeNull();
      expect(
        distressObservation({ ...observation, codes: [{ system: 'http://loinc.org', code: '44260-8' }] }, at),
      ).toBeNull();
    });
  });

  describe('palliative-care Condition', () => {
    const at = '2026-03-02T09:30:00.000Z';
    const condition = {
      resourceId: 'c0ffee00-1d2e-4f30-8a4b-000000000002',
      clinicalStatus: 'active',
      verificationStatus: 'confirmed',
      codes: [{ system: 'http://snomed.info/sct', code: '103735009' }],
    };
    it('puts the member in the palliative cohort while active, takes them out when over or refuted', () => {
      expect(palliativeCondition(condition, at)).toEqual({
        kind: 'palliative-condition',
        conditionId: `gw-condition-${condition.resourceId}`,
        active: true,
        at,
      });
      expect(
        palliativeCondition(
          { ...condition, codes: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'Z51.5' }] },
          at,
        ),
      ).toMatchObject({ active: true });
      expect(
        palliativeCondition({ ...condition, codes: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'Z515' }] }, at),
      ).toMatchObject({ active: true });
      expect(palliativeCondition({ ...condition, clinicalStatus: 'resolved' }, at)).toMatchObject({ active: false });
      expect(palliativeCondition({ ...condition, verificationStatus: 'entered-in-error' }, at)).toMatchObject({
        active: false,
      });
    });
    it('ignores other Conditions and one without a clinical status', () => {
      expect(
        palliativeCondition({ ...condition, codes: [{ system: 'http://snomed.info/sct', code: '47505003' }] }, at),
      ).toBeNull();
      expect(
        palliativeCondition({ ...condition, codes: [{ system: 'http://example.org/local', code: '103735009' }] }, at),
      ).toBeNull();
      expect(palliativeCondition({ ...condition, clinicalStatus: undefined }, at)).toBeNull();
    });
  });
});
