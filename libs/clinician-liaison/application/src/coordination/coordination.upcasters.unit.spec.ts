import { SCHEMA_VERSION_KEY, UpcasterRegistry, type RecordedEvent } from '@carecircle/platform/event-store';
import { coordinationUpcasters } from './coordination.upcasters';

const registry = new UpcasterRegistry(coordinationUpcasters);

const stored = (data: Record<string, unknown>, schemaVersion?: string): RecordedEvent => ({
  eventId: '00000000-0000-4000-8000-000000000001',
  type: 'CareTeamMemberAssigned',
  data,
  metadata: {
    correlationId: 'c',
    causationId: 'c',
    occurredAt: '2026-01-05T09:00:00.000Z',
    ...(schemaVersion ? { [SCHEMA_VERSION_KEY]: schemaVersion } : {}),
  },
  streamId: 'coordination-mem_1',
  streamVersion: 3,
  globalPosition: 42n,
  recordedAt: new Date('2026-01-05T09:00:00.000Z'),
});

const v1 = {
  memberId: 'mem_1',
  clinicianId: 'clin_synthetic_psy_01',
  role: 'attending-psychiatrist',
  endpoint: null,
  activeFrom: '2026-01-05T09:00:00.000Z',
};

describe('coordination upcasters', () => {
  it('form an unbroken chain: CareTeamMemberAssigned is at version 2', () => {
    expect(registry.currentVersion('CareTeamMemberAssigned')).toBe(2);
  });

  it('CareTeamMemberAssigned v1 → v2: an assignment recorded before planned ends were kept is open-ended', () => {
    expect(registry.upcast(stored(v1)).data).toEqual({ ...v1, activeUntil: null });
  });

  it('CareTeamMemberAssigned v2 is read as written, planned end and all', () => {
    const v2 = { ...v1, activeUntil: '2026-06-30T00:00:00.000Z' };
    expect(registry.upcast(stored(v2, '2')).data).toEqual(v2);
  });
});
