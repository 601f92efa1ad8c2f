import {
  accessFactsOf,
  changesFor,
  type AccessFact,
  type TimelineEntry,
  type TimelineSourceEvent,
} from '@carecircle/gateway/domain';

/** Runs one statement and answers its rows (adapters: `sqlOf(entityManager)`, `sqlOfPool(pool)`). */
export type Sql = <Row = Record<string, unknown>>(text: string, params?: readonly unknown[]) => Promise<Row[]>;

/** A TypeORM EntityManager (e.g. the inbox transaction's) as `Sql`; use for SELECTs and statements whose result is unused. */
export function sqlOf(manager: { query(text: string, params?: unknown[]): Promise<unknown> }): Sql {
  return async <Row>(text: string, params: readonly unknown[] = []) => {
    const result = await manager.query(text, [...params]);
    return (Array.isArray(result) ? result : []) as Row[];
  };
}

/** A node-postgres pool or client as `Sql`. */
export function sqlOfPool(pool: { query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }> }): Sql {
  return async <Row>(text: string, params: readonly unknown[] = []) =>
    (await pool.query(text, [...params])).rows as Row[];
}

async function applyAccessFact(sql: Sql, fact: AccessFact): Promise<void> {
  switch (fact.kind) {
    case 'group-facilitators':
      await sql(
        `INSERT INTO gateway.timeline_group_facilitator (group_id, facilitator_ids) VALUES ($1, $2)
         ON CONFLICT (group_id) DO UPDATE SET facilitator_ids = excluded.facilitator_ids`,
        [fact.groupId, fact.facilitatorIds],
      );
      return;
    case 'group-member':
      await (fact.present
        ? sql(
            `INSERT INTO gateway.timeline_group_member (group_id, member_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
            [fact.groupId, fact.memberId],
          )
        : sql(`DELETE FROM gateway.timeline_group_member WHERE group_id = $1 AND member_id = $2`, [
            fact.groupId,
            fact.memberId,
          ]));
      return;
    case 'medication-sharing':
      await sql(
        `INSERT INTO gateway.timeline_member_sharing (member_id, share_medication) VALUES ($1, $2)
         ON CONFLICT (member_id) DO UPDATE SET share_medication = excluded.share_medication`,
        [fact.memberId, fact.shareMedication],
      );
      return;
  }
}

/** The member's consent to show facilitators medication details; undefined until liaison told us. */
export async function medicationSharingOf(sql: Sql, memberId: string): Promise<boolean | undefined> {
  const [row] = await sql<{ share_medication: boolean }>(
    `SELECT share_medication FROM gateway.timeline_member_sharing WHERE member_id = $1`,
    [memberId],
  );
  return row?.share_medication;
}

/** Namespace (first key) of the per-member advisory locks, apart from any other lock in the database. */
const CHANGE_ORDER_LOCK = 0x7469_6d65; // 'time'

/**
 * Locks the members until the transaction ends, in sorted order (two transactions touching the same
 * members lock them in one order: no deadlock).
 */
async function lockMembers(sql: Sql, memberIds: readonly string[]): Promise<void> {
  for (const memberId of [...new Set(memberIds)].sort())
    await sql(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [CHANGE_ORDER_LOCK, memberId]);
}

export interface ApplyOptions {
  /**
   * Lock each member the event touches first (the live path). The rebuild does not: its TRUNCATE holds
   * the tables exclusively, and a lock per member for a whole replay would fill the lock table.
   */
  serialiseMembers: boolean;
}

/**
 * Applies one event to the derived tables: access facts first (an enrolment adds the member before its
 * entry), then the entries the domain's `changesFor` answers, upserted with a fresh change number (the
 * live stream's cursor). Replaying the same events in the same order gives the same rows.
 *
 * Change numbers are drawn before commit: two writers of one member could commit 10 before 9, and a
 * stream that had read 10 would skip 9 for good. Locking the member before numbering makes one member's
 * change order its commit order; it also makes two lifecycle steps of one alert apply one after the
 * other instead of both starting from the old entry.
 */
export async function applyToTimeline(
  sql: Sql,
  event: TimelineSourceEvent,
  options: ApplyOptions = { serialiseMembers: true },
): Promise<void> {
  // Read before the fact overwrites it: a repeated consent value adds no entry.
  const medicationSharingBefore =
    event.type === 'MedicationSharingWithFacilitatorChanged'
      ? await medicationSharingOf(sql, event.subject)
      : undefined;
  for (const fact of accessFactsOf(event)) await applyAccessFact(sql, fact);
  const payload = event.payload as Record<string, unknown>;
  const aboutMember = event.subject.startsWith('mbr_');
  const groupMembers = aboutMember
    ? []
    : (
        await sql<{ member_id: string }>(
          `SELECT member_id FROM gateway.timeline_group_member WHERE group_id = $1 ORDER BY member_id`,
          [payload['groupId'] ?? event.subject],
        )
      ).map((row) => row.member_id);
  if (options.serialiseMembers) await lockMembers(sql, aboutMember ? [event.subject] : groupMembers);
  const existing =
    typeof payload['alertId'] === 'string'
      ? (
          await sql<{ entry: TimelineEntry }>(
            `SELECT entry FROM gateway.timeline_entry WHERE member_id = $1 AND alert_id = $2`,
            [event.subject, payload['alertId']],
          )
        ).map((row) => row.entry)
      : [];
  for (const entry of changesFor(existing, event, {
    groupMembers,
    ...(medicationSharingBefore === undefined ? {} : { medicationSharingBefore }),
  })) {
    await sql(
      `INSERT INTO gateway.timeline_entry (member_id, source_event_id, at, kind, alert_id, entry) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (member_id, source_event_id) DO UPDATE SET entry = excluded.entry, changed_seq = nextval('gateway.timeline_change_seq')`,
      [entry.memberId, entry.sourceEventId, entry.at, entry.kind, entry.alert?.alertId ?? null, JSON.stringify(entry)],
    );
  }
}

/** The live path: keep the raw event (the replay source), then apply it. Run inside the inbox transaction. */
export async function projectTimelineEvent(sql: Sql, event: TimelineSourceEvent): Promise<void> {
  const inserted = await sql(
    `INSERT INTO gateway.timeline_source_event (event_id, type, body) VALUES ($1, $2, $3) ON CONFLICT (event_id) DO NOTHING RETURNING seq`,
    [event.eventId, event.type, JSON.stringify(event)],
  );
  if (inserted.length === 0) return; // already kept and applied
  await applyToTimeline(sql, event);
}

export interface RebuildProgress {
  done: number;
  total: number;
}

/**
 * Rebuilds every derived table from the kept source events, in the order they were received, in one
 * transaction: the TRUNCATE holds the derived tables until it commits, so readers and the live path
 * wait and then see the rebuilt timeline, never a half-built one. `sql` must be bound to one connection
 * inside a transaction the caller opens and commits.
 */
export async function rebuildTimeline(
  sql: Sql,
  onProgress: (progress: RebuildProgress) => void = () => undefined,
  batchSize = 1_000,
): Promise<RebuildProgress> {
  await sql(
    `TRUNCATE gateway.timeline_entry, gateway.timeline_group_facilitator, gateway.timeline_group_member, gateway.timeline_member_sharing`,
  );
  const [{ total } = { total: '0' }] = await sql<{ total: string }>(
    `SELECT count(*)::text AS total FROM gateway.timeline_source_event`,
  );
  const progress = { done: 0, total: Number(total) };
  onProgress(progress);
  let after = '0';
  for (;;) {
    const rows = await sql<{ position: string; body: TimelineSourceEvent }>(
      `SELECT seq::text AS position, body FROM gateway.timeline_source_event WHERE seq > $1::bigint ORDER BY seq LIMIT $2`,
      [after, batchSize],
    );
    if (rows.length === 0) break;
    for (const row of rows) await applyToTimeline(sql, row.body, { serialiseMembers: false });
    after = rows.at(-1)?.position ?? after;
    progress.done += rows.length;
    onProgress({ ...progress });
  }
  return progress;
}
