import { z } from 'zod';
import { defineEvent } from '../envelope';
import { Topics } from '../topics';

/** The instruments outcomes scores. `opioid-mme` is a daily morphine-milligram-equivalent total. */
export const instrumentSchema = z.enum(['phq-9', 'gad-7', 'pcl-5', 'zbi-22', 'whoqol-bref', 'fact-g', 'opioid-mme']);

/** When in the member's course the measure was taken. */
export const measurementPointSchema = z.enum(['baseline', 'mid-course', 'end', 'follow-up']);

/**
 * The severity band of a total, per instrument (DOMAIN.md "Instruments"):
 * PHQ-9 / GAD-7: minimal, mild, moderate, moderately-severe (PHQ-9 only), severe;
 * PCL-5: below-threshold, provisional-ptsd; ZBI-22: little-or-none, mild-moderate, moderate-severe, severe;
 * opioid MME/day: below-50, 50-to-89, 90-or-more; WHOQOL-BREF and FACT-G have no bands: not-banded.
 */
export const bandSchema = z.enum([
  'minimal',
  'mild',
  'moderate',
  'moderately-severe',
  'severe',
  'below-threshold',
  'provisional-ptsd',
  'little-or-none',
  'mild-moderate',
  'moderate-severe',
  'below-50',
  '50-to-89',
  '90-or-more',
  'not-banded',
]);

const measureFacts = {
  /** This measure's id (a correction has its own id). */
  measureId: z.string().uuid(),
  instrument: instrumentSchema,
  /** The instrument's total (PHQ-9 0-27, GAD-7 0-21, PCL-5 0-80, ZBI-22 0-88, FACT-G 0-108, WHOQOL-BREF mean of the four 0-100 domains, MME/day >= 0). */
  total: z.number().nonnegative(),
  band: bandSchema,
  /** PHQ-9 item 9 (thoughts of self-harm, 0-3); null for other instruments or when only the total is known. */
  item9: z.number().int().min(0).max(3).nullable(),
  /** WHOQOL-BREF domain scores on 0-100 (physical, psychological, social, environment); absent elsewhere. */
  domains: z.record(z.string(), z.number()).optional(),
  point: measurementPointSchema,
  administeredAt: z.string().datetime({ offset: true }),
  /** Pseudonymous id of who administered it (clinician or facilitator), never a name. */
  administeredBy: z.string().min(1),
  /** Group the member was in when measured, when known (grp_…). */
  groupId: z.string().min(1).nullable(),
};

export const MeasureRecorded = defineEvent({
  type: 'MeasureRecorded',
  schemaVersion: 1,
  topic: Topics.outcomes,
  payload: z.object(measureFacts),
});

/** A correction is a new measure replacing an earlier one; consumers use it instead of `correctsMeasureId`. */
export const MeasureCorrected = defineEvent({
  type: 'MeasureCorrected',
  schemaVersion: 1,
  topic: Topics.outcomes,
  payload: z.object({
    ...measureFacts,
    correctsMeasureId: z.string().uuid(),
    reason: z.string().min(1).max(500),
  }),
});

const changeFacts = {
  /** The measure whose total triggered the detection. */
  measureId: z.string().uuid(),
  instrument: instrumentSchema,
  /** Compared with the member's baseline, or with the previous measure of the same instrument. */
  comparedWith: z.enum(['baseline', 'previous']),
  from: z.number().nonnegative(),
  to: z.number().nonnegative(),
  /** to - from (signed; for PHQ-9 a negative change is an improvement, for FACT-G a positive one). */
  change: z.number(),
  /** The instrument's meaningful change in points (configuration; PHQ-9 5, GAD-7 4, PCL-5 10, FACT-G 6). */
  meaningfulChange: z.number().positive(),
  fromBand: bandSchema,
  toBand: bandSchema,
  detectedAt: z.string().datetime({ offset: true }),
};

export const ImprovementDetected = defineEvent({
  type: 'ImprovementDetected',
  schemaVersion: 1,
  topic: Topics.outcomes,
  payload: z.object(changeFacts),
});

export const DeteriorationDetected = defineEvent({
  type: 'DeteriorationDetected',
  schemaVersion: 1,
  topic: Topics.outcomes,
  payload: z.object(changeFacts),
});

/** PHQ-9 item 9 > 0: published at once with the measure, for a same-day psychiatrist task. */
export const SuicidalIdeationReported = defineEvent({
  type: 'SuicidalIdeationReported',
  schemaVersion: 1,
  topic: Topics.outcomes,
  payload: z.object({
    measureId: z.string().uuid(),
    instrument: z.literal('phq-9'),
    item9: z.number().int().min(1).max(3),
    administeredAt: z.string().datetime({ offset: true }),
    groupId: z.string().min(1).nullable(),
  }),
});

export const outcomesEvents = [
  MeasureRecorded,
  MeasureCorrected,
  ImprovementDetected,
  DeteriorationDetected,
  SuicidalIdeationReported,
] as const;
