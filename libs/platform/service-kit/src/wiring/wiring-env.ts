import { z } from 'zod';
import {
  DEFAULT_FETCH_MAX_WAIT_MS,
  DEFAULT_LINGER_MS,
  DEFAULT_PARTITIONS_CONSUMED_CONCURRENTLY,
} from '@carecircle/platform/messaging';
import { envVar, readServiceEnv, ServiceEnvError } from '../config/service-env';

const positive = () => z.coerce.number({ error: 'must be a positive integer' }).int();
const flag = (fallback: 'true' | 'false') =>
  z.enum(['true', 'false'], { error: 'must be true or false' }).default(fallback);

/** The variables of a service that keeps events in PostgreSQL and talks to Kafka (the gateway too). */
export const eventSourcedServiceEnv = {
  DATABASE_URL: envVar.url().describe("PostgreSQL connection URL of the service's own database."),
  DATABASE_SINGLE_SESSION: flag('false').describe(
    '`true` on embedded PGlite only (`npm start`): one session shared by every connection, one process per database. Refused in production.',
  ),
  DATABASE_POOL_MAX: positive().min(1).max(200).default(10).describe('Most PostgreSQL connections in the pool.'),
  DATABASE_STATEMENT_TIMEOUT_MS: positive()
    .min(100)
    .default(30_000)
    .describe('A statement running longer is cancelled (a stuck query must not hold a connection for good).'),
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: positive()
    .min(100)
    .default(60_000)
    .describe('A session idle inside a transaction this long is ended by the server, releasing its locks.'),
  DATABASE_CONNECT_TIMEOUT_MS: positive()
    .min(100)
    .default(10_000)
    .describe('Waiting for a new connection (server down, pool exhausted) fails after this long instead of hanging.'),
  KAFKA_BROKERS: envVar.brokers().describe('Kafka bootstrap brokers, comma-separated host:port.'),
  KAFKA_TOPICS_AUTO_CREATED: flag('false').describe(
    '`true` on clusters that create topics on first use and have no admin createTopics (the local mock).',
  ),
  KAFKA_TOPIC_PARTITIONS: positive().min(1).default(12).describe('Partitions of each topic the service creates.'),
  KAFKA_TOPIC_REPLICATION: positive()
    .min(1)
    .default(3)
    .describe('Replication factor of each topic the service creates.'),
  KAFKA_SESSION_TIMEOUT_MS: positive()
    .min(1000)
    .max(300_000)
    .default(30_000)
    .describe('Consumer-group session timeout; the broker bounds it (group.min/max.session.timeout.ms).'),
  KAFKA_FETCH_MAX_WAIT_MS: positive()
    .min(10)
    .max(5_000)
    .default(DEFAULT_FETCH_MAX_WAIT_MS)
    .describe(
      'Longest a consumer fetch waits for data. Short: a broker that answers only at the deadline delays each message by up to this much, and SIGTERM waits for the fetch in flight.',
    ),
  KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY: positive()
    .min(1)
    .max(64)
    .default(DEFAULT_PARTITIONS_CONSUMED_CONCURRENTLY)
    .describe(
      "Partitions a consumer handles at the same time (one partition's messages always one after the other). Each may hold two pooled connections (the inbox transaction and an event-store write), so at most half of DATABASE_POOL_MAX. 1 on embedded PGlite (one session).",
    ),
  OUTBOX_RELAY_ENABLED: flag('true').describe(
    '`false` on replicas that only serve requests while a dedicated process relays (and in maintenance).',
  ),
  RELAY_BATCH_SIZE: positive().min(1).max(5000).default(100).describe('Outbox messages the relay publishes per batch.'),
  RELAY_LINGER_MS: positive()
    .min(0)
    .max(100)
    .default(DEFAULT_LINGER_MS)
    .describe(
      "While events stream in, the relay waits this long before its next read so they go out in one publish (a producer's linger.ms). 0: off. An idle relay publishes a lone event at once.",
    ),
};

/** The environment of a service that keeps events in PostgreSQL and talks to Kafka. */
export function readEventSourcedServiceEnv(env: NodeJS.ProcessEnv = process.env) {
  const read = readServiceEnv(eventSourcedServiceEnv, env);
  // PGlite serves one session: concurrent inbox transactions would only queue behind each other.
  if (read.DATABASE_SINGLE_SESSION === 'true') return { ...read, KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY: 1 };
  // A partition's inbox transaction can wait on a second connection (an event-store write): with every
  // connection held by a waiting transaction the consumer would stall until the connect timeout.
  if (read.KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY * 2 > read.DATABASE_POOL_MAX)
    throw new ServiceEnvError([
      'KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY must be at most half of DATABASE_POOL_MAX (each partition may hold two connections)',
    ]);
  return read;
}

export type EventSourcedServiceEnv = ReturnType<typeof readEventSourcedServiceEnv>;
