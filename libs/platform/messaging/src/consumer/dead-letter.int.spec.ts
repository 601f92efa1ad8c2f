import type { INestMicroservice } from '@nestjs/common';
import { MemberEnrolled, deadLetterTopic, fixtures } from '@carecircle/contracts';
import { randomUUID } from 'node:crypto';
import { waitFor } from '@carecircle/platform/testing';
import { Inbox } from '../inbox/inbox';
import { silentLogger } from '../logging/messaging-logger';
import {
  committedOffsets,
  readTopic,
  startMessagingTestBed,
  uniqueName,
  type MessagingTestBed,
} from '../test-support/infrastructure';
import { startNestTopicConsumer } from '../test-support/nest-consumer-app';
import { DeadLetterHeaders, KafkaDeadLetterPublisher } from './dead-letter.publisher';
import { on } from './event-route';
import type { HandleOutcome } from './handle-outcome';
import { IntegrationEventConsumer } from './integration-event-consumer';

jest.setTimeout(60_000);

const MEMBER = 'mbr_synthetic_0001';
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('poison messages on a real broker (Nest ServerKafka → inbox → retries → dead-letter topic)', () => {
  const topic = uniqueName('it.enrollment');
  const group = uniqueName('it-scheduling');
  let bed: MessagingTestBed;
  let app: INestMicroservice | undefined;

  beforeAll(async () => {
    bed = await startMessagingTestBed('dead_letter');
    await bed.database.dataSource.query(
      'CREATE TABLE enrolled_member (event_id uuid PRIMARY KEY, group_id text NOT NULL)',
    );
  });

  afterAll(async () => {
    await app?.close();
    await bed?.stop();
  });

  it('parks the poison messages with their origin and error class; the good ones behind them are processed', async () => {
    const enrolled = (groupId: string) => ({
      ...fixtures.MemberEnrolled,
      eventId: randomUUID(),
      payload: { ...fixtures.MemberEnrolled.payload, groupId },
    });
    const good1 = enrolled('grp_a');
    const failsEveryTime = enrolled('grp_rejected');
    const good2 = enrolled('grp_b');
    const values = [
      'not json {',
      JSON.stringify(good1),
      JSON.stringify(failsEveryTime),
      JSON.stringify(good2),
      JSON.stringify(good1),
    ];
    // One key: one partition, so the poison messages sit in front of the good ones.
    await bed.producer.send({
      topic,
      acks: -1,
      messages: values.map((value) => ({ key: MEMBER, value, headers: { traceparent: TRACEPARENT } })),
    });

    const outcomes: HandleOutcome[] = [];
    const consumer = new IntegrationEventConsumer({
      consumerGroup: group,
      inbox: new Inbox(bed.database.dataSource),
      deadLetters: new KafkaDeadLetterPublisher(bed.producer),
      retry: { attempts: 3, initialDelayMs: 5, maxDelayMs: 20 },
      logger: silentLogger,
      onOutcome: (outcome) => outcomes.push(outcome),
    });
    const handler = consumer.forTopic(topic, {
      routes: [
        on(MemberEnrolled, async (event, tx) => {
          if (event.payload.groupId === 'grp_rejected') throw new Error('group grp_rejected refuses member Jane Doe');
          await tx.query('INSERT INTO enrolled_member VALUES ($1, $2)', [event.eventId, event.payload.groupId]);
        }),
      ],
    });
    app = await startNestTopicConsumer(handler, { brokers: bed.cluster.brokers, groupId: group });

    await waitFor(() => outcomes.length === values.length, {
      timeoutMs: 30_000,
      description: `all ${values.length} messages settled (got ${outcomes.length})`,
    });
    expect(outcomes.map((o) => o.status)).toEqual([
      'dead-lettered',
      'processed',
      'dead-lettered',
      'processed',
      'duplicate',
    ]);
    const rows: { group_id: string }[] = await bed.database.dataSource.query(
      'SELECT group_id FROM enrolled_member ORDER BY group_id',
    );
    expect(rows.map((r) => r.group_id)).toEqual(['grp_a', 'grp_b']);

    const partition = outcomes[0]?.partition;
    const letters = await readTopic(bed.kafka, deadLetterTopic(group), 2);
    const headers = letters.map((letter) =>
      Object.fromEntries(Object.entries(letter.headers ?? {}).map(([name, value]) => [name, String(value)])),
    );
    expect(letters.map((letter) => letter.value?.toString())).toEqual([values[0], values[2]]);
    expect(letters.map((letter) => letter.key?.toString())).toEqual([MEMBER, MEMBER]);
    expect(headers[0]).toMatchObject({
      [DeadLetterHeaders.originalTopic]: topic,
      [DeadLetterHeaders.originalPartition]: String(partition),
      [DeadLetterHeaders.originalOffset]: '0',
      [DeadLetterHeaders.consumerGroup]: group,
      [DeadLetterHeaders.errorClass]: 'UnreadableMessageError',
      [DeadLetterHeaders.errorMessage]: 'value is not JSON',
      [DeadLetterHeaders.attempts]: '0',
      traceparent: TRACEPARENT,
    });
    expect(headers[1]).toMatchObject({
      [DeadLetterHeaders.originalOffset]: '2',
      [DeadLetterHeaders.errorClass]: 'Error',
      [DeadLetterHeaders.attempts]: '3',
    });
    expect(JSON.stringify(headers)).not.toContain('Jane');

    await waitFor(
      async () => (await committedOffsets(bed.kafka, group, topic))[Number(partition)] === String(values.length),
      {
        timeoutMs: 15_000,
        description: 'the group to commit past every message, poison ones included',
      },
    );
  });
});
