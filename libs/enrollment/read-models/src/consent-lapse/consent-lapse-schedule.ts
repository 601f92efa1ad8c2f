import type { DataSource } from 'typeorm';

interface ConsentLapseRow {
  member_id: string;
  resource_id: string;
  ends_at: Date;
  position: string;
}

/** The application's `ConsentLapseSchedule` port on PostgreSQL (table `enrollment_consent_lapse`). */
export class TypeOrmConsentLapseSchedule {
  constructor(private readonly dataSource: DataSource) {}

  /** Never replaces a newer revision's end with an older one (replicas may follow the log side by side). */
  async plan(memberId: string, resourceId: string, endsAt: string | null, position: bigint): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO enrollment_consent_lapse (member_id, resource_id, ends_at, position) VALUES ($1, $2, $3, $4)
       ON CONFLICT (member_id, resource_id) DO UPDATE SET ends_at = EXCLUDED.ends_at, position = EXCLUDED.position
       WHERE enrollment_consent_lapse.position < EXCLUDED.position`,
      [memberId, resourceId, endsAt, position.toString()],
    );
  }

  async due(
    now: Date,
    limit: number,
  ): Promise<{ memberId: string; resourceId: string; endsAt: string; position: bigint }[]> {
    const rows: ConsentLapseRow[] = await this.dataSource.query(
      `SELECT member_id, resource_id, ends_at, position::text AS position FROM enrollment_consent_lapse
       WHERE ends_at IS NOT NULL AND ends_at <= $1 ORDER BY ends_at, member_id, resource_id LIMIT $2`,
      [now, limit],
    );
    return rows.map((row) => ({
      memberId: row.member_id,
      resourceId: row.resource_id,
      endsAt: new Date(row.ends_at).toISOString(),
      position: BigInt(row.position),
    }));
  }

  async done(lapse: { memberId: string; resourceId: string; position: bigint }): Promise<void> {
    await this.dataSource.query(
      'UPDATE enrollment_consent_lapse SET ends_at = NULL WHERE member_id = $1 AND resource_id = $2 AND position = $3',
      [lapse.memberId, lapse.resourceId, lapse.position.toString()],
    );
  }
}
