import { randomUUID } from 'node:crypto';
import type { INestMicroservice } from '@nestjs/common';
import { MemberEnrolled, fixtures } from '@carecircle/contracts';
import { waitFor } from '@carecircle/platform/testing';
import { KafkaDeadLetterPublisher } from '../consumer/dead-letter.publisher';
import { on } from '../consumer/event-route';
import type { HandleOutcome } from '../consumer/handle-outcome';
import { IntegrationEventConsumer } from '../consumer/integration-event-consumer';
import { Inbox } from '../inbox/inbox';
import { silentLogger } from '../logging/messaging-logger';
import {
  committedOffsets,
  startMessagingTestBed,
  uniqueName,
  type MessagingTestBed,
} from '../test-support/infrastructure';
import { startNestTopicConsumer } from '../test-support/nest-consumer-app';

jest.setTimeout(90_000);

const GROUP_ID = 'grp_shared';

/** What the effects saw, by event id: which member, which place in that member's order. */
interface Sent {
  memberId: string;
  seq: number;
}

/**
 * The service consumer (`BatchedServerKafka`, eachBatch) on a real broker: partitions in parallel keep
 * each member's order and a row shared by every member exact; a failing message stops its partition
 * until it passes; a restart resumes right after the last committed offset.
 */
describe('BatchedServerKafka', () => {
  let bed: MessagingTestBed;
  const apps: INestMicroservice[] = [];

  beforeAll(async () => {
    bed = await startMessagingTestBed('batched_server');
    await bed.database.dataSource.query(
      `CREATE TABLE member_order (member_id text PRIMARY KEY, last_seq integer NOT NULL, out_of_order integer NOT NULL DEFAULT 0);
       CREATE TABLE group_counter (group_id text PRIMARY KEY, enrolments integer NOT NULL)`,
    );
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    await bed?.stop();
  });

  const sendAll = async (topic: string, events: { memberId: string; eventId: string }[]) =>
    bed.producer.send({
      topic,
      acks: -1,
      messages: events.map(({ memberId, eventId }) => ({
        key: memberId,
        value: JSON.stringify({ ...fixtures.MemberEnrolled, eventId, subject: memberId }),
      })),
    });

  it('handles partitions in parallel, each member in order, the shared row counting every event once', async () => {
    const topic = uniqueName('it.batched');
    const group = uniqueName('it-batched');
    const sent = new Map<string, Sent>();
    const events = Array.from({ length: 10 }, (_, seq) =>
      Array.from({ length: 24 }, (_, member) => {
        const eventId = randomUUID();
        const memberId = `mbr_batched_${member}`;
        sent.set(eventId, { memberId, seq });
        return { memberId, eventId };
      }),
    ).flat();
    await sendAll(topic, events);

    let inFlight = 0;
    let mostInFlight = 0;
    const settled: HandleOutcome[] = [];
    const consumer = new IntegrationEventConsumer({
      consumerGroup: group,
      inbox: new Inbox(bed.database.dataSource),
      deadLetters: new KafkaDeadLetterPublisher(bed.producer),
      logger: silentLogger,
      onOutcome: (outcome) => settled.push(outcome),
    });
    const handler = consumer.forTopic(topic, {
      routes: [
        on(MemberEnrolled, async (event, tx) => {
          inFlight++;
          mostInFlight = Math.max(mostInFlight, inFlight);
          try {
            const seq = sent.get(event.eventId)?.seq ?? -1;
            // The member's row: a seq that is not the next one is counted as out of order.
            await tx.query(
              `INSERT INTO member_order (member_id, last_seq, out_of_order) VALUES ($1, $2, CASE WHEN $2 = 0 THEN 0 ELSE 1 END)
               ON CONFLICT (member_id) DO UPDATE SET last_seq = $2,
                 out_of_order = member_order.out_of_order + CASE WHEN $2 = member_order.last_seq + 1 THEN 0 ELSE 1 END`,
              [event.subject, seq],
            );
            // One row every member writes (like a group roster's counters): an atomic upsert, row-locked.
            await tx.query(
              `INSERT INTO group_counter (group_id, enrolments) VALUES ($1, 1)
               ON CONFLICT (group_id) DO UPDATE SET enrolments = group_counter.enrolments + 1`,
              [GROUP_ID],
            );
          } finally {
            inFlight--;
          }
        }),
      ],
    });
    apps.push(
      await startNestTopicConsumer(handler, {
        brokers: bed.cluster.brokers,
        groupId: group,
        partitionsConsumedConcurrently: 4,
      }),
    );

    await waitFor(() => settled.length >= events.length, {
      timeoutMs: 60_000,
      description: `all ${events.length} messages settled (got ${settled.length})`,
    });
    expect(settled.every((outcome) => outcome.status === 'processed')).toBe(true);
    expect(new Set(settled.map((outcome) => outcome.partition)).size).toBeGreaterThan(1);
    expect(mostInFlight).toBeGreaterThan(1);
    const members: { last_seq: number; out_of_order: number }[] = await bed.database.dataSource.query(
      'SELECT last_seq, out_of_order FROM member_order',
    );
    expect(members).toHaveLength(24);
    expect(members.every((row) => row.last_seq === 9 && row.out_of_order === 0)).toBe(true);
    const [counter] = await bed.database.dataSource.query('SELECT enrolments FROM group_counter WHERE group_id = $1', [
      GROUP_ID,
    ]);
    expect(counter.enrolments).toBe(events.length);
  });

  it('stops a partition at a failing message until it passes, and resumes after the last commit on restart', async () => {
    const topic = uniqueName('it.batched-stop');
    const group = uniqueName('it-batched-stop');
    const memberId = 'mbr_batched_stop';
    const batch = (count: number) => Array.from({ length: count }, () => ({ memberId, eventId: randomUUID() }));
    const first = batch(6);
    await sendAll(topic, first);

    const failing = first[2]?.eventId;
    let failuresLeft = 2;
    const seen: string[] = [];
    const settled: HandleOutcome[] = [];
    const startConsumer = async () => {
      const consumer = new IntegrationEventConsumer({
        consumerGroup: group,
        inbox: new Inbox(bed.database.dataSource),
        deadLetters: new KafkaDeadLetterPublisher(bed.producer),
        // One try, and the failure counts as the database being away: the handler throws for redelivery.
        retry: { attempts: 1 },
        isTransient: () => true,
        logger: silentLogger,
        onOutcome: (outcome) => settled.push(outcome),
      });
      const handler = consumer.forTopic(topic, {
        routes: [
          on(MemberEnrolled, async (event) => {
            seen.push(event.eventId);
            if (event.eventId === failing && failuresLeft-- > 0) throw new Error('database away');
          }),
        ],
      });
      const app = await startNestTopicConsumer(handler, {
        brokers: bed.cluster.brokers,
        groupId: group,
        partitionsConsumedConcurrently: 4,
      });
      apps.push(app);
      return app;
    };

    const app = await startConsumer();
    await waitFor(() => settled.length >= first.length, {
      timeoutMs: 60_000,
      description: `the ${first.length} messages settled after the failures (got ${settled.length})`,
    });
    const ids = first.map((event) => event.eventId);
    // Tried three times, nothing behind it touched meanwhile (what came before it in its shared
    // transaction may run again, rolled back the first time); everything settled once, in order.
    const lastFailure = seen.lastIndexOf(failing!);
    expect(seen.filter((id) => id === failing)).toHaveLength(3);
    expect(seen.slice(lastFailure + 1)).toEqual([ids[3], ids[4], ids[5]]);
    expect(seen.slice(0, lastFailure).every((id) => id === ids[0] || id === ids[1] || id === failing)).toBe(true);
    expect(settled.map((outcome) => [outcome.eventId, outcome.status])).toEqual(ids.map((id) => [id, 'processed']));
    const partition = settled[0]?.partition ?? -1;
    await waitFor(async () => (await committedOffsets(bed.kafka, group, topic))[partition] === '6', {
      timeoutMs: 15_000,
      description: 'the offset after the sixth message committed',
    });

    await app.close();
    apps.splice(apps.indexOf(app), 1);
    const second = batch(3);
    await sendAll(topic, second);
    seen.length = 0;
    settled.length = 0;
    await startConsumer();
    await waitFor(() => settled.length >= second.length, {
      timeoutMs: 60_000,
      description: `the ${second.length} new messages settled (got ${settled.length})`,
    });
    // Not one of the first six again, not even as a duplicate the inbox would absorb.
    expect(seen).toEqual(second.map((event) => event.eventId));
    expect(settled.map((outcome) => outcome.status)).toEqual(['processed', 'processed', 'processed']);
  });

  it('settles a run of one partition in one transaction, reporting each message only once it committed', async () => {
    const topic = uniqueName('it.batched-run');
    const group = uniqueName('it-batched-run');
    const events = Array.from({ length: 30 }, () => ({ memberId: 'mbr_batched_run', eventId: randomUUID() }));
    await sendAll(topic, events);
    await bed.database.dataSource.query(
      'CREATE TABLE IF NOT EXISTS effect_tx (event_id uuid PRIMARY KEY, tx bigint NOT NULL)',
    );

    const settled: HandleOutcome[] = [];
    // Asked from another connection the moment each outcome is reported: the inbox row must be there.
    const visibleWhenReported: Promise<boolean>[] = [];
    const consumer = new IntegrationEventConsumer({
      consumerGroup: group,
      inbox: new Inbox(bed.database.dataSource),
      deadLetters: new KafkaDeadLetterPublisher(bed.producer),
      logger: silentLogger,
      onOutcome: (outcome) => {
        settled.push(outcome);
        visibleWhenReported.push(
          bed.database.dataSource
            .query('SELECT 1 FROM processed_message WHERE consumer = $1 AND event_id = $2', [group, outcome.eventId])
            .then((rows: unknown[]) => rows.length === 1),
        );
      },
    });
    const handler = consumer.forTopic(topic, {
      routes: [
        on(MemberEnrolled, (event, tx) =>
          tx.query('INSERT INTO effect_tx (event_id, tx) VALUES ($1, txid_current())', [event.eventId]),
        ),
      ],
    });
    apps.push(await startNestTopicConsumer(handler, { brokers: bed.cluster.brokers, groupId: group }));

    await waitFor(() => settled.length >= events.length, {
      timeoutMs: 60_000,
      description: `all ${events.length} messages settled (got ${settled.length})`,
    });
    expect(settled.map((outcome) => outcome.eventId)).toEqual(events.map((event) => event.eventId));
    expect(await Promise.all(visibleWhenReported)).toEqual(events.map(() => true));
    const [{ transactions }] = await bed.database.dataSource.query(
      'SELECT count(DISTINCT tx)::int AS transactions FROM effect_tx WHERE event_id = ANY($1::uuid[])',
      [events.map((event) => event.eventId)],
    );
    // Sent before the consumer joined, they arrive in few fetches: far fewer transactions than messages.
    expect(transactions).toBeLessThan(events.length / 2);
  });

  it('hands a run with a poison message or a failing effect back one message at a time: each settled once', async () => {
    const topic = uniqueName('it.batched-fallback');
    const group = uniqueName('it-batched-fallback');
    const memberId = 'mbr_batched_fallback';
    const valid = Array.from({ length: 5 }, () => ({ memberId, eventId: randomUUID() }));
    const failsOnce = valid[3]!.eventId;
    let failuresLeft = 1;
    await bed.producer.send({
      topic,
      acks: -1,
      messages: [
        ...valid.slice(0, 2).map(({ eventId }) => ({
          key: memberId,
          value: JSON.stringify({ ...fixtures.MemberEnrolled, eventId, subject: memberId }),
        })),
        { key: memberId, value: '{"not": "an envelope"' },
        ...valid.slice(2).map(({ eventId }) => ({
          key: memberId,
          value: JSON.stringify({ ...fixtures.MemberEnrolled, eventId, subject: memberId }),
        })),
      ],
    });
    const settled: HandleOutcome[] = [];
    const applied: string[] = [];
    const consumer = new IntegrationEventConsumer({
      consumerGroup: group,
      inbox: new Inbox(bed.database.dataSource),
      deadLetters: new KafkaDeadLetterPublisher(bed.producer),
      retry: { attempts: 3, initialDelayMs: 1 },
      logger: silentLogger,
      onOutcome: (outcome) => settled.push(outcome),
    });
    const handler = consumer.forTopic(topic, {
      routes: [
        on(MemberEnrolled, async (event, tx) => {
          if (event.eventId === failsOnce && failuresLeft-- > 0) throw new Error('a conflict that passes');
          await tx.query('SELECT 1');
          applied.push(event.eventId);
        }),
      ],
    });
    apps.push(await startNestTopicConsumer(handler, { brokers: bed.cluster.brokers, groupId: group }));

    await waitFor(() => settled.length >= 6, {
      timeoutMs: 60_000,
      description: `the 6 messages settled (got ${settled.length})`,
    });
    const ids = valid.map((event) => event.eventId);
    expect(settled.map((outcome) => outcome.status)).toEqual([
      'processed',
      'processed',
      'dead-lettered',
      'processed',
      'processed',
      'processed',
    ]);
    expect(settled.filter((outcome) => outcome.status === 'processed').map((outcome) => outcome.eventId)).toEqual(ids);
    const [{ rows }] = await bed.database.dataSource.query(
      'SELECT count(*)::int AS rows FROM processed_message WHERE consumer = $1',
      [group],
    );
    expect(rows).toBe(5);
    // Every event's effect took hold once: later runs of an effect were of rolled-back transactions.
    expect(new Set(applied)).toEqual(new Set(ids));
  });
});
