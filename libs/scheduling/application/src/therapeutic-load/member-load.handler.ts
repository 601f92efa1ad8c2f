import { handleCommand } from '@carecircle/platform/event-sourcing';
import { fold } from '@carecircle/shared-kernel';
import {
  activeContacts,
  busiestWindow,
  loadIfBooked,
  loadItems,
  memberLoadDecider,
  memberLoadStreamId,
  type ContactTime,
  type MemberLoadCommand,
  type MemberLoadEvent,
  type TherapeuticContact,
  type TherapeuticContactKind,
} from '@carecircle/scheduling/domain';
import { memberGroupSessions } from '../groups/group-views';
import type { RequestContext, SchedulingDeps } from '../scheduling.deps';

type LoadCommand = MemberLoadCommand['type'];
type InputOf<T extends LoadCommand> = Omit<
  Extract<MemberLoadCommand, { type: T }>['data'],
  'memberId' | 'groupSessions'
>;

/** Books, changes or cancels one of the member's other therapeutic contacts, with the member's group sessions in view. */
export function runMemberLoadCommand<T extends LoadCommand>(deps: SchedulingDeps, type: T) {
  return async (memberId: string, input: InputOf<T>, context: RequestContext) => {
    const groupSessions = await memberGroupSessions(deps, memberId);
    return handleCommand(deps.store, memberLoadStreamId(memberId), memberLoadDecider(deps.policy), {
      type,
      data: { ...input, memberId, groupSessions },
      metadata: { now: deps.clock.now(), ...context },
    } as unknown as MemberLoadCommand);
  };
}

export const bookContact = (deps: SchedulingDeps) => runMemberLoadCommand(deps, 'BookContact');
export const changeContact = (deps: SchedulingDeps) => runMemberLoadCommand(deps, 'ChangeContact');
export const cancelContact = (deps: SchedulingDeps) => runMemberLoadCommand(deps, 'CancelContact');

async function loadMember(deps: SchedulingDeps, memberId: string) {
  const decider = memberLoadDecider(deps.policy);
  const history = await deps.store.readStream(memberLoadStreamId(memberId));
  return fold(
    decider,
    history.map((e) => ({ type: e.type, data: e.data }) as MemberLoadEvent),
  );
}

/** "What would the load be if this were booked?" Nothing is written. */
export async function whatIfBooked(
  deps: SchedulingDeps,
  memberId: string,
  proposed: ContactTime & { kind: TherapeuticContactKind },
) {
  const [state, groupSessions] = await Promise.all([loadMember(deps, memberId), memberGroupSessions(deps, memberId)]);
  return { memberId, ...loadIfBooked(state, proposed, groupSessions, deps.policy) };
}

/** The member's week from `from`: group sessions and other contacts, and the load of that rolling window. */
export async function memberWeek(deps: SchedulingDeps, memberId: string, from: string) {
  const [state, groupSessions] = await Promise.all([loadMember(deps, memberId), memberGroupSessions(deps, memberId)]);
  const end = new Date(Date.parse(from) + deps.policy.loadWindowDays * 24 * 3_600_000).toISOString();
  const inWeek = (t: ContactTime) => t.start >= from && t.start < end;
  const contacts: TherapeuticContact[] = activeContacts(state).filter(inWeek);
  const sessions = groupSessions.filter(inWeek);
  const items = loadItems(contacts, sessions);
  const load = busiestWindow(items, { start: from, end: from }, deps.policy);
  return {
    memberId,
    from,
    to: end,
    groupSessions: sessions,
    contacts,
    load: { ...load, windowStart: from, windowEnd: end },
  };
}
