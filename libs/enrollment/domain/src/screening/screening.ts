import type { Cadence, EnrollmentPolicy } from '../policy/enrollment-policy';

/** The clinical facts screening needs, as the referral (or a later re-screen) states them. */
export interface ScreeningFacts {
  /**
   * Years; screening itself does not use it, matching does (age bands). Referrals from the EHR carry
   * the age at referral the gateway computed (it keeps birth dates); without one, placement asks for a
   * re-screen that states it.
   */
  age?: number;
  /** Coded condition categories, e.g. "cancer"; used for matching disease-specific groups. */
  conditions: string[];
  phq9?: { total: number; item9: number };
  gad7?: number;
  pcl5?: number;
  ptsdDiagnosis: boolean;
  highImpulsivity: boolean;
  acutePsychogenicDisorder: boolean;
  suicidalOrHomicidalIntent: boolean;
  psychosisOrAcuteMania: boolean;
  /** Trauma-focused individual counseling is already under way (PTSD: group may run alongside it). */
  individualCounselingInPlace?: boolean;
}

/** Strongest first: the outcome of a screening is the strongest finding. */
export const SCREENING_OUTCOMES = [
  'psychiatric-evaluation-required',
  'placement-on-hold',
  'individual-counseling-first',
  'eligible-with-constraints',
  'eligible',
] as const;
export type ScreeningOutcome = (typeof SCREENING_OUTCOMES)[number];

export type ScreeningReasonCode =
  | 'acute-risk'
  | 'suicidal-ideation-item9'
  | 'ptsd'
  | 'ptsd-counseling-in-place'
  | 'severe-anxiety'
  | 'no-contraindication';

/** A finding and what it means, in words a facilitator understands. Never quotes the member's scores. */
export interface ScreeningReason {
  code: ScreeningReasonCode;
  outcome: ScreeningOutcome;
  text: string;
}

/** Limits placement applies to the groups it proposes. */
export interface PlacementConstraints {
  maxGroupSeats?: number;
  allowedCadences?: Cadence[];
}

export interface ScreeningResult {
  outcome: ScreeningOutcome;
  reasons: ScreeningReason[];
  constraints: PlacementConstraints;
}

/** Outcomes that allow placement in a group. */
export function allowsPlacement(outcome: ScreeningOutcome): boolean {
  return outcome === 'eligible' || outcome === 'eligible-with-constraints';
}

/** DOMAIN.md's screening table as a pure function: every finding becomes a reason; the strongest decides. */
export function screen(facts: ScreeningFacts, policy: EnrollmentPolicy): ScreeningResult {
  const reasons: ScreeningReason[] = [];
  const constraints: PlacementConstraints = {};
  const acute = [
    facts.highImpulsivity && 'high impulsivity',
    facts.acutePsychogenicDisorder && 'an acute psychogenic disorder',
    facts.suicidalOrHomicidalIntent && 'current suicidal or homicidal intent',
    facts.psychosisOrAcuteMania && 'psychosis or acute mania',
  ].filter((finding): finding is string => typeof finding === 'string');
  if (acute.length > 0) {
    reasons.push({
      code: 'acute-risk',
      outcome: 'psychiatric-evaluation-required',
      text: `The referral reports ${acute.join(', ')}. A group could make symptoms worse, so a psychiatrist must evaluate the member before any placement.`,
    });
  }
  if (facts.phq9 && facts.phq9.item9 > policy.phq9Item9HoldAbove) {
    reasons.push({
      code: 'suicidal-ideation-item9',
      outcome: 'placement-on-hold',
      text: 'The member reported thoughts of self-harm (PHQ-9 question 9). Placement is on hold and the psychiatrist gets a same-day task; a new screening can lift the hold.',
    });
  }
  if (facts.ptsdDiagnosis || (facts.pcl5 !== undefined && facts.pcl5 >= policy.ptsdPcl5Threshold)) {
    reasons.push(
      facts.individualCounselingInPlace
        ? {
            code: 'ptsd-counseling-in-place',
            outcome: 'eligible',
            text: 'Signs of PTSD, with trauma-focused individual counseling already under way: the group can run alongside it.',
          }
        : {
            code: 'ptsd',
            outcome: 'individual-counseling-first',
            text: `Signs of PTSD (a diagnosis, or PCL-5 of ${policy.ptsdPcl5Threshold} or more). Trauma-focused individual counseling comes first, or must be in place alongside, before group placement.`,
          },
    );
  }
  if (facts.gad7 !== undefined && facts.gad7 >= policy.severeAnxietyGad7Threshold) {
    constraints.maxGroupSeats = policy.smallGroupMaxSeats;
    constraints.allowedCadences = [...policy.lowFrequencyCadences];
    reasons.push({
      code: 'severe-anxiety',
      outcome: 'eligible-with-constraints',
      text: `Severe anxiety (GAD-7 of ${policy.severeAnxietyGad7Threshold} or more): only a small group (at most ${policy.smallGroupMaxSeats} members) meeting ${policy.lowFrequencyCadences.join(' or ')}.`,
    });
  }
  if (reasons.length === 0) {
    reasons.push({
      code: 'no-contraindication',
      outcome: 'eligible',
      text: 'No finding stands against group placement.',
    });
  }
  const outcome =
    SCREENING_OUTCOMES.find((candidate) => reasons.some((reason) => reason.outcome === candidate)) ?? 'eligible';
  return { outcome, reasons, constraints };
}
