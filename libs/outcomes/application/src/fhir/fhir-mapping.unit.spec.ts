import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Questionnaire, QuestionnaireResponse } from '@medplum/fhirtypes';
import { defaultOutcomesConfig, scoreMeasure } from '@carecircle/outcomes/domain';
import { phq9AnswersToQuestionnaireResponse, questionnaireResponseToPhq9Answers } from './fhir-mapping';

const examples = join(__dirname, '../../../../../../shared/data/fhir-examples');
const example = <T>(file: string) => JSON.parse(readFileSync(join(examples, file), 'utf8')) as T;

describe('FHIR mapping of measures', () => {
  it('reads a response to the official PHQ-9 Questionnaire example by its linkIds and LL358-3 answer codes', () => {
    const questionnaire = example<Questionnaire>('Questionnaire-phq-9-questionnaire.json');
    const codes = ['LA6569-3', 'LA6570-1', 'LA6571-9', 'LA6568-5', 'LA6569-3', 'LA6569-3', 'LA6570-1', 'LA6568-5'];
    const choiceItems = (questionnaire.item ?? []).filter(
      (item) => item.type === 'choice' && item.code?.[0]?.code !== '44256-6',
    );
    const response: QuestionnaireResponse = {
      resourceType: 'QuestionnaireResponse',
      status: 'completed',
      item: [
        ...choiceItems.map((item, i) => ({
          linkId: item.linkId!,
          answer: [{ valueCoding: { system: 'http://loinc.org', code: codes[i]! } }],
        })),
        { linkId: '44260-8', answer: [{ valueInteger: 1 }] },
      ],
    };
    const answers = questionnaireResponseToPhq9Answers(response);
    expect(answers).toEqual([1, 2, 3, 0, 1, 1, 2, 0, 1]);
    expect(scoreMeasure('phq-9', { kind: 'answers', answers: answers as number[] }, defaultOutcomesConfig)).toEqual({
      total: 11,
      band: 'moderate',
      item9: 1,
    });
  });

  it('leaves an unanswered item null (the official example has no item 9), so the scorer names it', () => {
    const questionnaire = example<Questionnaire>('Questionnaire-phq-9-questionnaire.json');
    const response: QuestionnaireResponse = {
      resourceType: 'QuestionnaireResponse',
      status: 'completed',
      item: (questionnaire.item ?? [])
        .filter((item) => item.type === 'choice')
        .map((item) => ({ linkId: item.linkId!, answer: [{ valueInteger: 1 }] })),
    };
    const answers = questionnaireResponseToPhq9Answers(response) as (number | null)[];
    expect(answers[8]).toBeNull();
    expect(scoreMeasure('phq-9', { kind: 'answers', answers }, defaultOutcomesConfig)).toMatchObject({
      field: 'answers[8]',
      message: expect.stringMatching(/item 9 /),
    });
  });

  it('refuses an official QuestionnaireResponse example that is not a PHQ-9', () => {
    expect(
      questionnaireResponseToPhq9Answers(example<QuestionnaireResponse>('QuestionnaireResponse-f201.json')),
    ).toMatchObject({ code: 'outcomes.fhir-not-phq9' });
  });

  it('round-trips item answers through a QuestionnaireResponse', () => {
    const answers = [3, 3, 2, 2, 1, 1, 1, 1, 0];
    expect(
      questionnaireResponseToPhq9Answers(
        phq9AnswersToQuestionnaireResponse('mbr_synthetic_0001', answers, '2026-03-09T10:00:00Z'),
      ),
    ).toEqual(answers);
  });
});
