import type { GroupSessionEntry, RosterMember } from '@carecircle/scheduling/domain';
import { runGroupCommand } from '../groups/group-commands.handler';
import { loadGroup } from '../groups/group-views';
import type { RequestContext, SchedulingDeps } from '../scheduling.deps';

/**
 * Saves a facilitator's whole sheet for one session (attendance and notes) as one command on the group's
 * stream: all of it or none. The roster entries come from enrollment's events, as for a single record.
 */
export function saveGroupSession(deps: SchedulingDeps) {
  const run = runGroupCommand(deps, 'SaveGroupSession');
  return async (
    groupId: string,
    input: { sessionId: string; entries: GroupSessionEntry[]; writtenBy: string },
    context: RequestContext,
  ) => {
    const memberIds = [...new Set(input.entries.map((entry) => entry.memberId))];
    const found = await Promise.all(memberIds.map((memberId) => deps.roster.member(groupId, memberId)));
    const members: Record<string, RosterMember | null> = Object.fromEntries(
      memberIds.map((memberId, index) => [memberId, found[index] ?? null]),
    );
    return run(groupId, { ...input, members }, context);
  };
}

export interface SessionNoteView {
  memberId: string;
  note: string;
  writtenBy: string;
  writtenAt: string;
}

/** The notes of one session (cleared ones left out), or null for an unknown group or session. */
export async function sessionNotes(
  deps: Pick<SchedulingDeps, 'store' | 'policy'>,
  groupId: string,
  sessionId: string,
): Promise<{ groupId: string; sessionId: string; notes: SessionNoteView[] } | null> {
  const group = await loadGroup(deps, groupId);
  if (!group || !group.sessions.some((session) => session.sessionId === sessionId)) return null;
  const notes = Object.entries(group.notes[sessionId] ?? {})
    .filter(([, written]) => written.note !== '')
    .map(([memberId, written]) => ({ memberId, ...written }));
  return { groupId, sessionId, notes };
}

/** A member's notes across the groups they are or were in, newest session first: for their care team. */
export async function memberSessionNotes(
  deps: Pick<SchedulingDeps, 'store' | 'policy' | 'roster'>,
  memberId: string,
): Promise<{
  memberId: string;
  notes: (Omit<SessionNoteView, 'memberId'> & { groupId: string; sessionId: string; sessionStartsAt: string })[];
}> {
  const memberships = await deps.roster.membershipsOf(memberId);
  const groups = await Promise.all([...new Set(memberships.map((m) => m.groupId))].map((id) => loadGroup(deps, id)));
  const notes = groups.flatMap((group) =>
    group
      ? group.sessions.flatMap((session) => {
          const written = group.notes[session.sessionId]?.[memberId];
          return written && written.note !== ''
            ? [
                {
                  groupId: group.details.groupId,
                  sessionId: session.sessionId,
                  sessionStartsAt: session.startsAt,
                  ...written,
                },
              ]
            : [];
        })
      : [],
  );
  return { memberId, notes: notes.sort((a, b) => b.sessionStartsAt.localeCompare(a.sessionStartsAt)) };
}
