import type { RecordedEvent } from '@carecircle/platform/event-store';
import type { ClinicalFact } from '@carecircle/gateway/domain';
import { toIntegrationEvent } from '../integration-events/to-integration-event';

const PLACEHOLDER_UUID = '00000000-0000-4000-8000-000000000000';

/**
 * Whether a fact maps to an integration event its contract accepts, checked with the relay's own
 * mapping before it is recorded. @medplum/core lets some shapes through that the contract refuses
 * (an object where a decimal belongs); recorded, such a fact would stop the outbox relay for good.
 */
export function isRelayable(fact: ClinicalFact): boolean {
  const probe = {
    type: 'ResourceIngested',
    data: { memberId: 'mbr_relay_check', resourceId: PLACEHOLDER_UUID, revision: 1, fact },
    eventId: PLACEHOLDER_UUID,
    metadata: { occurredAt: '2026-01-01T00:00:00.000Z', correlationId: 'relay-check', causationId: 'relay-check' },
    streamId: 'relay-check',
    streamVersion: 0,
    globalPosition: 0n,
    recordedAt: new Date(0),
  };
  try {
    toIntegrationEvent(probe as unknown as RecordedEvent);
    return true;
  } catch {
    return false;
  }
}
