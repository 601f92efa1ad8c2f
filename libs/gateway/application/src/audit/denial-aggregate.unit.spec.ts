import type { AuditRecord } from './audit-log.port';
import { denialAggregateKey } from './denial-aggregate';

const denied: AuditRecord = {
  recordedAt: new Date('2026-03-02T10:15:05Z'),
  action: 'R',
  outcome: '4',
  agent: 'anonymous',
  operation: 'GET /api/members/:id/timeline',
  resourceTypes: ['Timeline'],
  memberIds: ['mbr_synthetic_0001'],
  sourceIp: '10.0.0.1',
};

describe('denialAggregateKey', () => {
  it('groups refusals of the same minute, agent, operation and members, whatever the source address', () => {
    const key = denialAggregateKey(denied);
    expect(key).toBeDefined();
    expect(
      denialAggregateKey({ ...denied, recordedAt: new Date('2026-03-02T10:15:59.999Z'), sourceIp: '10.0.0.2' }),
    ).toBe(key);
  });

  it('starts a new group on another minute, agent, operation, action or member', () => {
    const key = denialAggregateKey(denied);
    const others: Partial<AuditRecord>[] = [
      { recordedAt: new Date('2026-03-02T10:16:00Z') },
      { agent: 'clin_synthetic_psy_01' },
      { operation: 'GET /api/members/:id/timeline/stream' },
      { action: 'E' },
      { memberIds: ['mbr_synthetic_0002'] },
      { memberIds: [] },
    ];
    for (const other of others) expect(denialAggregateKey({ ...denied, ...other })).not.toBe(key);
  });

  it('keeps allowed and failed accesses one row each', () => {
    expect(denialAggregateKey({ ...denied, outcome: '0' })).toBeUndefined();
    expect(denialAggregateKey({ ...denied, outcome: '8' })).toBeUndefined();
  });
});
