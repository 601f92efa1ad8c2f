import { type Sql } from '@carecircle/platform/event-store';

/**
 * Records a client assertion as used; true the first time, false for a replay (any replica, one
 * statement: INSERT … ON CONFLICT DO NOTHING). Expired rows are swept on the way.
 */
export async function useAssertionOnce(sql: Sql, assertionKey: string, expiresAt: Date, now: Date): Promise<boolean> {
  const rows = await sql<{ assertion_key: string }>(
    `WITH swept AS (DELETE FROM gateway.smart_assertion_used WHERE expires_at < $3)
     INSERT INTO gateway.smart_assertion_used (assertion_key, expires_at) VALUES ($1, $2)
     ON CONFLICT (assertion_key) DO NOTHING RETURNING assertion_key`,
    [assertionKey, expiresAt, now],
  );
  return rows.length === 1;
}
