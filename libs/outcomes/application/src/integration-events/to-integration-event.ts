import { envelopeFromRecorded } from '@carecircle/platform/messaging';
import { DeteriorationDetected, ImprovementDetected, MeasureCorrected, MeasureRecorded, SuicidalIdeationReported, type IntegrationEvent } from '@carecircle/contracts';
import type { RecordedEvent } from '@carecircle/platform/event-store';
import type { MeasureFacts, MemberOutcomesEvent } from '@carecircle/outcomes/domain';

export interface OutcomesMessage {
  topic: string;
  /** The pseudonymous member id: all of a member's events land on one partition, in order. */
  key: string;
  value: IntegrationEvent;
}

/** Measure facts that travel: scores and context, never the item answers or free text beyond the correction reason. */
function measurePayload(facts: MeasureFacts) {
  const { measureId, instrument, total, band, item9, domains, point, administeredAt, administeredBy, groupId } = facts;
  return { measureId, instrument, total, band, item9, ...(domains ? { domains } : {}), point, administeredAt, administeredBy, groupId };
}

/**
 * What the outside world learns from outcomes' own events. The integration event reuses the stored
 * event's id, so a relay that publishes twice produces the same eventId and inboxes absorb it.
 */
export function toIntegrationEvent(recorded: RecordedEvent): OutcomesMessage | null {
  const event = { type: recorded.type, data: recorded.data } as MemberOutcomesEvent;
  const envelope = { ...envelopeFromRecorded(recorded), subject: event.data?.memberId };
  const message = (definition: { type: string; schemaVersion: number; topic: string }, payload: object): OutcomesMessage => ({
    topic: definition.topic,
    key: event.data.memberId,
    value: { ...envelope, type: definition.type, schemaVersion: definition.schemaVersion, payload } as IntegrationEvent,
  });
  switch (event.type) {
    case 'MeasureRecorded':
      return message(MeasureRecorded, measurePayload(event.data));
    case 'MeasureCorrected':
      return message(MeasureCorrected, { ...measurePayload(event.data), correctsMeasureId: event.data.correctsMeasureId, reason: event.data.reason });
    case 'ImprovementDetected':
    case 'DeteriorationDetected': {
      const { measureId, instrument, comparedWith, from, to, change, meaningfulChange, fromBand, toBand, detectedAt } = event.data;
      const payload = { measureId, instrument, comparedWith, from, to, change, meaningfulChange, fromBand, toBand, detectedAt };
      return message(event.type === 'ImprovementDetected' ? ImprovementDetected : DeteriorationDetected, payload);
    }
    case 'SuicidalIdeationReported': {
      const { measureId, instrument, item9, administeredAt, groupId } = event.data;
      return message(SuicidalIdeationReported, { measureId, instrument, item9, administeredAt, groupId });
    }
    default:
      return null;
  }
}
