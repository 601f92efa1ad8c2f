import type { ReferralDetails } from '../referral/referral';
import type { ScreeningFacts } from '../screening/screening';
import type { EhrEvidence, NotedEvidence } from './ehr-intake';

/** The referrer of an EHR referral whose ServiceRequest named no practitioner (or that was received before the gateway named them). */
export const EHR_REFERRER = 'ehr-referrer-unknown';

/** What is still missing before an EHR referral can be screened. */
export type MissingScreeningFact = 'phq9-total' | 'phq9-item9';

export type AssembledScreening =
  { kind: 'complete'; facts: ScreeningFacts } | { kind: 'awaiting'; missing: MissingScreeningFact[] };

type Scores = Extract<EhrEvidence, { kind: 'scores' }>;

/**
 * The screening facts a member's EHR evidence adds up to, in whatever order it arrived.
 *
 * Screening waits for a PHQ-9 total with its item 9 (the self-harm question): a total without item 9
 * can neither clear a member nor hold them, and a clinician would rather see "awaiting PHQ-9 item 9"
 * than an "eligible" that never asked it. A total of 0 answers item 9 (0) too. Item 9 counts only if
 * it was asked at the latest total's administration or later, so an old answer never vouches for a
 * new, higher total. GAD-7 and the diagnoses are used when known; findings the EHR does not code
 * (impulsivity, acute psychogenic disorder, current intent) count as absent, as on a referral form
 * that leaves them unticked, and a later re-screen by staff can state them.
 */
export function assembleScreeningFacts(evidence: readonly NotedEvidence[]): AssembledScreening {
  const scores = evidence.map((noted) => noted.evidence).filter((e): e is Scores => e.kind === 'scores');
  const total = latest(scores, (s) => s.phq9Total);
  const item9 = total?.value === 0 ? { value: 0 } : latest(scores, (s) => s.phq9Item9, total?.at);
  const missing: MissingScreeningFact[] = [
    ...(total ? [] : ['phq9-total' as const]),
    ...(item9 ? [] : ['phq9-item9' as const]),
  ];
  if (!total || !item9) return { kind: 'awaiting', missing };
  const gad7 = latest(scores, (s) => s.gad7);
  const diagnoses = evidence.flatMap((noted) => (noted.evidence.kind === 'diagnosis' ? [noted.evidence] : []));
  return {
    kind: 'complete',
    facts: {
      conditions: [...new Set(diagnoses.flatMap((d) => (d.conditionCategory ? [d.conditionCategory] : [])))].sort(),
      phq9: { total: total.value, item9: item9.value },
      ...(gad7 ? { gad7: gad7.value } : {}),
      ptsdDiagnosis: diagnoses.some((d) => d.finding === 'ptsd'),
      psychosisOrAcuteMania: diagnoses.some((d) => d.finding === 'psychosis-or-acute-mania'),
      highImpulsivity: false,
      acutePsychogenicDisorder: false,
      suicidalOrHomicidalIntent: false,
    },
  };
}

/** The most recently administered value (a later-noted one wins a tie), optionally not older than `notBefore`. */
function latest(
  scores: readonly Scores[],
  pick: (scores: Scores) => number | undefined,
  notBefore?: string,
): { value: number; at: string } | undefined {
  let found: { value: number; at: string } | undefined;
  for (const score of scores) {
    const value = pick(score);
    if (value === undefined || (notBefore !== undefined && score.administeredAt < notBefore)) continue;
    if (!found || score.administeredAt >= found.at) found = { value, at: score.administeredAt };
  }
  return found;
}

/**
 * The referral an active EHR ServiceRequest stands for. Its id is the gateway's pseudonymous resource
 * id (a UUID, the same for every revision), so each revision lands on the same referral. The referrer
 * is the requester's staff id; once received, the referral keeps the referrer it was received with
 * (a revision naming another requester does not make it another referral). The ServiceRequest says
 * nothing about modality: `hybrid` is matching's "open to either".
 */
export function ehrReferralDetails(
  memberId: string,
  noted: NotedEvidence & { evidence: Extract<EhrEvidence, { kind: 'referral' }> },
  received?: Pick<ReferralDetails, 'referringClinicianId'>,
): ReferralDetails {
  const { wantedGroupType, wantedCondition, requesterId } = noted.evidence;
  return {
    referralId: noted.resourceId,
    memberId,
    referringClinicianId: received?.referringClinicianId ?? requesterId ?? EHR_REFERRER,
    wantedGroupType,
    ...(wantedCondition ? { wantedCondition } : {}),
    modalityPreference: 'hybrid',
    memberRole: 'patient',
  };
}

/**
 * The facts to re-screen with when EHR evidence changes after a referral was screened: the EHR's
 * latest scores and diagnoses, and what only staff state (PCL-5, impulsivity, acute disorder, current
 * intent, counseling in place) kept from the standing screening. The age is the EHR's when the
 * referral carries one (computed from the birth date the EHR holds), else the one staff stated. A
 * finding once stated is cleared by a staff re-screen only, never by an EHR feed that merely stopped
 * mentioning it.
 */
export function withStandingFacts(ehr: ScreeningFacts, standing: ScreeningFacts | undefined): ScreeningFacts {
  if (!standing) return ehr;
  const age = ehr.age ?? standing.age;
  return {
    ...ehr,
    ...(age !== undefined ? { age } : {}),
    ...(standing.pcl5 !== undefined ? { pcl5: standing.pcl5 } : {}),
    ...(standing.individualCounselingInPlace !== undefined
      ? { individualCounselingInPlace: standing.individualCounselingInPlace }
      : {}),
    conditions: [...new Set([...standing.conditions, ...ehr.conditions])].sort(),
    ptsdDiagnosis: ehr.ptsdDiagnosis || standing.ptsdDiagnosis,
    psychosisOrAcuteMania: ehr.psychosisOrAcuteMania || standing.psychosisOrAcuteMania,
    highImpulsivity: standing.highImpulsivity,
    acutePsychogenicDisorder: standing.acutePsychogenicDisorder,
    suicidalOrHomicidalIntent: standing.suicidalOrHomicidalIntent,
  };
}
