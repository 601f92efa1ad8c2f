import { Controller, Inject, type INestMicroservice } from '@nestjs/common';
import { Ctx, type KafkaContext } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { fromKafkaContext } from '../consumer/incoming-message';
import type { TopicHandler } from '../consumer/topic-handler';
import { silentLogger } from '../logging/messaging-logger';
import { kafkaConsumerServer } from '../nest/batched-server-kafka';
import { KafkaTopicHandler } from '../nest/kafka-topic-handler.decorator';
import { FETCH_WAIT_MS } from './infrastructure';

const TOPIC_HANDLER = Symbol('topic handler');

/**
 * Test-only: a listening Nest Kafka microservice wired as a service wires one: a controller whose
 * one `@KafkaTopicHandler` method hands each message of the topic to its `TopicHandler`.
 */
export async function startNestTopicConsumer(
  handler: TopicHandler,
  options: { brokers: string[]; groupId: string; partitionsConsumedConcurrently?: number; maxWaitTimeInMs?: number },
): Promise<INestMicroservice> {
  @Controller()
  class TopicConsumerController {
    constructor(@Inject(TOPIC_HANDLER) private readonly topicHandler: TopicHandler) {}

    @KafkaTopicHandler(handler.topic)
    async onMessage(@Ctx() context: KafkaContext): Promise<void> {
      await this.topicHandler.handle(fromKafkaContext(context));
    }
  }

  const moduleRef = await Test.createTestingModule({
    controllers: [TopicConsumerController],
    providers: [{ provide: TOPIC_HANDLER, useValue: handler }],
  }).compile();
  const app = moduleRef.createNestMicroservice({
    strategy: kafkaConsumerServer({
      clientId: options.groupId,
      brokers: options.brokers,
      groupId: options.groupId,
      logger: silentLogger,
      consumer: { maxWaitTimeInMs: options.maxWaitTimeInMs ?? FETCH_WAIT_MS },
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
    }),
    logger: false,
  });
  await app.listen();
  return app;
}
