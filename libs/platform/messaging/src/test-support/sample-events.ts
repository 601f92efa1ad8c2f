import { randomUUID } from 'node:crypto';
import { Topics, fixtures } from '@carecircle/contracts';
import type { NewEvent, RecordedEvent } from '@carecircle/platform/event-store';
import type { OutgoingMessageMapper } from '../outbox-relay/outgoing-message';

/** Test-only: a stored domain event of an enrollment stream, synthetic data only. */
export function newEnrollmentEvent(memberId: string, traceparent?: string): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'MemberEnrolled',
    data: { memberId, groupId: 'grp_cancer_tuesday' },
    metadata: {
      correlationId: 'corr-1',
      causationId: 'cmd-1',
      occurredAt: '2026-03-09T10:00:00.000Z',
      ...(traceparent ? { traceparent } : {}),
    },
  };
}

export function recorded(
  event: NewEvent,
  globalPosition: bigint,
  streamId = 'member-mbr_synthetic_0001',
): RecordedEvent {
  return {
    ...event,
    streamId,
    streamVersion: Number(globalPosition),
    globalPosition,
    recordedAt: new Date('2026-03-09T10:00:00.000Z'),
  };
}

/** Publishes `MemberEnrolled` to `topic`, keyed by the member; drops every other type. */
export function enrollmentMapperTo(topic: string): OutgoingMessageMapper {
  return (event) => {
    if (event.type !== 'MemberEnrolled') return null;
    const { memberId } = event.data as { memberId: string };
    return { topic, key: memberId, value: { ...fixtures.MemberEnrolled, eventId: event.eventId, subject: memberId } };
  };
}

export const enrollmentMapper = enrollmentMapperTo(Topics.enrollment);
