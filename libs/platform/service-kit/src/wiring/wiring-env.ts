import { z } from 'zod';
import { envVar, readServiceEnv } from '../config/service-env';

/** The environment of a service that keeps events in PostgreSQL and talks to Kafka. */
export function readEventSourcedServiceEnv(env: NodeJS.ProcessEnv = process.env) {
  return readServiceEnv(
    {
      DATABASE_URL: envVar.url(),
      /** `true` on embedded PGlite: one session shared by every connection, one process per database. */
      DATABASE_SINGLE_SESSION: z.enum(['true', 'false'], { error: 'must be true or false' }).default('false'),
      DATABASE_POOL_MAX: z.coerce.number({ error: 'must be a positive integer' }).int().min(1).max(200).default(10),
      /** A statement running longer is cancelled (a stuck query must not hold a connection for good). */
      DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number({ error: 'must be a positive integer' }).int().min(100).default(30_000),
      /** A session idle inside a transaction this long is ended by the server, releasing its locks. */
      DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: z.coerce.number({ error: 'must be a positive integer' }).int().min(100).default(60_000),
      /** Waiting for a new connection (server down, pool exhausted) fails after this long instead of hanging. */
      DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number({ error: 'must be a positive integer' }).int().min(100).default(10_000),
      KAFKA_BROKERS: envVar.brokers(),
      /** `true` on clusters that create topics on first use and have no admin createTopics (the local mock). */
      KAFKA_TOPICS_AUTO_CREATED: z.enum(['true', 'false'], { error: 'must be true or false' }).default('false'),
      KAFKA_TOPIC_PARTITIONS: z.coerce.number({ error: 'must be a positive integer' }).int().min(1).default(12),
      KAFKA_TOPIC_REPLICATION: z.coerce.number({ error: 'must be a positive integer' }).int().min(1).default(3),
      /** Consumer-group session timeout (kafkajs default 30 s); the broker bounds it (group.min/max.session.timeout.ms). */
      KAFKA_SESSION_TIMEOUT_MS: z.coerce.number({ error: 'must be a positive integer' }).int().min(1000).max(300_000).default(30_000),
      /** `false` on replicas that only serve requests while a dedicated process relays (and in maintenance). */
      OUTBOX_RELAY_ENABLED: z.enum(['true', 'false'], { error: 'must be true or false' }).default('true'),
      RELAY_BATCH_SIZE: z.coerce.number({ error: 'must be a positive integer' }).int().min(1).max(5000).default(100),
    },
    env,
  );
}

export type EventSourcedServiceEnv = ReturnType<typeof readEventSourcedServiceEnv>;
