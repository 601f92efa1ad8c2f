import { createTestDatabase, waitFor, type TestDatabase } from '@carecircle/platform/testing';
import { Client, Pool, type ClientBase } from 'pg';
import {
  RebuildAlreadyRunningError,
  rebuildIntoShadows,
  shadowSchemaOf,
  type RebuildProgress,
  type ShadowProjection,
} from './shadow-rebuild';
import { sqlOfPool, type Sql } from './sql';

/**
 * A toy read model: `toy.source` is the log (positions drawn under the writers' lock, so in commit order),
 * `toy.balance` what is derived from it, with a primary key, a UNIQUE constraint, a CHECK, a secondary index and
 * a generated column.
 */
const TOY_SCHEMA = `
  DROP SCHEMA IF EXISTS toy CASCADE;
  CREATE SCHEMA toy;
  CREATE TABLE toy.source (seq bigserial PRIMARY KEY, member text NOT NULL, amount int NOT NULL);
  CREATE TABLE toy.balance (
    member text CONSTRAINT balance_pkey PRIMARY KEY,
    total int NOT NULL CONSTRAINT balance_total_never_negative CHECK (total >= 0),
    events int NOT NULL,
    last_seq bigint NOT NULL CONSTRAINT balance_last_seq_once UNIQUE,
    in_cents bigint GENERATED ALWAYS AS (total * 100::bigint) STORED
  );
  CREATE INDEX balance_by_total ON toy.balance (total DESC, member);`;
const TOY_INDEXES = ['balance_by_total', 'balance_last_seq_once', 'balance_pkey'];
const SHADOW = shadowSchemaOf('toy');
const SEEDED = 600;
const PAGE_SIZE = 50;

interface Deposit {
  member: string;
  amount: number;
}

/**
 * Events `from`..`from + count - 1` over seven members. Deposits only: a CHECK is tested on the row an
 * upsert proposes, before ON CONFLICT turns it into an update.
 */
const deposits = (from: number, count: number): Deposit[] =>
  Array.from({ length: count }, (_, offset) => {
    const i = from + offset;
    return { member: `m${i % 7}`, amount: (i % 9) + 1 };
  });

/** The one statement the live path and the before-load fold apply an event with. */
const applyToBalance = (sql: Sql, table: string, event: Deposit & { seq: string }) =>
  sql(
    `INSERT INTO ${table} AS balance (member, total, events, last_seq) VALUES ($1, $2, 1, $3)
     ON CONFLICT (member) DO UPDATE
       SET total = balance.total + excluded.total, events = balance.events + 1, last_seq = excluded.last_seq`,
    [event.member, event.amount, event.seq],
  );

/** Opens the live path's transaction: writers take the log one at a time (the horizon's SHARE lock waits for them). */
async function beginLive(client: ClientBase): Promise<void> {
  await client.query('BEGIN');
  await client.query('LOCK TABLE toy.source IN SHARE ROW EXCLUSIVE MODE');
}

/** The live path's work for one event, in the caller's transaction: keep it in the log, apply it. */
async function applyLive(client: ClientBase, deposit: Deposit): Promise<void> {
  const sql = sqlOfPool(client);
  const [row] = await sql<{ seq: string }>(
    `INSERT INTO toy.source (member, amount) VALUES ($1, $2) RETURNING seq::text AS seq`,
    [deposit.member, deposit.amount],
  );
  await applyToBalance(sql, 'toy.balance', { ...deposit, seq: row?.seq ?? '' });
}

/** The live path: the events in one transaction on `client`, or on a connection of `pool`. */
async function recordLive(on: Pool | Client, events: readonly Deposit[]): Promise<void> {
  const pooled = on instanceof Pool ? await on.connect() : undefined;
  const client: ClientBase = pooled ?? (on as Client);
  try {
    await beginLive(client);
    for (const event of events) await applyLive(client, event);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    pooled?.release();
  }
}

type BalanceRow = { member: string; total: number; events: number; last_seq: string; in_cents: string };

async function balances(pool: Pool): Promise<BalanceRow[]> {
  return (
    await pool.query<BalanceRow>(
      `SELECT member, total, events, last_seq::text AS last_seq, in_cents::text AS in_cents
         FROM toy.balance ORDER BY member`,
    )
  ).rows;
}

/** The balances folded independently, in memory, from the whole log. */
async function referenceFold(pool: Pool): Promise<BalanceRow[]> {
  const log = await pool.query<{ seq: string; member: string; amount: number }>(
    'SELECT seq::text AS seq, member, amount FROM toy.source AS source ORDER BY source.seq',
  );
  const folded = new Map<string, BalanceRow>();
  for (const { seq, member, amount } of log.rows) {
    const row = folded.get(member) ?? { member, total: 0, events: 0 };
    const total = row.total + amount;
    folded.set(member, { member, total, events: row.events + 1, last_seq: seq, in_cents: String(total * 100) });
  }
  return [...folded.values()].sort((a, b) => (a.member < b.member ? -1 : 1));
}

const count = async (pool: Pool, query: string): Promise<number> =>
  Number((await pool.query<{ n: string }>(query)).rows[0]?.n);
const logSize = (pool: Pool) => count(pool, 'SELECT count(*) AS n FROM toy.source');
const shadowSchemas = async (pool: Pool) =>
  (await pool.query<{ name: string }>(`SELECT nspname AS name FROM pg_namespace WHERE nspname LIKE 'rebuild\\_%'`))
    .rows;
const advisoryLocks = (pool: Pool) =>
  count(
    pool,
    `SELECT count(*) AS n FROM pg_locks
      WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  );
const indexesOfBalance = async (pool: Pool) =>
  (
    await pool.query(
      `SELECT indexname, indexdef FROM pg_indexes
        WHERE schemaname = 'toy' AND tablename = 'balance' ORDER BY indexname`,
    )
  ).rows;
const columnsOfBalance = async (pool: Pool) =>
  (
    await pool.query(
      `SELECT column_name, data_type, is_nullable, column_default, is_generated, generation_expression
         FROM information_schema.columns
        WHERE table_schema = 'toy' AND table_name = 'balance' ORDER BY ordinal_position`,
    )
  ).rows;
const constraintsOfBalance = async (pool: Pool) =>
  (
    await pool.query(
      `SELECT conname, contype, pg_get_constraintdef(oid) AS definition
         FROM pg_constraint WHERE conrelid = 'toy.balance'::regclass ORDER BY conname`,
    )
  ).rows;
const backendPid = async (client: Client) =>
  Number((await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid);
const waitsOnLock = async (pool: Pool, pid: number) =>
  (
    await pool.query<{ wait: string | null }>('SELECT wait_event_type AS wait FROM pg_stat_activity WHERE pid = $1', [
      pid,
    ])
  ).rows[0]?.wait === 'Lock';
/** The error a promise rejects with (a test failure if it resolves). */
const rejectionOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );

interface ToyOptions {
  indexes: ShadowProjection['indexes'];
  /** The rebuild's connection: the fold writes on it (in the swap's transaction at the end). */
  writer: Sql;
  /** Reads the log's pages. */
  reader: Sql;
  name?: string;
  tables?: readonly string[];
  /** Throws instead of folding this page (1-based, over the whole rebuild). */
  failOnPage?: number;
  /** Runs before the horizon is taken (`swapping`: in the swap's transaction, before its lock). */
  beforeHorizon?: (swapping: boolean) => Promise<void>;
  /** Runs after the projection's own flush. */
  afterFlush?: (stage: 'loaded' | 'swap') => Promise<void>;
}

/**
 * The toy's rebuild. `before-load` folds with the live path's upsert into indexed shadows; `after-load`
 * folds the first load in memory and writes it with one plain INSERT, then the catch-up upserts.
 */
function toyProjection(options: ToyOptions): ShadowProjection & { shadowIndexesAtFirstFold?: string[] } {
  const { indexes, writer, reader } = options;
  const memory = new Map<string, Omit<BalanceRow, 'member' | 'in_cents'>>();
  let loaded = false;
  let pages = 0;
  const projection: ShadowProjection & { shadowIndexesAtFirstFold?: string[] } = {
    name: options.name ?? 'toy',
    schema: 'toy',
    tables: options.tables ?? ['balance'],
    indexes,
    horizon: async (sql, swapping) => {
      await options.beforeHorizon?.(swapping);
      await sql('LOCK TABLE toy.source IN SHARE MODE');
      const [row] = await sql<{ position: string }>('SELECT coalesce(max(seq), 0)::text AS position FROM toy.source');
      return row?.position ?? '0';
    },
    count: async (sql, until) => {
      const [row] = await sql<{ n: string }>('SELECT count(*) AS n FROM toy.source WHERE seq <= $1::bigint', [until]);
      return Number(row?.n);
    },
    fold: async (range, page) => {
      projection.shadowIndexesAtFirstFold ??= (
        await reader<{ name: string }>(`SELECT indexname AS name FROM pg_indexes WHERE schemaname = $1 ORDER BY 1`, [
          SHADOW,
        ])
      ).map((row) => row.name);
      let after = range.after;
      let folded = 0;
      for (;;) {
        const events = await reader<Deposit & { seq: string }>(
          // Ordered by the number, not by the text it is answered as.
          `SELECT seq::text AS seq, member, amount FROM toy.source AS source
            WHERE seq > $1::bigint AND seq <= $2::bigint ORDER BY source.seq LIMIT $3`,
          [after, range.until, PAGE_SIZE],
        );
        if (events.length === 0) return folded;
        if (++pages === options.failOnPage) throw new Error(`fold failed on page ${pages}`);
        for (const event of events)
          if (indexes === 'before-load' || loaded) await applyToBalance(writer, `${SHADOW}.balance`, event);
          else {
            const row = memory.get(event.member) ?? { total: 0, events: 0, last_seq: '' };
            memory.set(event.member, { total: row.total + event.amount, events: row.events + 1, last_seq: event.seq });
          }
        after = events.at(-1)?.seq ?? range.until;
        folded += events.length;
        await page(events.length);
      }
    },
    flush: async (stage) => {
      if (stage === 'loaded' && indexes === 'after-load') {
        await writer(
          `INSERT INTO ${SHADOW}.balance (member, total, events, last_seq)
           SELECT member, total, events, last_seq FROM jsonb_to_recordset($1::jsonb)
               AS r(member text, total int, events int, last_seq bigint)`,
          [JSON.stringify([...memory].map(([member, row]) => ({ member, ...row })))],
        );
      }
      if (stage === 'loaded') loaded = true;
      await options.afterFlush?.(stage);
    },
  };
  return projection;
}

describe('rebuildIntoShadows (PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: Pool;
  const clients: Client[] = [];

  /** A connection of its own (the rebuild's, a reader's, a live writer's), ended after the test. */
  async function connection(): Promise<Client> {
    const client = new Client(db.url);
    clients.push(client);
    await client.connect();
    return client;
  }

  beforeAll(async () => {
    db = await createTestDatabase('shadow_rebuild');
    pool = new Pool({ connectionString: db.url, max: 6 });
    pool.on('error', (error: Error & { code?: string }) => {
      if (error.code !== '57P01') throw error; // the database dropped under a closing connection
    });
  });

  beforeEach(async () => {
    await pool.query(TOY_SCHEMA);
    for (let from = 0; from < SEEDED; from += 100) await recordLive(pool, deposits(from, 100));
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) await client.end().catch(() => undefined);
  });

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  /** The live table made wrong on purpose: a rebuild must recompute it, a failed one must leave it so. */
  async function damageLiveTable(): Promise<BalanceRow[]> {
    await pool.query(`UPDATE toy.balance SET total = total + 1000 WHERE member = 'm1'`);
    await pool.query(`DELETE FROM toy.balance WHERE member = 'm2'`);
    return balances(pool);
  }

  /** A rebuild of the toy on connections of its own, with nothing else going on. */
  async function quietRebuild(indexes: ShadowProjection['indexes'] = 'before-load'): Promise<RebuildProgress> {
    const [rebuilder, reader] = [await connection(), await connection()];
    const writer = sqlOfPool(rebuilder);
    return rebuildIntoShadows(writer, toyProjection({ indexes, writer, reader: sqlOfPool(reader) }));
  }

  describe.each(['before-load', 'after-load'] as const)('indexes %s', (indexes) => {
    it('equals an independent fold, losing and doubling nothing the live path commits meanwhile', async () => {
      const before = await damageLiveTable();
      const [indexesBefore, constraintsBefore] = [await indexesOfBalance(pool), await constraintsOfBalance(pool)];
      const columnsBefore = await columnsOfBalance(pool);
      expect(indexesBefore.map((index) => index.indexname)).toEqual(TOY_INDEXES);

      const [rebuilder, reader, inFlight, late] = await Promise.all([1, 2, 3, 4].map(() => connection()));
      const [rebuilderPid, latePid] = [await backendPid(rebuilder), await backendPid(late)];
      const pages: RebuildProgress[] = [];
      let readDuringRebuild: BalanceRow[] = [];
      let inFlightOpen = false;
      let lateWrite: Promise<void> | undefined;
      const writer = sqlOfPool(rebuilder);
      const projection = toyProjection({
        indexes,
        writer,
        reader: sqlOfPool(reader),
        // One live transaction is open when the rebuild wants to swap: the swap's horizon must wait for it.
        beforeHorizon: async (swapping) => {
          if (!swapping || inFlightOpen) return;
          await beginLive(inFlight);
          for (const event of deposits(10_000, 3)) await applyLive(inFlight, event);
          inFlightOpen = true;
        },
        // A live writer that comes while the swap holds the log waits, then writes to the rebuilt table.
        afterFlush: async (stage) => {
          if (stage !== 'swap') return;
          lateWrite = recordLive(late, deposits(20_000, 4));
          lateWrite.catch(() => undefined); // awaited below
          await waitFor(() => waitsOnLock(pool, latePid), {
            timeoutMs: 20_000,
            description: 'the live writer to wait for the swap',
          });
        },
      });

      const rebuilding = rebuildIntoShadows(writer, projection, {
        indexLanes: [sqlOfPool(reader)],
        onProgress: async (progress) => {
          pages.push(progress);
          if (pages.length !== 3) return;
          // Mid-load: readers see the live table as it was, and 250 events commit (two catch-up rounds).
          readDuringRebuild = await balances(pool);
          for (let from = SEEDED; from < SEEDED + 250; from += 50) await recordLive(pool, deposits(from, 50));
        },
      });
      rebuilding.catch(() => undefined); // awaited below
      try {
        await waitFor(async () => inFlightOpen && (await waitsOnLock(pool, rebuilderPid)), {
          timeoutMs: 30_000,
          description: "the swap to wait for the open live transaction's lock",
        });
        await inFlight.query('COMMIT');
        const result = await rebuilding;
        await lateWrite;

        const logged = await logSize(pool);
        expect(logged).toBe(SEEDED + 250 + 3 + 4);
        // Everything up to the swap was folded by the rebuild; the late writer's events went to the live path.
        expect(result).toEqual({ done: logged - 4, total: logged - 4 });
        expect(pages[0]).toEqual({ done: 0, total: SEEDED });
        expect(pages.at(-1)).toEqual(result);
        pages.forEach((progress, at) => {
          const previous = pages[at - 1] ?? { done: 0, total: 0 };
          expect(progress.done).toBeGreaterThanOrEqual(previous.done);
          expect(progress.total).toBeGreaterThanOrEqual(previous.total);
          expect(progress.done).toBeLessThanOrEqual(progress.total);
        });
        expect(pages.length).toBeGreaterThan(Math.ceil((SEEDED + 250) / PAGE_SIZE));
        expect(readDuringRebuild).toEqual(before);

        const rebuilt = await balances(pool);
        expect(rebuilt).toEqual(await referenceFold(pool));
        expect(rebuilt).not.toEqual(before);
        expect(projection.shadowIndexesAtFirstFold).toEqual(indexes === 'before-load' ? TOY_INDEXES : []);
      } finally {
        await inFlight.query('ROLLBACK').catch(() => undefined);
        await rebuilding.catch(() => undefined);
        await lateWrite?.catch(() => undefined);
      }

      // The live path goes on writing to the rebuilt table.
      await recordLive(pool, deposits(30_000, 5));
      expect(await balances(pool)).toEqual(await referenceFold(pool));

      // The columns (the generated one too), indexes and constraints carried over under their names, and hold.
      expect(await columnsOfBalance(pool)).toEqual(columnsBefore);
      expect(await indexesOfBalance(pool)).toEqual(indexesBefore);
      expect(await constraintsOfBalance(pool)).toEqual(constraintsBefore);
      await expect(recordLive(pool, [{ member: 'm0', amount: -1_000_000 }])).rejects.toMatchObject({
        code: '23514',
        constraint: 'balance_total_never_negative',
      });
      await expect(
        pool.query(`UPDATE toy.balance SET last_seq = (SELECT last_seq FROM toy.balance WHERE member = 'm0')
                     WHERE member = 'm1'`),
      ).rejects.toMatchObject({ code: '23505', constraint: 'balance_last_seq_once' });
      await expect(pool.query(`INSERT INTO toy.balance VALUES ('m0', 1, 1, 99999999)`)).rejects.toMatchObject({
        code: '23505',
        constraint: 'balance_pkey',
      });
      expect(await balances(pool)).toEqual(await referenceFold(pool));

      expect(await shadowSchemas(pool)).toEqual([]);
      expect(await advisoryLocks(pool)).toBe(0);
    });

    it('leaves the live table untouched, no shadow schema and the lock free when the fold fails midway', async () => {
      const before = await damageLiveTable();
      const [rebuilder, reader] = [await connection(), await connection()];
      const writer = sqlOfPool(rebuilder);

      const error = await rejectionOf(
        rebuildIntoShadows(writer, toyProjection({ indexes, writer, reader: sqlOfPool(reader), failOnPage: 4 })),
      );

      expect(error).toEqual(new Error('fold failed on page 4'));
      expect(await balances(pool)).toEqual(before);
      expect(await shadowSchemas(pool)).toEqual([]);
      expect(await advisoryLocks(pool)).toBe(0);
      // The rebuild's connection is usable again (no transaction left open on it) and a next rebuild runs.
      expect((await rebuilder.query<{ open: boolean }>(`SELECT now() <> statement_timestamp() AS open`)).rows).toEqual([
        { open: false },
      ]);
      await quietRebuild(indexes);
      expect(await balances(pool)).toEqual(await referenceFold(pool));
    });
  });

  it('rolls the swap back when it fails inside its transaction, and holds the live path off no longer', async () => {
    const before = await damageLiveTable();
    const [rebuilder, reader] = [await connection(), await connection()];
    const writer = sqlOfPool(rebuilder);
    const projection = toyProjection({
      indexes: 'before-load',
      writer,
      reader: sqlOfPool(reader),
      afterFlush: async (stage) => {
        if (stage === 'swap') throw new Error('flush failed in the swap');
      },
    });

    await expect(rebuildIntoShadows(writer, projection)).rejects.toThrow('flush failed in the swap');

    expect(await balances(pool)).toEqual(before);
    expect(await shadowSchemas(pool)).toEqual([]);
    expect(await advisoryLocks(pool)).toBe(0);
    await recordLive(pool, deposits(40_000, 2)); // would wait on the swap's lock if it were still held
    expect(await logSize(pool)).toBe(SEEDED + 2);
  });

  it('refuses a second rebuild of the same projection while one runs; once it has ended, a new one runs', async () => {
    const [rebuilder, reader, other] = [await connection(), await connection(), await connection()];
    const writer = sqlOfPool(rebuilder);
    let refused: unknown;
    let shadowAfterRefusal: { name: string }[] = [];
    const first = rebuildIntoShadows(
      writer,
      toyProjection({ indexes: 'before-load', writer, reader: sqlOfPool(reader) }),
      {
        onProgress: async (progress) => {
          if (progress.done !== 2 * PAGE_SIZE) return;
          const otherSql = sqlOfPool(other);
          refused = await rejectionOf(
            rebuildIntoShadows(otherSql, toyProjection({ indexes: 'after-load', writer: otherSql, reader: otherSql })),
          );
          // The refused rebuild left the running one's shadow schema alone.
          shadowAfterRefusal = await shadowSchemas(pool);
        },
      },
    );

    expect(await first).toEqual({ done: SEEDED, total: SEEDED });
    expect(refused).toBeInstanceOf(RebuildAlreadyRunningError);
    expect(refused).toMatchObject({ name: 'RebuildAlreadyRunningError', message: 'another toy rebuild is running' });
    expect(shadowAfterRefusal).toEqual([{ name: SHADOW }]);
    expect(await balances(pool)).toEqual(await referenceFold(pool));

    // Another connection than the first's (a session's advisory lock would let that one in again).
    await pool.query(`UPDATE toy.balance SET total = total + 7 WHERE member = 'm3'`);
    const otherSql = sqlOfPool(other);
    expect(
      await rebuildIntoShadows(otherSql, toyProjection({ indexes: 'after-load', writer: otherSql, reader: otherSql })),
    ).toEqual({ done: SEEDED, total: SEEDED });
    expect(await balances(pool)).toEqual(await referenceFold(pool));
  });

  it('replaces a shadow schema a crashed rebuild left behind', async () => {
    await pool.query(`CREATE SCHEMA ${SHADOW}; CREATE TABLE ${SHADOW}.balance (leftover int)`);
    await damageLiveTable();

    expect(await quietRebuild()).toEqual({ done: SEEDED, total: SEEDED });
    expect(await balances(pool)).toEqual(await referenceFold(pool));
    expect(await shadowSchemas(pool)).toEqual([]);
  });

  it.each([
    [
      'a foreign key: the rebuilt table refers to another',
      'CREATE TABLE toy.member (member text PRIMARY KEY); ' +
        `INSERT INTO toy.member SELECT DISTINCT member FROM toy.balance; ` +
        'ALTER TABLE toy.balance ADD FOREIGN KEY (member) REFERENCES toy.member',
      'a foreign key touches the tables',
    ],
    [
      'a foreign key: another table refers to the rebuilt one',
      'CREATE TABLE toy.note (member text REFERENCES toy.balance, note text)',
      'a foreign key touches the tables',
    ],
    // The sequence would go with the live table's drop at the swap, after the whole fold.
    ['a serial column', 'ALTER TABLE toy.balance ADD COLUMN n serial', 'a serial or identity column'],
    // LIKE would bring it back as a plain column: later live inserts would fail.
    [
      'an identity column',
      'ALTER TABLE toy.balance ADD COLUMN n bigint GENERATED ALWAYS AS IDENTITY',
      'a serial or identity column',
    ],
    // A key attached USING INDEX is never deferrable.
    [
      'a deferrable key',
      'ALTER TABLE toy.balance ADD CONSTRAINT balance_deferred UNIQUE (member) DEFERRABLE',
      'a deferrable key',
    ],
  ])('refuses tables it cannot swap (%s) before any work, and changes nothing', async (_case, change, reason) => {
    await pool.query(change);
    const before = await damageLiveTable();
    const constraintsBefore = await constraintsOfBalance(pool);

    await expect(quietRebuild()).rejects.toThrow(`${SHADOW}: ${reason}; a shadow rebuild cannot swap these tables`);

    expect(await balances(pool)).toEqual(before);
    expect(await constraintsOfBalance(pool)).toEqual(constraintsBefore);
    expect(await shadowSchemas(pool)).toEqual([]);
    expect(await advisoryLocks(pool)).toBe(0);
  });

  it.each([
    ['a name', { name: 'x; drop' }],
    ['a name with capitals', { name: 'Toy' }],
    ['a table', { tables: ['balance; DROP TABLE toy.source'] }],
  ])('refuses %s that is not a plain SQL identifier, before touching anything', async (_case, override) => {
    const before = await balances(pool);
    const touched: string[] = [];
    const [rebuilder] = [await connection()];
    const writer = sqlOfPool(rebuilder);
    const projection = toyProjection({ indexes: 'before-load', writer, reader: writer, ...override });
    const watched: ShadowProjection = {
      ...projection,
      horizon: (sql, swapping) => (touched.push('horizon'), projection.horizon(sql, swapping)),
      fold: (range, page) => (touched.push('fold'), projection.fold(range, page)),
    };

    await expect(rebuildIntoShadows(writer, watched)).rejects.toThrow(/not a plain SQL identifier/);

    expect(touched).toEqual([]);
    expect(await logSize(pool)).toBe(SEEDED);
    expect(await balances(pool)).toEqual(before);
    expect(await shadowSchemas(pool)).toEqual([]);
    expect(await advisoryLocks(pool)).toBe(0);
  });
});
