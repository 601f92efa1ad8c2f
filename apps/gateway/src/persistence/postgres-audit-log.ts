import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import {
  denialAggregateKey,
  type AuditLog,
  type AuditRecord,
  type StoredAuditRecord,
} from '@carecircle/gateway/application';

interface AuditRow {
  id: string;
  recorded_at: Date;
  action: AuditRecord['action'];
  outcome: AuditRecord['outcome'];
  agent: string;
  on_behalf_of: string | null;
  operation: string;
  resource_types: string[];
  member_ids: string[];
  source_ip: string | null;
  count: number;
  last_recorded_at: Date | null;
}

/**
 * The append-only audit table (the migration's trigger refuses updates and deletes). Refusals are
 * counted into their minute's row (`denialAggregateKey`): the one update the trigger lets through.
 */
export class PostgresAuditLog implements AuditLog {
  constructor(private readonly pool: Pool) {}

  async append(record: AuditRecord): Promise<void> {
    const aggregateKey = denialAggregateKey(record);
    await this.pool.query(
      `INSERT INTO gateway.audit_event
         (id, recorded_at, action, outcome, agent, on_behalf_of, operation, resource_types, member_ids, source_ip,
          aggregate_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (aggregate_key) WHERE aggregate_key IS NOT NULL
       DO UPDATE SET count = gateway.audit_event.count + 1, last_recorded_at = EXCLUDED.recorded_at`,
      [
        randomUUID(),
        record.recordedAt,
        record.action,
        record.outcome,
        record.agent,
        record.onBehalfOf ?? null,
        record.operation,
        record.resourceTypes,
        aggregateKey ? [...new Set(record.memberIds)].sort() : record.memberIds,
        record.sourceIp ?? null,
        aggregateKey ?? null,
      ],
    );
  }

  async list(filter: { memberId?: string; limit: number }): Promise<StoredAuditRecord[]> {
    const { rows } = await this.pool.query<AuditRow>(
      `SELECT * FROM gateway.audit_event WHERE ($1::text IS NULL OR member_ids @> ARRAY[$1::text])
       ORDER BY seq DESC LIMIT $2`,
      [filter.memberId ?? null, filter.limit],
    );
    return rows.map((row) => ({
      id: row.id,
      recordedAt: row.recorded_at,
      action: row.action,
      outcome: row.outcome,
      agent: row.agent,
      ...(row.on_behalf_of ? { onBehalfOf: row.on_behalf_of } : {}),
      operation: row.operation,
      resourceTypes: row.resource_types,
      memberIds: row.member_ids,
      ...(row.source_ip ? { sourceIp: row.source_ip } : {}),
      count: row.count,
      ...(row.last_recorded_at ? { lastRecordedAt: row.last_recorded_at } : {}),
    }));
  }
}
