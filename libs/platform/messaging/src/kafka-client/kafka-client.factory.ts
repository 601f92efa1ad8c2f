import {
  Kafka,
  Partitioners,
  logLevel,
  type KafkaConfig,
  type Producer,
  type ProducerConfig,
  type SASLOptions,
} from 'kafkajs';
import { kafkajsLogCreator } from '../logging/kafkajs-log-creator';
import { warningsToStderr, type MessagingLogLevel, type MessagingLogger } from '../logging/messaging-logger';
import { applyKafkajsNegativeTimeoutFix } from './kafkajs-negative-timeout.fix';

export interface KafkaConnectionOptions {
  clientId: string;
  brokers: string[];
  /** Receives kafkajs's logs (default: warnings and errors to stderr). */
  logger?: MessagingLogger;
  /** Lowest kafkajs level forwarded (default `warn`: kafkajs is chatty at info). */
  logLevel?: MessagingLogLevel;
  ssl?: KafkaConfig['ssl'];
  sasl?: KafkaConfig['sasl'];
  retry?: KafkaConfig['retry'];
}

/** acks=-1: the leader answers only once every in-sync replica has the record. Passed on every send. */
export const ACKS_ALL = -1;

/**
 * The producer settings every CareCircle producer uses; not overridable, because ordering per member
 * depends on all of them:
 * - the partitioner is pinned: kafkajs v2 changed its default, and a key must map to the same
 *   partition whichever version or client wrote it (DefaultPartitioner = Java client's murmur2);
 * - `idempotent: false`: the local mock cluster cannot serve it (kafkajs finds no controller);
 * - `maxInFlightRequests: 1`: without idempotence, a retried request could otherwise overtake the next one.
 */
export const PINNED_PRODUCER_CONFIG = {
  createPartitioner: Partitioners.DefaultPartitioner,
  idempotent: false,
  maxInFlightRequests: 1,
} as const satisfies ProducerConfig;

export type ProducerOverrides = Pick<ProducerConfig, 'retry' | 'allowAutoTopicCreation' | 'metadataMaxAge'>;

export function kafkaClientConfig(options: KafkaConnectionOptions): KafkaConfig {
  return {
    clientId: options.clientId,
    brokers: options.brokers,
    ssl: options.ssl,
    sasl: options.sasl,
    retry: options.retry,
    logLevel: KAFKAJS_LEVEL[options.logLevel ?? 'warn'],
    logCreator: kafkajsLogCreator(options.logger ?? warningsToStderr),
  };
}

/** The password-based SASL mechanisms CareCircle configures (`KAFKA_SASL_MECHANISM`). */
export const KAFKA_SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

/** How a client proves itself to the brokers and protects the connection, as read from configuration. */
export interface KafkaSecuritySettings {
  /** TLS to the brokers, their certificate checked (never `rejectUnauthorized: false`). */
  ssl: boolean;
  /** PEM of the CA that signed the brokers' certificates; Node's trusted CAs when absent. */
  caPem?: string;
  sasl?: { mechanism: KafkaSaslMechanism; username: string; password: string };
}

/** `ssl` and `sasl` for `KafkaConnectionOptions`; absent settings stay absent (plaintext, no SASL). */
export function kafkaSecurityOptions(settings: KafkaSecuritySettings): Pick<KafkaConnectionOptions, 'ssl' | 'sasl'> {
  const ssl = settings.ssl ? (settings.caPem ? { ca: [settings.caPem], rejectUnauthorized: true } : true) : undefined;
  // Each mechanism takes the same username and password: the union needs the cast, not the values.
  const sasl = settings.sasl ? ({ ...settings.sasl } as SASLOptions) : undefined;
  return { ...(ssl ? { ssl } : {}), ...(sasl ? { sasl } : {}) };
}

export function createKafka(options: KafkaConnectionOptions): Kafka {
  applyKafkajsNegativeTimeoutFix();
  return new Kafka(kafkaClientConfig(options));
}

export function createProducer(kafka: Kafka, overrides: ProducerOverrides = {}): Producer {
  return kafka.producer({ ...overrides, ...PINNED_PRODUCER_CONFIG });
}

const KAFKAJS_LEVEL: Record<MessagingLogLevel, logLevel> = {
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
};
