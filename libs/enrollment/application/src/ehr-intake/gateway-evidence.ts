import type {
  ConditionRecorded,
  ConsentReceived,
  EventOf,
  ObservationRecorded,
  QuestionnaireAnswered,
  ReferralRequested,
} from '@carecircle/contracts';
import type {
  ConsentKind,
  DiagnosedFinding,
  EhrConsentState,
  EhrEvidence,
  EhrReferralState,
} from '@carecircle/enrollment/domain';

/**
 * Pure mappings from the gateway's FHIR-derived ingest payloads to the evidence enrollment keeps.
 * Only codes listed here count; any other code is "says nothing to enrollment" (`retracted`, which
 * the intake ignores for a resource it never noted). Nothing here logs.
 */
const SNOMED = 'http://snomed.info/sct';
const LOINC = 'http://loinc.org';

/**
 * SNOMED CT codes of a ServiceRequest that refer to a support group. The contract fixture's code is
 * the default; a site adds its own through `ENROLLMENT_EHR_REFERRAL_CODES`.
 */
export const DEFAULT_EHR_REFERRAL_CODES: readonly string[] = ['1259213000'];

/** Condition categories disease-specific groups are formed for, by SNOMED CT code (as Synthea and EHRs code them). */
const CONDITION_CATEGORY: Readonly<Record<string, string>> = {
  '363346000': 'cancer', // Malignant neoplastic disease
  '93761005': 'cancer', // Primary malignant neoplasm of colon
  '109838007': 'cancer', // Overlapping malignant neoplasm of colon
  '363406005': 'cancer', // Malignant tumor of colon
  '94260004': 'cancer', // Secondary malignant neoplasm of colon
  '254637007': 'cancer', // Non-small cell lung cancer
  '254632001': 'cancer', // Small cell carcinoma of lung
  '254837009': 'cancer', // Malignant neoplasm of breast
};

/** Diagnoses that are screening findings (DOMAIN.md's screening table). */
const FINDING: Readonly<Record<string, DiagnosedFinding>> = {
  '47505003': 'ptsd', // Posttraumatic stress disorder
  '69322001': 'psychosis-or-acute-mania', // Psychotic disorder
  '58214004': 'psychosis-or-acute-mania', // Schizophrenia
  '231494001': 'psychosis-or-acute-mania', // Mania
};

/** LOINC: PHQ-9 total (0-27), PHQ-9 item 9 (0-3, the self-harm question), GAD-7 total (0-21). */
const PHQ9_TOTAL = '44261-6';
const PHQ9_ITEM9 = '44260-8';
const GAD7_TOTAL = '70274-6';
const PHQ9_QUESTIONNAIRE = 'http://loinc.org/q/44249-1';
/** PHQ-9 items 1-9 by LOINC code and the official Questionnaire's linkId (item 9 last). */
const PHQ9_ITEMS: readonly (readonly [loinc: string, linkId: string])[] = [
  ['44250-9', 'LittleInterest'],
  ['44255-8', 'FeelingDown'],
  ['44259-0', 'TroubleSleeping'],
  ['44254-1', 'FeelingTired'],
  ['44251-7', 'BadAppetite'],
  ['44258-2', 'FeelingBadAboutSelf'],
  ['44252-5', 'TroubleConcentrating'],
  ['44253-3', 'MovingSpeaking'],
  [PHQ9_ITEM9, 'ThoughtsOfSelfHarm'],
];
/** LOINC answer list LL358-3: not at all … nearly every day. */
const LL358_3: Readonly<Record<string, number>> = { 'LA6568-5': 0, 'LA6569-3': 1, 'LA6570-1': 2, 'LA6571-9': 3 };

const RETRACTED: EhrEvidence = { kind: 'retracted' };
const SCORED_OBSERVATION = new Set(['final', 'amended', 'corrected']);
const ANSWERED = new Set(['completed', 'amended']);
const ENDED_CONDITION = new Set(['inactive', 'resolved', 'remission']);
const NOT_A_DIAGNOSIS = new Set(['refuted', 'entered-in-error']);

const snomedCodes = (codes: readonly { system?: string | undefined; code: string }[]) =>
  codes.filter((c) => c.system === SNOMED).map((c) => c.code);
const inRange = (value: number | undefined, max: number) =>
  value !== undefined && Number.isInteger(value) && value >= 0 && value <= max ? value : undefined;

/** FHIR date/dateTime (partial allowed) as an ISO instant, so administrations order by time; missing: the event's own time. */
export function administeredAt(value: string | undefined, fallback: string): string {
  const padded = value && /^\d{4}(-\d{2})?$/.test(value) ? `${value}-01-01`.slice(0, 10) : value;
  const parsed = padded ? new Date(padded) : undefined;
  return (parsed && !Number.isNaN(parsed.getTime()) ? parsed : new Date(fallback)).toISOString();
}

/**
 * A ServiceRequest: a referral to a support group (by its code), the group wanted from its reason
 * codes, the requester's staff id and the member's age at referral when the gateway sent them.
 */
export function referralEvidence(
  payload: EventOf<typeof ReferralRequested>['payload'],
  referralCodes: readonly string[] = DEFAULT_EHR_REFERRAL_CODES,
): EhrEvidence {
  if (!snomedCodes(payload.codes).some((code) => referralCodes.includes(code))) return RETRACTED;
  const condition = snomedCodes(payload.reasonCodes)
    .map((code) => CONDITION_CATEGORY[code])
    .find(Boolean);
  return {
    kind: 'referral',
    state: referralState(payload.status, payload.intent),
    ...(condition
      ? { wantedGroupType: 'disease-specific', wantedCondition: condition }
      : { wantedGroupType: 'general-emotional-support' }),
    ...(payload.requesterId ? { requesterId: payload.requesterId } : {}),
    ...(payload.ageAtReferral !== undefined ? { ageAtReferral: payload.ageAtReferral } : {}),
  };
}

function referralState(status: string, intent: string): EhrReferralState {
  if (status === 'revoked' || status === 'entered-in-error') return { cancelled: status };
  if (status === 'completed') return 'completed';
  // A proposal or plan is not yet a referral; draft, on-hold and unknown wait for the EHR's next revision.
  return status === 'active' && intent !== 'proposal' && intent !== 'plan' ? 'active' : 'pending';
}

/** A PHQ-9 total, PHQ-9 item 9 or GAD-7 total Observation with a value in the instrument's range. */
export function observationEvidence(event: EventOf<typeof ObservationRecorded>): EhrEvidence {
  const { payload } = event;
  if (!SCORED_OBSERVATION.has(payload.status)) return RETRACTED;
  const loinc = new Set(payload.codes.filter((c) => c.system === LOINC).map((c) => c.code));
  const at = administeredAt(payload.effective, event.occurredAt);
  const value = payload.value?.value;
  const [measure, max] = loinc.has(PHQ9_TOTAL)
    ? (['phq9Total', 27] as const)
    : loinc.has(PHQ9_ITEM9)
      ? (['phq9Item9', 3] as const)
      : loinc.has(GAD7_TOTAL)
        ? (['gad7', 21] as const)
        : [];
  const score = measure ? inRange(value, max) : undefined;
  // An unscorable value (missing, out of range) says nothing, and retracts what an earlier revision said.
  return measure && score !== undefined ? { kind: 'scores', administeredAt: at, [measure]: score } : RETRACTED;
}

/** A completed PHQ-9 QuestionnaireResponse: the total (given, or the sum of all nine items) and item 9 when answered. */
export function questionnaireEvidence(event: EventOf<typeof QuestionnaireAnswered>): EhrEvidence {
  const { payload } = event;
  if (payload.questionnaire?.split('|')[0] !== PHQ9_QUESTIONNAIRE || !ANSWERED.has(payload.status)) return RETRACTED;
  const answer = (...linkIds: string[]) => {
    const found = payload.answers.find((a) => linkIds.includes(a.linkId));
    const value =
      typeof found?.value === 'number'
        ? found.value
        : typeof found?.value === 'object'
          ? LL358_3[found.value.code]
          : undefined;
    return inRange(value, 3);
  };
  const items = PHQ9_ITEMS.map(([loinc, linkId]) => answer(loinc, linkId));
  const given = payload.answers.find((a) => a.linkId === PHQ9_TOTAL);
  const answered = items.filter((v): v is number => v !== undefined);
  const phq9Total =
    inRange(typeof given?.value === 'number' ? given.value : undefined, 27) ??
    (answered.length === items.length ? answered.reduce((sum, v) => sum + v, 0) : undefined);
  const phq9Item9 = items[8];
  if (phq9Total === undefined && phq9Item9 === undefined) return RETRACTED;
  return {
    kind: 'scores',
    administeredAt: administeredAt(payload.authored, event.occurredAt),
    ...(phq9Total !== undefined ? { phq9Total } : {}),
    ...(phq9Item9 !== undefined ? { phq9Item9 } : {}),
  };
}

/** An active, not refuted Condition that is a screening finding or a condition category groups are formed for. */
export function conditionEvidence(payload: EventOf<typeof ConditionRecorded>['payload']): EhrEvidence {
  if (ENDED_CONDITION.has(payload.clinicalStatus ?? '') || NOT_A_DIAGNOSIS.has(payload.verificationStatus ?? ''))
    return RETRACTED;
  const codes = snomedCodes(payload.codes);
  const finding = codes.map((code) => FINDING[code]).find(Boolean);
  const conditionCategory = codes.map((code) => CONDITION_CATEGORY[code]).find(Boolean);
  if (!finding && !conditionCategory) return RETRACTED;
  return { kind: 'diagnosis', ...(finding ? { finding } : {}), ...(conditionCategory ? { conditionCategory } : {}) };
}

/** FHIR consent scope (http://terminology.hl7.org/CodeSystem/consentscope) and LOINC document categories. */
const CONSENT_SCOPE = 'http://terminology.hl7.org/CodeSystem/consentscope';
const SCOPE_KIND: Readonly<Record<string, ConsentKind>> = {
  treatment: 'treatment',
  'patient-privacy': 'confidentiality-agreement',
};
const CATEGORY_KIND: Readonly<Record<string, ConsentKind>> = {
  '57016-8': 'confidentiality-agreement', // Privacy policy acknowledgment Document
  '59284-0': 'treatment', // Consent Document
  '64292-6': 'treatment', // Release of information consent (fallback)
};
const WITHDRAWN_CONSENT = new Set(['inactive', 'rejected', 'entered-in-error']);

/**
 * A FHIR Consent as the consent enrollment requires before placement. The kind comes from the scope
 * (`treatment`, `patient-privacy`), else from a LOINC category (57016-8 confidentiality; 59284-0, then
 * 64292-6, treatment). Active with a permit (or no) provision whose period has not ended at `now` grants it;
 * inactive, rejected, entered in error, a deny provision or an ended period withdraws it (a grant keeps its
 * period's future end as `endsAt`, when it lapses); draft and proposed
 * change nothing yet. A Consent of any other scope (research, advance directive) says nothing to enrollment.
 */
export function consentEvidence(event: EventOf<typeof ConsentReceived>, now: Date): EhrEvidence {
  const { payload } = event;
  const scoped = payload.scope
    .filter((c) => c.system === undefined || c.system === CONSENT_SCOPE)
    .map((c) => SCOPE_KIND[c.code])
    .find(Boolean);
  const otherScope = payload.scope.length > 0 && !scoped;
  const categories = payload.categories.filter((c) => c.system === undefined || c.system === LOINC).map((c) => c.code);
  const categorised = ['57016-8', '59284-0', '64292-6']
    .filter((code) => categories.includes(code))
    .map((code) => CATEGORY_KIND[code])[0];
  const consent = scoped ?? (otherScope ? undefined : categorised);
  if (!consent) return RETRACTED;
  const state = consentState(payload, now);
  const endsAt = state === 'granted' ? periodEnd(payload, now) : undefined;
  return {
    kind: 'consent',
    consent,
    state,
    signedAt: administeredAt(payload.dateTime ?? payload.period?.start, event.occurredAt),
    ...(endsAt ? { endsAt: endsAt.toISOString() } : {}),
  };
}

function consentState(payload: EventOf<typeof ConsentReceived>['payload'], now: Date): EhrConsentState {
  if (WITHDRAWN_CONSENT.has(payload.status) || payload.provision === 'deny') return 'withdrawn';
  // Draft and proposed (or a status this version does not know) wait for the EHR's next revision.
  if (payload.status !== 'active') return 'pending';
  const endsAt = periodEnd(payload, now);
  return endsAt && endsAt < now ? 'withdrawn' : 'granted';
}

/** The provision period's end as an instant (a date-only end covers that whole day); none when absent or unreadable. */
function periodEnd(payload: EventOf<typeof ConsentReceived>['payload'], now: Date): Date | undefined {
  const end = payload.period?.end;
  const endsAt = end
    ? new Date(
        /^\d{4}(-\d{2})?(-\d{2})?$/.test(end)
          ? `${administeredAt(end, now.toISOString()).slice(0, 10)}T23:59:59.999Z`
          : end,
      )
    : undefined;
  return endsAt && !Number.isNaN(endsAt.getTime()) ? endsAt : undefined;
}
