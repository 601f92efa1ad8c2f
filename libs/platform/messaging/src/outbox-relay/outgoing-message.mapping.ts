import { envelopeSchema } from '@carecircle/contracts';
import type { RecordedEvent } from '@carecircle/platform/event-store';
import { summarizeIssues } from '../consumer/message-rejections';
import type { OutgoingMessage, OutgoingMessageMapper } from './outgoing-message';

/**
 * The service's mapper threw, or produced something that is not an integration event envelope. The
 * relay stops at that event and retries with backoff (a fixed deploy resumes it): skipping it would
 * lose the event for every consumer, publishing it would hand them a poison message.
 */
export class RelayMappingError extends Error {
  override readonly name = 'RelayMappingError';
  constructor(
    readonly globalPosition: bigint,
    readonly eventType: string,
    reason: string,
  ) {
    super(`Cannot relay the ${eventType} event at position ${globalPosition}: ${reason}`);
  }
}

/** The mapped message, with the event's W3C trace context added to its headers. */
export function toOutgoingMessage(event: RecordedEvent, map: OutgoingMessageMapper): OutgoingMessage | null {
  let message: OutgoingMessage | null;
  try {
    message = map(event);
  } catch (error) {
    throw new RelayMappingError(
      event.globalPosition,
      event.type,
      `the mapper threw ${error instanceof Error ? error.name : typeof error}`,
    );
  }
  if (message === null) return null;
  const envelope = envelopeSchema.safeParse(message.value);
  if (!envelope.success)
    throw new RelayMappingError(
      event.globalPosition,
      event.type,
      `invalid envelope (${summarizeIssues(envelope.error)})`,
    );
  const { traceparent, tracestate } = event.metadata;
  return {
    ...message,
    headers: { ...message.headers, ...(traceparent ? { traceparent } : {}), ...(tracestate ? { tracestate } : {}) },
  };
}
