import { domainError, isDomainError } from '@carecircle/shared-kernel';
import type { Band, Instrument, MeasureInput, OutcomesConfig, OpioidDose, Score, ScoringError } from './instrument';

interface ItemScale {
  items: number;
  min: number;
  max: number;
}

const SCALES: Record<Exclude<Instrument, 'opioid-mme'>, ItemScale> = {
  'phq-9': { items: 9, min: 0, max: 3 },
  'gad-7': { items: 7, min: 0, max: 3 },
  'pcl-5': { items: 20, min: 0, max: 4 },
  'zbi-22': { items: 22, min: 0, max: 4 },
  'whoqol-bref': { items: 26, min: 1, max: 5 },
  'fact-g': { items: 27, min: 0, max: 4 },
};

/** The highest total an instrument can reach (WHOQOL-BREF: its 0-100 domain mean). */
export const TOTAL_RANGE: Record<Exclude<Instrument, 'opioid-mme'>, number> = {
  'phq-9': 27,
  'gad-7': 21,
  'pcl-5': 80,
  'zbi-22': 88,
  'whoqol-bref': 100,
  'fact-g': 108,
};

function scoringError(code: string, field: string, message: string): ScoringError {
  return { ...domainError('rule-violation', `outcomes.${code}`, message), field };
}

/** Checks every answer is present and in range; returns the answers as integers or an error naming the item. */
function checkAnswers(
  instrument: Instrument,
  scale: ItemScale,
  answers: readonly (number | null | undefined)[],
): number[] | ScoringError {
  if (answers.length !== scale.items) {
    return scoringError(
      'wrong-item-count',
      'answers',
      `${instrument} has ${scale.items} items; ${answers.length} answers were given.`,
    );
  }
  const checked: number[] = [];
  for (const [index, answer] of answers.entries()) {
    const field = `answers[${index}]`;
    if (answer === null || answer === undefined)
      return scoringError('item-missing', field, `${instrument} item ${index + 1} is not answered.`);
    if (!Number.isInteger(answer) || answer < scale.min || answer > scale.max) {
      return scoringError(
        'item-out-of-range',
        field,
        `${instrument} item ${index + 1} must be a whole number from ${scale.min} to ${scale.max}.`,
      );
    }
    checked.push(answer);
  }
  return checked;
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

// Bands -------------------------------------------------------------------------------------------

export function bandOf(instrument: Instrument, total: number, config: OutcomesConfig): Band {
  switch (instrument) {
    case 'phq-9': {
      const b = config.phq9Bands;
      if (total >= b.severe) return 'severe';
      if (total >= b.moderatelySevere) return 'moderately-severe';
      if (total >= b.moderate) return 'moderate';
      return total >= b.mild ? 'mild' : 'minimal';
    }
    case 'gad-7': {
      const b = config.gad7Bands;
      if (total >= b.severe) return 'severe';
      if (total >= b.moderate) return 'moderate';
      return total >= b.mild ? 'mild' : 'minimal';
    }
    case 'pcl-5':
      return total >= config.pcl5ProvisionalPtsd ? 'provisional-ptsd' : 'below-threshold';
    case 'zbi-22': {
      const b = config.zbi22Bands;
      if (total >= b.severe) return 'severe';
      if (total >= b.moderateSevere) return 'moderate-severe';
      return total >= b.mildModerate ? 'mild-moderate' : 'little-or-none';
    }
    case 'opioid-mme':
      if (total >= config.mmeBands.warning) return '90-or-more';
      return total >= config.mmeBands.info ? '50-to-89' : 'below-50';
    case 'whoqol-bref':
    case 'fact-g':
      return 'not-banded';
  }
}

// Instrument-specific totals ---------------------------------------------------------------------

/** WHOQOL-BREF (WHO 1996 scoring manual): items 3, 4 and 26 reversed (6 - x); domain = mean × 4, then (raw - 4) × 100 / 16. */
const WHOQOL_DOMAINS = {
  physical: [3, 4, 10, 15, 16, 17, 18],
  psychological: [5, 6, 7, 11, 19, 26],
  social: [20, 21, 22],
  environment: [8, 9, 12, 13, 14, 23, 24, 25],
} as const;
const WHOQOL_REVERSED = new Set([3, 4, 26]);

function whoqolDomains(answers: readonly number[]): Record<string, number> {
  const item = (n: number) => (WHOQOL_REVERSED.has(n) ? 6 - answers[n - 1]! : answers[n - 1]!);
  const domains: Record<string, number> = {};
  for (const [name, items] of Object.entries(WHOQOL_DOMAINS)) {
    const raw = (sum(items.map(item)) / items.length) * 4;
    domains[name] = round((raw - 4) * (100 / 16), 2);
  }
  return domains;
}

/**
 * FACT-G v4: 27 items in order GP1-7 (physical), GS1-7 (social), GE1-6 (emotional), GF1-7 (functional).
 * Negatively worded items are reversed (4 - x): all of GP, and GE1, GE3-GE6 (GE2 is positive).
 */
function factGTotal(answers: readonly number[]): number {
  const reversed = (index: number) => index < 7 || (index >= 14 && index < 20 && index !== 15);
  return sum(answers.map((answer, index) => (reversed(index) ? 4 - answer : answer)));
}

/** CDC: MME/day = sum of daily dose × conversion factor (fentanyl patch: mcg/h × 2.4). */
export function opioidMme(medications: readonly OpioidDose[], config: OutcomesConfig): number | ScoringError {
  for (const [index, medication] of medications.entries()) {
    if (!(medication.opioid in config.mmeConversionFactors)) {
      return scoringError(
        'unknown-opioid',
        `medications[${index}].opioid`,
        `Medication ${index + 1} is not an opioid with a CDC conversion factor.`,
      );
    }
    if (!Number.isFinite(medication.dailyDose) || medication.dailyDose < 0) {
      return scoringError(
        'dose-out-of-range',
        `medications[${index}].dailyDose`,
        `Medication ${index + 1} needs a daily dose of zero or more.`,
      );
    }
  }
  return round(sum(medications.map((m) => m.dailyDose * config.mmeConversionFactors[m.opioid])), 2);
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

// The scorer --------------------------------------------------------------------------------------

/** Scores one administration of an instrument, or names the item that makes it unscorable. */
export function scoreMeasure(
  instrument: Instrument,
  input: MeasureInput,
  config: OutcomesConfig,
): Score | ScoringError {
  const total = totalOf(instrument, input, config);
  if (isDomainError(total)) return total;
  const item9 = instrument === 'phq-9' ? item9Of(input) : null;
  if (isDomainError(item9)) return item9;
  const score: Score = { total: total.total, band: bandOf(instrument, total.total, config), item9 };
  return total.domains ? { ...score, domains: total.domains } : score;
}

function totalOf(
  instrument: Instrument,
  input: MeasureInput,
  config: OutcomesConfig,
): { total: number; domains?: Record<string, number> } | ScoringError {
  if (instrument === 'opioid-mme') {
    if (input.kind === 'answers')
      return scoringError(
        'input-mismatch',
        'medications',
        'Opioid MME is computed from a medication list, not item answers.',
      );
    if (input.kind === 'total') return totalOnly(instrument, input.total, Number.POSITIVE_INFINITY);
    const mme = opioidMme(input.medications, config);
    return isDomainError(mme) ? mme : { total: mme };
  }
  switch (input.kind) {
    case 'medications':
      return scoringError(
        'input-mismatch',
        'answers',
        `${instrument} is scored from item answers or a total, not a medication list.`,
      );
    case 'total':
      return instrument === 'whoqol-bref'
        ? scoringError('input-mismatch', 'answers', 'WHOQOL-BREF needs every item answer to compute its domain scores.')
        : totalOnly(instrument, input.total, TOTAL_RANGE[instrument]);
    case 'answers': {
      const answers = checkAnswers(instrument, SCALES[instrument], input.answers);
      if (isDomainError(answers)) return answers;
      if (instrument === 'whoqol-bref') {
        const domains = whoqolDomains(answers);
        return { total: round(sum(Object.values(domains)) / 4, 2), domains };
      }
      return { total: instrument === 'fact-g' ? factGTotal(answers) : sum(answers) };
    }
  }
}

function totalOnly(instrument: Instrument, total: number, max: number): { total: number } | ScoringError {
  if (
    !Number.isFinite(total) ||
    total < 0 ||
    total > max ||
    (instrument !== 'opioid-mme' && !Number.isInteger(total))
  ) {
    return scoringError(
      'total-out-of-range',
      'total',
      `${instrument} total must be ${Number.isFinite(max) ? `a whole number from 0 to ${max}` : 'zero or more'}.`,
    );
  }
  return { total };
}

function item9Of(input: MeasureInput): number | null | ScoringError {
  if (input.kind === 'answers') return input.answers[8] ?? null;
  if (input.kind !== 'total' || input.item9 === undefined || input.item9 === null) return null;
  if (!Number.isInteger(input.item9) || input.item9 < 0 || input.item9 > 3)
    return scoringError('item-out-of-range', 'item9', 'phq-9 item 9 must be a whole number from 0 to 3.');
  return input.item9;
}
