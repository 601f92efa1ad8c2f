import ical, { ICalEventStatus } from 'ical-generator';
import type { SchedulingDeps } from '../scheduling.deps';
import { loadGroup, type FormedGroup } from '../groups/group-views';

const PRODUCT = { company: 'CareCircle', product: 'scheduling', language: 'EN' };

/** RFC 5545 feed of groups' sessions; cancelled sessions stay in with STATUS:CANCELLED so calendars drop them. */
function feed(name: string, groups: readonly FormedGroup[]): string {
  const calendar = ical({ name, prodId: PRODUCT });
  for (const group of groups) {
    const total = group.sessions.length;
    for (const session of group.sessions) {
      calendar.createEvent({
        id: `${session.sessionId}@scheduling.carecircle`,
        start: new Date(session.startsAt),
        end: new Date(session.endsAt),
        summary: `Support group session ${session.sequence}/${total}`,
        // RFC 5545 3.8.7.4: a revised event (moved, cancelled) carries a higher SEQUENCE so calendars replace it.
        sequence: session.revision,
        status: session.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
      });
    }
  }
  return calendar.toString();
}

export async function groupIcalFeed(
  deps: Pick<SchedulingDeps, 'store' | 'policy'>,
  groupId: string,
): Promise<string | null> {
  const group = await loadGroup(deps, groupId);
  return group ? feed(`Group ${groupId}`, [group]) : null;
}

export async function memberIcalFeed(
  deps: Pick<SchedulingDeps, 'store' | 'policy' | 'roster'>,
  memberId: string,
): Promise<string> {
  const groups = await Promise.all((await deps.roster.groupsOf(memberId)).map((groupId) => loadGroup(deps, groupId)));
  return feed(
    'My support group sessions',
    groups.filter((g): g is FormedGroup => g !== null),
  );
}
