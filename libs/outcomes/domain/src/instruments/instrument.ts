import type { DomainError } from '@carecircle/shared-kernel';

export type Instrument = 'phq-9' | 'gad-7' | 'pcl-5' | 'zbi-22' | 'whoqol-bref' | 'fact-g' | 'opioid-mme';
export const INSTRUMENTS: readonly Instrument[] = [
  'phq-9',
  'gad-7',
  'pcl-5',
  'zbi-22',
  'whoqol-bref',
  'fact-g',
  'opioid-mme',
];

export type Band =
  | 'minimal'
  | 'mild'
  | 'moderate'
  | 'moderately-severe'
  | 'severe'
  | 'below-threshold'
  | 'provisional-ptsd'
  | 'little-or-none'
  | 'mild-moderate'
  | 'moderate-severe'
  | 'below-50'
  | '50-to-89'
  | '90-or-more'
  | 'not-banded';

export type Opioid =
  | 'codeine'
  | 'fentanyl-patch'
  | 'hydrocodone'
  | 'hydromorphone'
  | 'methadone'
  | 'oxycodone'
  | 'oxymorphone'
  | 'tapentadol'
  | 'tramadol';

/** One opioid the member takes: mg per day, or mcg per hour for a fentanyl patch. */
export interface OpioidDose {
  opioid: Opioid;
  dailyDose: number;
}

/** What was administered: every item's answer, only the total (e.g. from a paper record), or a medication list (MME). */
export type MeasureInput =
  | { kind: 'answers'; answers: readonly (number | null | undefined)[] }
  | { kind: 'total'; total: number; item9?: number | null }
  | { kind: 'medications'; medications: readonly OpioidDose[] };

export interface Score {
  total: number;
  band: Band;
  /** PHQ-9 item 9 on its own (0-3); null elsewhere or when only the total is known. */
  item9: number | null;
  /** WHOQOL-BREF domain scores (0-100). */
  domains?: Record<string, number>;
}

/** A scoring error names the offending input field (`answers[3]` is item 4) so the edge can answer 400. */
export interface ScoringError extends DomainError {
  readonly field: string;
}

/** Lower totals are better for symptom scales; higher for quality-of-life scales. */
export const LOWER_IS_BETTER: Record<Instrument, boolean> = {
  'phq-9': true,
  'gad-7': true,
  'pcl-5': true,
  'zbi-22': true,
  'whoqol-bref': false,
  'fact-g': false,
  'opioid-mme': true,
};

/**
 * Every threshold from DOMAIN.md "Instruments", as configuration with the documented defaults.
 * Band lower bounds are inclusive; `meaningfulChange` null means none is established (no detection).
 */
export interface OutcomesConfig {
  phq9Bands: { mild: number; moderate: number; moderatelySevere: number; severe: number };
  gad7Bands: { mild: number; moderate: number; severe: number };
  pcl5ProvisionalPtsd: number;
  zbi22Bands: { mildModerate: number; moderateSevere: number; severe: number };
  mmeBands: { info: number; warning: number };
  /** CDC conversion factors to morphine milligram equivalents (fentanyl patch per mcg/h). */
  mmeConversionFactors: Record<Opioid, number>;
  meaningfulChange: Record<Instrument, number | null>;
  /** Sessions attended that count as a dose in cohort reports. */
  doseSessions: number;
  /** Cohort cells with fewer members than this are suppressed in exports. */
  smallCellThreshold: number;
}

export const defaultOutcomesConfig: OutcomesConfig = {
  phq9Bands: { mild: 5, moderate: 10, moderatelySevere: 15, severe: 20 },
  gad7Bands: { mild: 5, moderate: 10, severe: 15 },
  pcl5ProvisionalPtsd: 31,
  zbi22Bands: { mildModerate: 21, moderateSevere: 41, severe: 61 },
  mmeBands: { info: 50, warning: 90 },
  mmeConversionFactors: {
    codeine: 0.15,
    'fentanyl-patch': 2.4,
    hydrocodone: 1,
    hydromorphone: 5,
    methadone: 4.7,
    oxycodone: 1.5,
    oxymorphone: 3,
    tapentadol: 0.4,
    tramadol: 0.2,
  },
  meaningfulChange: {
    'phq-9': 5,
    'gad-7': 4,
    'pcl-5': 10,
    'zbi-22': null,
    'whoqol-bref': null,
    'fact-g': 6,
    'opioid-mme': null,
  },
  doseSessions: 6,
  smallCellThreshold: 5,
};
