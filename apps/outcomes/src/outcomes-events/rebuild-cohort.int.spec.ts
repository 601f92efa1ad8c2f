import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { fixtures, MeasureRecorded, Topics } from '@carecircle/contracts';
import { cohortMeasureRoutes, COHORT_CONSUMER, outcomesReadModelMigrations } from '@carecircle/outcomes/read-models';
import { runMigrations } from '@carecircle/platform/event-store';
import { Inbox, messagingMigrations } from '@carecircle/platform/messaging';
import { createTestDatabase, type TestDatabase } from '@carecircle/platform/testing';
import { runCohortRebuild } from './rebuild-cohort';

/** `npm run cohort:rebuild`: from a database URL, a progress bar and log lines of counts and rates only. */
describe('cohort:rebuild', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('outcomes_cohort_rebuild_command');
    await runMigrations(db.url, [...messagingMigrations, ...outcomesReadModelMigrations]);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('rebuilds the cohort from the kept events and reports progress without event content', async () => {
    const dataSource = new DataSource({ type: 'postgres', url: db.url, extra: { max: 2 } });
    await dataSource.initialize();
    try {
      const event = MeasureRecorded.parse({
        ...fixtures.MeasureRecorded,
        eventId: randomUUID(),
        subject: 'mbr_synthetic_command_1',
        payload: { ...fixtures.MeasureRecorded.payload, measureId: randomUUID() },
      });
      const route = cohortMeasureRoutes.find((candidate) => candidate.type === event.type)!;
      await new Inbox(dataSource).handleOnce(COHORT_CONSUMER, event.eventId, (tx) => route.effect(event, tx), {
        topic: Topics.outcomes,
        type: event.type,
        body: event,
      });
      // The row lost (a bad deploy, a restore): the kept event brings it back.
      await dataSource.query('DELETE FROM outcome_measure');

      const written: string[] = [];
      const lines: Record<string, unknown>[] = [];
      let clock = 0;
      const result = await runCohortRebuild(db.url, {
        out: { write: (text: string) => written.push(text) } as unknown as NodeJS.WritableStream,
        logger: { info: (fields, message) => void lines.push({ ...fields, message }) },
        now: () => (clock += 1_000),
      });

      expect(result).toEqual({ done: 1, total: 1 });
      expect(await dataSource.query('SELECT measure_id, member_id, total FROM outcome_measure')).toEqual([
        { measure_id: event.payload.measureId, member_id: 'mbr_synthetic_command_1', total: 14 },
      ]);
      expect(written.at(-1)).toBe('outcomes cohort rebuilt from 1 events\n');
      expect(written).toContain(`[${'#'.repeat(30)}] 100% 1/1 events\n`);
      expect(lines.at(-1)).toMatchObject({ message: 'outcomes cohort rebuilt', done: 1, total: 1 });
      for (const line of lines)
        expect(Object.keys(line).sort()).toEqual(['done', 'eventsPerSec', 'message', 'seconds', 'total']);
    } finally {
      await dataSource.destroy();
    }
  });
});
