import { enrollmentEvents } from '@carecircle/contracts';
import type { RecordedEvent } from '@carecircle/platform/event-store';
import { integrationMessage, type OutgoingMessage } from '@carecircle/platform/messaging';
import type { GroupSeatsEvent, ReferralEvent } from '@carecircle/enrollment/domain';

type EnrollmentDomainEvent = ReferralEvent | GroupSeatsEvent;
type Published = (typeof enrollmentEvents)[number];
const definitions = new Map<string, Published>(enrollmentEvents.map((definition) => [definition.type, definition]));

/** Domain events that stay inside enrollment. */
const INTERNAL: ReadonlySet<EnrollmentDomainEvent['type']> = new Set(['PlacementRecorded']);

/**
 * What the outside world learns from enrollment's own events. Every published domain event has a
 * contract of the same name; its payload is the event's data without the member id (the envelope's
 * subject), and the contract keeps only the fields it names: clinical facts (screening scores, flags)
 * never leave enrollment.
 */
export function toIntegrationEvent(recorded: RecordedEvent): OutgoingMessage | null {
  const definition = definitions.get(recorded.type);
  if (!definition || INTERNAL.has(recorded.type as EnrollmentDomainEvent['type'])) return null;
  const { memberId, ...payload } = recorded.data as { memberId: string };
  return integrationMessage(recorded, definition, memberId, payload);
}
