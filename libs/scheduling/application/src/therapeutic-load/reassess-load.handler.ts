import { handleCommand } from '@carecircle/platform/event-sourcing';
import { memberLoadDecider, memberLoadStreamId, type ContactTime, type GroupSessionSlot, type MemberLoadEvent } from '@carecircle/scheduling/domain';
import { groupSessions, memberGroupSessions } from '../groups/group-views';
import type { RequestContext, SchedulingDeps } from '../scheduling.deps';

type Deps = Pick<SchedulingDeps, 'store' | 'clock' | 'policy' | 'roster'>;

async function reassess(deps: Deps, memberId: string, data: { groupSessions: GroupSessionSlot[]; anchors: ContactTime[]; affectedSessionIds: string[] }, context: RequestContext): Promise<readonly MemberLoadEvent[]> {
  const outcome = await handleCommand(deps.store, memberLoadStreamId(memberId), memberLoadDecider(deps.policy), {
    type: 'ReassessLoad',
    data: { memberId, ...data },
    metadata: { now: deps.clock.now(), ...context },
  });
  if (!outcome.ok) throw new Error(`reassessing the load of a member failed: ${outcome.error.code}`);
  return outcome.events;
}

export interface SessionChange {
  groupId: string;
  sessionId: string;
  startsAt: string;
  endsAt: string;
  /** Set when the session moved: the load around its old time changes too. */
  previous?: ContactTime;
  cancelled: boolean;
}

/**
 * A session moved or was cancelled: every enrolled member's load is reassessed around its new and old
 * time, and a moved session's clashes with their other contacts are reported. Safe to run again for
 * the same change (the decider stays silent about what it already published).
 */
export function reassessLoadAfterSessionChange(deps: Deps) {
  return async (change: SessionChange, context: RequestContext): Promise<Record<string, readonly MemberLoadEvent[]>> => {
    const anchors = [{ start: change.startsAt, end: change.endsAt }, ...(change.previous ? [change.previous] : [])];
    const affectedSessionIds = change.cancelled ? [] : [change.sessionId];
    const published: Record<string, readonly MemberLoadEvent[]> = {};
    for (const memberId of await deps.roster.membersOf(change.groupId)) {
      published[memberId] = await reassess(deps, memberId, { groupSessions: await memberGroupSessions(deps, memberId), anchors, affectedSessionIds }, context);
    }
    return published;
  };
}

/**
 * A member joined a group: the load around each of its sessions still to come is reassessed, and
 * those sessions' clashes with contacts already booked are reported. `groupIds` are the member's
 * groups including the new one (the caller reads them inside the transaction that enrols).
 */
export function reassessLoadAfterEnrolment(deps: Deps) {
  return async (enrolment: { memberId: string; groupId: string; groupIds: readonly string[] }, context: RequestContext): Promise<readonly MemberLoadEvent[]> => {
    const sessions = await groupSessions(deps, enrolment.groupIds);
    const now = deps.clock.now().toISOString();
    const joined = sessions.filter((s) => s.groupId === enrolment.groupId && s.end > now);
    if (joined.length === 0) return [];
    return reassess(deps, enrolment.memberId, { groupSessions: sessions, anchors: joined, affectedSessionIds: joined.map((s) => s.sessionId) }, context);
  };
}
