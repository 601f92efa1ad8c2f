import type { EventStore, RecordedEvent } from '../event-store.port';
import type { Sql } from './sql';
import type { EntityManager } from 'typeorm';
import { shadowSchemaOf, type FoldRange, type RebuildProgress, type ShadowProjection } from './shadow-rebuild';

/**
 * Folds a service's own log over `range` (global positions) a page at a time, read through the store's
 * port so upcasters apply: `apply` gets each page in order, and the next page is read while it runs.
 * `page(events)` follows each applied page. Answers how many events were read.
 */
export async function foldLog(
  store: Pick<EventStore, 'readAll'>,
  range: FoldRange,
  apply: (events: readonly RecordedEvent[]) => Promise<void>,
  page: (events: number) => Promise<void>,
  pageSize = 1_000,
): Promise<number> {
  const until = BigInt(range.until);
  const read = async (after: bigint) =>
    after >= until
      ? []
      : (await store.readAll({ after, maxCount: pageSize })).filter((event) => event.globalPosition <= until);
  // A failure is seen where the page is awaited; until then it must not count as unhandled.
  const readAhead = (after: bigint) => {
    const promise = read(after);
    promise.catch(() => undefined);
    return promise;
  };
  let next = readAhead(BigInt(range.after));
  let folded = 0;
  try {
    for (;;) {
      const events = await next;
      const last = events.at(-1);
      if (!last) return folded;
      next = readAhead(last.globalPosition);
      await apply(events);
      folded += events.length;
      await page(events.length);
    }
  } finally {
    await next.catch(() => undefined);
  }
}

/** How many events the PostgreSQL event store's log holds up to `until`: a log fold's progress total. */
export async function countLogEvents(sql: Sql, until: string): Promise<number> {
  const [row] = await sql<{ events: string }>(
    'SELECT count(*)::text AS events FROM event_store.events WHERE global_position <= $1::bigint',
    [until],
  );
  return Number(row?.events ?? 0);
}

export interface LogProjection {
  /** See `ShadowProjection`: the rebuild's name, the live schema and tables, and the live path's horizon. */
  name: string;
  schema: string;
  tables: readonly string[];
  horizon: ShadowProjection['horizon'];
  /** The service's own log, read through its upcasters. */
  store: Pick<EventStore, 'readAll'>;
  /** Runs the page transactions that write the shadow rows. */
  writer: Pick<EntityManager, 'transaction'>;
  /** The live path's own projection of one event; its unqualified table names reach the shadows. */
  apply(tx: EntityManager, event: RecordedEvent): Promise<void>;
  pageSize?: number;
}

/**
 * A read model of a service's own log (PostgreSQL event store) as a `ShadowProjection`: each page of the
 * log is applied in one transaction with the live path's own projection, its unqualified table names
 * resolving to the shadow schema for that transaction only. The shadows are keyed before the load: the
 * live statements rely on their keys.
 */
export function logShadowProjection(projection: LogProjection): ShadowProjection {
  const { name, schema, tables, horizon, store, writer, apply, pageSize } = projection;
  return {
    name,
    schema,
    tables,
    indexes: 'before-load',
    horizon,
    count: countLogEvents,
    fold: (range, page) =>
      foldLog(
        store,
        range,
        (events) =>
          writer.transaction(async (tx) => {
            await tx.query(`SET LOCAL search_path TO ${shadowSchemaOf(name)}`);
            for (const event of events) await apply(tx, event);
          }),
        page,
        pageSize,
      ),
  };
}

/** What a service's rebuild of one of its read models takes (`runRebuildCommand` gives it). */
export interface ServiceRebuildOptions {
  /** The service's own log, read through its upcasters (for a read model of that log). */
  store: Pick<EventStore, 'readAll'>;
  /** Reads a kept source and writes the shadow rows, a page a transaction, with the live path's projection. */
  writer: Pick<EntityManager, 'transaction' | 'query'>;
  onProgress?: (progress: RebuildProgress) => void | Promise<void>;
  pageSize?: number;
}
