import type { IntegrationEvent } from '@carecircle/contracts';
import type { RecordedEvent } from '@carecircle/platform/event-store';

/** One integration event to publish. `key` decides the partition: use the member's pseudonymous id or the stream id. */
export interface OutgoingMessage {
  topic: string;
  key: string;
  value: IntegrationEvent;
  headers?: Record<string, string>;
}

/**
 * Supplied by the service: the integration event a stored domain event becomes, or `null` for an event
 * that is not published. Pure and deterministic: the relay may call it again for the same event after a restart.
 */
export type OutgoingMessageMapper = (event: RecordedEvent) => OutgoingMessage | null;
