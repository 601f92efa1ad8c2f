import { randomUUID } from 'node:crypto';
import { KafkaContext } from '@nestjs/microservices';
import type { Consumer, KafkaMessage, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { fixtures, Topics, type IntegrationEvent } from '@carecircle/contracts';
import { runMigrations } from '@carecircle/platform/event-store';
import { Inbox, IntegrationEventConsumer, messagingMigrations, silentLogger } from '@carecircle/platform/messaging';
import { createTestDatabase, type TestDatabase } from '@carecircle/platform/testing';
import { schedulingReadModelEntities, schedulingReadModelMigrations } from '@carecircle/scheduling/read-models';
import { EnrollmentEventsKafkaController } from './enrollment-events.kafka.controller';
import { runRosterRebuild } from './rebuild-roster';

/** `npm run roster:rebuild`: from a database URL, a progress bar and log lines of counts and rates only. */
describe('roster:rebuild', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('scheduling_roster_rebuild_command');
    await runMigrations(db.url, [...schedulingReadModelMigrations, ...messagingMigrations]);
    dataSource = new DataSource({ type: 'postgres', url: db.url, entities: schedulingReadModelEntities });
    await dataSource.initialize();
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('rebuilds the roster from the events the controller kept, reporting progress without event content', async () => {
    const controller = new EnrollmentEventsKafkaController(
      new IntegrationEventConsumer({
        consumerGroup: 'scheduling',
        inbox: new Inbox(dataSource),
        deadLetters: {
          publish: async () => {
            throw new Error('no enrollment event may be dead-lettered here');
          },
        },
        logger: silentLogger,
      }),
    );
    const deliver = async (event: IntegrationEvent, offset: number) => {
      const message = {
        offset: String(offset),
        key: Buffer.from(event.subject),
        value: Buffer.from(JSON.stringify(event)),
      };
      const context = new KafkaContext([
        { ...message, timestamp: '0', attributes: 0, headers: {} } as KafkaMessage,
        0,
        Topics.enrollment,
        {} as Consumer,
        async () => undefined,
        {} as Producer,
      ]);
      expect((await controller.onEnrollmentEvent(context)).status).toBe('processed');
    };
    const groupId = 'grp_synthetic_command';
    await deliver(
      { ...fixtures.MemberEnrolled, eventId: randomUUID(), payload: { ...fixtures.MemberEnrolled.payload, groupId } },
      0,
    );
    await deliver(
      { ...fixtures.MemberWithdrew, eventId: randomUUID(), payload: { ...fixtures.MemberWithdrew.payload, groupId } },
      1,
    );
    const roster = async () => ({
      entries: await dataSource.query('SELECT * FROM roster_entry ORDER BY group_id, member_id'),
      summaries: await dataSource.query('SELECT * FROM group_roster_summary ORDER BY group_id'),
    });
    const live = await roster();
    expect(live.summaries).toEqual([{ group_id: groupId, enrolments_applied: 1, withdrawals_applied: 1 }]);
    // The roster's rows were lost; the inbox rows, the kept events and the reassessments owed were not.
    await dataSource.query('DELETE FROM roster_entry');
    await dataSource.query('DELETE FROM group_roster_summary');

    const written: string[] = [];
    const lines: Record<string, unknown>[] = [];
    let clock = 0;
    const result = await runRosterRebuild(db.url, {
      out: { write: (text: string) => written.push(text) } as unknown as NodeJS.WritableStream,
      logger: { info: (fields, message) => void lines.push({ ...fields, message }) },
      now: () => (clock += 1_000),
    });

    expect(result).toEqual({ done: 2, total: 2 });
    expect(await roster()).toEqual(live);
    expect(await dataSource.query('SELECT cause FROM pending_load_reassessment ORDER BY id')).toEqual([
      { cause: 'enrolled' },
      { cause: 'withdrew' },
    ]);
    expect(written.at(-1)).toBe('scheduling roster rebuilt from 2 events\n');
    expect(written).toContain(`[${'#'.repeat(30)}] 100% 2/2 events\n`);
    expect(lines.at(-1)).toMatchObject({ message: 'scheduling roster rebuilt', done: 2, total: 2 });
    for (const line of lines)
      expect(Object.keys(line).sort()).toEqual(['done', 'eventsPerSec', 'message', 'seconds', 'total']);
  });
});
