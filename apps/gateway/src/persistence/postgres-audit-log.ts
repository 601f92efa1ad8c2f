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

/** The most rows one INSERT carries (13 parameters each, far below PostgreSQL's 65,535). */
const MAX_ROWS_PER_INSERT = 500;
/** Batches written at once: an arrival while one commits is not kept waiting for it. */
const MAX_WRITES_IN_FLIGHT = 2;

interface Waiting {
  record: AuditRecord;
  written: () => void;
  failed: (error: unknown) => void;
}

/** One row of an INSERT: an allowed access, or the refusals of one aggregate key counted together. */
interface PendingRow {
  /** The first record's: a counted row keeps its first refusal's fields, as the upsert does. */
  record: AuditRecord;
  aggregateKey?: string;
  /** When the last refusal counted into this row came, if more than one was. */
  lastRecordedAt?: Date;
  waiting: Waiting[];
}

/**
 * The append-only audit table (the migration's trigger refuses updates and deletes). Refusals are
 * counted into their minute's row (`denialAggregateKey`): the one update the trigger lets through.
 *
 * Group commit: the records of concurrent requests go in one multi-row INSERT (one round trip, one
 * commit), and `append` resolves only once its row is committed. Why not a queue drained after the
 * answer: the row is the proof of the read, so no request is answered before its row is durable, and a
 * crash can only lose the rows of requests that were never answered. Callers keep it off their critical
 * path by writing it while they query (see `TimelineReader.read`), never by not waiting for it.
 */
export class PostgresAuditLog implements AuditLog {
  private readonly queue: Waiting[] = [];
  private writesInFlight = 0;

  constructor(private readonly pool: Pool) {}

  append(record: AuditRecord): Promise<void> {
    return new Promise<void>((written, failed) => {
      this.queue.push({ record, written, failed });
      if (this.writesInFlight < MAX_WRITES_IN_FLIGHT) void this.drain();
    });
  }

  /** Writes what is queued, a batch at a time, until nothing is. */
  private async drain(): Promise<void> {
    this.writesInFlight++;
    try {
      while (this.queue.length > 0) await this.writeBatch(rowsOf(this.queue.splice(0, MAX_ROWS_PER_INSERT)));
    } finally {
      this.writesInFlight--;
    }
  }

  /** One INSERT for the batch; if it fails, row by row, so that one bad record fails only its own requests. */
  private async writeBatch(rows: PendingRow[]): Promise<void> {
    try {
      await this.insert(rows);
      for (const row of rows) for (const waiting of row.waiting) waiting.written();
    } catch (error) {
      if (rows.length === 1) for (const waiting of rows.flatMap((row) => row.waiting)) waiting.failed(error);
      else for (const row of rows) await this.writeBatch([row]);
    }
  }

  private async insert(rows: PendingRow[]): Promise<void> {
    const params: unknown[] = [];
    const values = rows.map(({ record: first, aggregateKey, lastRecordedAt, waiting }) => {
      const columns = [
        randomUUID(),
        first.recordedAt,
        first.action,
        first.outcome,
        first.agent,
        first.onBehalfOf ?? null,
        first.operation,
        first.resourceTypes,
        aggregateKey ? [...new Set(first.memberIds)].sort() : first.memberIds,
        first.sourceIp ?? null,
        aggregateKey ?? null,
        waiting.length,
        lastRecordedAt ?? null,
      ];
      const from = params.length;
      params.push(...columns);
      return `(${columns.map((_, column) => `$${from + column + 1}`).join(', ')})`;
    });
    await this.pool.query(
      `INSERT INTO gateway.audit_event
         (id, recorded_at, action, outcome, agent, on_behalf_of, operation, resource_types, member_ids, source_ip,
          aggregate_key, count, last_recorded_at)
       VALUES ${values.join(', ')}
       ON CONFLICT (aggregate_key) WHERE aggregate_key IS NOT NULL
       DO UPDATE SET count = gateway.audit_event.count + EXCLUDED.count,
                     last_recorded_at = COALESCE(EXCLUDED.last_recorded_at, EXCLUDED.recorded_at)`,
      params,
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

/**
 * The batch as rows: an allowed or failed access is a row of its own; refusals of one aggregate key
 * are one row (an INSERT … ON CONFLICT may not touch the same row twice), counted by how many they are.
 */
function rowsOf(batch: readonly Waiting[]): PendingRow[] {
  const rows: PendingRow[] = [];
  const byKey = new Map<string, PendingRow>();
  for (const waiting of batch) {
    const aggregateKey = denialAggregateKey(waiting.record);
    const counted = aggregateKey ? byKey.get(aggregateKey) : undefined;
    if (counted) {
      // Refusals counted together here say when the last one came, as the upsert does.
      counted.waiting.push(waiting);
      counted.lastRecordedAt = waiting.record.recordedAt;
      continue;
    }
    const row: PendingRow = { record: waiting.record, ...(aggregateKey ? { aggregateKey } : {}), waiting: [waiting] };
    if (aggregateKey) byKey.set(aggregateKey, row);
    rows.push(row);
  }
  return rows;
}
