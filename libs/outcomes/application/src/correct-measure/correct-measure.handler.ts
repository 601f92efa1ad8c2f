import { handleCommand } from '@carecircle/platform/event-sourcing';
import { memberOutcomesDecider, memberOutcomesStreamId, type MeasureDetails } from '@carecircle/outcomes/domain';
import type { OutcomesDeps } from '../outcomes.deps';
import type { RequestContext } from '../request-context';

/** Replaces a recorded measure with a corrected one: a new event that references the old measure. */
export function correctMeasure({ store, clock, config }: OutcomesDeps) {
  const decider = memberOutcomesDecider(config);
  return (details: MeasureDetails & { correctsMeasureId: string; reason: string }, context: RequestContext) =>
    handleCommand(store, memberOutcomesStreamId(details.memberId), decider, {
      type: 'CorrectMeasure',
      data: details,
      metadata: { now: clock.now(), ...context },
    });
}
