import type { Queryable } from './relationship-store';

export interface ServiceAuditEntry {
  recordedAt: Date;
  /** Staff id, client id, `carecircle-gateway` or `anonymous`: never a name. */
  agent: string;
  action: string;
  /** The route template (`POST /api/liaison/alerts/:alertId/acknowledgement`), never the raw path. */
  route: string;
  outcome: 'allowed' | 'allowed-redacted' | 'denied';
  reason?: string;
  memberIds: readonly string[];
}

/** Members named per aggregated refusal row, at most: enough to investigate, too few to flood. */
const MAX_MEMBERS_PER_DENIAL_ROW = 50;

/**
 * The service's audit trail of clinical reads and writes (schema `access`). Allowed accesses are a row
 * each; refusals add to one row per agent, action, route and minute, with a count and the members named.
 */
export class ServiceAuditLog {
  constructor(private readonly db: Queryable) {}

  /** Answers the id of an allowed access's row (for `recordAnswer`); refusals are aggregated and answer nothing. */
  async record(entry: ServiceAuditEntry): Promise<string | undefined> {
    if (entry.outcome !== 'denied') {
      const inserted = (await this.db.query(
        `INSERT INTO access.audit_record (recorded_at, agent, action, route, outcome, member_ids) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [entry.recordedAt, entry.agent, entry.action, entry.route, entry.outcome, entry.memberIds],
      )) as unknown;
      const rows = Array.isArray(inserted) ? inserted : (inserted as { rows?: unknown[] } | undefined)?.rows;
      const id = (rows?.[0] as { id?: string | number } | undefined)?.id;
      return id === undefined ? undefined : String(id);
    }
    await this.db.query(
      `INSERT INTO access.audit_record (recorded_at, agent, action, route, outcome, reason, member_ids, denial_minute)
       VALUES ($1, $2, $3, $4, 'denied', $5, $6, date_trunc('minute', $1::timestamptz))
       ON CONFLICT (agent, action, route, denial_minute) WHERE denial_minute IS NOT NULL DO UPDATE SET
         count = access.audit_record.count + 1,
         member_ids = CASE WHEN cardinality(access.audit_record.member_ids) >= ${MAX_MEMBERS_PER_DENIAL_ROW} THEN access.audit_record.member_ids
                      ELSE ARRAY(SELECT DISTINCT unnest(access.audit_record.member_ids || excluded.member_ids)) END`,
      [entry.recordedAt, entry.agent, entry.action, entry.route, entry.reason ?? null, entry.memberIds],
    );
    return undefined;
  }

  /**
   * The true outcome of an allowed access whose handler did not succeed: the answer's status (4xx, 5xx) as
   * the row's reason (`answered-422`), so the trail never shows a refused or failed request as a plain success.
   */
  async recordAnswer(id: string, status: number): Promise<void> {
    if (status < 400) return;
    await this.db.query(`UPDATE access.audit_record SET reason = $2 WHERE id = $1 AND denial_minute IS NULL`, [
      id,
      `answered-${status}`,
    ]);
  }
}
