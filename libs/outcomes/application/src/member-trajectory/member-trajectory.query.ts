import { fold } from '@carecircle/shared-kernel';
import {
  memberOutcomesDecider,
  memberOutcomesStreamId,
  trajectory,
  type InstrumentTrajectory,
  type MemberOutcomesEvent,
} from '@carecircle/outcomes/domain';
import type { OutcomesDeps } from '../outcomes.deps';

/** A member's trajectory, read from their own stream: what was accepted is visible at once. */
export function memberTrajectory({ store, config }: Pick<OutcomesDeps, 'store' | 'config'>) {
  const decider = memberOutcomesDecider(config);
  return async (memberId: string): Promise<{ memberId: string; instruments: InstrumentTrajectory[] }> => {
    const history = await store.readStream(memberOutcomesStreamId(memberId));
    const state = fold(
      decider,
      history.map((recorded) => ({ type: recorded.type, data: recorded.data }) as MemberOutcomesEvent),
    );
    return { memberId, instruments: trajectory(state.measures) };
  };
}
