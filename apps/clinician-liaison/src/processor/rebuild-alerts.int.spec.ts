import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { liaisonReadModelMigrations } from '@carecircle/clinician-liaison/read-models';
import {
  eventStoreMigrations,
  ExpectedVersion,
  PostgresEventStore,
  runMigrations,
} from '@carecircle/platform/event-store';
import { createTestDatabase, waitFor, type TestDatabase } from '@carecircle/platform/testing';
import { runAlertsRebuild } from './rebuild-alerts';

/** `npm run alerts:rebuild`: from a database URL, a progress bar and log lines of counts and rates only. */
describe('alerts:rebuild', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('liaison_alerts_rebuild_command');
    await runMigrations(db.url, [...eventStoreMigrations, ...liaisonReadModelMigrations]);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('rebuilds the inbox up to the processor checkpoint and reports progress without event content', async () => {
    const pool = new Pool({ connectionString: db.url, max: 2 });
    const alertId = randomUUID();
    try {
      const store = new PostgresEventStore(pool);
      const { lastGlobalPosition } = await store.appendToStream(
        `alert-${alertId}`,
        [
          {
            eventId: randomUUID(),
            type: 'AlertRaised',
            data: {
              alertId,
              memberId: 'mbr_synthetic_command_1',
              rule: 'suicidal-ideation',
              severity: 'critical',
              recipientRole: 'attending-psychiatrist',
              recipientId: 'clin_psy_01',
              escalationChain: [],
              dedupKey: `suicidal-ideation:${alertId}`,
              summary: 'PHQ-9 item 9 above zero',
              detail: 'synthetic detail',
              evidenceEventIds: [],
              raisedAt: '2026-12-06T10:00:00.000Z',
              escalationDueAt: null,
            },
            metadata: { correlationId: 'c', causationId: 'c', occurredAt: '2026-12-06T10:00:00.000Z' },
          },
        ],
        ExpectedVersion.noStream,
      );
      // The processor has read the event (readable once no older transaction on the server is open) and
      // applied it (its checkpoint), but the inbox row was lost: the rebuild restores it.
      await waitFor(async () => (await store.readAll({ after: lastGlobalPosition - 1n })).length === 1, {
        timeoutMs: 10_000,
        description: 'the appended event to be readable from the log',
      });
      await pool.query(
        `INSERT INTO liaison_processor_checkpoint (processor, position) VALUES ('liaison-processor', $1)`,
        [lastGlobalPosition.toString()],
      );

      const written: string[] = [];
      const lines: Record<string, unknown>[] = [];
      let clock = 0;
      const result = await runAlertsRebuild(db.url, {
        out: { write: (text: string) => written.push(text) } as unknown as NodeJS.WritableStream,
        logger: { info: (fields, message) => void lines.push({ ...fields, message }) },
        now: () => (clock += 1_000),
      });

      expect(result).toEqual({ done: 1, total: 1 });
      expect((await pool.query('SELECT alert_id FROM liaison_alert')).rows).toEqual([{ alert_id: alertId }]);
      expect(written.at(-1)).toBe('liaison alerts rebuilt from 1 events\n');
      expect(written).toContain(`[${'#'.repeat(30)}] 100% 1/1 events\n`);
      expect(lines.at(-1)).toMatchObject({ message: 'liaison alerts rebuilt', done: 1, total: 1 });
      for (const line of lines)
        expect(Object.keys(line).sort()).toEqual(['done', 'eventsPerSec', 'message', 'seconds', 'total']);
    } finally {
      await pool.end();
    }
  });
});
