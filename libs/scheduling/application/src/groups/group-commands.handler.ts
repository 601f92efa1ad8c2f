import { handleCommand } from '@carecircle/platform/event-sourcing';
import { groupDecider, groupStreamId, type GroupCommand } from '@carecircle/scheduling/domain';
import type { RequestContext, SchedulingDeps } from '../scheduling.deps';

type GroupCommandType = GroupCommand['type'];
type DataOf<T extends GroupCommandType> = Extract<GroupCommand, { type: T }>['data'];

/** Runs one command against a group's stream: load, fold, decide, append (retrying on a concurrent writer). */
export function runGroupCommand<T extends GroupCommandType>(
  { store, clock, policy }: Pick<SchedulingDeps, 'store' | 'clock' | 'policy'>,
  type: T,
) {
  return (groupId: string, data: DataOf<T>, context: RequestContext) =>
    handleCommand(store, groupStreamId(groupId), groupDecider(policy), {
      type,
      data,
      metadata: { now: clock.now(), ...context },
    } as GroupCommand);
}

export const formGroup = (deps: SchedulingDeps) => runGroupCommand(deps, 'FormGroup');
export const changeGroup = (deps: SchedulingDeps) => runGroupCommand(deps, 'ChangeGroup');
export const closeGroup = (deps: SchedulingDeps) => runGroupCommand(deps, 'CloseGroup');
export const rescheduleSession = (deps: SchedulingDeps) => runGroupCommand(deps, 'RescheduleSession');
export const cancelSession = (deps: SchedulingDeps) => runGroupCommand(deps, 'CancelSession');
export const correctAttendance = (deps: SchedulingDeps) => runGroupCommand(deps, 'CorrectAttendance');
