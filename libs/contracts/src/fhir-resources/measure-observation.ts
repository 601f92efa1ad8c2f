import type { Observation } from '@medplum/fhirtypes';
import type { EventOf } from '../envelope';
import { INSTRUMENT_TOTAL_CODES, PHQ9_ITEM9_CODING } from '../fhir-codes';
import type { MeasureCorrected, MeasureRecorded } from '../outcomes';
import { OutboundFhirSystems, staffReference, type OutboundContext } from './references';

export type MeasurePayload = EventOf<typeof MeasureRecorded>['payload'] | EventOf<typeof MeasureCorrected>['payload'];

/** One score with its corrections: the id it was first recorded under, every measure id since, the current value. */
export interface MeasureView {
  rootMeasureId: string;
  measureIds: readonly string[];
  current: MeasurePayload;
  corrected: boolean;
}

/** Bands that mean "above the instrument's normal range": interpreted as v3 `H` besides the band itself. */
const HIGH_BANDS: ReadonlySet<string> = new Set([
  'moderate',
  'moderately-severe',
  'severe',
  'provisional-ptsd',
  'moderate-severe',
  '50-to-89',
  '90-or-more',
]);

/** A score as a survey Observation, coded as outcomes codes it: the total, its band as interpretation, PHQ-9 item 9 as a component. */
export function measureToObservation(measure: MeasureView, context: OutboundContext): Observation {
  const { current } = measure;
  const code = INSTRUMENT_TOTAL_CODES[current.instrument];
  return {
    resourceType: 'Observation',
    id: measure.rootMeasureId,
    ...(context.meta ? { meta: context.meta } : {}),
    identifier: measure.measureIds.map((value) => ({ system: OutboundFhirSystems.measure, value })),
    status: measure.corrected ? 'corrected' : 'final',
    category: [
      {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey', display: 'Survey' },
        ],
      },
    ],
    code: { coding: [code], text: code.display },
    subject: context.patient,
    effectiveDateTime: current.administeredAt,
    performer: [staffReference(current.administeredBy)],
    valueQuantity:
      current.instrument === 'opioid-mme'
        ? { value: current.total, unit: 'MME/d', system: 'http://unitsofmeasure.org', code: '{MME}/d' }
        : { value: current.total, unit: 'score', system: 'http://unitsofmeasure.org', code: '{score}' },
    interpretation: [
      {
        coding: [
          {
            system: OutboundFhirSystems.instrument,
            code: `band-${current.band}`,
            display: current.band.replace(/-/g, ' '),
          },
          ...(HIGH_BANDS.has(current.band)
            ? [
                {
                  system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation',
                  code: 'H',
                  display: 'High',
                },
              ]
            : []),
        ],
        text: current.band.replace(/-/g, ' '),
      },
    ],
    ...(current.instrument === 'phq-9' && current.item9 !== null
      ? { component: [{ code: { coding: [PHQ9_ITEM9_CODING] }, valueInteger: current.item9 }] }
      : {}),
  };
}
