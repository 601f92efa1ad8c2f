import { Client, Pool } from 'pg';
import type { TimelineSourceEvent } from '@carecircle/gateway/domain';
import {
  gatewayMigrations,
  projectTimelineEvent,
  readTimeline,
  rebuildTimeline,
} from '@carecircle/gateway/read-models';
import {
  eventStoreMigrations,
  RebuildAlreadyRunningError,
  runMigrations,
  sqlOfPool,
  type RebuildProgress,
} from '@carecircle/platform/event-store';
import { messagingMigrations } from '@carecircle/platform/messaging';
import { backendPid, createTestDatabase, waitForLockWait, type TestDatabase } from '@carecircle/platform/testing';
import { syntheticMemberLife } from '../testing/synthetic-member-life';
import { timelineSnapshot } from '../testing/timeline-snapshot';
import { runTimelineRebuild } from './rebuild-timeline';

const MIGRATIONS = [...eventStoreMigrations, ...messagingMigrations, ...gatewayMigrations];
const memberId = (n: number) => `mbr_synthetic_rebuild_${String(n).padStart(3, '0')}`;
/** Five members a group: group events reach every member on the roster. */
const lifeOf = (n: number) => syntheticMemberLife(memberId(n), `grp_synthetic_rebuild_${Math.floor(n / 5)}`, n);
const ALERT_RAISED = 12; // index of CoordinationAlertRaised in a life: its lifecycle follows

/** The live path as the inbox runs it: the events in one transaction. */
async function projectLive(pool: Pool, events: readonly TimelineSourceEvent[]): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    for (const event of events) await projectTimelineEvent(sqlOfPool(client), event);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

describe('timeline rebuild (PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: Pool;

  beforeAll(async () => {
    db = await createTestDatabase('gateway_timeline_rebuild');
    await runMigrations(db.url, MIGRATIONS);
    pool = new Pool({ connectionString: db.url, max: 6 });
  });

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('loses and doubles nothing while events keep arriving, and readers carry on meanwhile', async () => {
    // Before: 12 lives, and a 13th whose alert is raised but not yet acknowledged.
    for (let n = 0; n < 12; n++) await projectLive(pool, lifeOf(n));
    const splitLife = lifeOf(12);
    await projectLive(pool, splitLife.slice(0, ALERT_RAISED + 1));

    const [rebuilder, reader, inFlight] = [new Client(db.url), new Client(db.url), new Client(db.url)];
    await Promise.all([rebuilder, reader, inFlight].map((client) => client.connect()));
    const pid = await backendPid(rebuilder);
    const pages: RebuildProgress[] = [];
    let readDuringRebuild = 0;
    let secondRebuild: unknown;
    try {
      const rebuilding = rebuildTimeline(sqlOfPool(rebuilder), {
        reader: sqlOfPool(reader),
        batchSize: 20,
        onProgress: async (progress) => {
          pages.push(progress);
          if (pages.length !== 3) return;
          // Mid-rebuild: the split alert's lifecycle and two new lives commit; a third, in one
          // transaction, is still open when the rebuild wants to swap.
          await projectLive(pool, splitLife.slice(ALERT_RAISED + 1));
          for (const n of [13, 14]) await projectLive(pool, lifeOf(n));
          await inFlight.query('BEGIN');
          for (const event of lifeOf(15)) await projectTimelineEvent(sqlOfPool(inFlight), event);
          readDuringRebuild = (await readTimeline(sqlOfPool(pool), memberId(0), { limit: 100 })).entries.length;
          secondRebuild = await rebuildTimeline(sqlOfPool(pool)).catch((error: unknown) => error);
        },
      });
      // The rebuild waits for the open transaction before it takes the horizon: commit it then.
      await waitForLockWait(pool, pid, 'the rebuild to wait for the open live transaction');
      await inFlight.query('COMMIT');
      const result = await rebuilding;

      const kept = Number(
        (await pool.query<{ n: string }>('SELECT count(*) AS n FROM gateway.timeline_source_event')).rows[0]?.n,
      );
      expect(result).toEqual({ done: kept, total: kept });
      expect(pages[0]).toEqual({ done: 0, total: 12 * 19 + ALERT_RAISED + 1 });
      expect(readDuringRebuild).toBeGreaterThan(0);
      expect(secondRebuild).toEqual(new RebuildAlreadyRunningError('timeline'));
    } finally {
      await inFlight.query('ROLLBACK').catch(() => undefined);
      await Promise.all([rebuilder, reader, inFlight].map((client) => client.end()));
    }
    // After the swap the live path writes to the rebuilt tables.
    await projectLive(pool, lifeOf(16));

    // The same log projected event by event through the live path, in another database.
    const log = (
      await pool.query<{ body: TimelineSourceEvent }>('SELECT body FROM gateway.timeline_source_event ORDER BY seq')
    ).rows.map((row) => row.body);
    const reference = await createTestDatabase('gateway_timeline_rebuild_reference');
    const referencePool = new Pool({ connectionString: reference.url, max: 2 });
    try {
      await runMigrations(reference.url, MIGRATIONS);
      for (const event of log) await projectLive(referencePool, [event]);
      const rebuilt = await timelineSnapshot(pool);
      expect(rebuilt.entries.length).toBeGreaterThan(17 * 19);
      expect(rebuilt).toEqual(await timelineSnapshot(referencePool));
    } finally {
      await referencePool.end();
      await reference.drop();
    }
    const shadows = await pool.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'rebuild_%'`);
    expect(shadows.rows).toEqual([]);
  });

  it('logs progress as counts and rates only', async () => {
    const lines: Record<string, unknown>[] = [];
    let clock = 0;
    const result = await runTimelineRebuild(db.url, {
      out: { write: () => true } as unknown as NodeJS.WritableStream,
      logger: { info: (fields, message) => void lines.push({ ...fields, message }) },
      now: () => (clock += 1_000), // a second a call: every page logs
    });
    expect(lines.at(-1)).toMatchObject({ message: 'timeline rebuilt', done: result.done, total: result.total });
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines)
      expect(Object.keys(line).sort()).toEqual(['done', 'eventsPerSec', 'message', 'seconds', 'total']);
  });
});
