import { fixtures, gatewayEvents, Topics } from '@carecircle/contracts';
import { CLINICAL_FACT_KINDS, type ClinicalFactKind } from '@carecircle/gateway/domain';
import type { RecordedEvent } from '@carecircle/platform/event-store';
import { toIntegrationEvent } from './to-integration-event';

function recorded(kind: ClinicalFactKind): RecordedEvent {
  const f = fixtures[kind];
  const { resourceId, revision, ...details } = f.payload;
  return {
    streamId: `gateway-member-${f.subject}`,
    streamVersion: 0,
    globalPosition: 1n,
    recordedAt: new Date(0),
    eventId: f.eventId,
    type: 'ResourceIngested',
    data: {
      memberId: f.subject,
      resourceKey: 'MedicationRequest/ehr-id-123',
      resourceId,
      revision,
      contentHash: 'h',
      fact: { kind, details },
      ingestedAt: f.occurredAt,
    },
    metadata: { occurredAt: f.occurredAt, correlationId: f.correlationId, causationId: f.causationId },
  };
}

describe('gateway ingest integration events (producer contract)', () => {
  it('has one contract event per fact kind', () => {
    expect(gatewayEvents.map((d) => d.type).sort()).toEqual([...CLINICAL_FACT_KINDS].sort());
  });

  it.each(CLINICAL_FACT_KINDS.map((kind) => [kind]))(
    'publishes %s exactly as its fixture, keyed by the member id, without the EHR resource key',
    (kind) => {
      const out = toIntegrationEvent(recorded(kind));
      expect(out).toEqual({ topic: Topics.gatewayIngest, key: fixtures[kind].subject, value: fixtures[kind] });
      expect(JSON.stringify(out)).not.toContain('ehr-id-123');
    },
  );

  it('keeps unknown stored events off the bus', () => {
    expect(toIntegrationEvent({ ...recorded('MedicationOrdered'), type: 'SomethingInternal' })).toBeNull();
  });

  it('refuses to publish a fact that breaks its contract', () => {
    const broken = recorded('MedicationOrdered');
    (broken.data as { fact: { details: object } }).fact.details = { status: 'active' };
    expect(() => toIntegrationEvent(broken)).toThrow(/intent|medication/);
  });

  it('refuses to publish an EHR practitioner reference where a pseudonymous staff id belongs', () => {
    const team = recorded('CareTeamUpdated');
    (team.data as { fact: { details: { participants: object[] } } }).fact.details.participants = [
      { roles: [], clinician: 'Practitioner/psy-01' },
    ];
    expect(() => toIntegrationEvent(team)).toThrow(/clin_/);
    const order = recorded('MedicationOrdered');
    (order.data as { fact: { details: object } }).fact.details = {
      ...fixtures.MedicationOrdered.payload,
      requesterId: 'Practitioner/p1',
    };
    expect(() => toIntegrationEvent(order)).toThrow(/staff id/);
  });
});
