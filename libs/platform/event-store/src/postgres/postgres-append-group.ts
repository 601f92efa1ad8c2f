import type { AppendResult, ExpectedVersion, NewEvent } from '../event-store.port';
import { appendEvents, type Queryable } from './postgres-append';
import { asQuery, EXACT_INT8, type NamedStatement } from './postgres-rows';

/**
 * Group commit: the appends of several streams in one statement, hence one transaction and one WAL
 * flush. Each stream's expectation is checked as in `APPEND`; a stream whose check fails gets no
 * rows and is appended again on its own, which raises its conflict (or finds its earlier identical
 * append). A unique violation, a concurrent writer elsewhere having taken a version first, aborts the
 * whole statement: every append of the group is then retried on its own.
 */
const APPEND_GROUP: NamedStatement = {
  name: 'event_store_append_group',
  text: `
  WITH request AS (
    SELECT item->>'streamId' AS stream_id, (item->>'expected')::integer AS expected, item->'events' AS events, position
    FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS requests(item, position)
  ), checked AS (
    SELECT request.*,
           coalesce((SELECT max(stream_version) FROM event_store.events e WHERE e.stream_id = request.stream_id), -1) AS version
    FROM request
  )
  INSERT INTO event_store.events (stream_id, stream_version, event_id, type, data, metadata)
  SELECT checked.stream_id,
         checked.version + batch.rank::integer,
         (batch.event->>'eventId')::uuid,
         batch.event->>'type',
         coalesce(batch.event->'data', 'null'::jsonb),
         coalesce(batch.event->'metadata', '{}'::jsonb)
  FROM checked, jsonb_array_elements(checked.events) WITH ORDINALITY AS batch(event, rank)
  WHERE checked.expected IS NULL OR checked.version = checked.expected
  ORDER BY checked.position, batch.rank
  RETURNING stream_id, global_position, stream_version`,
};

/** Appends one statement takes at most; a group also never holds two appends of one stream. */
const MAX_GROUP = 64;

interface PendingAppend {
  streamId: string;
  events: readonly NewEvent[];
  expected: ExpectedVersion;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

/**
 * Appends from concurrent callers, written together: while a statement is on its way, the appends
 * that arrive wait and go in the next one. A lone writer's append goes at once, as before; eight
 * writers share round trips and commits. Each caller still gets its own result or error.
 */
export class AppendGroups {
  private readonly waiting: PendingAppend[] = [];
  private writing = false;

  constructor(
    private readonly db: Queryable,
    private readonly namedStatements: boolean,
  ) {}

  append(streamId: string, events: readonly NewEvent[], expected: ExpectedVersion): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      this.waiting.push({ streamId, events, expected, resolve, reject });
      if (!this.writing) void this.writeAll();
    });
  }

  private async writeAll(): Promise<void> {
    this.writing = true;
    try {
      while (this.waiting.length > 0) await this.write(this.takeGroup());
    } finally {
      this.writing = false;
    }
  }

  /** The oldest waiting appends, at most one per stream (the next one of a stream waits its turn). */
  private takeGroup(): PendingAppend[] {
    const group: PendingAppend[] = [];
    const streams = new Set<string>();
    for (let index = 0; index < this.waiting.length && group.length < MAX_GROUP;) {
      const pending = this.waiting[index];
      if (streams.has(pending.streamId)) {
        index++;
        continue;
      }
      streams.add(pending.streamId);
      group.push(pending);
      this.waiting.splice(index, 1);
    }
    return group;
  }

  private async write(group: PendingAppend[]): Promise<void> {
    if (group.length === 1) return this.writeAlone(group[0]);
    let appended: Map<string, AppendResult>;
    try {
      appended = await this.writeTogether(group);
    } catch {
      // Nothing of the group was written: each append on its own finds its own outcome.
      await Promise.all(group.map((pending) => this.writeAlone(pending)));
      return;
    }
    await Promise.all(
      group.map((pending) => {
        const result = appended.get(pending.streamId);
        return result ? pending.resolve(result) : this.writeAlone(pending);
      }),
    );
  }

  private async writeTogether(group: readonly PendingAppend[]): Promise<Map<string, AppendResult>> {
    const requests = group.map(({ streamId, events, expected }) => ({
      streamId,
      expected: expected.kind === 'any' ? null : expected.kind === 'no_stream' ? -1 : expected.version,
      events: events.map(({ eventId, type, data, metadata }) => ({ eventId, type, data, metadata })),
    }));
    const { rows } = await this.db.query<{ stream_id: string; global_position: string; stream_version: number }>({
      ...asQuery(APPEND_GROUP, this.namedStatements),
      values: [JSON.stringify(requests)],
      types: EXACT_INT8,
    });
    const appended = new Map<string, AppendResult>();
    for (const row of rows) {
      const earlier = appended.get(row.stream_id);
      if (earlier && earlier.nextExpectedVersion > row.stream_version) continue;
      appended.set(row.stream_id, {
        nextExpectedVersion: row.stream_version,
        lastGlobalPosition: BigInt(row.global_position),
      });
    }
    return appended;
  }

  private async writeAlone(pending: PendingAppend): Promise<void> {
    try {
      pending.resolve(
        await appendEvents(this.db, pending.streamId, pending.events, pending.expected, this.namedStatements),
      );
    } catch (error) {
      pending.reject(error);
    }
  }
}
