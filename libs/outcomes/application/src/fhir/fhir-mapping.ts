import type { QuestionnaireResponse, QuestionnaireResponseItem } from '@medplum/fhirtypes';
import { CareCircleFhirSystems, LOINC } from '@carecircle/contracts';
import { domainError, type DomainError } from '@carecircle/shared-kernel';

export { LOINC };
/** Pseudonymous member ids; the gateway alone maps them to EHR Patients. */
export const CARECIRCLE_MEMBER_SYSTEM = CareCircleFhirSystems.member;

/**
 * PHQ-9 items by LOINC code, in order (item 9, 44260-8, is the self-harm question), with the linkIds
 * of the official FHIR PHQ-9 Questionnaire example for items 1-8.
 */
const PHQ9_ITEMS: readonly { loinc: string; linkId?: string }[] = [
  { loinc: '44250-9', linkId: 'LittleInterest' },
  { loinc: '44255-8', linkId: 'FeelingDown' },
  { loinc: '44259-0', linkId: 'TroubleSleeping' },
  { loinc: '44254-1', linkId: 'FeelingTired' },
  { loinc: '44251-7', linkId: 'BadAppetite' },
  { loinc: '44258-2', linkId: 'FeelingBadAboutSelf' },
  { loinc: '44252-5', linkId: 'TroubleConcentrating' },
  { loinc: '44253-3', linkId: 'MovingSpeaking' },
  { loinc: '44260-8', linkId: 'ThoughtsOfSelfHarm' },
];
/** LOINC answer list LL358-3: not at all … nearly every day. */
const LL358_3: Record<string, number> = { 'LA6568-5': 0, 'LA6569-3': 1, 'LA6570-1': 2, 'LA6571-9': 3 };

export const PHQ9_QUESTIONNAIRE = 'http://loinc.org/q/44249-1';

/** A PHQ-9 given as item answers, as a QuestionnaireResponse (linkIds of the official Questionnaire, item 9 ThoughtsOfSelfHarm). */
export function phq9AnswersToQuestionnaireResponse(
  memberId: string,
  answers: readonly number[],
  authored: string,
): QuestionnaireResponse {
  return {
    resourceType: 'QuestionnaireResponse',
    questionnaire: PHQ9_QUESTIONNAIRE,
    status: 'completed',
    subject: { identifier: { system: CARECIRCLE_MEMBER_SYSTEM, value: memberId } },
    authored,
    item: PHQ9_ITEMS.map((item, index) => ({
      linkId: item.linkId ?? item.loinc,
      answer: [{ valueInteger: answers[index]! }],
    })),
  };
}

/**
 * Reads a PHQ-9 QuestionnaireResponse into item answers (1-9). Items are found by the official
 * Questionnaire's linkIds or by their LOINC code used as linkId; answers as valueInteger or LL358-3
 * codings. An item left unanswered stays null, so the scorer names it.
 */
export function questionnaireResponseToPhq9Answers(response: QuestionnaireResponse): (number | null)[] | DomainError {
  if (response.status !== 'completed' && response.status !== 'amended') {
    return domainError(
      'rule-violation',
      'outcomes.fhir-response-not-completed',
      'Only a completed or amended QuestionnaireResponse can be scored.',
    );
  }
  const flat = flatten(response.item ?? []);
  const known = flat.filter((item) => PHQ9_ITEMS.some((p) => p.linkId === item.linkId || p.loinc === item.linkId));
  if (known.length === 0)
    return domainError('rule-violation', 'outcomes.fhir-not-phq9', 'The QuestionnaireResponse answers no PHQ-9 item.');
  const answers: (number | null)[] = [];
  for (const [index, item] of PHQ9_ITEMS.entries()) {
    const found = flat.find((i) => i.linkId === item.linkId || i.linkId === item.loinc);
    const answer = found?.answer?.[0];
    if (!answer) {
      answers.push(null);
      continue;
    }
    const value =
      answer.valueInteger ?? (answer.valueCoding?.code !== undefined ? LL358_3[answer.valueCoding.code] : undefined);
    if (value === undefined)
      return domainError(
        'rule-violation',
        'outcomes.fhir-answer-unreadable',
        `PHQ-9 item ${index + 1} has an answer that is neither an integer nor an LL358-3 code.`,
      );
    answers.push(value);
  }
  return answers;
}

function flatten(items: readonly QuestionnaireResponseItem[]): QuestionnaireResponseItem[] {
  return items.flatMap((item) => [item, ...flatten(item.item ?? [])]);
}
