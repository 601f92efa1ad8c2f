import { handleCommand } from '@carecircle/platform/event-sourcing';
import { memberOutcomesDecider, memberOutcomesStreamId, type MeasureDetails } from '@carecircle/outcomes/domain';
import type { OutcomesDeps } from '../outcomes.deps';
import type { RequestContext } from '../request-context';

/** Records a measure for a member. The same measure sent again is accepted and changes nothing. */
export function recordMeasure({ store, clock, config }: OutcomesDeps) {
  const decider = memberOutcomesDecider(config);
  return (details: MeasureDetails, context: RequestContext) =>
    handleCommand(store, memberOutcomesStreamId(details.memberId), decider, {
      type: 'RecordMeasure',
      data: details,
      metadata: { now: clock.now(), ...context },
    });
}
