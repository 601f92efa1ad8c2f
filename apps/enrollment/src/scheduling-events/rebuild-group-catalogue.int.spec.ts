import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { fixtures, GroupFormed, Topics } from '@carecircle/contracts';
import { enrollmentReadModelMigrations } from '@carecircle/enrollment/read-models';
import { runMigrations } from '@carecircle/platform/event-store';
import { Inbox, messagingMigrations } from '@carecircle/platform/messaging';
import { createTestDatabase, type TestDatabase } from '@carecircle/platform/testing';
import { runGroupCatalogueRebuild } from './rebuild-group-catalogue';

/** `npm run catalogue:rebuild`: from a database URL, a progress bar and log lines of counts and rates only. */
describe('catalogue:rebuild', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('enrollment_catalogue_rebuild_command');
    await runMigrations(db.url, [...messagingMigrations, ...enrollmentReadModelMigrations]);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('rebuilds the catalogue from the kept scheduling events and reports progress without event content', async () => {
    const pool = new Pool({ connectionString: db.url, max: 2 });
    const dataSource = new DataSource({ type: 'postgres', url: db.url });
    try {
      await dataSource.initialize();
      const event = GroupFormed.parse({ ...fixtures.GroupFormed, eventId: randomUUID() });
      // The inbox kept the event, but the catalogue row was lost: the rebuild restores it.
      await new Inbox(dataSource).handleOnce('enrollment', event.eventId, async () => undefined, {
        topic: Topics.scheduling,
        type: event.type,
        body: event,
      });

      const written: string[] = [];
      const lines: Record<string, unknown>[] = [];
      let clock = 0;
      const result = await runGroupCatalogueRebuild(db.url, {
        out: { write: (text: string) => written.push(text) } as unknown as NodeJS.WritableStream,
        logger: { info: (fields, message) => void lines.push({ ...fields, message }) },
        now: () => (clock += 1_000),
      });

      expect(result).toEqual({ done: 1, total: 1 });
      expect((await pool.query('SELECT group_id, seats FROM enrollment_group_catalogue')).rows).toEqual([
        { group_id: event.payload.groupId, seats: event.payload.seats },
      ]);
      expect(written.at(-1)).toBe('group catalogue rebuilt from 1 events\n');
      expect(written).toContain(`[${'#'.repeat(30)}] 100% 1/1 events\n`);
      expect(lines.at(-1)).toMatchObject({ message: 'group catalogue rebuilt', done: 1, total: 1 });
      for (const line of lines)
        expect(Object.keys(line).sort()).toEqual(['done', 'eventsPerSec', 'message', 'seconds', 'total']);
    } finally {
      if (dataSource.isInitialized) await dataSource.destroy();
      await pool.end();
    }
  });
});
