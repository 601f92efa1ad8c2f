import type { Observation } from '@medplum/fhirtypes';
import { INSTRUMENT_TOTAL_CODES, PHQ9_ITEM9_CODING, type EventOf, type MeasureCorrected, type MeasureRecorded } from '@carecircle/contracts';
import { FhirReadSystems, metaOf, patientReference, payloadOf, staffReference, type PatientIds, type StoredEvent } from './fhir-read-references';

/** The events that make up one score (subject the member). */
export const MEASURE_EVENT_TYPES = ['MeasureRecorded', 'MeasureCorrected'] as const;

type Measure = EventOf<typeof MeasureRecorded>['payload'] | EventOf<typeof MeasureCorrected>['payload'];

/** Bands that mean "above the instrument's normal range": interpreted as v3 `H` besides the band itself. */
const HIGH_BANDS: ReadonlySet<string> = new Set(['moderate', 'moderately-severe', 'severe', 'provisional-ptsd', 'moderate-severe', '50-to-89', '90-or-more']);

/** One score with its corrections: the measure first recorded, and its events in the order received. */
export interface FoldedMeasure {
  memberId: string;
  /** The first measure's id: the Observation's id for good (a correction is a new version, not a new score). */
  rootMeasureId: string;
  measureIds: string[];
  current: Measure;
  corrected: boolean;
  events: StoredEvent[];
}

/**
 * Folds measure events into scores. A correction (which may correct a correction) joins the chain of
 * the measure it corrects and becomes its current value; a correction whose original the gateway has
 * not received stands as its own score.
 */
export function foldMeasures(events: readonly StoredEvent[]): FoldedMeasure[] {
  const rootOf = new Map<string, string>();
  const folded = new Map<string, FoldedMeasure>();
  for (const event of [...events].sort((a, b) => Number(a.seq) - Number(b.seq))) {
    if (!(MEASURE_EVENT_TYPES as readonly string[]).includes(event.type)) continue;
    const measure = payloadOf<Measure>(event);
    const corrects = 'correctsMeasureId' in measure ? measure.correctsMeasureId : undefined;
    const root = (corrects && rootOf.get(corrects)) ?? measure.measureId;
    rootOf.set(measure.measureId, root);
    const existing = folded.get(root);
    folded.set(
      root,
      existing
        ? { ...existing, measureIds: [...existing.measureIds, measure.measureId], current: measure, corrected: existing.corrected || corrects !== undefined, events: [...existing.events, event] }
        : { memberId: event.subject, rootMeasureId: root, measureIds: [measure.measureId], current: measure, corrected: false, events: [event] },
    );
  }
  return [...folded.values()];
}

/** A score as a survey Observation, coded as outcomes codes it: the total, its band as interpretation, PHQ-9 item 9 as a component. */
export function measureToObservation(measure: FoldedMeasure, patientIds: PatientIds): Observation {
  const { current } = measure;
  const code = INSTRUMENT_TOTAL_CODES[current.instrument];
  return {
    resourceType: 'Observation',
    id: measure.rootMeasureId,
    meta: metaOf(measure.events),
    identifier: measure.measureIds.map((value) => ({ system: FhirReadSystems.measure, value })),
    status: measure.corrected ? 'corrected' : 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey', display: 'Survey' }] }],
    code: { coding: [code], text: code.display },
    subject: patientReference(measure.memberId, patientIds),
    effectiveDateTime: current.administeredAt,
    performer: [staffReference(current.administeredBy)],
    valueQuantity:
      current.instrument === 'opioid-mme'
        ? { value: current.total, unit: 'MME/d', system: 'http://unitsofmeasure.org', code: '{MME}/d' }
        : { value: current.total, unit: 'score', system: 'http://unitsofmeasure.org', code: '{score}' },
    interpretation: [
      {
        coding: [
          { system: FhirReadSystems.instrument, code: `band-${current.band}`, display: current.band.replace(/-/g, ' ') },
          ...(HIGH_BANDS.has(current.band) ? [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'H', display: 'High' }] : []),
        ],
        text: current.band.replace(/-/g, ' '),
      },
    ],
    ...(current.instrument === 'phq-9' && current.item9 !== null
      ? { component: [{ code: { coding: [PHQ9_ITEM9_CODING] }, valueInteger: current.item9 }] }
      : {}),
  };
}
