import { fold } from '@carecircle/shared-kernel';
import {
  groupDecider,
  groupStreamId,
  sessionsWhileMember,
  type GroupSessionSlot,
  type GroupState,
} from '@carecircle/scheduling/domain';
import type { SchedulingDeps } from '../scheduling.deps';

export type FormedGroup = Exclude<GroupState, { status: 'none' }>;

/** A group's current state, folded from its stream (small: one course of sessions and its attendance). */
export async function loadGroup(
  { store, policy }: Pick<SchedulingDeps, 'store' | 'policy'>,
  groupId: string,
): Promise<FormedGroup | null> {
  const decider = groupDecider(policy);
  const history = await store.readStream(groupStreamId(groupId));
  const state = fold(
    decider,
    history.map((e) => ({ type: e.type, data: e.data }) as Parameters<typeof decider.evolve>[1]),
  );
  return state.status === 'none' ? null : state;
}

/** The scheduled (not cancelled) sessions that count in the member's load: their groups', and a left group's before they left. */
export async function memberGroupSessions(
  deps: Pick<SchedulingDeps, 'store' | 'policy' | 'roster'>,
  memberId: string,
): Promise<GroupSessionSlot[]> {
  const memberships = await deps.roster.membershipsOf(memberId);
  return sessionsWhileMember(
    await groupSessions(
      deps,
      memberships.map((m) => m.groupId),
    ),
    memberships,
  );
}

/** The scheduled (not cancelled) sessions of the groups. */
export async function groupSessions(
  deps: Pick<SchedulingDeps, 'store' | 'policy'>,
  groupIds: readonly string[],
): Promise<GroupSessionSlot[]> {
  const groups = await Promise.all(groupIds.map((groupId) => loadGroup(deps, groupId)));
  return groups.flatMap((group) =>
    group
      ? group.sessions
          .filter((s) => s.status === 'scheduled')
          .map((s) => ({ groupId: group.details.groupId, sessionId: s.sessionId, start: s.startsAt, end: s.endsAt }))
      : [],
  );
}

/** A group's calendar with each session's attendance, for the facilitator. */
export async function groupCalendar(deps: Pick<SchedulingDeps, 'store' | 'policy'>, groupId: string) {
  const group = await loadGroup(deps, groupId);
  if (!group) return null;
  const { videoLink: _hidden, ...details } = group.details;
  return {
    group: { ...details, status: group.status },
    sessions: group.sessions.map((session) => ({
      ...session,
      attendance: Object.entries(group.attendance)
        .filter(([, a]) => a.bySession[session.sessionId] !== undefined)
        .map(([memberId, a]) => ({ memberId, status: a.bySession[session.sessionId]! })),
    })),
  };
}
