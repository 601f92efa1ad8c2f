import type { AccessFact, TimelineEntry, TimelineSourceEvent } from '@carecircle/gateway/domain';
import { applyTimelineEvent, type Sql, type TimelineState } from './timeline.projection';

/** The tables derived from `timeline_source_event`: what a rebuild replaces. */
const DERIVED_TABLES = [
  'timeline_entry',
  'timeline_group_facilitator',
  'timeline_group_member',
  'timeline_member_sharing',
] as const;
const SHADOW_SUFFIX = '_rebuild';
const shadowOf = (name: string) => `${name}${SHADOW_SUFFIX}`;
/** Catch-up rounds before the swap stop once a round finds fewer new events than this. */
const SMALL_CATCH_UP = 200;
/** Advisory lock (namespace, key) held for a whole rebuild: two rebuilds would share the shadow tables. */
const REBUILD_LOCK = [0x7469_6d65, 0x7265_6231] as const; // 'time', 'reb1'

export interface RebuildProgress {
  done: number;
  total: number;
}

/**
 * The rebuild's fold state in memory: group rosters, facilitators and consents in full (small), the
 * alert entries that later lifecycle events change, and the entries not yet written. The same
 * `applyTimelineEvent` the live path runs on the tables runs on this, so the two cannot disagree.
 */
class MemoryTimeline implements TimelineState {
  readonly facilitators = new Map<string, readonly string[]>();
  readonly groupRosters = new Map<string, Set<string>>();
  readonly sharing = new Map<string, boolean>();
  /** Entries that carry an alert lifecycle, by member and alert: later events advance them. */
  private readonly alerts = new Map<string, TimelineEntry[]>();
  /** Entries changed since the last write, by member and source event. */
  readonly pending = new Map<string, TimelineEntry>();
  factsChanged = false;

  async medicationSharing(memberId: string): Promise<boolean | undefined> {
    return this.sharing.get(memberId);
  }

  async applyFact(fact: AccessFact): Promise<void> {
    this.factsChanged = true;
    switch (fact.kind) {
      case 'group-facilitators':
        this.facilitators.set(fact.groupId, [...fact.facilitatorIds]);
        return;
      case 'group-member': {
        const roster = this.groupRosters.get(fact.groupId) ?? new Set<string>();
        if (fact.present) roster.add(fact.memberId);
        else roster.delete(fact.memberId);
        this.groupRosters.set(fact.groupId, roster);
        return;
      }
      case 'medication-sharing':
        this.sharing.set(fact.memberId, fact.shareMedication);
        return;
    }
  }

  async groupMembers(groupId: string): Promise<readonly string[]> {
    return [...(this.groupRosters.get(groupId) ?? [])].sort();
  }

  async lockMembers(): Promise<void> {
    // Nothing to serialise: the rebuild is the only writer of its state.
  }

  async alertEntries(memberId: string, alertId: string): Promise<readonly TimelineEntry[]> {
    return this.alerts.get(`${memberId}|${alertId}`) ?? [];
  }

  async putEntry(entry: TimelineEntry): Promise<void> {
    this.pending.set(`${entry.memberId}|${entry.sourceEventId}`, entry);
    if (!entry.alert) return;
    const key = `${entry.memberId}|${entry.alert.alertId}`;
    const others = (this.alerts.get(key) ?? []).filter((kept) => kept.sourceEventId !== entry.sourceEventId);
    this.alerts.set(key, [...others, entry]);
  }

  /** Takes the pending entries; `settledOnly` leaves those a later event may still change (alerts). */
  takePending(settledOnly: boolean): TimelineEntry[] {
    const taken: TimelineEntry[] = [];
    for (const [key, entry] of this.pending) {
      if (settledOnly && entry.alert) continue;
      taken.push(entry);
      this.pending.delete(key);
    }
    return taken;
  }
}

const ENTRY_ROWS = `jsonb_to_recordset($1::jsonb) AS r(member_id text, source_event_id text, at timestamptz, kind text, alert_id text, entry jsonb)`;

/** One multi-row INSERT (`upsert`: a catch-up may advance an alert already written). */
async function writeEntries(sql: Sql, entries: readonly TimelineEntry[], upsert: boolean): Promise<void> {
  if (entries.length === 0) return;
  const rows = entries.map((entry) => ({
    member_id: entry.memberId,
    source_event_id: entry.sourceEventId,
    at: entry.at,
    kind: entry.kind,
    alert_id: entry.alert?.alertId ?? null,
    entry,
  }));
  await sql(
    `INSERT INTO gateway.${shadowOf('timeline_entry')} (member_id, source_event_id, at, kind, alert_id, entry)
     SELECT member_id, source_event_id, at, kind, alert_id, entry FROM ${ENTRY_ROWS}` +
      (upsert
        ? ` ON CONFLICT (member_id, source_event_id) DO UPDATE SET entry = excluded.entry, changed_seq = nextval('gateway.timeline_change_seq')`
        : ''),
    [JSON.stringify(rows)],
  );
}

/** Rewrites the shadow access tables from memory (a few rows per group and member). */
async function writeAccessFacts(sql: Sql, state: MemoryTimeline): Promise<void> {
  await sql(
    `TRUNCATE gateway.${shadowOf('timeline_group_facilitator')}, gateway.${shadowOf('timeline_group_member')}, gateway.${shadowOf('timeline_member_sharing')}`,
  );
  await sql(
    `INSERT INTO gateway.${shadowOf('timeline_group_facilitator')} (group_id, facilitator_ids)
     SELECT key, ARRAY(SELECT jsonb_array_elements_text(value)) FROM jsonb_each($1::jsonb)`,
    [JSON.stringify(Object.fromEntries(state.facilitators))],
  );
  await sql(
    `INSERT INTO gateway.${shadowOf('timeline_group_member')} (group_id, member_id)
     SELECT r.group_id, r.member_id FROM jsonb_to_recordset($1::jsonb) AS r(group_id text, member_id text)`,
    [
      JSON.stringify(
        [...state.groupRosters].flatMap(([groupId, members]) =>
          [...members].map((memberId) => ({ group_id: groupId, member_id: memberId })),
        ),
      ),
    ],
  );
  await sql(
    `INSERT INTO gateway.${shadowOf('timeline_member_sharing')} (member_id, share_medication)
     SELECT key, value::boolean FROM jsonb_each_text($1::jsonb)`,
    [JSON.stringify(Object.fromEntries(state.sharing))],
  );
  state.factsChanged = false;
}

/** Empty copies of the derived tables (columns, defaults, checks; indexes come after the load). */
async function createShadows(sql: Sql): Promise<void> {
  for (const table of DERIVED_TABLES) {
    await sql(`DROP TABLE IF EXISTS gateway.${shadowOf(table)}`); // left by a rebuild that failed
    await sql(
      `CREATE TABLE gateway.${shadowOf(table)} (LIKE gateway.${table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)`,
    );
  }
}

interface IndexOf {
  table: string;
  name: string;
  definition: string;
  /** 'p'/'u' when the index backs a primary key or unique constraint. */
  constraintType: string | null;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
const CONSTRAINT_KINDS: Record<string, string> = { p: 'PRIMARY KEY', u: 'UNIQUE' };

/**
 * Gives the shadows the live tables' indexes and keys under shadow names, and their statistics. Built
 * after the load (faster than maintaining them row by row), the statements shared out over `lanes`
 * (connections) to run side by side; keys are attached to their finished unique indexes at the end.
 * Answers each table's index names, to rename at the swap.
 */
async function indexShadows(sql: Sql, lanes: readonly Sql[]): Promise<Map<string, string[]>> {
  const indexes = await sql<IndexOf>(
    `SELECT t.relname AS table, c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition, k.contype AS "constraintType"
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
       LEFT JOIN pg_constraint k ON k.conindid = i.indexrelid AND k.conrelid = i.indrelid
      WHERE i.indrelid = ANY($1::regclass[]) ORDER BY t.relname = 'timeline_entry' DESC, t.relname, c.relname`,
    [DERIVED_TABLES.map((table) => `gateway.${table}`)],
  );
  const statements: string[] = [];
  for (const index of indexes) {
    const kind = index.constraintType === null ? '' : CONSTRAINT_KINDS[index.constraintType];
    if (!IDENTIFIER.test(index.name) || kind === undefined)
      throw new Error(`unexpected index or constraint on gateway.${index.table}`);
    statements.push(
      index.definition.replace(
        /^CREATE (UNIQUE )?INDEX \S+ ON \S+ /,
        `CREATE $1INDEX ${shadowOf(index.name)} ON gateway.${shadowOf(index.table)} `,
      ),
    );
  }
  statements.push(...DERIVED_TABLES.map((table) => `ANALYZE gateway.${shadowOf(table)}`));
  await Promise.all(
    lanes.map(async (lane, at) => {
      for (let i = at; i < statements.length; i += lanes.length) await lane(statements[i] ?? '');
    }),
  );
  const names = new Map<string, string[]>(DERIVED_TABLES.map((table) => [table, []]));
  for (const index of indexes) {
    names.get(index.table)?.push(index.name);
    if (index.constraintType !== null)
      await sql(
        `ALTER TABLE gateway.${shadowOf(index.table)} ADD CONSTRAINT ${shadowOf(index.name)} ${CONSTRAINT_KINDS[index.constraintType]} USING INDEX ${shadowOf(index.name)}`,
      );
  }
  return names;
}

/**
 * The last kept position, read while no writer of the source log is in flight: every event at or below
 * it is committed, every later one gets a higher position (positions are drawn under the writers' lock).
 * In a transaction of its own unless `inTransaction` (the swap keeps the lock until it commits).
 */
async function horizon(sql: Sql, inTransaction = false): Promise<string> {
  if (!inTransaction) await sql('BEGIN');
  await sql(`LOCK TABLE gateway.timeline_source_event IN SHARE MODE`);
  const [row] = await sql<{ position: string }>(
    `SELECT coalesce(max(seq), 0)::text AS position FROM gateway.timeline_source_event`,
  );
  if (!inTransaction) await sql('COMMIT');
  return row?.position ?? '0';
}

type SourceRow = { position: string; body: TimelineSourceEvent };

/**
 * Folds the kept events after `after` up to `until` into `state`, a page at a time, calling `afterPage`
 * (which writes the page's entries) after each. Three steps overlap: the next page is read on `reader`
 * while this one is folded and the previous one written. Answers how many events were folded.
 */
async function foldRange(
  reader: Sql,
  state: MemoryTimeline,
  range: { after: string; until: string },
  batchSize: number,
  afterPage: (events: number) => Promise<void>,
): Promise<number> {
  // A failure is seen where the promise is awaited; until then it must not count as unhandled.
  const awaitedLater = <T>(promise: Promise<T>) => (promise.catch(() => undefined), promise);
  const page = (after: string) =>
    awaitedLater(
      reader<SourceRow>(
        `SELECT seq::text AS position, body FROM gateway.timeline_source_event
          WHERE seq > $1::bigint AND seq <= $2::bigint ORDER BY seq LIMIT $3`,
        [after, range.until, batchSize],
      ),
    );
  let next = page(range.after);
  let written: Promise<void> = Promise.resolve();
  let folded = 0;
  try {
    for (;;) {
      const rows = await next;
      if (rows.length === 0) break;
      next = page(rows.at(-1)?.position ?? range.until);
      for (const row of rows) await applyTimelineEvent(state, row.body);
      folded += rows.length;
      await written;
      written = awaitedLater(afterPage(rows.length));
    }
    await written;
  } catch (error) {
    // Let the statements still running finish first: the connections go back to the caller.
    await Promise.allSettled([next, written]);
    throw error;
  }
  return folded;
}

export interface RebuildOptions {
  /** A second connection (outside any transaction) for the pages read ahead, so reading overlaps writing; `sql` by default. */
  reader?: Sql;
  /** Awaited after each page; must not write to the source log (the swap holds it). */
  onProgress?: (progress: RebuildProgress) => void | Promise<void>;
  batchSize?: number;
}

/**
 * Rebuilds every derived table from the kept source events, in the order they were received, without
 * holding up readers or the live path:
 *  1. fold the events up to a horizon in memory, with the live path's own `applyTimelineEvent`, and
 *     write the entries into shadow tables with one multi-row INSERT per page;
 *  2. index the shadows, then fold what arrived meanwhile (rounds until little is left);
 *  3. in one short transaction that holds off the live path's writers, fold the last arrivals and
 *     swap the shadows in for the derived tables (drop and rename).
 * Each event is folded exactly once: the live path keeps an event and applies it in one transaction,
 * so after the swap it applies every later event to the rebuilt tables, and every earlier one is in them.
 * Change numbers are drawn afresh, so open live streams resend from the start.
 *
 * `sql` must be bound to one connection outside any transaction (the rebuild opens its own).
 */
export async function rebuildTimeline(
  sql: Sql,
  { reader = sql, onProgress = () => undefined, batchSize = 2_000 }: RebuildOptions = {},
): Promise<RebuildProgress> {
  const [{ locked } = { locked: false }] = await sql<{ locked: boolean }>(
    `SELECT pg_try_advisory_lock($1, $2) AS locked`,
    [...REBUILD_LOCK],
  );
  if (!locked) throw new Error('another timeline rebuild is running');
  const state = new MemoryTimeline();
  try {
    await createShadows(sql);
    let position = await horizon(sql);
    const [{ total } = { total: '0' }] = await sql<{ total: string }>(
      `SELECT count(*)::text AS total FROM gateway.timeline_source_event WHERE seq <= $1::bigint`,
      [position],
    );
    const progress: RebuildProgress = { done: 0, total: Number(total) };
    await onProgress({ ...progress });
    const afterPage =
      (write: (entries: TimelineEntry[]) => Promise<void>, settledOnly: boolean) => async (events: number) => {
        await write(state.takePending(settledOnly));
        progress.done += events;
        progress.total = Math.max(progress.total, progress.done);
        await onProgress({ ...progress });
      };

    await foldRange(
      reader,
      state,
      { after: '0', until: position },
      batchSize,
      afterPage((entries) => writeEntries(sql, entries, false), true),
    );
    await writeEntries(sql, state.takePending(false), false); // the alerts, as their last event left them
    await writeAccessFacts(sql, state);
    const indexes = await indexShadows(sql, reader === sql ? [sql] : [sql, reader]);

    const upsertPage = afterPage((entries) => writeEntries(sql, entries, true), false);
    for (;;) {
      const next = await horizon(sql);
      const arrived = await foldRange(reader, state, { after: position, until: next }, batchSize, upsertPage);
      position = next;
      if (arrived < SMALL_CATCH_UP) break;
    }

    await sql('BEGIN');
    const last = await horizon(sql, true);
    await foldRange(reader, state, { after: position, until: last }, batchSize, upsertPage);
    if (state.factsChanged) await writeAccessFacts(sql, state);
    await sql(`DROP TABLE ${DERIVED_TABLES.map((table) => `gateway.${table}`).join(', ')}`);
    for (const table of DERIVED_TABLES) {
      await sql(`ALTER TABLE gateway.${shadowOf(table)} RENAME TO ${table}`);
      for (const index of indexes.get(table) ?? [])
        await sql(`ALTER INDEX gateway.${shadowOf(index)} RENAME TO ${index}`);
    }
    await sql('COMMIT');
    return progress;
  } catch (error) {
    await sql('ROLLBACK').catch(() => undefined); // outside a transaction, only a warning
    for (const table of DERIVED_TABLES)
      await sql(`DROP TABLE IF EXISTS gateway.${shadowOf(table)}`).catch(() => undefined);
    throw error;
  } finally {
    await sql(`SELECT pg_advisory_unlock($1, $2)`, [...REBUILD_LOCK]).catch(() => undefined);
  }
}
