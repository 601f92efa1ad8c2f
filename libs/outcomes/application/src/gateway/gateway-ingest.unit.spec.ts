import { gatewayFixtures, ObservationRecorded, QuestionnaireAnswered } from '@carecircle/contracts';
import { gatewayMeasureId, observationToMeasure, questionnaireToMeasure, toInstant } from './gateway-ingest';

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
const loinc = (code: string) => ({ system: 'http://loinc.org', code });

describe('gateway ingest mapping', () => {
  it('derives a stable UUID per resource and revision', () => {
    const id = gatewayMeasureId(gatewayFixtures.ObservationRecorded.payload.resourceId, 1);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(gatewayMeasureId(gatewayFixtures.ObservationRecorded.payload.resourceId, 1)).toBe(id);
    expect(gatewayMeasureId(gatewayFixtures.ObservationRecorded.payload.resourceId, 2)).not.toBe(id);
  });

  it('maps PHQ-9 and GAD-7 total Observations with a value, and ignores other codes, statuses and missing values', () => {
    expect(observationToMeasure(observation({}))).toEqual({
      kind: 'measure',
      instrument: 'phq-9',
      input: { kind: 'total', total: 12 },
      administeredAt: '2026-03-02T09:00:00.000Z',
    });
    expect(observationToMeasure(observation({ codes: [loinc('70274-6')], effective: '2026-03-02' }))).toMatchObject({
      instrument: 'gad-7',
      administeredAt: '2026-03-02T00:00:00.000Z',
    });
    expect(observationToMeasure(observation({ codes: [loinc('8867-4')] }))).toEqual({
      kind: 'ignored',
      reason: 'observation-code',
    });
    expect(observationToMeasure(observation({ codes: [{ code: '44261-6' }] }))).toMatchObject({ kind: 'ignored' });
    expect(observationToMeasure(observation({ status: 'preliminary' }))).toMatchObject({ kind: 'ignored' });
    expect(observationToMeasure(observation({ value: undefined }))).toMatchObject({
      kind: 'ignored',
      reason: 'observation-no-value',
    });
  });

  it('maps a PHQ-9 QuestionnaireResponse by linkId or LOINC item code, numeric or LL358-3 coded, with item 9', () => {
    const answers = [
      { linkId: 'LittleInterest', value: loinc('LA6571-9') },
      { linkId: '44255-8', value: 2 },
      ...[
        'TroubleSleeping',
        'FeelingTired',
        'BadAppetite',
        'FeelingBadAboutSelf',
        'TroubleConcentrating',
        'MovingSpeaking',
      ].map((linkId) => ({ linkId, value: 0 })),
      { linkId: 'ThoughtsOfSelfHarm', value: loinc('LA6570-1') },
      { linkId: 'consent-given', value: true },
    ];
    expect(questionnaireToMeasure(questionnaire({ answers }))).toEqual({
      kind: 'measure',
      instrument: 'phq-9',
      input: { kind: 'answers', answers: [3, 2, 0, 0, 0, 0, 0, 0, 2] },
      administeredAt: '2026-03-02T09:00:00.000Z',
    });
    // The fixture carries only the total (linkId 44261-6): recorded as a total.
    expect(questionnaireToMeasure(questionnaire({}))).toMatchObject({
      kind: 'measure',
      input: { kind: 'total', total: 12 },
    });
    expect(questionnaireToMeasure(questionnaire({ questionnaire: 'http://loinc.org/q/69737-5' }))).toEqual({
      kind: 'ignored',
      reason: 'questionnaire-not-phq9',
    });
    expect(questionnaireToMeasure(questionnaire({ status: 'in-progress', answers }))).toMatchObject({
      kind: 'ignored',
      reason: 'outcomes.fhir-response-not-completed',
    });
    expect(
      questionnaireToMeasure(questionnaire({ answers: [{ linkId: 'LittleInterest', value: loinc('LA-unknown') }] })),
    ).toMatchObject({ kind: 'ignored', reason: 'outcomes.fhir-answer-unreadable' });
  });

  it('reads partial FHIR dates and falls back to the event time', () => {
    expect(toInstant('2026', '2026-03-02T09:30:00.000Z')).toBe('2026-01-01T00:00:00.000Z');
    expect(toInstant('2026-04', '2026-03-02T09:30:00.000Z')).toBe('2026-04-01T00:00:00.000Z');
    expect(toInstant(undefined, '2026-03-02T09:30:00.000Z')).toBe('2026-03-02T09:30:00.000Z');
    expect(toInstant('2026-03-02T10:00:00+01:00', 'x')).toBe('2026-03-02T09:00:00.000Z');
  });
});
