import { schedulingEvents, type IntegrationEvent } from '@carecircle/contracts';
import type { RecordedEvent } from '@carecircle/platform/event-store';
import type { GroupDetails, GroupEvent, MemberLoadEvent } from '@carecircle/scheduling/domain';

export interface SchedulingMessage {
  topic: string;
  /** grp_… for group and session events, mbr_… for a member's: each subject's events stay in order on one partition. */
  key: string;
  value: IntegrationEvent;
}

const definitions = new Map(schedulingEvents.map((d) => [d.type as string, d]));

/**
 * What the outside world learns from scheduling's own events: every domain event has a public
 * counterpart, minus what must stay inside (the video link becomes `hasVideoLink`). The stored
 * event's id is reused, so a relay that publishes twice is absorbed by consumers' inboxes.
 */
export function toIntegrationEvent(recorded: RecordedEvent): SchedulingMessage | null {
  const event = { type: recorded.type, data: recorded.data } as GroupEvent | MemberLoadEvent;
  const definition = definitions.get(event.type);
  if (!definition) return null;
  const [subject, payload] = subjectAndPayload(event);
  const value = {
    eventId: recorded.eventId,
    type: definition.type,
    schemaVersion: definition.schemaVersion,
    occurredAt: recorded.metadata.occurredAt,
    correlationId: recorded.metadata.correlationId,
    causationId: recorded.metadata.causationId,
    subject,
    payload,
  };
  return { topic: definition.topic, key: subject, value: definition.parse(value) };
}

function subjectAndPayload(event: GroupEvent | MemberLoadEvent): [string, object] {
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
