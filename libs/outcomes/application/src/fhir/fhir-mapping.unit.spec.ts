import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Observation, Questionnaire, QuestionnaireResponse } from '@medplum/fhirtypes';
import { defaultOutcomesConfig, scoreMeasure } from '@carecircle/outcomes/domain';
import { measureToObservation, phq9AnswersToQuestionnaireResponse, questionnaireResponseToPhq9Answers } from './fhir-mapping';

const examples = join(__dirname, '../../../../../../shared/data/fhir-examples');
const example = <T>(file: string) => JSON.parse(readFileSync(join(examples, file), 'utf8')) as T;

describe('FHIR mapping of measures', () => {
  it("reads a response to the official PHQ-9 Questionnaire example by its linkIds and LL358-3 answer codes", () => {
    const questionnaire = example<Questionnaire>('Questionnaire-phq-9-questionnaire.json');
    const codes = ['LA6569-3', 'LA6570-1', 'LA6571-9', 'LA6568-5', 'LA6569-3', 'LA6569-3', 'LA6570-1', 'LA6568-5'];
    const choiceItems = (questionnaire.item ?? []).filter((item) => item.type === 'choice' && item.code?.[0]?.code !== '44256-6');
    const response: QuestionnaireResponse = {
      resourceType: 'QuestionnaireResponse',
      status: 'completed',
      item: [
        ...choiceItems.map((item, i) => ({ linkId: item.linkId!, answer: [{ valueCoding: { system: 'http://loinc.org', code: codes[i]! } }] })),
        { linkId: '44260-8', answer: [{ valueInteger: 1 }] },
      ],
    };
    const answers = questionnaireResponseToPhq9Answers(response);
    expect(answers).toEqual([1, 2, 3, 0, 1, 1, 2, 0, 1]);
    expect(scoreMeasure('phq-9', { kind: 'answers', answers: answers as number[] }, defaultOutcomesConfig)).toEqual({ total: 11, band: 'moderate', item9: 1 });
  });

  it('leaves an unanswered item null (the official example has no item 9), so the scorer names it', () => {
    const questionnaire = example<Questionnaire>('Questionnaire-phq-9-questionnaire.json');
    const response: QuestionnaireResponse = {
      resourceType: 'QuestionnaireResponse',
      status: 'completed',
      item: (questionnaire.item ?? []).filter((item) => item.type === 'choice').map((item) => ({ linkId: item.linkId!, answer: [{ valueInteger: 1 }] })),
    };
    const answers = questionnaireResponseToPhq9Answers(response) as (number | null)[];
    expect(answers[8]).toBeNull();
    expect(scoreMeasure('phq-9', { kind: 'answers', answers }, defaultOutcomesConfig)).toMatchObject({ field: 'answers[8]', message: expect.stringMatching(/item 9 /) });
  });

  it('refuses an official QuestionnaireResponse example that is not a PHQ-9', () => {
    expect(questionnaireResponseToPhq9Answers(example<QuestionnaireResponse>('QuestionnaireResponse-f201.json'))).toMatchObject({ code: 'outcomes.fhir-not-phq9' });
  });

  it('round-trips item answers through a QuestionnaireResponse', () => {
    const answers = [3, 3, 2, 2, 1, 1, 1, 1, 0];
    expect(questionnaireResponseToPhq9Answers(phq9AnswersToQuestionnaireResponse('mbr_synthetic_0001', answers, '2026-03-09T10:00:00Z'))).toEqual(answers);
  });

  it('maps a PHQ-9 total to a survey Observation shaped like the official examples, with item 9 as a component', () => {
    const official = example<Observation>('Observation-example.json');
    const observation = measureToObservation('mbr_synthetic_0001', {
      measureId: 'c1f0a9e2-4b7d-4c11-9e0a-6b2d3f4a5e10',
      instrument: 'phq-9',
      total: 14,
      band: 'moderate',
      item9: 0,
      point: 'baseline',
      administeredAt: '2026-03-09T10:00:00.000Z',
      administeredBy: 'clin_synthetic_psy_01',
      groupId: null,
    });
    expect(Object.keys(observation).filter((key) => !(key in official) && !['identifier', 'performer', 'interpretation', 'component'].includes(key))).toEqual([]);
    expect(observation.category?.[0]?.coding?.[0]).toMatchObject({ system: official.category?.[0]?.coding?.[0]?.system, code: 'survey' });
    expect(observation.code.coding?.[0]).toMatchObject({ system: 'http://loinc.org', code: '44261-6' });
    expect(observation.valueQuantity).toMatchObject({ value: 14, code: '{score}' });
    expect(observation.component?.[0]).toMatchObject({ code: { coding: [{ code: '44260-8' }] }, valueInteger: 0 });
    expect(JSON.stringify(observation)).not.toMatch(/Patient\//);
  });

  it('uses LOINC 70274-6 for GAD-7 and a stated local system elsewhere', () => {
    const base = { measureId: 'x', total: 10, band: 'moderate', item9: null, point: 'end', administeredAt: '2026-03-09T10:00:00Z', administeredBy: 'c', groupId: null } as const;
    expect(measureToObservation('mbr_x', { ...base, instrument: 'gad-7' }).code.coding?.[0]?.code).toBe('70274-6');
    expect(measureToObservation('mbr_x', { ...base, instrument: 'pcl-5' }).code.coding?.[0]?.system).toBe('https://carecircle.example/fhir/CodeSystem/outcomes-instrument');
  });
});
