import { fixtures, outcomesEvents } from '@carecircle/contracts';
import type { RecordedEvent } from '@carecircle/platform/event-store';
import { toIntegrationEvent } from './to-integration-event';

const metadata = {
  occurredAt: fixtures.MeasureRecorded.occurredAt,
  correlationId: 'corr-out-5a21',
  causationId: 'cmd-out-9c04',
};
function recorded(type: string, eventId: string, data: object): RecordedEvent {
  return {
    streamId: 'member-outcomes-x',
    streamVersion: 0,
    globalPosition: 1n,
    recordedAt: new Date(0),
    eventId,
    type,
    data,
    metadata,
  };
}
const answersInput = { kind: 'answers', answers: [2, 2, 2, 2, 2, 2, 1, 1, 0] };

describe('outcomes integration events (producer contract)', () => {
  it.each(outcomesEvents.map((d) => [d.type, d] as const))(
    'publishes %s exactly as the contract fixture, keyed by the member id',
    (type, definition) => {
      const f = (fixtures as Record<string, { eventId: string; subject: string; payload: object }>)[type]!;
      // The stored domain event carries the member id and, for measures, the item answers, which stay inside.
      const out = toIntegrationEvent(
        recorded(type, f.eventId, { ...f.payload, memberId: f.subject, input: answersInput }),
      );
      expect(out).toEqual({ topic: definition.topic, key: f.subject, value: f });
      expect(definition.parse(out!.value)).toEqual(f);
      expect(JSON.stringify(out)).not.toContain('answers');
    },
  );

  it('keeps unknown events off the bus', () => {
    expect(toIntegrationEvent(recorded('SomethingInternal', fixtures.MeasureRecorded.eventId, {}))).toBeNull();
  });
});
