import type { TimelineSourceEvent } from '@carecircle/gateway/domain';
import { type Sql } from '@carecircle/platform/event-store';

/** A kept integration event with its place in the store and when it was received. */
export type StoredSourceEvent = TimelineSourceEvent & { seq: string; receivedAt: string };

/** The payload ids FHIR resources are named by; each has an index (see the migration). */
export type SourcePayloadKey = 'alertId' | 'measureId' | 'groupId' | 'sessionId';
const PAYLOAD_KEYS: readonly SourcePayloadKey[] = ['alertId', 'measureId', 'groupId', 'sessionId'];

interface Row {
  position: string;
  received_at: Date;
  body: TimelineSourceEvent;
}

const SELECTED = `SELECT seq::text AS position, received_at, body FROM gateway.timeline_source_event`;
const stored = (rows: Row[]): StoredSourceEvent[] =>
  rows.map((row) => ({ ...row.body, seq: row.position, receivedAt: row.received_at.toISOString() }));

/** Kept events about these subjects (`mbr_…`, `grp_…`) of these types, in the order received. */
export async function sourceEventsBySubjects(
  sql: Sql,
  subjects: readonly string[],
  types: readonly string[],
): Promise<StoredSourceEvent[]> {
  if (subjects.length === 0 || types.length === 0) return [];
  return stored(
    await sql<Row>(`${SELECTED} WHERE body->>'subject' = ANY($1::text[]) AND type = ANY($2::text[]) ORDER BY seq`, [
      subjects,
      types,
    ]),
  );
}

/** Kept events of these types whose payload names one of these ids under `key`, in the order received. */
export async function sourceEventsByPayload(
  sql: Sql,
  key: SourcePayloadKey,
  values: readonly string[],
  types: readonly string[],
): Promise<StoredSourceEvent[]> {
  if (!PAYLOAD_KEYS.includes(key)) throw new Error('Not an indexed payload key'); // the key is spliced into SQL: only the listed ones
  if (values.length === 0 || types.length === 0) return [];
  return stored(
    await sql<Row>(
      `${SELECTED} WHERE body->'payload'->>'${key}' = ANY($1::text[]) AND type = ANY($2::text[]) ORDER BY seq`,
      [values, types],
    ),
  );
}

/** Kept events with these ids (the store's key) of these types, in the order received. */
export async function sourceEventsByIds(
  sql: Sql,
  eventIds: readonly string[],
  types: readonly string[],
): Promise<StoredSourceEvent[]> {
  if (eventIds.length === 0 || types.length === 0) return [];
  return stored(
    await sql<Row>(`${SELECTED} WHERE event_id = ANY($1::text[]) AND type = ANY($2::text[]) ORDER BY seq`, [
      eventIds,
      types,
    ]),
  );
}
