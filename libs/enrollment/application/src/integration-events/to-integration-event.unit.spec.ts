import {
  enrollmentEvents,
  fixtures,
  MemberEnrolled,
  ReferralReceived,
  ScreeningCompleted,
} from '@carecircle/contracts';
import type { RecordedEvent } from '@carecircle/platform/event-store';
import { toIntegrationEvent } from './to-integration-event';

const metadata = {
  occurredAt: fixtures.MemberEnrolled.occurredAt,
  correlationId: 'corr-7b1d2c',
  causationId: 'cmd-41aa09',
};
function recorded(type: string, eventId: string, data: object): RecordedEvent {
  return {
    streamId: 'referral-x',
    streamVersion: 0,
    globalPosition: 1n,
    recordedAt: new Date(0),
    eventId,
    type,
    data,
    metadata,
  };
}

describe('enrollment integration events (producer contract)', () => {
  it.each(enrollmentEvents.map((definition) => [definition.type]))(
    'publishes %s exactly as its contract fixture, keyed by the pseudonymous member id',
    (type) => {
      const f = fixtures[type as keyof typeof fixtures] as { eventId: string; subject: string; payload: object };
      const out = toIntegrationEvent(recorded(type, f.eventId, { ...f.payload, memberId: f.subject }));
      expect(out).toEqual({ topic: 'carecircle.enrollment.v1', key: f.subject, value: f });
    },
  );

  it('keeps the clinical facts behind a referral and its screening off the bus', () => {
    const facts = { age: 54, pcl5: 44, gad7: 17, phq9: { total: 12, item9: 1 }, ptsdDiagnosis: true };
    const referral = fixtures.ReferralReceived;
    const outReferral = toIntegrationEvent(
      recorded('ReferralReceived', referral.eventId, {
        ...referral.payload,
        memberId: referral.subject,
        screeningFacts: facts,
      }),
    );
    expect(outReferral?.value).toEqual(ReferralReceived.parse(referral));
    const screening = fixtures.ScreeningCompleted;
    const outScreening = toIntegrationEvent(
      recorded('ScreeningCompleted', screening.eventId, { ...screening.payload, memberId: screening.subject, facts }),
    );
    expect(outScreening?.value).toEqual(ScreeningCompleted.parse(screening));
    expect(JSON.stringify([outReferral, outScreening])).not.toMatch(/pcl5|gad7|item9|ptsdDiagnosis/);
  });

  it('drops the seat holder details the contract does not name (MemberWithdrew from a group stream)', () => {
    const f = fixtures.MemberWithdrew;
    const out = toIntegrationEvent(
      recorded('MemberWithdrew', f.eventId, { ...f.payload, memberId: f.subject, memberRole: 'patient' }),
    );
    expect(out?.value).toEqual(f);
    expect(MemberEnrolled.topic).toBe(out?.topic);
  });

  it('keeps internal events off the bus', () => {
    expect(toIntegrationEvent(recorded('SomethingInternal', fixtures.MemberEnrolled.eventId, {}))).toBeNull();
    expect(
      toIntegrationEvent(
        recorded('PlacementRecorded', fixtures.MemberEnrolled.eventId, {
          referralId: 'r',
          groupId: 'grp_x',
          recordedAt: metadata.occurredAt,
        }),
      ),
    ).toBeNull();
  });
});
