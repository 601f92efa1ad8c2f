export type { RequestContext } from '@carecircle/shared-kernel';
import type { EventStore } from '@carecircle/platform/event-store';
import type { GroupMembership, RosterMember, SchedulingPolicy } from '@carecircle/scheduling/domain';
import type { Clock } from '@carecircle/shared-kernel';

/** Where the use cases read what enrollment told scheduling (the roster projection). */
export interface RosterLookup {
  member(groupId: string, memberId: string): Promise<RosterMember | null>;
  /** Groups the member is enrolled in (not withdrawn). */
  groupsOf(memberId: string): Promise<string[]>;
  /** Members enrolled in the group (not withdrawn). */
  membersOf(groupId: string): Promise<string[]>;
  /** Every group the member is or was in, with when they left it: what counts in their load. */
  membershipsOf(memberId: string): Promise<GroupMembership[]>;
}

export interface SchedulingDeps {
  store: EventStore;
  clock: Clock;
  policy: SchedulingPolicy;
  roster: RosterLookup;
}
