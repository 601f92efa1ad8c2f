import type { Client, Pool, PoolClient } from 'pg';
import { WrongExpectedVersionError, type AppendResult, type ExpectedVersion, type NewEvent } from '../event-store.port';
import { asQuery, EXACT_INT8, type NamedStatement } from './postgres-rows';

export type Queryable = Pool | PoolClient | Client;

/**
 * One statement, hence one transaction: read the stream's version, check the expectation and insert
 * the batch. Two writers that read the same version both try to insert the next one; the unique
 * (stream_id, stream_version) index lets exactly one of them through.
 */
const APPEND: NamedStatement = {
  name: 'event_store_append',
  text: `
  WITH current_stream AS (
    SELECT coalesce(max(stream_version), -1) AS version FROM event_store.events WHERE stream_id = $1
  )
  INSERT INTO event_store.events (stream_id, stream_version, event_id, type, data, metadata)
  SELECT $1,
         current_stream.version + batch.rank::integer,
         (batch.event->>'eventId')::uuid,
         batch.event->>'type',
         coalesce(batch.event->'data', 'null'::jsonb),
         coalesce(batch.event->'metadata', '{}'::jsonb)
  FROM current_stream, jsonb_array_elements($2::jsonb) WITH ORDINALITY AS batch(event, rank)
  WHERE $3::integer IS NULL OR current_stream.version = $3::integer
  ORDER BY batch.rank
  RETURNING global_position, stream_version`,
};

const STREAM_VERSION = `SELECT max(stream_version) AS version FROM event_store.events WHERE stream_id = $1`;

const EVENTS_BY_ID = `
  SELECT global_position, stream_version, event_id
  FROM event_store.events WHERE stream_id = $1 AND event_id = ANY($2::uuid[])
  ORDER BY stream_version`;

/** `any` never fails on a race: it retries on the version the winner left. */
const MAX_ATTEMPTS_FOR_ANY = 20;

interface AppendedRow {
  global_position: string;
  stream_version: number;
}

/**
 * Appends in the caller's session. The adapter passes its pool (autocommit); tests pass a client
 * inside an open transaction to hold a commit back.
 */
export async function appendEvents(
  db: Queryable,
  streamId: string,
  events: readonly NewEvent[],
  expected: ExpectedVersion,
  namedStatements = true,
): Promise<AppendResult> {
  const batch = JSON.stringify(events.map(({ eventId, type, data, metadata }) => ({ eventId, type, data, metadata })));
  const expectedCurrent = expected.kind === 'any' ? null : expected.kind === 'no_stream' ? -1 : expected.version;
  for (let attempt = 1; ; attempt++) {
    try {
      const { rows } = await db.query<AppendedRow>({
        ...asQuery(APPEND, namedStatements),
        values: [streamId, batch, expectedCurrent],
        types: EXACT_INT8,
      });
      if (rows.length > 0) return toAppendResult(rows);
    } catch (error) {
      const constraint = uniqueViolation(error);
      if (constraint === undefined) throw error;
      if (constraint === 'events_stream_version_key' && expected.kind === 'any' && attempt < MAX_ATTEMPTS_FOR_ANY)
        continue;
      if (constraint === 'events_event_id_key') {
        const earlier = await findSameAppend(db, streamId, events, expected);
        if (earlier) return earlier;
        throw error; // an event id already used elsewhere is a writer's bug, not a concurrency conflict
      }
    }
    // The expectation did not hold, or a concurrent writer took the version first.
    const earlier = await findSameAppend(db, streamId, events, expected);
    if (earlier) return earlier;
    throw await conflict(db, streamId, expected);
  }
}

/**
 * A retried append (same event ids, same expectation) succeeds with the first attempt's result,
 * so a writer that timed out waiting for the answer can safely try again.
 */
async function findSameAppend(
  db: Queryable,
  streamId: string,
  events: readonly NewEvent[],
  expected: ExpectedVersion,
): Promise<AppendResult | undefined> {
  const { rows } = await db.query<AppendedRow & { event_id: string }>({
    text: EVENTS_BY_ID,
    values: [streamId, events.map((event) => event.eventId)],
    types: EXACT_INT8,
  });
  const [first] = rows;
  if (!first || rows.length !== events.length) return undefined;
  const firstVersion =
    expected.kind === 'any' ? first.stream_version : expected.kind === 'no_stream' ? 0 : expected.version + 1;
  const sameBatch = rows.every(
    (row, index) =>
      row.event_id === events[index]?.eventId.toLowerCase() && row.stream_version === firstVersion + index,
  );
  return sameBatch ? toAppendResult(rows) : undefined;
}

async function conflict(
  db: Queryable,
  streamId: string,
  expected: ExpectedVersion,
): Promise<WrongExpectedVersionError> {
  const { rows } = await db.query<{ version: number | null }>(STREAM_VERSION, [streamId]);
  const actual = rows[0]?.version ?? null;
  return new WrongExpectedVersionError(streamId, expected, actual === null ? 'no_stream' : actual);
}

function toAppendResult(rows: readonly AppendedRow[]): AppendResult {
  const last = rows.at(-1);
  if (!last) throw new Error('An append inserted no rows');
  return { nextExpectedVersion: last.stream_version, lastGlobalPosition: BigInt(last.global_position) };
}

/** The violated constraint's name for a unique violation (SQLSTATE 23505), else `undefined`. */
function uniqueViolation(error: unknown): string | undefined {
  const { code, constraint } = (error ?? {}) as { code?: string; constraint?: string };
  return code === '23505' ? (constraint ?? '') : undefined;
}
