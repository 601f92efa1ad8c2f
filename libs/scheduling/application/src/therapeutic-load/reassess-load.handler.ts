import { handleCommand } from '@carecircle/platform/event-sourcing';
import {
  memberLoadDecider,
  memberLoadStreamId,
  type ContactTime,
  type GroupSessionSlot,
  type MemberLoadEvent,
} from '@carecircle/scheduling/domain';
import { groupSessions, memberGroupSessions } from '../groups/group-views';
import type { RequestContext, SchedulingDeps } from '../scheduling.deps';

type Deps = Pick<SchedulingDeps, 'store' | 'clock' | 'policy' | 'roster'>;

async function reassess(
  deps: Deps,
  memberId: string,
  data: { groupSessions: GroupSessionSlot[]; anchors: ContactTime[]; affectedSessionIds: string[] },
  context: RequestContext,
): Promise<readonly MemberLoadEvent[]> {
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
  return async (
    change: SessionChange,
    context: RequestContext,
  ): Promise<Record<string, readonly MemberLoadEvent[]>> => {
    const anchors = [{ start: change.startsAt, end: change.endsAt }, ...(change.previous ? [change.previous] : [])];
    const affectedSessionIds = change.cancelled ? [] : [change.sessionId];
    const published: Record<string, readonly MemberLoadEvent[]> = {};
    for (const memberId of await deps.roster.membersOf(change.groupId)) {
      published[memberId] = await reassess(
        deps,
        memberId,
        { groupSessions: await memberGroupSessions(deps, memberId), anchors, affectedSessionIds },
        context,
      );
    }
    return published;
  };
}

/** A member joined or left a group (enrollment's MemberEnrolled or MemberWithdrew), at `at`. */
export interface RosterChange {
  memberId: string;
  groupId: string;
  cause: 'enrolled' | 'withdrew';
  at: string;
}

/**
 * A member joined or left a group, as the roster now records it. Joined: the load around each of the
 * group's sessions still to come is reassessed and their clashes with contacts already booked are
 * reported. Left: the group's sessions from the withdrawal on no longer count; the load around those
 * still to come is republished, and clashes and over-cap windows that no longer hold are resolved.
 * Safe to run again for the same change: the decider says nothing it already said.
 */
export function reassessLoadAfterRosterChange(deps: Deps) {
  return async (change: RosterChange, context: RequestContext): Promise<readonly MemberLoadEvent[]> => {
    const counted = await memberGroupSessions(deps, change.memberId);
    const now = deps.clock.now().getTime();
    const toCome = (s: GroupSessionSlot) => s.groupId === change.groupId && Date.parse(s.end) > now;
    if (change.cause === 'enrolled') {
      const joined = counted.filter(toCome);
      return reassess(
        deps,
        change.memberId,
        { groupSessions: counted, anchors: joined, affectedSessionIds: joined.map((s) => s.sessionId) },
        context,
      );
    }
    const left = (await groupSessions(deps, [change.groupId])).filter(
      (s) => toCome(s) && Date.parse(s.start) >= Date.parse(change.at),
    );
    return reassess(deps, change.memberId, { groupSessions: counted, anchors: left, affectedSessionIds: [] }, context);
  };
}
