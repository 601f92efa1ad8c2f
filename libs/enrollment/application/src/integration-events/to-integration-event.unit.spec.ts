import { fixtures, MemberEnrolled, ReferralReceived } from '@carecircle/contracts';
import type { RecordedEvent } from '@carecircle/platform/event-store';
import { toIntegrationEvent } from './to-integration-event';

const metadata = { occurredAt: fixtures.MemberEnrolled.occurredAt, correlationId: 'corr-7b1d2c', causationId: 'cmd-41aa09' };
function recorded(type: string, eventId: string, data: object): RecordedEvent {
  return { streamId: 'referral-x', streamVersion: 0, globalPosition: 1n, recordedAt: new Date(0), eventId, type, data, metadata };
}

describe('enrollment integration events (producer contract)', () => {
  it('publishes MemberEnrolled exactly as the contract fixture, keyed by the pseudonymous member id', () => {
    const f = fixtures.MemberEnrolled;
    const out = toIntegrationEvent(
      recorded('MemberEnrolled', f.eventId, { ...f.payload, memberId: f.subject }),
    );
    expect(out).toEqual({ topic: MemberEnrolled.topic, key: f.subject, value: f });
    expect(MemberEnrolled.parse(out!.value)).toEqual(f);
  });

  it('publishes ReferralReceived exactly as the contract fixture, without clinical free text', () => {
    const f = fixtures.ReferralReceived;
    const out = toIntegrationEvent(recorded('ReferralReceived', f.eventId, { ...f.payload, memberId: f.subject }));
    expect(out?.value).toEqual(f);
    expect(ReferralReceived.parse(out!.value)).toEqual(f);
  });

  it('keeps internal events off the bus', () => {
    expect(toIntegrationEvent(recorded('SomethingInternal', fixtures.MemberEnrolled.eventId, {}))).toBeNull();
  });
});
