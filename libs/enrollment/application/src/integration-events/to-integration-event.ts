import { MemberEnrolled, ReferralReceived, type IntegrationEvent } from '@carecircle/contracts';
import type { RecordedEvent } from '@carecircle/platform/event-store';
import type { ReferralEvent } from '@carecircle/enrollment/domain';

export interface EnrollmentMessage {
  topic: string;
  /** The pseudonymous member id: all of a member's events land on one partition, in order. */
  key: string;
  value: IntegrationEvent;
}

/**
 * What the outside world learns from enrollment's own events. The integration event reuses the
 * stored event's id, so a relay that publishes twice produces the same eventId and inboxes absorb it.
 */
export function toIntegrationEvent(recorded: RecordedEvent): EnrollmentMessage | null {
  const event = { type: recorded.type, data: recorded.data } as ReferralEvent;
  const envelope = {
    eventId: recorded.eventId,
    occurredAt: recorded.metadata.occurredAt,
    correlationId: recorded.metadata.correlationId,
    causationId: recorded.metadata.causationId,
  };
  switch (event.type) {
    case 'ReferralReceived': {
      const { memberId, referralId, referringClinicianId, wantedGroupType, modalityPreference, memberRole, receivedAt } = event.data;
      return message(memberId, {
        ...envelope,
        type: ReferralReceived.type,
        schemaVersion: ReferralReceived.schemaVersion,
        subject: memberId,
        payload: { referralId, referringClinicianId, wantedGroupType, modalityPreference, memberRole, receivedAt },
      }, ReferralReceived.topic);
    }
    case 'MemberEnrolled': {
      const { memberId, referralId, groupId, memberRole, enrolledAt } = event.data;
      return message(memberId, {
        ...envelope,
        type: MemberEnrolled.type,
        schemaVersion: MemberEnrolled.schemaVersion,
        subject: memberId,
        payload: { referralId, groupId, memberRole, enrolledAt },
      }, MemberEnrolled.topic);
    }
    default:
      return null;
  }
}

function message(memberId: string, value: IntegrationEvent, topic: string): EnrollmentMessage {
  return { topic, key: memberId, value };
}
