import type { INestApplication } from '@nestjs/common';
import type { ServerKafka } from '@nestjs/microservices';
import { kafkaConsumerServer } from '@carecircle/platform/messaging';
import { readKafkaSecurity } from '../config/kafka-security-env';
import { pinoMessagingLogger } from './messaging.module';
import { readEventSourcedServiceEnv } from './wiring-env';

/**
 * Connects Nest's Kafka server with the service's consumer group. Returns the server so the
 * service's tests can prove every subscribed topic has exactly one handler.
 */
export function connectKafkaConsumer(app: INestApplication, service: string): ServerKafka {
  const env = readEventSourcedServiceEnv();
  const server = kafkaConsumerServer({
    clientId: service,
    groupId: service,
    brokers: env.KAFKA_BROKERS,
    logger: pinoMessagingLogger(service),
    ...readKafkaSecurity(),
    // How long the group waits for a vanished member before giving its partitions to the others:
    // also how long a restarted replica waits to rejoin after a crash.
    consumer: {
      sessionTimeout: env.KAFKA_SESSION_TIMEOUT_MS,
      heartbeatInterval: Math.floor(env.KAFKA_SESSION_TIMEOUT_MS / 10),
      maxWaitTimeInMs: env.KAFKA_FETCH_MAX_WAIT_MS,
    },
    partitionsConsumedConcurrently: env.KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY,
  });
  app.connectMicroservice({ strategy: server }, { inheritAppConfig: true });
  return server;
}
