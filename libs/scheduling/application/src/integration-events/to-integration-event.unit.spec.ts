import { fixtures, schedulingEvents, type IntegrationEvent } from '@carecircle/contracts';
import type { RecordedEvent } from '@carecircle/platform/event-store';
import { toIntegrationEvent } from './to-integration-event';

function recorded(fixture: IntegrationEvent, data: object): RecordedEvent {
  const metadata = {
    occurredAt: fixture.occurredAt,
    correlationId: fixture.correlationId,
    causationId: fixture.causationId,
  };
  return {
    streamId: 's',
    streamVersion: 0,
    globalPosition: 1n,
    recordedAt: new Date(0),
    eventId: fixture.eventId,
    type: fixture.type,
    data,
    metadata,
  };
}

/** The domain event each fixture was published from: the payload itself, except where scheduling keeps something inside. */
function domainData(fixture: IntegrationEvent): object {
  const payload = fixture.payload as Record<string, unknown>;
  if (fixture.type === 'GroupFormed' || fixture.type === 'GroupChanged') {
    const { hasVideoLink, ...rest } = payload;
    return { ...rest, videoLink: hasVideoLink ? 'https://video.example.test/room-2' : null };
  }
  return payload;
}

describe('scheduling integration events (producer contract)', () => {
  it.each(schedulingEvents.map((d) => [d.type] as const))(
    'publishes %s exactly as its contract fixture, keyed by its subject',
    (type) => {
      const fixture = (fixtures as Record<string, IntegrationEvent>)[type]!;
      const out = toIntegrationEvent(recorded(fixture, domainData(fixture)));
      expect(out).toEqual({ topic: 'carecircle.scheduling.v1', key: fixture.subject, value: fixture });
    },
  );

  it('never puts the video link on the bus', () => {
    const fixture = fixtures.GroupFormed;
    const out = toIntegrationEvent(recorded(fixture, domainData(fixture)));
    expect(JSON.stringify(out)).not.toContain('video.example.test');
  });

  it('keeps unknown internal events off the bus', () => {
    expect(toIntegrationEvent(recorded({ ...fixtures.GroupClosed, type: 'SomethingInternal' }, {}))).toBeNull();
  });

  it('keeps session notes (free text about a member) off the bus', () => {
    const note = {
      groupId: 'grp_berlin_tue',
      sessionId: 'grp_berlin_tue-s02',
      memberId: 'mbr_synthetic_0001',
      note: 'Spoke about the scan.',
      writtenBy: 'fac_sw_01',
      writtenAt: '2026-05-20T10:00:00.000Z',
    };
    expect(toIntegrationEvent(recorded({ ...fixtures.GroupClosed, type: 'SessionNoteWritten' }, note))).toBeNull();
  });
});
