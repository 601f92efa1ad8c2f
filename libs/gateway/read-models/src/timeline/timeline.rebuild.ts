import type { AccessFact, TimelineEntry, TimelineSourceEvent } from '@carecircle/gateway/domain';
import {
  rebuildIntoShadows,
  shadowSchemaOf,
  type FoldRange,
  type RebuildProgress,
  type Sql,
} from '@carecircle/platform/event-store';
import { applyTimelineEvent, type TimelineState } from './timeline.projection';

const PROJECTION = 'timeline';
/** The tables derived from `timeline_source_event`: what a rebuild replaces. */
const DERIVED_TABLES = [
  'timeline_entry',
  'timeline_group_facilitator',
  'timeline_group_member',
  'timeline_member_sharing',
] as const;
const shadowOf = (table: string) => `${shadowSchemaOf(PROJECTION)}.${table}`;

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
    `INSERT INTO ${shadowOf('timeline_entry')} (member_id, source_event_id, at, kind, alert_id, entry)
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
    `TRUNCATE ${shadowOf('timeline_group_facilitator')}, ${shadowOf('timeline_group_member')}, ${shadowOf('timeline_member_sharing')}`,
  );
  await sql(
    `INSERT INTO ${shadowOf('timeline_group_facilitator')} (group_id, facilitator_ids)
     SELECT key, ARRAY(SELECT jsonb_array_elements_text(value)) FROM jsonb_each($1::jsonb)`,
    [JSON.stringify(Object.fromEntries(state.facilitators))],
  );
  await sql(
    `INSERT INTO ${shadowOf('timeline_group_member')} (group_id, member_id)
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
    `INSERT INTO ${shadowOf('timeline_member_sharing')} (member_id, share_medication)
     SELECT key, value::boolean FROM jsonb_each_text($1::jsonb)`,
    [JSON.stringify(Object.fromEntries(state.sharing))],
  );
  state.factsChanged = false;
}

/**
 * The last kept position, read while no writer of the source log is in flight (in the caller's
 * transaction, which keeps that lock until it ends): every event at or below it is committed, every later
 * one gets a higher position (positions are drawn under the writers' lock).
 */
async function horizon(sql: Sql): Promise<string> {
  await sql(`LOCK TABLE gateway.timeline_source_event IN SHARE MODE`);
  const [row] = await sql<{ position: string }>(
    `SELECT coalesce(max(seq), 0)::text AS position FROM gateway.timeline_source_event`,
  );
  return row?.position ?? '0';
}

type SourceRow = { position: string; body: TimelineSourceEvent };

/**
 * Folds the kept events in `range` into `state`, a page at a time, calling `afterPage` (which writes the
 * page's entries) after each. Three steps overlap: the next page is read on `reader` while this one is
 * folded and the previous one written. Answers how many events were folded.
 */
async function foldRange(
  reader: Sql,
  state: MemoryTimeline,
  range: FoldRange,
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
 * holding up readers or the live path (`rebuildIntoShadows`). The fold runs in memory with the live
 * path's own `applyTimelineEvent`; the first load writes each page's settled entries with one multi-row
 * INSERT into unindexed shadows (alerts, which later events change, once at its end), and the catch-up
 * upserts. The horizon is the last kept source event: the live path keeps an event and applies it in one
 * transaction. Change numbers are drawn afresh, so open live streams resend from the start.
 *
 * `sql` must be bound to one connection outside any transaction (the rebuild opens its own).
 */
export async function rebuildTimeline(
  sql: Sql,
  { reader = sql, onProgress, batchSize = 2_000 }: RebuildOptions = {},
): Promise<RebuildProgress> {
  const state = new MemoryTimeline();
  let loaded = false;
  return rebuildIntoShadows(
    sql,
    {
      name: PROJECTION,
      schema: 'gateway',
      tables: DERIVED_TABLES,
      indexes: 'after-load',
      horizon,
      count: async (countSql, until) => {
        const [{ total } = { total: '0' }] = await countSql<{ total: string }>(
          `SELECT count(*)::text AS total FROM gateway.timeline_source_event WHERE seq <= $1::bigint`,
          [until],
        );
        return Number(total);
      },
      fold: (range, page) =>
        foldRange(reader, state, range, batchSize, async (events) => {
          // The load leaves alerts pending (a later event may change them); the catch-up upserts all.
          await writeEntries(sql, state.takePending(!loaded), loaded);
          await page(events);
        }),
      flush: async (stage) => {
        if (stage === 'loaded') {
          await writeEntries(sql, state.takePending(false), false); // the alerts, as their last event left them
          await writeAccessFacts(sql, state);
          loaded = true;
        } else if (state.factsChanged) await writeAccessFacts(sql, state);
      },
    },
    { onProgress, indexLanes: reader === sql ? [] : [reader] },
  );
}
