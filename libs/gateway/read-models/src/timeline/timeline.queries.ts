import type { TimelineEntry, TimelineKind } from '@carecircle/gateway/domain';
import { type Sql } from '@carecircle/platform/event-store';

export interface TimelineQuery {
  from?: string;
  to?: string;
  kinds?: readonly TimelineKind[];
  cursor?: string;
  limit: number;
  /** Only these recipients' copies of alerts (`alertRecipientRolesShownTo`); absent: every copy. */
  alertRecipientRoles?: readonly string[];
}

/** An entry and when its source service recorded the event (the envelope's `occurredAt`), when kept. */
export type RecordedTimelineEntry = TimelineEntry & { recordedAt?: string };

/** The stored entry with its source event's recording time beside it. */
const ENTRY_WITH_RECORDED_AT = `SELECT e.entry, s.body->>'occurredAt' AS recorded_at
   FROM gateway.timeline_entry e LEFT JOIN gateway.timeline_source_event s ON s.event_id = e.source_event_id`;

const withRecordedAt = (row: { entry: TimelineEntry; recorded_at: string | null }): RecordedTimelineEntry =>
  row.recorded_at ? { ...row.entry, recordedAt: row.recorded_at } : row.entry;

export interface TimelinePage {
  entries: RecordedTimelineEntry[];
  /** Pass back as `cursor` for the next page; absent on the last page. */
  nextCursor?: string;
}

export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}

/** Opaque keyset cursor: the (at, sourceEventId) of the last entry of a page. */
export function encodeCursor(entry: Pick<TimelineEntry, 'at' | 'sourceEventId'>): string {
  return Buffer.from(JSON.stringify([entry.at, entry.sourceEventId]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string' &&
      !Number.isNaN(Date.parse(value[0]))
    )
      return [value[0], value[1]];
  } catch {
    // fall through
  }
  throw new InvalidCursorError('cursor is not one this API issued');
}

/** One member's timeline, oldest first, filtered by time range and kinds, a page at a time. */
export async function readTimeline(sql: Sql, memberId: string, query: TimelineQuery): Promise<TimelinePage> {
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  const rows = await sql<{ entry: TimelineEntry; recorded_at: string | null }>(
    `${ENTRY_WITH_RECORDED_AT}
      WHERE e.member_id = $1
        AND ($2::timestamptz IS NULL OR e.at >= $2::timestamptz)
        AND ($3::timestamptz IS NULL OR e.at < $3::timestamptz)
        AND ($4::text[] IS NULL OR e.kind = ANY($4::text[]))
        AND ($5::timestamptz IS NULL OR (e.at, e.source_event_id) > ($5::timestamptz, $6::text))
        AND ($8::text[] IS NULL OR e.kind <> 'alert' OR e.entry->'details'->>'recipientRole' = ANY($8::text[]))
      ORDER BY e.at, e.source_event_id
      LIMIT $7`,
    [
      memberId,
      query.from ?? null,
      query.to ?? null,
      query.kinds?.length ? query.kinds : null,
      after?.[0] ?? null,
      after?.[1] ?? null,
      query.limit + 1,
      query.alertRecipientRoles ?? null,
    ],
  );
  const entries = rows.slice(0, query.limit).map(withRecordedAt);
  const last = entries.at(-1);
  return rows.length > query.limit && last ? { entries, nextCursor: encodeCursor(last) } : { entries };
}

/** Entries added or changed after change number `afterChange` (the live stream), with the newest change number. */
export async function readTimelineChanges(
  sql: Sql,
  memberId: string,
  afterChange: string,
): Promise<{ entries: RecordedTimelineEntry[]; lastChange: string }> {
  const rows = await sql<{ entry: TimelineEntry; recorded_at: string | null; change: string }>(
    `${ENTRY_WITH_RECORDED_AT.replace('SELECT e.entry,', 'SELECT e.entry, e.changed_seq::text AS change,')}
      WHERE e.member_id = $1 AND e.changed_seq > $2::bigint ORDER BY e.changed_seq LIMIT 500`,
    [memberId, afterChange],
  );
  return { entries: rows.map(withRecordedAt), lastChange: rows.at(-1)?.change ?? afterChange };
}

/** The newest change number of a member's timeline ('0' when empty): where a live stream starts. */
export async function latestTimelineChange(sql: Sql, memberId: string): Promise<string> {
  const [row] = await sql<{ latest: string | null }>(
    `SELECT max(changed_seq)::text AS latest FROM gateway.timeline_entry WHERE member_id = $1`,
    [memberId],
  );
  return row?.latest ?? '0';
}
