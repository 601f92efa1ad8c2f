import { schedulingEvents } from '@carecircle/contracts';
import type { RecordedEvent } from '@carecircle/platform/event-store';
import { integrationMessage, type OutgoingMessage } from '@carecircle/platform/messaging';
import type { GroupDetails, GroupEvent, MemberLoadEvent } from '@carecircle/scheduling/domain';

const definitions = new Map(schedulingEvents.map((d) => [d.type as string, d]));

/**
 * What the outside world learns from scheduling's own events: every domain event has a public
 * counterpart, minus what must stay inside (the video link becomes `hasVideoLink`). The subject is
 * grp_… for group and session events, mbr_… for a member's.
 */
export function toIntegrationEvent(recorded: RecordedEvent): OutgoingMessage | null {
  const event = { type: recorded.type, data: recorded.data } as GroupEvent | MemberLoadEvent;
  // A session note is free text about a member: it stays in scheduling, read through its access-checked routes.
  if (event.type === 'SessionNoteWritten') return null;
  const definition = definitions.get(event.type);
  if (!definition) return null;
  const [subject, payload] = subjectAndPayload(event);
  return integrationMessage(recorded, definition, subject, payload);
}

function subjectAndPayload(
  event: Exclude<GroupEvent | MemberLoadEvent, { type: 'SessionNoteWritten' }>,
): [string, object] {
  switch (event.type) {
    case 'GroupFormed':
    case 'GroupChanged':
      return [event.data.groupId, publicGroup(event.data)];
    case 'GroupClosed':
    case 'SessionScheduled':
    case 'SessionRescheduled':
    case 'SessionCancelled':
      return [event.data.groupId, event.data];
    case 'AttendanceRecorded':
    case 'AttendanceCorrected':
    case 'DoseReached':
    case 'OffTrackForDose':
    case 'TherapeuticContactBooked':
    case 'TherapeuticContactChanged':
    case 'TherapeuticContactCancelled':
    case 'TherapeuticLoadChanged':
    case 'SchedulingConflictDetected':
    case 'SchedulingConflictResolved':
    case 'TherapeuticOverloadResolved':
      return [event.data.memberId, event.data];
  }
}

function publicGroup<T extends GroupDetails>({ videoLink, ...rest }: T) {
  return { ...rest, hasVideoLink: videoLink !== null };
}
