import { spec, type CommandMetadata } from '@carecircle/shared-kernel';
import type { MemberRecordEvent, ResourceSubmission } from './member-record';
import { memberRecordDecider } from './member-record.decider';

const metadata: CommandMetadata = {
  now: new Date('2026-03-02T09:30:00Z'),
  correlationId: 'corr-1',
  causationId: 'req-1',
};
const memberId = 'mbr_synthetic_0001';
const order: ResourceSubmission = {
  resourceKey: 'MedicationRequest/medrx0301',
  resourceId: '6f1c3c0e-2d4b-4f51-9a8e-0c1d2e3f4a5b',
  contentHash: 'hash-v1',
  fact: { kind: 'MedicationOrdered', details: { status: 'active' } },
};
const ingested = (
  submission: ResourceSubmission,
  revision: number,
  at = '2026-03-01T08:00:00.000Z',
): MemberRecordEvent => ({
  type: 'ResourceIngested',
  data: { memberId, ...submission, revision, ingestedAt: at },
});
const ingest = (...resources: ResourceSubmission[]) => ({
  type: 'IngestResources' as const,
  data: { memberId, resources },
  metadata,
});
const then = spec(memberRecordDecider);

describe('member record decider', () => {
  it('records a resource the gateway has not seen, as revision 1 at the command time', () => {
    then
      .given([])
      .when(ingest(order))
      .then([ingested(order, 1, '2026-03-02T09:30:00.000Z')]);
  });

  it('changes nothing when the same content is posted again', () => {
    then
      .given([ingested(order, 1)])
      .when(ingest(order))
      .then([]);
  });

  it('records changed content of a known resource as the next revision', () => {
    const changed = {
      ...order,
      contentHash: 'hash-v2',
      fact: { kind: 'MedicationOrdered' as const, details: { status: 'stopped' } },
    };
    then
      .given([ingested(order, 1)])
      .when(ingest(changed))
      .then([ingested(changed, 2, '2026-03-02T09:30:00.000Z')]);
  });

  it('records only the new resources of a partly known submission', () => {
    const appointment: ResourceSubmission = {
      ...order,
      resourceKey: 'Appointment/a1',
      contentHash: 'a',
      fact: { kind: 'AppointmentBooked', details: {} },
    };
    then
      .given([ingested(order, 1)])
      .when(ingest(order, appointment))
      .then([ingested(appointment, 1, '2026-03-02T09:30:00.000Z')]);
  });

  it('takes the same resource twice in one submission once', () => {
    then
      .given([])
      .when(ingest(order, order))
      .then([ingested(order, 1, '2026-03-02T09:30:00.000Z')]);
  });

  it('refuses two different contents of one resource in one submission', () => {
    then
      .given([])
      .when(ingest(order, { ...order, contentHash: 'other' }))
      .thenFails('gateway.resource-submitted-twice', /two different versions/);
  });
});
