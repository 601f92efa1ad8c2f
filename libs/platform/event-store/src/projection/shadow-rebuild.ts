import { createHash } from 'node:crypto';
import type { Sql } from './sql';

export interface RebuildProgress {
  done: number;
  total: number;
}

/** Positions in the projection's source, as decimal strings: events after `after`, up to and including `until`. */
export interface FoldRange {
  after: string;
  until: string;
}

/**
 * A read model that can be rebuilt from zero beside the live one (`rebuildIntoShadows`). The projection
 * folds its source into empty copies of its tables in the schema `shadowSchemaOf(name)`, with the same
 * code the live path runs; the copies are swapped in once they have caught up.
 */
export interface ShadowProjection {
  /** Names the rebuild's lock, its shadow schema and its errors: a lowercase SQL identifier. */
  name: string;
  /** The schema of the live tables. */
  schema: string;
  tables: readonly string[];
  /**
   * `before-load` when the fold writes with the live path's statements (they rely on keys, `ON CONFLICT`);
   * `after-load` (faster) when the load writes plain multi-row INSERTs and only the catch-up upserts.
   */
  indexes: 'before-load' | 'after-load';
  /**
   * The position up to which the live path has applied every event, and will apply no other until this
   * transaction ends. With `swapping`, called in the swap's transaction: it must then also hold the
   * live path's writers off until the commit, taking its locks in the order the live path does.
   */
  horizon(sql: Sql, swapping: boolean): Promise<string>;
  /** Refuses a rebuild that cannot be right (its source does not reach back to zero), before any work. */
  preflight?(sql: Sql): Promise<void>;
  /** How many events there are up to `until`: the progress bar's total. */
  count(sql: Sql, until: string): Promise<number>;
  /** Folds the source events in `range`, in order, into the shadow tables, calling `page(events)` after each page. Answers the events folded. */
  fold(range: FoldRange, page: (events: number) => Promise<void>): Promise<number>;
  /** Writes what the fold holds in memory: after the first load (`loaded`) and just before the swap (`swap`). */
  flush?(stage: 'loaded' | 'swap'): Promise<void>;
}

export interface ShadowRebuildOptions {
  /** Awaited after each page; it must not write to the projection's source (the swap may hold it). */
  onProgress?: (progress: RebuildProgress) => void | Promise<void>;
  /** More connections (outside any transaction) to build the shadows' indexes side by side. */
  indexLanes?: readonly Sql[];
  /** Awaited once the shadows have caught up, just before the swap's transaction begins. */
  beforeSwap?: () => void | Promise<void>;
}

/** Catch-up rounds before the swap end once a round finds fewer new events than this. */
const SMALL_CATCH_UP = 200;
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
const CONSTRAINT_KINDS: Record<string, string> = { p: 'PRIMARY KEY', u: 'UNIQUE' };

/** Where a projection's rebuild writes: a schema of its own, dropped at the end whatever happens. */
export const shadowSchemaOf = (name: string) => `rebuild_${name}`;

export class RebuildAlreadyRunningError extends Error {
  override readonly name = 'RebuildAlreadyRunningError';
  constructor(projection: string) {
    super(`another ${projection} rebuild is running`);
  }
}

/** Advisory lock keys from the projection's name: two rebuilds of one projection would share a shadow schema. */
function lockKeys(name: string): [number, number] {
  const digest = createHash('sha256').update(`projection-rebuild:${name}`).digest();
  return [digest.readInt32BE(0), digest.readInt32BE(4)];
}

interface IndexRow {
  table: string;
  name: string;
  definition: string;
  /** 'p'/'u' when the index backs a primary key or unique constraint, with that constraint's name. */
  constraintType: string | null;
  constraintName: string | null;
}

/**
 * Rebuilds a read model from zero without holding up its readers or its live path:
 *  1. empty copies of its tables in a shadow schema (columns, defaults, checks), indexed before or after
 *     the load as the projection asks;
 *  2. the fold of its source up to the live path's horizon, then rounds of what arrived meanwhile until
 *     little is left;
 *  3. one short transaction that holds the live path's writers off (the projection's `horizon(…, true)`),
 *     folds the last arrivals and swaps the copies in (drop, then move into the live schema; index and
 *     constraint names carry over).
 * Each event is folded once: the live path applies an event and moves its horizon in one transaction, so
 * after the swap it applies every later event to the rebuilt tables, and every earlier one is in them.
 * Readers wait only for the swap's last statements.
 *
 * `sql` must be bound to one connection outside any transaction (the rebuild opens its own).
 */
export async function rebuildIntoShadows(
  sql: Sql,
  projection: ShadowProjection,
  { onProgress = () => undefined, indexLanes = [], beforeSwap }: ShadowRebuildOptions = {},
): Promise<RebuildProgress> {
  const { name, schema, tables } = projection;
  for (const identifier of [name, schema, ...tables])
    if (!IDENTIFIER.test(identifier)) throw new Error(`${name}: not a plain SQL identifier: ${identifier}`);
  const shadow = shadowSchemaOf(name);
  const [{ locked } = { locked: false }] = await sql<{ locked: boolean }>(
    `SELECT pg_try_advisory_lock($1, $2) AS locked`,
    lockKeys(name),
  );
  if (!locked) throw new RebuildAlreadyRunningError(name);
  try {
    await projection.preflight?.(sql);
    await createShadows(sql, schema, shadow, tables);
    const index = () => indexShadows(sql, [sql, ...indexLanes], schema, shadow, tables);
    if (projection.indexes === 'before-load') await index();

    let position = await inTransaction(sql, () => projection.horizon(sql, false));
    const progress: RebuildProgress = { done: 0, total: await projection.count(sql, position) };
    await onProgress({ ...progress });
    const page = async (events: number) => {
      progress.done += events;
      progress.total = Math.max(progress.total, progress.done);
      await onProgress({ ...progress });
    };
    await projection.fold({ after: '0', until: position }, page);
    await projection.flush?.('loaded');
    if (projection.indexes === 'after-load') await index();
    for (const table of tables) await sql(`ANALYZE ${shadow}.${table}`);

    for (;;) {
      const next = await inTransaction(sql, () => projection.horizon(sql, false));
      const arrived = await projection.fold({ after: position, until: next }, page);
      position = next;
      if (arrived < SMALL_CATCH_UP) break;
    }

    await beforeSwap?.();
    await sql('BEGIN');
    const last = await projection.horizon(sql, true);
    await projection.fold({ after: position, until: last }, page);
    await projection.flush?.('swap');
    await sql(`DROP TABLE ${tables.map((table) => `${schema}.${table}`).join(', ')}`);
    for (const table of tables) await sql(`ALTER TABLE ${shadow}.${table} SET SCHEMA ${schema}`);
    await sql(`DROP SCHEMA ${shadow}`);
    await sql('COMMIT');
    return progress;
  } catch (error) {
    await sql('ROLLBACK').catch(() => undefined); // outside a transaction, only a warning
    await sql(`DROP SCHEMA IF EXISTS ${shadow} CASCADE`).catch(() => undefined);
    throw error;
  } finally {
    await sql(`SELECT pg_advisory_unlock($1, $2)`, lockKeys(name)).catch(() => undefined);
  }
}

async function inTransaction<T>(sql: Sql, work: () => Promise<T>): Promise<T> {
  await sql('BEGIN');
  try {
    const result = await work();
    await sql('COMMIT');
    return result;
  } catch (error) {
    await sql('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * Empty copies of the live tables (columns, defaults, generated columns, checks, storage); a shadow schema left by a
 * failed rebuild goes first. Without INCLUDING GENERATED a generated column would come back as a plain one.
 */
async function createShadows(sql: Sql, schema: string, shadow: string, tables: readonly string[]): Promise<void> {
  // Refused before any work, not at the swap: LIKE copies no foreign keys (and a key into a live table
  // would stop its drop), a sequence the live table owns goes with its drop, an identity column comes
  // back plain, and a key attached with USING INDEX is never deferrable.
  const [refused] = await sql<{ reason: string }>(
    `SELECT reason FROM (
       SELECT 'a foreign key touches the tables' AS reason FROM pg_constraint
        WHERE contype = 'f' AND (conrelid = ANY($1::regclass[]) OR confrelid = ANY($1::regclass[]))
       UNION ALL SELECT 'a deferrable key' FROM pg_constraint WHERE conrelid = ANY($1::regclass[]) AND condeferrable
       UNION ALL SELECT 'a serial or identity column' FROM pg_attribute a
        WHERE a.attrelid = ANY($1::regclass[]) AND a.attnum > 0 AND NOT a.attisdropped
          AND (a.attidentity <> '' OR pg_get_serial_sequence(a.attrelid::regclass::text, a.attname) IS NOT NULL)
     ) r LIMIT 1`,
    [tables.map((table) => `${schema}.${table}`)],
  );
  if (refused) throw new Error(`${shadow}: ${refused.reason}; a shadow rebuild cannot swap these tables`);
  await sql(`DROP SCHEMA IF EXISTS ${shadow} CASCADE`);
  await sql(`CREATE SCHEMA ${shadow}`);
  for (const table of tables)
    await sql(
      `CREATE TABLE ${shadow}.${table} (LIKE ${schema}.${table} INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING CONSTRAINTS INCLUDING STORAGE)`,
    );
}

/**
 * Gives the shadows the live tables' indexes (same names: they live in another schema until the swap),
 * the statements shared out over `lanes` to run side by side; primary keys and
 * unique constraints are attached to their finished indexes at the end.
 */
async function indexShadows(
  sql: Sql,
  lanes: readonly Sql[],
  schema: string,
  shadow: string,
  tables: readonly string[],
): Promise<void> {
  const indexes = await sql<IndexRow>(
    `SELECT t.relname AS table, c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition,
            k.contype AS "constraintType", k.conname AS "constraintName"
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
       LEFT JOIN pg_constraint k ON k.conindid = i.indexrelid AND k.conrelid = i.indrelid
      WHERE i.indrelid = ANY($1::regclass[]) ORDER BY t.relname, c.relname`,
    [tables.map((table) => `${schema}.${table}`)],
  );
  const statements: string[] = [];
  for (const index of indexes) {
    const kind = index.constraintType === null ? '' : CONSTRAINT_KINDS[index.constraintType];
    if (!IDENTIFIER.test(index.name) || kind === undefined || (kind && !IDENTIFIER.test(index.constraintName ?? '')))
      throw new Error(`unexpected index or constraint on ${schema}.${index.table}`);
    const definition = index.definition.replace(
      /^CREATE (UNIQUE )?INDEX \S+ ON \S+ /,
      `CREATE $1INDEX ${index.name} ON ${shadow}.${index.table} `,
    );
    if (definition === index.definition) throw new Error(`unexpected index definition on ${schema}.${index.table}`);
    statements.push(definition);
  }
  // Every lane stops after a failure and is awaited: none may still be indexing once the rebuild has failed.
  let failed = false;
  const results = await Promise.allSettled(
    lanes.map(async (lane, at) => {
      try {
        for (let i = at; i < statements.length && !failed; i += lanes.length) await lane(statements[i] ?? '');
      } catch (error) {
        failed = true;
        throw error;
      }
    }),
  );
  const failure = results.find((result) => result.status === 'rejected');
  if (failure) throw failure.reason;
  for (const index of indexes)
    if (index.constraintType !== null)
      await sql(
        `ALTER TABLE ${shadow}.${index.table} ADD CONSTRAINT ${index.constraintName} ${CONSTRAINT_KINDS[index.constraintType]} USING INDEX ${index.name}`,
      );
}
