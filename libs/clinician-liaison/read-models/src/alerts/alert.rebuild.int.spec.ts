import { randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import { ALERT_STREAM_PREFIX, type AlertEvent } from '@carecircle/clinician-liaison/domain';
import {
  eventStoreMigrations,
  ExpectedVersion,
  PostgresEventStore,
  RebuildAlreadyRunningError,
  runMigrations,
  sqlOfPool,
  type RebuildProgress,
  type RecordedEvent,
} from '@carecircle/platform/event-store';
import {
  backendPid,
  createTestDatabase,
  waitFor,
  waitForLockWait,
  type TestDatabase,
} from '@carecircle/platform/testing';
import { liaisonReadModelEntities, liaisonReadModelMigrations } from '../index';
import { LIAISON_PROCESSOR, projectAlertEvent, saveProcessorCheckpoint } from './alert.projection';
import { rebuildAlerts } from './alert.rebuild';

const MIGRATIONS = [...eventStoreMigrations, ...liaisonReadModelMigrations];
const AT = '2026-12-06T10:00:00.000Z';

const raised = (alertId: string, n: number) => ({
  type: 'AlertRaised' as const,
  data: {
    alertId,
    memberId: `mbr_synthetic_rebuild_${n % 7}`,
    rule: 'suicidal-ideation',
    severity: 'critical',
    recipientRole: 'attending-psychiatrist',
    recipientId: 'clin_psy_01',
    escalationChain: ['clin_lead_01'],
    dedupKey: `suicidal-ideation:${alertId}`,
    summary: 'PHQ-9 item 9 above zero',
    detail: 'synthetic detail',
    evidenceEventIds: [`evt-${n}`],
    raisedAt: AT,
    escalationDueAt: '2026-12-06T10:15:00.000Z',
  },
});
const escalated = (alertId: string, level: number) => ({
  type: 'AlertEscalated' as const,
  data: { alertId, level, escalatedTo: `clin_lead_0${level}`, escalatedAt: AT, nextEscalationDueAt: null },
});
const acknowledged = (alertId: string) => ({
  type: 'AlertAcknowledged' as const,
  data: { alertId, by: 'clin_psy_01', outcome: 'overridden', reason: 'synthetic reason', acknowledgedAt: AT },
});
/** A log event that is not an alert's: the processor reads it and moves its checkpoint past it. */
const coordination = () => ({ type: 'SyntheticCoordinationFact' as const, data: { note: 'not an alert' } });

type Step = { type: string; data: Record<string, unknown> };

/**
 * The clinicians' alert inbox rebuilt from liaison's log beside the live table, on real PostgreSQL, while
 * the live path (the processor's statements: the event's projection and its checkpoint in one transaction)
 * keeps applying events.
 */
describe('alert inbox rebuild (PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: Pool;
  let store: PostgresEventStore;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('liaison_alert_rebuild');
    await runMigrations(db.url, MIGRATIONS);
    pool = new Pool({ connectionString: db.url, max: 6 });
    store = new PostgresEventStore(pool);
    dataSource = new DataSource({
      type: 'postgres',
      url: db.url,
      entities: liaisonReadModelEntities,
      extra: { max: 4 },
    });
    await dataSource.initialize();
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await pool?.end();
    await db?.drop();
  });

  const append = async (step: Step): Promise<RecordedEvent> => {
    const alertId = step.data['alertId'];
    const stream = typeof alertId === 'string' ? `${ALERT_STREAM_PREFIX}${alertId}` : `coordination-${randomUUID()}`;
    const metadata = { correlationId: 'c', causationId: 'c', occurredAt: AT };
    const { lastGlobalPosition } = await store.appendToStream(
      stream,
      [{ eventId: randomUUID(), type: step.type, data: step.data, metadata }],
      ExpectedVersion.any,
    );
    // The log holds a position back while an older transaction anywhere on the server is open.
    return waitFor(async () => (await store.readAll({ after: lastGlobalPosition - 1n, maxCount: 1 }))[0], {
      timeoutMs: 10_000,
      description: 'the appended event to be readable from the log',
    });
  };
  /** The processor's transaction for one event. */
  const project = async (tx: EntityManager, event: RecordedEvent) => {
    if (event.streamId.startsWith(ALERT_STREAM_PREFIX))
      await projectAlertEvent(tx, { type: event.type, data: event.data } as AlertEvent);
    await saveProcessorCheckpoint(tx, LIAISON_PROCESSOR, event.globalPosition);
  };
  const live = async (step: Step) => {
    const event = await append(step);
    await dataSource.transaction((tx) => project(tx, event));
  };
  const rows = async (em: { query(sql: string): Promise<unknown> }) =>
    em.query('SELECT * FROM liaison_alert ORDER BY alert_id');

  it('loses and doubles nothing while the processor keeps projecting, and clinicians read meanwhile', async () => {
    const ids = Array.from({ length: 24 }, () => randomUUID());
    for (const [n, id] of ids.entries()) {
      await live(raised(id, n));
      if (n % 3 === 0) await live(escalated(id, 1));
      if (n % 4 === 0) await live(coordination());
    }
    const [rebuilder] = [new Client(db.url)];
    await rebuilder.connect();
    const pid = await backendPid(rebuilder);
    const openTransaction = dataSource.createQueryRunner();
    await openTransaction.connect();
    const pages: RebuildProgress[] = [];
    let readDuringRebuild: unknown[] = [];
    let secondRebuild: unknown;
    try {
      const rebuilding = rebuildAlerts(sqlOfPool(rebuilder), {
        store,
        writer: dataSource.manager,
        pageSize: 5,
        onProgress: async (progress) => {
          pages.push(progress);
          if (pages.length !== 3) return;
          // Mid-rebuild: new alerts, an escalation and an acknowledgement of alerts already folded…
          for (const n of [24, 25, 26]) await live(raised(randomUUID(), n));
          await live(escalated(ids[0]!, 2));
          await live(acknowledged(ids[1]!));
          // …and the processor's transaction for one more, still open when the rebuild wants to swap.
          const pending = await append(acknowledged(ids[2]!));
          await openTransaction.startTransaction();
          await project(openTransaction.manager, pending);
          readDuringRebuild = (await rows(dataSource.manager)) as unknown[];
          secondRebuild = await rebuildAlerts(sqlOfPool(pool), { store, writer: dataSource.manager }).catch(
            (error: unknown) => error,
          );
        },
      });
      await waitForLockWait(pool, pid, "the rebuild's swap to wait for the open processor transaction");
      await openTransaction.commitTransaction();
      const result = await rebuilding;

      const logged = Number(
        (await pool.query<{ n: string }>('SELECT count(*) AS n FROM event_store.events')).rows[0]?.n,
      );
      expect(result).toEqual({ done: logged, total: logged });
      expect(pages[0]?.done).toBe(0);
      expect(pages.map((page) => page.done)).toEqual([...pages.map((page) => page.done)].sort((a, b) => a - b));
      expect(readDuringRebuild.length).toBeGreaterThanOrEqual(24);
      expect(secondRebuild).toEqual(new RebuildAlreadyRunningError('liaison_alerts'));
    } finally {
      if (openTransaction.isTransactionActive) await openTransaction.rollbackTransaction();
      await openTransaction.release();
      await rebuilder.end();
    }
    // After the swap, the processor writes to the rebuilt table.
    const late = randomUUID();
    await live(raised(late, 27));
    await live(escalated(ids[3]!, 2));

    // The whole log projected event by event, in another database, is the same table.
    const reference = await createTestDatabase('liaison_alert_rebuild_reference');
    const referenceSource = new DataSource({
      type: 'postgres',
      url: reference.url,
      entities: liaisonReadModelEntities,
    });
    try {
      await runMigrations(reference.url, liaisonReadModelMigrations);
      await referenceSource.initialize();
      for (const event of await store.readAll({ maxCount: 10_000 }))
        await referenceSource.transaction((tx) => project(tx, event));
      const rebuilt = (await rows(dataSource.manager)) as { alert_id: string; status: string }[];
      expect(rebuilt).toHaveLength(24 + 3 + 1);
      expect(rebuilt.find((row) => row.alert_id === ids[2])?.status).toBe('acknowledged');
      expect(rebuilt).toEqual(await rows(referenceSource.manager));
    } finally {
      if (referenceSource.isInitialized) await referenceSource.destroy();
      await reference.drop();
    }
    // The keys and indexes came across under their own names, and no shadow is left.
    const indexes = await pool.query<{ indexname: string }>(
      "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'liaison_alert' ORDER BY indexname",
    );
    expect(indexes.rows.map((row) => row.indexname)).toEqual([
      'liaison_alert_addressees',
      'liaison_alert_dedup_key_unique',
      'liaison_alert_due',
      'liaison_alert_member',
      'liaison_alert_pkey',
    ]);
    expect((await pool.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'rebuild_%'`)).rows).toEqual([]);
  });
});
