import { gatewayEvents, type IntegrationEvent } from '@carecircle/contracts';
import type { RecordedEvent } from '@carecircle/platform/event-store';
import type { ClinicalFactKind, MemberRecordEvent } from '@carecircle/gateway/domain';

export interface GatewayMessage {
  topic: string;
  /** The pseudonymous member id: a member's facts stay on one partition, in order. */
  key: string;
  value: IntegrationEvent;
}

const definitionByKind = new Map(gatewayEvents.map((definition) => [definition.type as ClinicalFactKind, definition]));

/**
 * One integration event per ingested resource version, pseudonymous: subject and key are the member
 * id, the resource travels under its gateway-chosen UUID, and the EHR's resource key stays here.
 * The stored event's id is reused, so a relay that publishes twice is absorbed by consumers' inboxes.
 * Parsed against the contract before it leaves: a mapping mistake stops the relay instead of leaking.
 */
export function toIntegrationEvent(recorded: RecordedEvent): GatewayMessage | null {
  const event = { type: recorded.type, data: recorded.data } as MemberRecordEvent;
  switch (event.type) {
    case 'ResourceIngested': {
      const { memberId, resourceId, revision, fact } = event.data;
      const definition = definitionByKind.get(fact.kind);
      if (!definition) return null;
      const value = definition.parse({
        eventId: recorded.eventId,
        type: definition.type,
        schemaVersion: definition.schemaVersion,
        occurredAt: recorded.metadata.occurredAt,
        correlationId: recorded.metadata.correlationId,
        causationId: recorded.metadata.causationId,
        subject: memberId,
        payload: { resourceId, revision, ...fact.details },
      });
      return { topic: definition.topic, key: memberId, value };
    }
    default:
      return null;
  }
}
