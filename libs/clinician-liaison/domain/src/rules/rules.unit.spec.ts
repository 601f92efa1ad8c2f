import type { CoordinationEvent, ExternalFact, MedicationOrder } from '../coordination/coordination';
import { classifyMedication } from '../terminology/medication-terminology';
import { ruleInputFor, type Finding, type RecordedCoordinationEvent, type RuleId } from './finding';
import { defaultRuleConfig as config } from './rule-config';
import * as rules from './rules';

const memberId = 'mbr_synthetic_0001';
let seq = 0;
const clockDay = 1;
function rec(
  event: CoordinationEvent,
  occurredAt = `2026-03-${String(clockDay).padStart(2, '0')}T10:00:00.000Z`,
): RecordedCoordinationEvent {
  seq += 1;
  return { eventId: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`, occurredAt, event };
}
const profile = (birthDate: string, cohort: 'general' | 'palliative' = 'general') =>
  rec({
    type: 'MemberProfileRecorded',
    data: {
      memberId,
      birthDate,
      cohort,
      shareMedicationDetailsWithFacilitator: false,
      part2Consent: false,
      recordedAt: 'x',
    },
  });
const fact = (f: ExternalFact) =>
  rec({ type: 'ExternalFactRecorded', data: { memberId, sourceEventId: `src-${seq}`, fact: f } });
const joined = () => fact({ kind: 'group-joined', groupId: 'grp_depression', at: '2026-03-01T10:00:00Z' });
function start(
  medicationId: string,
  name: string,
  dailyDose: number | null = 50,
  rxnormCode: string | null = null,
  startedAt = 'x',
) {
  const order: MedicationOrder = {
    rxnormCode,
    name,
    dailyDose,
    doseUnit: 'mg',
    route: 'oral',
    frequency: 'daily',
    prescriberId: 'clin_psy_01',
  };
  return rec({
    type: 'MedicationStarted',
    data: { memberId, medicationId, order, classification: classifyMedication({ rxnormCode, name }), startedAt },
  });
}
const changeDose = (medicationId: string, dailyDose: number) =>
  rec({
    type: 'MedicationDoseChanged',
    data: {
      memberId,
      medicationId,
      dailyDose,
      doseUnit: 'mg',
      frequency: 'daily',
      prescriberId: 'clin_psy_01',
      changedAt: 'x',
    },
  });
const measure = (instrument: 'PHQ-9' | 'GAD-7' | 'PCL-5' | 'ZBI-22', score: number, item9: number | null = null) =>
  fact({ kind: 'measure-recorded', instrument, score, item9, at: '2026-03-01T10:00:00Z' });
const contact = (
  contactId: string,
  contactKind: 'group-session' | 'cbt' | 'psychiatry' | 'palliative',
  start: string,
  minutes = 60,
) =>
  fact({
    kind: 'contact-booked',
    contactId,
    contactKind,
    start,
    end: new Date(Date.parse(start) + minutes * 60_000).toISOString(),
  });

function run(rule: (typeof rules)[keyof typeof rules], history: RecordedCoordinationEvent[]): Finding[] {
  return (rule as (i: ReturnType<typeof ruleInputFor>, c: typeof config) => Finding[])(ruleInputFor(history), config);
}
const only = (findings: Finding[], rule: RuleId) => {
  expect(findings.map((f) => f.rule)).toEqual([rule]);
  return findings[0]!;
};

describe('coordination rules', () => {
  describe('1. antidepressant started or changed in a group', () => {
    it('is critical under 25, to facilitator and psychiatrist, with a minimum-necessary text for the facilitator', () => {
      const trigger = start('med_1', 'sertraline', 50, '36437');
      const f = only(
        run(rules.antidepressantChange, [profile('2004-01-15'), joined(), trigger]),
        'antidepressant-change',
      );
      expect(f).toMatchObject({
        severity: 'critical',
        recipients: ['facilitator', 'attending-psychiatrist'],
        evidence: { eventIds: [trigger.eventId] },
      });
      expect(f.minimumNecessarySummary).not.toMatch(/sertraline|mg/i);
      expect(f.summary.length).toBeLessThan(140);
    });
    it('takes the age from the EHR birth date: critical at 22, a warning at 25; a partial date counts its youngest possible age', () => {
      const birth = (birthDate: string) =>
        rec({ type: 'MemberBirthDateRecorded', data: { memberId, birthDate, recordedAt: 'x' } });
      const severity = (birthDate: string) =>
        only(
          run(rules.antidepressantChange, [birth(birthDate), joined(), start('med_1', 'sertraline', 50, '36437')]),
          'antidepressant-change',
        ).severity;
      expect(severity('2004-01-15')).toBe('critical');
      expect(severity('2001-03-01')).toBe('warning');
      expect(severity('2001')).toBe('critical');
    });
    it('is a warning from 25 and a new dose change is a new cause (new dedup key)', () => {
      const history = [profile('1980-01-15'), joined(), start('med_1', 'sertraline', 50, '36437')];
      const first = only(run(rules.antidepressantChange, history), 'antidepressant-change');
      const second = only(
        run(rules.antidepressantChange, [...history, changeDose('med_1', 100)]),
        'antidepressant-change',
      );
      expect(first.severity).toBe('warning');
      expect(second.dedupKey).not.toBe(first.dedupKey);
    });
    it('is judged again when the member joins a group within the watch window of the change: the same change, the same dedup key', () => {
      const sertraline = start('med_1', 'sertraline', 50, '36437', '2026-03-01T09:00:00.000Z');
      const join = fact({ kind: 'group-joined', groupId: 'grp_depression', at: '2026-03-01T10:00:00Z' });
      const f = only(
        run(rules.antidepressantChange, [profile('2004-01-15'), sertraline, join]),
        'antidepressant-change',
      );
      expect(f).toMatchObject({
        severity: 'critical',
        evidence: { eventIds: [sertraline.eventId, join.eventId] },
        dedupKey: `antidepressant-change:med_1:${sertraline.eventId}`,
      });
      // Judged when it happened, in a group, the change gets the same key: the alert is raised once either way.
      const inGroupAlready = only(
        run(rules.antidepressantChange, [profile('2004-01-15'), joined(), sertraline]),
        'antidepressant-change',
      );
      expect(inGroupAlready.dedupKey).toBe(f.dedupKey);
      // A second group while already in one adds nothing new to judge.
      expect(
        run(rules.antidepressantChange, [
          profile('2004-01-15'),
          join,
          sertraline,
          fact({ kind: 'group-joined', groupId: 'grp_depression', at: '2026-03-02T10:00:00Z' }),
        ]),
      ).toEqual([]);
    });
    it('does not count a join long after the change, nor other drugs at a join', () => {
      const old = start('med_1', 'sertraline', 50, '36437', '2025-11-01T09:00:00.000Z');
      const join = () => fact({ kind: 'group-joined', groupId: 'grp_depression', at: '2026-03-01T10:00:00Z' });
      expect(run(rules.antidepressantChange, [profile('2004-01-15'), old, join()])).toEqual([]);
      const gabapentin = start('med_2', 'gabapentin', 50, null, '2026-03-01T09:00:00.000Z');
      expect(run(rules.antidepressantChange, [profile('2004-01-15'), gabapentin, join()])).toEqual([]);
    });
    it('stays silent outside a group or for other drugs', () => {
      expect(run(rules.antidepressantChange, [profile('2004-01-15'), start('med_1', 'sertraline')])).toEqual([]);
      expect(run(rules.antidepressantChange, [profile('2004-01-15'), joined(), start('med_2', 'gabapentin')])).toEqual(
        [],
      );
    });
  });

  describe('2. PHQ-9 item 9', () => {
    it('is critical to the psychiatrist when item 9 > 0', () => {
      expect(only(run(rules.suicidalIdeation, [measure('PHQ-9', 12, 1)]), 'suicidal-ideation')).toMatchObject({
        severity: 'critical',
        recipients: ['attending-psychiatrist'],
      });
    });
    it('stays silent when item 9 is 0', () => {
      expect(run(rules.suicidalIdeation, [measure('PHQ-9', 22, 0)])).toEqual([]);
      expect(
        run(rules.suicidalIdeation, [fact({ kind: 'item9-answered', item9: 0, at: '2026-03-01T10:00:00Z' })]),
      ).toEqual([]);
    });
    it('gives the item alone (Observation) the same finding as the item in a whole PHQ-9 (QuestionnaireResponse), one key per day', () => {
      const inMeasure = only(run(rules.suicidalIdeation, [measure('PHQ-9', 12, 2)]), 'suicidal-ideation');
      const alone = only(
        run(rules.suicidalIdeation, [fact({ kind: 'item9-answered', item9: 2, at: '2026-03-01T07:30:00+00:00' })]),
        'suicidal-ideation',
      );
      const { evidence: _a, ...sameA } = inMeasure;
      const { evidence: _b, ...sameB } = alone;
      expect(sameB).toEqual(sameA);
      expect(alone.dedupKey).toBe('suicidal-ideation:2026-03-01');
      const nextDay = only(
        run(rules.suicidalIdeation, [fact({ kind: 'item9-answered', item9: 1, at: '2026-03-02T07:30:00Z' })]),
        'suicidal-ideation',
      );
      expect(nextDay.dedupKey).not.toBe(alone.dedupKey);
    });
    it('a total without item 9 (a total Observation) raises nothing and keeps no item 9', () => {
      expect(run(rules.suicidalIdeation, [measure('PHQ-9', 20, null)])).toEqual([]);
    });
  });

  describe('3. opioid with a CNS depressant', () => {
    it('warns the prescriber, citing both medications, whichever came first', () => {
      const opioid = start('med_o', 'oxycodone', 20);
      const benzo = start('med_b', 'diazepam', 5);
      const f = only(run(rules.opioidCnsDepressant, [opioid, benzo]), 'opioid-cns-depressant');
      expect(f).toMatchObject({
        severity: 'warning',
        recipients: ['prescriber', 'attending-psychiatrist'],
        prescriberIds: ['clin_psy_01'],
      });
      expect(f.evidence.eventIds.sort()).toEqual([opioid.eventId, benzo.eventId].sort());
      expect(f.dedupKey).toBe('opioid-cns-depressant:med_b+med_o');
    });
    it('stays silent for an opioid alone or a stopped benzodiazepine', () => {
      const stopped = rec({ type: 'MedicationStopped', data: { memberId, medicationId: 'med_b', stoppedAt: 'x' } });
      expect(
        run(rules.opioidCnsDepressant, [start('med_b', 'diazepam'), stopped, start('med_o', 'oxycodone')]),
      ).toEqual([]);
    });
  });

  describe('4. gabapentinoid combinations', () => {
    it('warns, and is critical for the elderly', () => {
      expect(
        only(
          run(rules.gabapentinoidCombination, [
            profile('1980-01-01'),
            start('m1', 'oxycodone'),
            start('m2', 'pregabalin'),
          ]),
          'gabapentinoid-combination',
        ).severity,
      ).toBe('warning');
      expect(
        only(
          run(rules.gabapentinoidCombination, [
            profile('1950-01-01'),
            start('m1', 'oxycodone'),
            start('m2', 'gabapentin'),
          ]),
          'gabapentinoid-combination',
        ).severity,
      ).toBe('critical');
    });
    it('rates by the age from the EHR birth date on the day it runs; a partial date counts its oldest possible age', () => {
      const birth = (birthDate: string) =>
        rec({ type: 'MemberBirthDateRecorded', data: { memberId, birthDate, recordedAt: 'x' } });
      expect(
        only(
          run(rules.gabapentinoidCombination, [
            birth('1956-03-02'),
            start('m1', 'oxycodone'),
            start('m2', 'gabapentin'),
          ]),
          'gabapentinoid-combination',
        ).severity,
      ).toBe('critical');
      expect(
        only(
          run(rules.gabapentinoidCombination, [
            birth('1961-03-02'),
            start('m1', 'oxycodone'),
            start('m2', 'gabapentin'),
          ]),
          'gabapentinoid-combination',
        ).severity,
      ).toBe('warning');
      expect(
        only(
          run(rules.gabapentinoidCombination, [birth('1961'), start('m1', 'oxycodone'), start('m2', 'gabapentin')]),
          'gabapentinoid-combination',
        ).severity,
      ).toBe('critical');
    });
    it('stays silent for a gabapentinoid with an SSRI', () => {
      expect(run(rules.gabapentinoidCombination, [start('m1', 'sertraline'), start('m2', 'gabapentin')])).toEqual([]);
    });
  });

  describe('5. serotonin syndrome', () => {
    it('warns for tramadol with an SSRI, with the facilitator checklist', () => {
      const f = only(
        run(rules.serotoninSyndrome, [start('m1', 'sertraline'), start('m2', 'tramadol', 100)]),
        'serotonin-syndrome',
      );
      expect(f.recipients).toContain('facilitator');
      expect(f.detail).toMatch(/checklist/i);
    });
    it('stays silent for oxycodone (not a serotonergic opioid) with an SSRI', () => {
      expect(run(rules.serotoninSyndrome, [start('m1', 'sertraline'), start('m2', 'oxycodone')])).toEqual([]);
    });
  });

  describe('6. opioid dose in MME', () => {
    it('is informational in the palliative cohort: a palliative plan or an active palliative Condition, not only the profile', () => {
      const condition = (active: boolean) =>
        fact({ kind: 'palliative-condition', conditionId: 'gw-condition-1', active, at: '2026-03-01T10:00:00Z' });
      const plan = rec({
        type: 'PalliativePlanStarted',
        data: { memberId, planId: 'p1', goalsOfCare: '', startedAt: 'x' },
      });
      const severity = (...history: RecordedCoordinationEvent[]) =>
        only(run(rules.opioidDose, [...history, start('m1', 'morphine', 100)]), 'opioid-dose').severity;
      expect(severity()).toBe('warning');
      expect(severity(condition(true))).toBe('info');
      expect(severity(plan)).toBe('info');
      expect(severity(condition(true), condition(false))).toBe('warning');
    });
    it('is info from 50 and a warning from 90 MME/day', () => {
      expect(only(run(rules.opioidDose, [start('m1', 'oxycodone', 40)]), 'opioid-dose').severity).toBe('info'); // 60 MME
      expect(
        only(run(rules.opioidDose, [start('m1', 'oxycodone', 40), changeDose('m1', 60)]), 'opioid-dose').severity,
      ).toBe('warning'); // 90
    });
    it('is informational only in palliative cohorts, and silent below 50', () => {
      expect(
        only(run(rules.opioidDose, [profile('1960-01-01', 'palliative'), start('m1', 'morphine', 200)]), 'opioid-dose')
          .severity,
      ).toBe('info');
      expect(run(rules.opioidDose, [start('m1', 'tramadol', 200)])).toEqual([]); // 40 MME
      expect(rules.totalMme(ruleInputFor([start('m1', 'fentanyl', 25)]).after)).toBeCloseTo(60);
    });
    it('oxycodone 120 mg/day (30 mg every 6 h) is 180 MME/day: a warning to the prescriber', () => {
      const f = only(run(rules.opioidDose, [start('m1', 'oxycodone', 120)]), 'opioid-dose');
      expect(f).toMatchObject({
        severity: 'warning',
        recipients: ['prescriber'],
        prescriberIds: ['clin_psy_01'],
        evidence: { facts: ['total 180 MME/day'] },
      });
    });
    it('an opioid with an unknown daily dose is an info "dose unknown" to the prescriber, not silence; other drugs stay silent', () => {
      const f = only(run(rules.opioidDose, [start('m1', 'oxycodone', null)]), 'opioid-dose');
      expect(f).toMatchObject({
        severity: 'info',
        recipients: ['prescriber'],
        summary: expect.stringMatching(/oxycodone: daily dose unknown, MME\/day not assessed/),
      });
      expect(f.dedupKey).toMatch(/^opioid-dose:unknown:/);
      expect(run(rules.opioidDose, [start('m1', 'sertraline', null)])).toEqual([]);
    });
  });

  describe("7. therapeutic overload (from scheduling's load)", () => {
    const load = (windowStart: string, contacts: number, overCap = contacts > 3) =>
      fact({
        kind: 'load-changed',
        windowStart,
        windowEnd: new Date(Date.parse(windowStart) + 7 * 86_400_000).toISOString(),
        contacts,
        cap: 3,
        overCap,
        at: windowStart,
      });
    const resolved = (windowStart: string) =>
      fact({
        kind: 'overload-resolved',
        windowStart,
        windowEnd: new Date(Date.parse(windowStart) + 7 * 86_400_000).toISOString(),
        at: windowStart,
      });
    it('warns facilitator and care team when a window goes over the cap', () => {
      const over = load('2026-03-02T10:00:00.000Z', 4);
      const f = only(
        run(rules.therapeuticOverload, [load('2026-03-02T10:00:00.000Z', 3), over]),
        'therapeutic-overload',
      );
      expect(f).toMatchObject({
        severity: 'warning',
        recipients: ['facilitator', 'attending-psychiatrist', 'cbt-therapist', 'palliative-team'],
        dedupKey: `therapeutic-overload:${over.eventId}`,
      });
      expect(f.summary).toBe('Therapeutic overload: 4 contacts within 7 days (cap 3)');
    });
    it('stays silent at the cap, and for the same or an overlapping window while the episode is open', () => {
      expect(run(rules.therapeuticOverload, [load('2026-03-02T10:00:00.000Z', 3)])).toEqual([]);
      expect(
        run(rules.therapeuticOverload, [load('2026-03-02T10:00:00.000Z', 4), load('2026-03-02T10:00:00.000Z', 5)]),
      ).toEqual([]);
      expect(
        run(rules.therapeuticOverload, [load('2026-03-02T10:00:00.000Z', 4), load('2026-03-05T10:00:00.000Z', 4)]),
      ).toEqual([]);
    });
    it('alerts again once the episode was resolved, or for a window that does not overlap it', () => {
      const again = [
        load('2026-03-02T10:00:00.000Z', 4),
        resolved('2026-03-02T10:00:00.000Z'),
        load('2026-03-03T10:00:00.000Z', 4),
      ];
      expect(run(rules.therapeuticOverload, again).map((f) => f.rule)).toEqual(['therapeutic-overload']);
      expect(
        run(rules.therapeuticOverload, [load('2026-03-02T10:00:00.000Z', 4), load('2026-03-09T10:00:00.000Z', 4)]).map(
          (f) => f.rule,
        ),
      ).toEqual(['therapeutic-overload']);
      // The same window reported back under the cap ends its part of the episode too.
      expect(
        run(rules.therapeuticOverload, [
          load('2026-03-02T10:00:00.000Z', 4),
          load('2026-03-02T10:00:00.000Z', 3),
          load('2026-03-02T10:00:00.000Z', 4),
        ]).map((f) => f.rule),
      ).toEqual(['therapeutic-overload']);
    });
    it('no longer counts contacts itself: bookings alone raise nothing', () => {
      const history = [
        contact('c1', 'group-session', '2026-03-02T10:00:00Z'),
        contact('c2', 'cbt', '2026-03-03T10:00:00Z'),
        contact('c3', 'psychiatry', '2026-03-05T10:00:00Z'),
        contact('c4', 'palliative', '2026-03-08T09:00:00Z'),
      ];
      expect(run(rules.therapeuticOverload, history)).toEqual([]);
    });
    it("forecasts an appointment-book overload from scheduling's last load of the window, or the contacts liaison knows", () => {
      const state = ruleInputFor([load('2026-03-02T10:00:00.000Z', 3)]).after;
      expect(rules.forecastOverload(state, ['2026-03-04T10:00:00Z'], config).map((f) => f.summary)).toEqual([
        'Therapeutic overload: 4 contacts within 7 days (cap 3)',
      ]);
      expect(rules.forecastOverload(state, ['2026-03-12T10:00:00Z'], config)).toEqual([]);
      const known = ruleInputFor([
        contact('c1', 'cbt', '2026-03-02T10:00:00Z'),
        contact('c2', 'cbt', '2026-03-03T10:00:00Z'),
        contact('c3', 'cbt', '2026-03-04T10:00:00Z'),
      ]).after;
      expect(rules.forecastOverload(known, ['2026-03-05T10:00:00Z'], config)).toHaveLength(1);
      expect(rules.forecastOverload(known, ['2026-03-10T10:00:00Z'], config)).toEqual([]);
    });
  });

  describe('8. scheduling conflict', () => {
    it('informs the facilitator of a group session within the window of another appointment', () => {
      expect(
        only(
          run(rules.schedulingConflict, [
            contact('g1', 'group-session', '2026-03-02T10:00:00Z', 90),
            contact('c1', 'cbt', '2026-03-02T12:00:00Z'),
          ]),
          'scheduling-conflict',
        ).recipients,
      ).toEqual(['facilitator']);
    });
    it('stays silent when they are far apart', () => {
      expect(
        run(rules.schedulingConflict, [
          contact('g1', 'group-session', '2026-03-02T10:00:00Z', 90),
          contact('c1', 'cbt', '2026-03-02T16:00:00Z'),
        ]),
      ).toEqual([]);
    });
  });

  describe('9. outcome worsening', () => {
    it('warns when PHQ-9 rises by 5', () => {
      const first = measure('PHQ-9', 8, 0);
      const f = only(run(rules.outcomeWorsening, [first, measure('PHQ-9', 13, 0)]), 'outcome-worsening');
      expect(f.evidence.eventIds[0]).toBe(first.eventId);
    });
    it('stays silent for GAD-7 +3 or a first score', () => {
      expect(run(rules.outcomeWorsening, [measure('GAD-7', 5), measure('GAD-7', 8)])).toEqual([]);
      expect(run(rules.outcomeWorsening, [measure('PCL-5', 70)])).toEqual([]);
    });
  });

  describe('10. caregiver burden', () => {
    it('suggests support at ZBI-22 >= 41', () => {
      expect(only(run(rules.caregiverBurden, [measure('ZBI-22', 41)]), 'caregiver-burden').severity).toBe('info');
    });
    it('stays silent below 41 and does not repeat while still above', () => {
      expect(run(rules.caregiverBurden, [measure('ZBI-22', 40)])).toEqual([]);
      expect(run(rules.caregiverBurden, [measure('ZBI-22', 45), measure('ZBI-22', 50)])).toEqual([]);
    });
  });

  describe('11. attendance below dose', () => {
    const attendance = (sessionNumber: number, sessionsAttended: number) =>
      fact({
        kind: 'attendance-recorded',
        groupId: 'grp_depression',
        sessionNumber,
        plannedSessions: 10,
        sessionsAttended,
        at: '2026-03-01T10:00:00Z',
      });
    it('informs the facilitator at the midpoint when on track to miss the dose', () => {
      expect(only(run(rules.attendanceBelowDose, [attendance(5, 2)]), 'attendance-below-dose').dedupKey).toBe(
        'attendance-below-dose:grp_depression',
      );
    });
    it('stays silent before the midpoint or when on track', () => {
      expect(run(rules.attendanceBelowDose, [attendance(4, 0)])).toEqual([]);
      expect(run(rules.attendanceBelowDose, [attendance(5, 4)])).toEqual([]);
    });
  });

  describe('12. acute distress', () => {
    it('is critical to the psychiatrist', () => {
      expect(
        only(
          run(rules.acuteDistress, [fact({ kind: 'distress-reported', groupId: 'grp_1', at: '2026-03-01T10:00:00Z' })]),
          'acute-distress',
        ).severity,
      ).toBe('critical');
      // One alert per report: the same report (a resent Flag, a retried POST) has the same key.
      const flag = (eventReport: string) =>
        fact({
          kind: 'distress-reported',
          groupId: null,
          at: '2026-03-01T10:00:00Z',
          reportId: eventReport,
          source: 'ehr-flag',
        });
      const first = only(run(rules.acuteDistress, [flag('gw:r1')]), 'acute-distress');
      expect(first).toMatchObject({
        severity: 'critical',
        recipients: ['attending-psychiatrist'],
        dedupKey: 'acute-distress:gw:r1',
        summary: 'Acute distress flagged in the EHR: review today',
      });
      expect(only(run(rules.acuteDistress, [flag('gw:r1'), flag('gw:r1')]), 'acute-distress').dedupKey).toBe(
        first.dedupKey,
      );
    });
    it('stays silent on other facts', () => {
      expect(run(rules.acuteDistress, [joined()])).toEqual([]);
    });
  });

  describe('13. palliative transition', () => {
    it('informs the facilitator when a plan starts', () => {
      expect(
        only(
          run(rules.palliativeTransition, [
            rec({
              type: 'PalliativePlanStarted',
              data: { memberId, planId: 'p1', goalsOfCare: 'comfort', startedAt: 'x' },
            }),
          ]),
          'palliative-transition',
        ).recipients,
      ).toEqual(['facilitator']);
    });
    it('stays silent for a CBT course', () => {
      expect(
        run(rules.palliativeTransition, [
          rec({ type: 'CbtCourseStarted', data: { memberId, courseId: 'c1', therapistId: 't1', startedAt: 'x' } }),
        ]),
      ).toEqual([]);
    });
  });

  describe('14. sharing needs consent', () => {
    it('shows facilitators drug details only with consent, and substance-use records only with Part 2 consent', () => {
      const state = ruleInputFor([profile('1990-01-01')]).after;
      expect(rules.mayShareMedicationDetails(state, 'facilitator')).toBe(false);
      expect(rules.mayShareMedicationDetails(state, 'clinician')).toBe(true);
      expect(rules.mayShareMedicationDetails(state, 'clinician', true)).toBe(false);
      const consenting = {
        ...state,
        profile: { ...state.profile!, shareMedicationDetailsWithFacilitator: true, part2Consent: true },
      };
      expect(rules.mayShareMedicationDetails(consenting, 'facilitator', true)).toBe(true);
    });
  });

  it('evaluates every rule for one event, deterministically', () => {
    const history = [profile('2004-01-15'), joined(), start('m1', 'sertraline'), start('m2', 'tramadol', 100)];
    const a = rules.evaluateRules(ruleInputFor(history), config);
    expect(a.map((f) => f.rule)).toEqual(['serotonin-syndrome']);
    expect(rules.evaluateRules(ruleInputFor(history), config)).toEqual(a);
  });

  describe('15. emergency access opened', () => {
    const assign = (
      clinicianId: string,
      role: 'attending-psychiatrist' | 'physician' | 'facilitator',
      activeUntil: string | null = null,
    ) =>
      rec({
        type: 'CareTeamMemberAssigned',
        data: { memberId, clinicianId, role, endpoint: null, activeFrom: '2026-03-01T09:00:00.000Z', activeUntil },
      });
    const opened = () =>
      rec({
        type: 'EmergencyAccessOpened',
        data: {
          memberId,
          clinicianId: 'clin_er_01',
          reasonCode: 'covering-clinician',
          note: 'synthetic note',
          openedAt: 'x',
          expiresAt: '2026-03-01T14:00:00.000Z',
        },
      });

    it('tells every current holder of every role, in info, naming the code and never the note', () => {
      const history = [
        assign('clin_psy_01', 'attending-psychiatrist'),
        assign('clin_phys_01', 'physician'),
        assign('clin_phys_02', 'physician'),
        assign('clin_gone_01', 'physician', '2026-02-01T00:00:00.000Z'),
        opened(),
      ];
      const f = only(run(rules.emergencyAccessOpened, history), 'emergency-access-opened');
      expect(f).toMatchObject({
        severity: 'info',
        recipients: ['attending-psychiatrist', 'physician'],
        toEveryHolder: true,
        mentionsMedication: false,
      });
      expect(f.summary).toContain('clin_er_01');
      expect(f.summary).toContain('covering clinician');
      expect(`${f.summary}${f.detail}${f.evidence.facts.join()}`).not.toContain('synthetic note');
    });

    it('tells nobody when there is no care team, and fires on nothing else', () => {
      expect(run(rules.emergencyAccessOpened, [opened()])).toEqual([]);
      expect(run(rules.emergencyAccessOpened, [assign('clin_psy_01', 'attending-psychiatrist')])).toEqual([]);
    });
  });
});
