import type { IntegrationEvent } from '@carecircle/contracts';
import type { RecordedEvent } from '@carecircle/platform/event-store';
import type { OutgoingMessage } from './outgoing-message';

/** An integration event's contract, as `defineEvent` makes it: what one message needs to be built and checked. */
export interface IntegrationContract {
  type: string;
  schemaVersion: number;
  topic: string;
  parse(value: unknown): IntegrationEvent;
}

/**
 * The one way a service turns a stored domain event into the message the outbox relay publishes. The
 * envelope comes from the stored event, its id reused, so a relay that publishes twice produces the same
 * eventId and inboxes absorb the duplicate. `subject` (a pseudonymous `mbr_…` or `grp_…`) is also the
 * key: a subject's events stay in order on one partition. The contract parses the message before it
 * leaves, keeping only the fields it names: a mapping mistake stops the relay instead of leaking a field
 * or handing consumers a poison message.
 */
export function integrationMessage(
  recorded: RecordedEvent,
  contract: IntegrationContract,
  subject: string,
  payload: object,
): OutgoingMessage {
  const value = contract.parse({
    eventId: recorded.eventId,
    type: contract.type,
    schemaVersion: contract.schemaVersion,
    occurredAt: recorded.metadata.occurredAt,
    correlationId: recorded.metadata.correlationId,
    causationId: recorded.metadata.causationId,
    subject,
    payload,
  });
  return { topic: contract.topic, key: subject, value };
}
