import { evolve } from './timeline.evolve';
import { staffIdsNamedFor, viewOf } from './timeline.access';
import { readableTime, sentenceOf } from './timeline-sentence';
import type { TimelineSourceEvent } from './timeline-entry';
import { TIMELINE_EVENT_TYPES } from './timeline.evolve';

const member = 'mbr_unit_000001';
const event = (type: string, payload: object): TimelineSourceEvent => ({
  eventId: `${type}-1`,
  type,
  occurredAt: '2026-03-10T09:00:00.000Z',
  subject: member,
  payload,
});
const medication = (more: object) =>
  evolve(
    [],
    event('MedicationChanged', {
      medicationId: 'm1',
      change: 'started',
      rxnormIngredient: '36437',
      classes: ['ssri'],
      classified: true,
      prescriberId: 'clin_synthetic_psy_01',
      changedAt: '2026-03-10T09:00:00.000Z',
      ...more,
    }),
  )[0]!;
const CLINICIAN = { role: 'clinician' } as const;
const FACILITATOR = { role: 'facilitator', consentToShareMedication: false } as const;

describe('timeline sentences', () => {
  it('names the drug, its class and prescriber to the care team, and only the class to a facilitator', () => {
    const entry = medication({});
    expect(sentenceOf(entry, 'full')).toBe('Sertraline, antidepressant (SSRI), started by clin_synthetic_psy_01');
    expect(sentenceOf(entry, 'minimum')).toBe('Antidepressant (SSRI) started');
    expect(viewOf(entry, FACILITATOR).sentence).toBe('Antidepressant (SSRI) started');
    expect(viewOf(entry, CLINICIAN).sentence).toContain('Sertraline');
    expect(viewOf(entry, { ...FACILITATOR, consentToShareMedication: true }).sentence).toContain('Sertraline');
  });

  it('gives the care team the daily dose and the prescriber by name, and a facilitator neither', () => {
    const entry = medication({ dailyDose: 50, doseUnit: 'mg/day' });
    const names = { clin_synthetic_psy_01: 'Dr Ada Example' };
    expect(sentenceOf(entry, 'full', names)).toBe(
      'Sertraline, antidepressant (SSRI), 50 mg/day, started by Dr Ada Example',
    );
    expect(sentenceOf(entry, 'full')).toBe(
      'Sertraline, antidepressant (SSRI), 50 mg/day, started by clin_synthetic_psy_01',
    );
    expect(sentenceOf(entry, 'minimum', names)).toBe('Antidepressant (SSRI) started');
    expect(viewOf(entry, CLINICIAN, names).sentence).toBe(
      'Sertraline, antidepressant (SSRI), 50 mg/day, started by Dr Ada Example',
    );
    expect(viewOf(entry, { ...FACILITATOR, consentToShareMedication: true }, names).sentence).toContain(
      '50 mg/day, started by Dr Ada Example',
    );
    // Even handed the names, a facilitator without the member's consent reads the class only.
    const redacted = viewOf(entry, FACILITATOR, names);
    expect(redacted.sentence).toBe('Antidepressant (SSRI) started');
    expect(JSON.stringify(redacted)).not.toMatch(/sertraline|50|mg|Ada|clin_synthetic_psy_01|prescriber/i);
  });

  it('says a dose change with the new dose, a patch in mcg/h, and leaves out a dose the event does not carry', () => {
    expect(sentenceOf(medication({ change: 'dose-changed', dailyDose: 100, doseUnit: 'mg/day' }), 'full')).toBe(
      'Sertraline, antidepressant (SSRI), dose changed to 100 mg/day by clin_synthetic_psy_01',
    );
    expect(
      sentenceOf(
        medication({ rxnormIngredient: '4337', classes: ['opioid'], dailyDose: 12.5, doseUnit: 'mcg/h' }),
        'full',
      ),
    ).toBe('Fentanyl, pain medicine (opioid), 12.5 mcg/h, started by clin_synthetic_psy_01');
    expect(sentenceOf(medication({ dailyDose: null, doseUnit: null }), 'full')).toBe(
      'Sertraline, antidepressant (SSRI), started by clin_synthetic_psy_01',
    );
    expect(sentenceOf(medication({ dailyDose: 2, doseUnit: 'tablet' }), 'full')).not.toMatch(/tablet|\b2\b/);
    expect(sentenceOf(medication({ prescriberId: 'constructor' }), 'full', {})).toMatch(/by constructor$/);
  });

  it('looks up only the prescribers of medication changes the reader sees in full', () => {
    const started = medication({});
    const other = medication({ prescriberId: 'clin_synthetic_psy_02' });
    const enrolled = evolve([], event('MemberEnrolled', { groupId: 'grp_x', referralId: 'r1' }))[0]!;
    expect(staffIdsNamedFor([started, other, started, enrolled], CLINICIAN)).toEqual([
      'clin_synthetic_psy_01',
      'clin_synthetic_psy_02',
    ]);
    expect(staffIdsNamedFor([started, other], FACILITATOR)).toEqual([]);
    expect(staffIdsNamedFor([started], { ...FACILITATOR, consentToShareMedication: true })).toEqual([
      'clin_synthetic_psy_01',
    ]);
    expect(staffIdsNamedFor([medication({ prescriberId: null })], CLINICIAN)).toEqual([]);
  });

  it('derives the class from the ingredient when the event names none, and says "a medicine" only when nothing does', () => {
    expect(sentenceOf(medication({ classes: [], change: 'dose-changed' }), 'minimum')).toBe(
      'Antidepressant (SSRI) dose changed',
    );
    expect(sentenceOf(medication({ rxnormIngredient: '10689', classes: [] }), 'full')).toBe(
      'Tramadol, pain medicine (opioid), started by clin_synthetic_psy_01',
    );
    const unknown = medication({ rxnormIngredient: null, classes: [], classified: false, prescriberId: null });
    expect(sentenceOf(unknown, 'minimum')).toBe('A medicine started');
    expect(sentenceOf(unknown, 'full')).toBe('Another medicine (named in the medication list) started');
    expect(sentenceOf(unknown, 'full')).not.toMatch(/unclassified/);
  });

  it('writes dates for people and no field names, codes or JSON for any event type', () => {
    const payload = {
      groupId: 'grp_x',
      sequence: 3,
      startsAt: '2026-03-12T18:00:00.000Z',
      start: '2026-03-12T18:00:00.000Z',
      status: 'attended-online',
      sessionsAttended: 4,
      doseSessions: 6,
      sessionsRemaining: 2,
      instrument: 'phq-9',
      total: 14,
      band: 'moderate',
      point: 'baseline',
      from: 14,
      to: 8,
      rule: 'therapeutic-overload',
      severity: 'warning',
      recipientRole: 'facilitator',
      alertId: 'a1',
      kind: 'cbt',
      contactKind: 'psychiatry',
      role: 'attending-psychiatrist',
      reason: 'moved-away',
      change: 'started',
      plan: 'cbt-course',
    };
    for (const type of TIMELINE_EVENT_TYPES) {
      for (const entry of evolve([], event(type, payload))) {
        for (const audience of ['full', 'minimum'] as const) {
          const sentence = sentenceOf(entry, audience);
          expect(sentence).not.toMatch(/[a-z][A-Z]|[{}"]|\d{4}-\d{2}-\d{2}T|undefined|null/);
          expect(sentence.length).toBeGreaterThan(5);
        }
      }
    }
    expect(sentenceOf(evolve([], event('SessionScheduled', payload))[0]!, 'full')).toBe(
      'Group session 3 scheduled for 12 Mar 2026, 18:00 UTC',
    );
    expect(sentenceOf(evolve([], event('AttendanceRecorded', payload))[0]!, 'full')).toBe(
      'Attended a group session online (4 attended so far)',
    );
    expect(sentenceOf(evolve([], event('MeasureRecorded', payload))[0]!, 'minimum')).toBe(
      'PHQ-9 score 14 (moderate), baseline',
    );
  });

  it('tells a facilitator of a safety concern without the answer', () => {
    const [entry] = evolve([], event('SuicidalIdeationReported', { item9: 2, administeredAt: '2026-03-10T09:00:00Z' }));
    expect(sentenceOf(entry!, 'minimum')).toBe('Safety concern reported: psychiatrist notified today');
    expect(sentenceOf(entry!, 'minimum')).not.toMatch(/item 9|2/);
  });

  it('leaves an unreadable time as it came', () => {
    expect(readableTime('not a time')).toBe('not a time');
    expect(readableTime('2026-01-05T07:09:00.000Z')).toBe('5 Jan 2026, 07:09 UTC');
  });
});
