import type { MeasurePayload, MeasureView } from '@carecircle/contracts';
import { payloadOf, type StoredEvent } from './fhir-read-references';

/** The events that make up one score (subject the member). */
export const MEASURE_EVENT_TYPES = ['MeasureRecorded', 'MeasureCorrected'] as const;

type Measure = MeasurePayload;

/**
 * One score with its corrections, and its events in the order received. The first measure's id stays
 * the Observation's id for good (a correction is a new version, not a new score).
 */
export interface FoldedMeasure extends MeasureView {
  memberId: string;
  measureIds: string[];
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
        ? {
            ...existing,
            measureIds: [...existing.measureIds, measure.measureId],
            current: measure,
            corrected: existing.corrected || corrects !== undefined,
            events: [...existing.events, event],
          }
        : {
            memberId: event.subject,
            rootMeasureId: root,
            measureIds: [measure.measureId],
            current: measure,
            corrected: false,
            events: [event],
          },
    );
  }
  return [...folded.values()];
}
