import { createHash } from 'node:crypto';
import type { AuditRecord } from './audit-log.port';

/**
 * The group a refused access is counted in: its minute, agent, operation, action, resource types and
 * member ids (so a member's audit trail still shows every denial that named them). Allowed and failed
 * accesses (outcome 0 and 8) are not grouped: undefined.
 */
export function denialAggregateKey(record: AuditRecord): string | undefined {
  if (record.outcome !== '4') return undefined;
  const minute = new Date(Math.floor(record.recordedAt.getTime() / 60_000) * 60_000).toISOString();
  const members = [...new Set(record.memberIds)].sort();
  const group = [minute, record.agent, record.operation, record.action, [...record.resourceTypes].sort(), members];
  return createHash('sha256').update(JSON.stringify(group)).digest('base64url');
}
