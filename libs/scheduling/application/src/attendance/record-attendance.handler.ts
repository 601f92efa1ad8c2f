import type { AttendanceStatus } from '@carecircle/scheduling/domain';
import { runGroupCommand } from '../groups/group-commands.handler';
import type { RequestContext, SchedulingDeps } from '../scheduling.deps';

/** Records one member's attendance; the roster entry (from enrollment's events) decides whether they may be counted. */
export function recordAttendance(deps: SchedulingDeps) {
  const run = runGroupCommand(deps, 'RecordAttendance');
  return async (
    groupId: string,
    input: { sessionId: string; memberId: string; status: AttendanceStatus },
    context: RequestContext,
  ) => run(groupId, { ...input, member: await deps.roster.member(groupId, input.memberId) }, context);
}
