import { gatewayEvents } from '@carecircle/contracts';
import type { RecordedEvent } from '@carecircle/platform/event-store';
import { integrationMessage, type OutgoingMessage } from '@carecircle/platform/messaging';
import type { ClinicalFactKind, MemberRecordEvent } from '@carecircle/gateway/domain';

const definitionByKind = new Map(gatewayEvents.map((definition) => [definition.type as ClinicalFactKind, definition]));

/**
 * One integration event per ingested resource version, pseudonymous: subject and key are the member
 * id, the resource travels under its gateway-chosen UUID, and the EHR's resource key stays here.
 */
export function toIntegrationEvent(recorded: RecordedEvent): OutgoingMessage | null {
  const event = { type: recorded.type, data: recorded.data } as MemberRecordEvent;
  switch (event.type) {
    case 'ResourceIngested': {
      const { memberId, resourceId, revision, fact } = event.data;
      const definition = definitionByKind.get(fact.kind);
      return definition
        ? integrationMessage(recorded, definition, memberId, { resourceId, revision, ...fact.details })
        : null;
    }
    default:
      return null;
  }
}
