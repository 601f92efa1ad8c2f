import { domainError, isDomainError, type Decider } from '@carecircle/shared-kernel';
import { LOWER_IS_BETTER, type OutcomesConfig } from '../instruments/instrument';
import { scoreMeasure } from '../instruments/scorers';
import type {
  ChangeFacts,
  MeasureDetails,
  MeasureFacts,
  MemberOutcomesCommand,
  MemberOutcomesEvent,
  MemberOutcomesState,
  RecordedMeasure,
} from './member-outcomes';
import { activeMeasures } from './trajectory';

type Decision = readonly MemberOutcomesEvent[];

/**
 * A member's measures over time. Recording scores the instrument, publishes PHQ-9 item 9 > 0 at once,
 * and compares the new total with the member's baseline and previous measure of that instrument.
 * Repeating a command with the same measure id and facts changes nothing.
 */
export function memberOutcomesDecider(
  config: OutcomesConfig,
): Decider<MemberOutcomesCommand, MemberOutcomesEvent, MemberOutcomesState> {
  return {
    initialState: { measures: [] },
    decide(command, state) {
      const existing = state.measures.find((m) => m.measureId === command.data.measureId);
      if (existing)
        return sameDetails(existing, command.data)
          ? []
          : domainError(
              'conflict',
              'outcomes.measure-conflict',
              'A different measure was already recorded under this measure id.',
            );
      const score = scoreMeasure(command.data.instrument, command.data.input, config);
      if (isDomainError(score)) return score;
      const facts: MeasureFacts = { ...command.data, ...score };
      const now = command.metadata.now.toISOString();
      switch (command.type) {
        case 'RecordMeasure':
          return [{ type: 'MeasureRecorded', data: facts }, ...consequences(facts, null, state, config, now)];
        case 'CorrectMeasure': {
          const { correctsMeasureId, reason } = command.data;
          const corrected = state.measures.find((m) => m.measureId === correctsMeasureId);
          if (!corrected)
            return domainError(
              'not-found',
              'outcomes.measure-unknown',
              'No measure with this id was recorded for this member.',
            );
          if (corrected.supersededBy)
            return domainError(
              'conflict',
              'outcomes.measure-already-corrected',
              'This measure was already corrected; correct the latest correction instead.',
            );
          if (corrected.instrument !== facts.instrument)
            return domainError(
              'rule-violation',
              'outcomes.correction-instrument-mismatch',
              'A correction must keep the instrument of the measure it corrects.',
            );
          return [
            { type: 'MeasureCorrected', data: { ...facts, correctsMeasureId, reason } },
            ...consequences(facts, corrected, state, config, now),
          ];
        }
      }
    },
    evolve(state, event) {
      switch (event.type) {
        case 'MeasureRecorded':
          return { measures: [...state.measures, { ...event.data, correctsMeasureId: null, supersededBy: null }] };
        case 'MeasureCorrected': {
          const { correctsMeasureId, reason: _reason, ...facts } = event.data;
          const measures = state.measures.map((m) =>
            m.measureId === correctsMeasureId ? { ...m, supersededBy: facts.measureId } : m,
          );
          return { measures: [...measures, { ...facts, correctsMeasureId, supersededBy: null }] };
        }
        case 'ImprovementDetected':
        case 'DeteriorationDetected':
        case 'SuicidalIdeationReported':
          return state;
      }
    },
  };
}

/** Item 9 at once (unless the corrected measure already reported it), then meaningful changes. */
function consequences(
  facts: MeasureFacts,
  corrected: RecordedMeasure | null,
  state: MemberOutcomesState,
  config: OutcomesConfig,
  now: string,
): Decision {
  const events: MemberOutcomesEvent[] = [];
  if (facts.instrument === 'phq-9' && facts.item9 !== null && facts.item9 > 0 && !((corrected?.item9 ?? 0) > 0)) {
    const { memberId, measureId, item9, administeredAt, groupId } = facts;
    events.push({
      type: 'SuicidalIdeationReported',
      data: { memberId, measureId, instrument: 'phq-9', item9, administeredAt, groupId },
    });
  }
  return [...events, ...detectChanges(facts, corrected, state, config, now)];
}

/**
 * Compares the new total with the baseline and with the previous measure of the same instrument
 * (measures administered earlier, corrections applied). Each direction is reported at most once per
 * measure, the baseline comparison first: worsening since the last visit is reported even when the
 * member is still better than at baseline.
 */
export function detectChanges(
  facts: MeasureFacts,
  corrected: RecordedMeasure | null,
  state: MemberOutcomesState,
  config: OutcomesConfig,
  now: string,
): Decision {
  const meaningfulChange = config.meaningfulChange[facts.instrument];
  if (meaningfulChange === null) return [];
  const earlier = activeMeasures(state.measures, facts.instrument)
    .filter((m) => m.measureId !== corrected?.measureId)
    .filter((m) => m.administeredAt < facts.administeredAt);
  if (earlier.length === 0) return [];
  const baseline = earlier.find((m) => m.point === 'baseline') ?? earlier[0]!;
  const previous = earlier[earlier.length - 1]!;
  const comparisons =
    previous.measureId === baseline.measureId
      ? [['baseline', baseline] as const]
      : [['baseline', baseline] as const, ['previous', previous] as const];
  const events: MemberOutcomesEvent[] = [];
  for (const [comparedWith, reference] of comparisons) {
    const change = facts.total - reference.total;
    const gain = LOWER_IS_BETTER[facts.instrument] ? -change : change;
    const type =
      gain >= meaningfulChange ? 'ImprovementDetected' : gain <= -meaningfulChange ? 'DeteriorationDetected' : null;
    if (!type || events.some((e) => e.type === type)) continue;
    const data: ChangeFacts = {
      memberId: facts.memberId,
      measureId: facts.measureId,
      instrument: facts.instrument,
      comparedWith,
      from: reference.total,
      to: facts.total,
      change: Math.round(change * 100) / 100,
      meaningfulChange,
      fromBand: reference.band,
      toBand: facts.band,
      detectedAt: now,
    };
    events.push({ type, data });
  }
  return events;
}

function sameDetails(existing: RecordedMeasure, details: MeasureDetails & { correctsMeasureId?: string }): boolean {
  const { input: _input, ...rest } = details;
  return (
    canonical(existing.input) === canonical(details.input) &&
    (Object.keys(rest) as (keyof typeof rest)[]).every((key) =>
      key === 'correctsMeasureId'
        ? existing.correctsMeasureId === rest.correctsMeasureId
        : existing[key as keyof RecordedMeasure] === rest[key],
    )
  );
}

/** Stored events come back with their keys reordered (JSONB): compare values, not key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}:${canonical(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
