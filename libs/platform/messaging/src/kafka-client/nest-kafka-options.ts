import { Transport, type KafkaOptions } from '@nestjs/microservices';
import type { ConsumerConfig } from 'kafkajs';
import { applyKafkajsNegativeTimeoutFix } from './kafkajs-negative-timeout.fix';
import { PINNED_PRODUCER_CONFIG, kafkaClientConfig, type KafkaConnectionOptions } from './kafka-client.factory';

/** Partitions a service consumer handles at the same time unless configured (KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY). */
export const DEFAULT_PARTITIONS_CONSUMED_CONCURRENTLY = 4;

/**
 * A service consumer's fetch maxWaitTimeInMs unless configured (KAFKA_FETCH_MAX_WAIT_MS). A broker
 * answers as soon as data arrives, so this only paces idle polling and bounds shutdown (a consumer
 * leaves once its fetch in flight returns); a broker that answers only at the deadline (librdkafka's
 * mock cluster) delays each message by up to this much.
 */
export const DEFAULT_FETCH_MAX_WAIT_MS = 50;

/** What `ServerKafka` takes, with both fields present. */
export interface KafkaMicroserviceOptions {
  transport: Transport.KAFKA;
  options: NonNullable<KafkaOptions['options']>;
}

export interface KafkaConsumerServerOptions extends KafkaConnectionOptions {
  /** The consumer group, used exactly as given (see `postfixId` below); also names the inbox consumer and the DLQ. */
  groupId: string;
  /** Timeouts and sizes; partition assigners stay kafkajs's default (Nest re-declares their types). */
  consumer?: Omit<ConsumerConfig, 'groupId' | 'partitionAssigners'>;
  /** A brand-new group reads each topic from its start (default), so a new projection sees the retained history. */
  fromBeginning?: boolean;
  /**
   * Partitions handled at the same time (default `DEFAULT_PARTITIONS_CONSUMED_CONCURRENTLY`). Each holds a pooled database connection for its
   * inbox transaction while it runs, and one partition's messages still run one after the other.
   */
  partitionsConsumedConcurrently?: number;
}

/**
 * Options for `app.connectMicroservice(...)` / `NestFactory.createMicroservice(...)`.
 *
 * - `postfixId: ''`: Nest appends `-server` to clientId and groupId by default, to avoid colliding
 *   with a `ClientKafka` (request/response) in the same app. CareCircle has none: services publish
 *   only through the outbox relay. The group id is an operational identity (committed offsets, lag
 *   dashboards, ACLs, `deadLetterTopic(groupId)`), so it stays exactly what the service configured.
 * - `parser.keepBinary`: the handler receives the message value as the original bytes. Our topic
 *   handler parses it (JSON, then the contract schema), and a dead-lettered message keeps its exact bytes.
 * - The producer Nest creates (used only for replies) gets the same pinned settings as ours.
 */
export function kafkaMicroserviceOptions(options: KafkaConsumerServerOptions): KafkaMicroserviceOptions {
  applyKafkajsNegativeTimeoutFix();
  return {
    transport: Transport.KAFKA,
    options: {
      postfixId: '',
      client: kafkaClientConfig(options),
      consumer: { ...options.consumer, groupId: options.groupId },
      producer: { ...PINNED_PRODUCER_CONFIG },
      subscribe: { fromBeginning: options.fromBeginning ?? true },
      // One partition's messages in order; commit only what was resolved after its handler finished.
      run: {
        autoCommit: true,
        partitionsConsumedConcurrently:
          options.partitionsConsumedConcurrently ?? DEFAULT_PARTITIONS_CONSUMED_CONCURRENTLY,
      },
      parser: { keepBinary: true },
    },
  };
}
