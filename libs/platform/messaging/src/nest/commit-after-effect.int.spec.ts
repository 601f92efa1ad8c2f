import type { INestMicroservice } from '@nestjs/common';
import { MemberEnrolled, fixtures } from '@carecircle/contracts';
import type { Consumer, ConsumerCommitOffsetsEvent, Kafka, Producer } from 'kafkajs';
import { waitFor } from '@carecircle/platform/testing';
import { KafkaDeadLetterPublisher } from '../consumer/dead-letter.publisher';
import { on } from '../consumer/event-route';
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

jest.setTimeout(60_000);

/**
 * Verifies what node_modules/@nestjs/microservices/server/server-kafka.js does: `handleEvent` awaits
 * the handler's promise (and an Observable's last value) inside kafkajs's `eachMessage`, so kafkajs
 * resolves and commits the offset only after the effect has finished.
 */
describe('Nest ServerKafka commits an offset only after the event handler finished', () => {
  const topic = uniqueName('it.commit');
  const group = uniqueName('it-commit');
  let bed: MessagingTestBed;
  let app: INestMicroservice | undefined;

  beforeAll(async () => {
    bed = await startMessagingTestBed('commit_after_effect');
  });

  afterAll(async () => {
    await app?.close();
    await bed?.stop();
  });

  it('holds the commit while the effect is blocked and commits right after it finished', async () => {
    await bed.producer.send({
      topic,
      acks: -1,
      messages: [{ key: fixtures.MemberEnrolled.subject, value: JSON.stringify(fixtures.MemberEnrolled) }],
    });

    const timeline: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const consumer = new IntegrationEventConsumer({
      consumerGroup: group,
      inbox: new Inbox(bed.database.dataSource),
      deadLetters: new KafkaDeadLetterPublisher(bed.producer),
      logger: silentLogger,
    });
    const handler = consumer.forTopic(topic, {
      routes: [
        on(MemberEnrolled, async () => {
          timeline.push('effect started');
          await gate;
          timeline.push('effect finished');
        }),
      ],
    });
    app = await startNestTopicConsumer(handler, { brokers: bed.cluster.brokers, groupId: group });
    const [, serverConsumer] = app.unwrap<[Kafka, Consumer, Producer]>();
    serverConsumer.on(serverConsumer.events.COMMIT_OFFSETS, ({ payload }: ConsumerCommitOffsetsEvent) => {
      for (const committed of payload.topics.filter((t) => t.topic === topic).flatMap((t) => t.partitions))
        timeline.push(`committed ${committed.offset}`);
    });

    await waitFor(() => timeline.includes('effect started'), {
      timeoutMs: 20_000,
      description: 'the handler to receive the message',
    });
    const whileBlocked = await committedOffsets(bed.kafka, group, topic);
    expect(Object.values(whileBlocked).every((offset) => offset === '-1')).toBe(true);

    release();
    await waitFor(async () => Object.values(await committedOffsets(bed.kafka, group, topic)).includes('1'), {
      timeoutMs: 15_000,
      description: 'the offset after the message to be committed',
    });
    expect(timeline.slice(0, 3)).toEqual(['effect started', 'effect finished', 'committed 1']);
  });
});
