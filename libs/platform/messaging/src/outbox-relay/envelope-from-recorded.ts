import type { RecordedEvent } from '@carecircle/platform/event-store';

/**
 * The envelope fields every integration event takes from the stored event it is published from.
 * The integration event reuses the stored event's id, so a relay that publishes twice produces the
 * same eventId and inboxes absorb the duplicate.
 */
export function envelopeFromRecorded(recorded: RecordedEvent): { eventId: string; occurredAt: string; correlationId: string; causationId: string } {
  return {
    eventId: recorded.eventId,
    occurredAt: recorded.metadata.occurredAt,
    correlationId: recorded.metadata.correlationId,
    causationId: recorded.metadata.causationId,
  };
}
