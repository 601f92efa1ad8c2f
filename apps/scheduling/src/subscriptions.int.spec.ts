import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { assertEveryTopicHasHandler, checkHandlerCoverage } from '@carecircle/platform/messaging';
import { connectKafkaConsumer } from '@carecircle/platform/service-kit';
import { createTestDatabase, startKafka, type KafkaCluster, type TestDatabase } from '@carecircle/platform/testing';
import { AppModule } from './app.module';
import { SCHEDULING_SUBSCRIPTIONS } from './enrollment-events/enrollment-events.kafka.controller';

/** Nest's Kafka server commits messages that match no handler without a word: prove every subscription has one. */
describe('scheduling subscriptions', () => {
  let kafka: KafkaCluster;
  let db: TestDatabase;
  let app: INestApplication | undefined;
  const saved = { ...process.env };

  beforeAll(async () => {
    kafka = await startKafka();
    db = await createTestDatabase('scheduling_subscriptions');
    Object.assign(process.env, {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: kafka.brokers.join(','),
      KAFKA_TOPICS_AUTO_CREATED: 'true',
      LOG_LEVEL: 'error',
    });
  });

  afterAll(async () => {
    await app?.close();
    process.env = saved;
    await db?.drop();
    await kafka?.stop();
  });

  it('has exactly one handler for each topic it subscribes to, and none for others', async () => {
    app = await NestFactory.create(AppModule, { logger: false });
    const server = connectKafkaConsumer(app, 'scheduling');
    await app.init();
    expect(() => assertEveryTopicHasHandler(server, [...SCHEDULING_SUBSCRIPTIONS])).not.toThrow();
    // The check itself bites: a declared subscription without a handler is reported.
    expect(checkHandlerCoverage(server, [...SCHEDULING_SUBSCRIPTIONS, 'carecircle.outcomes.v1']).missing).toEqual([
      'carecircle.outcomes.v1',
    ]);
  });
});
