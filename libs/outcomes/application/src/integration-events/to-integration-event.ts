import {
  DeteriorationDetected,
  ImprovementDetected,
  MeasureCorrected,
  MeasureRecorded,
  SuicidalIdeationReported,
} from '@carecircle/contracts';
import type { RecordedEvent } from '@carecircle/platform/event-store';
import { integrationMessage, type IntegrationContract, type OutgoingMessage } from '@carecircle/platform/messaging';
import type { MeasureFacts, MemberOutcomesEvent } from '@carecircle/outcomes/domain';

/** Measure facts that travel: scores and context, never the item answers or free text beyond the correction reason. */
function measurePayload(facts: MeasureFacts) {
  const { measureId, instrument, total, band, item9, domains, point, administeredAt, administeredBy, groupId } = facts;
  return {
    measureId,
    instrument,
    total,
    band,
    item9,
    ...(domains ? { domains } : {}),
    point,
    administeredAt,
    administeredBy,
    groupId,
  };
}

/** What the outside world learns from outcomes' own events, each about one member. */
export function toIntegrationEvent(recorded: RecordedEvent): OutgoingMessage | null {
  const event = { type: recorded.type, data: recorded.data } as MemberOutcomesEvent;
  const message = (contract: IntegrationContract, payload: object) =>
    integrationMessage(recorded, contract, event.data.memberId, payload);
  switch (event.type) {
    case 'MeasureRecorded':
      return message(MeasureRecorded, measurePayload(event.data));
    case 'MeasureCorrected':
      return message(MeasureCorrected, {
        ...measurePayload(event.data),
        correctsMeasureId: event.data.correctsMeasureId,
        reason: event.data.reason,
      });
    case 'ImprovementDetected':
    case 'DeteriorationDetected': {
      const { measureId, instrument, comparedWith, from, to, change, meaningfulChange, fromBand, toBand, detectedAt } =
        event.data;
      const payload = {
        measureId,
        instrument,
        comparedWith,
        from,
        to,
        change,
        meaningfulChange,
        fromBand,
        toBand,
        detectedAt,
      };
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
