import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { IdentityReview, IdentityReviews } from '@carecircle/gateway/application';

interface ReviewRow {
  id: string;
  detected_at: Date;
  reason_code: IdentityReview['reasonCode'];
  member_ids: string[];
  resource_type: IdentityReview['resourceType'];
}

/** `gateway.identity_review`, written on the pool: outside the refused submission's transaction. */
export class PostgresIdentityReviews implements IdentityReviews {
  constructor(private readonly pool: Pool) {}

  async file(review: IdentityReview): Promise<void> {
    await this.pool.query(
      `INSERT INTO gateway.identity_review (id, detected_at, reason_code, member_ids, resource_type) VALUES ($1, $2, $3, $4, $5)`,
      [randomUUID(), review.detectedAt, review.reasonCode, review.memberIds, review.resourceType],
    );
  }

  async listOpen(limit: number): Promise<(IdentityReview & { id: string })[]> {
    const { rows } = await this.pool.query<ReviewRow>(
      `SELECT id, detected_at, reason_code, member_ids, resource_type FROM gateway.identity_review WHERE status = 'open' ORDER BY seq LIMIT $1`,
      [limit],
    );
    return rows.map((row) => ({
      id: row.id,
      detectedAt: row.detected_at,
      reasonCode: row.reason_code,
      memberIds: row.member_ids,
      resourceType: row.resource_type,
    }));
  }
}
