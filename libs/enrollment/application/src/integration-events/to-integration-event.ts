import { enrollmentEvents, type IntegrationEvent } from '@carecircle/contracts';
import type { RecordedEvent } from '@carecircle/platform/event-store';
import type { GroupSeatsEvent, ReferralEvent } from '@carecircle/enrollment/domain';

export interface EnrollmentMessage {
  topic: string;
  /** The pseudonymous member id: all of a member's events land on one partition, in order. */
  key: string;
  value: IntegrationEvent;
}

type EnrollmentDomainEvent = ReferralEvent | GroupSeatsEvent;
type Published = (typeof enrollmentEvents)[number];
const definitions = new Map<string, Published>(enrollmentEvents.map((definition) => [definition.type, definition]));

/** Domain events that stay inside enrollment. */
const INTERNAL: ReadonlySet<EnrollmentDomainEvent['type']> = new Set(['PlacementRecorded']);

/**
 * What the outside world learns from enrollment's own events. Every published domain event has a
 * contract of the same name; its payload is the event's data without the member id (the envelope's
 * subject) and parsed by the contract, which keeps only the fields the contract names: clinical facts
 * (screening scores, flags) never leave enrollment. The integration event reuses the stored event's id,
 * so a relay that publishes twice produces the same eventId and inboxes absorb it.
 */
export function toIntegrationEvent(recorded: RecordedEvent): EnrollmentMessage | null {
  const definition = definitions.get(recorded.type);
  if (!definition || INTERNAL.has(recorded.type as EnrollmentDomainEvent['type'])) return null;
  const { memberId, ...payload } = recorded.data as { memberId: string };
  const value = definition.parse({
    eventId: recorded.eventId,
    type: definition.type,
    schemaVersion: definition.schemaVersion,
    occurredAt: recorded.metadata.occurredAt,
    correlationId: recorded.metadata.correlationId,
    causationId: recorded.metadata.causationId,
    subject: memberId,
    payload,
  });
  return { topic: definition.topic, key: memberId, value };
}
