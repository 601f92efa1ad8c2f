import { randomBytes } from 'node:crypto';
import { runMigrations } from '@carecircle/platform/event-store';
import {
  createTestDatabase,
  startKafka,
  waitFor,
  type KafkaCluster,
  type TestDatabase,
} from '@carecircle/platform/testing';
import type { Kafka, KafkaMessage, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { createKafka, createProducer } from '../kafka-client/kafka-client.factory';
import { DEFAULT_FETCH_MAX_WAIT_MS } from '../kafka-client/nest-kafka-options';
import { silentLogger } from '../logging/messaging-logger';
import { messagingMigrations } from '../migrations/messaging-migrations';

/** Test-only: unique topic and group names per run, so runs never see each other's messages. */
export const uniqueName = (prefix: string): string => `${prefix}-${randomBytes(4).toString('hex')}`;

export interface MigratedDatabase {
  db: TestDatabase;
  dataSource: DataSource;
  stop(): Promise<void>;
}

/** A fresh database with `extraMigrations` and the messaging schema applied, and a DataSource on it. */
export async function migratedDatabase(
  label: string,
  extraMigrations: Parameters<typeof runMigrations>[1] = [],
): Promise<MigratedDatabase> {
  const db = await createTestDatabase(label);
  await runMigrations(db.url, [...extraMigrations, ...messagingMigrations]);
  const dataSource = await new DataSource({ type: 'postgres', url: db.url, entities: [], logging: false }).initialize();
  return {
    db,
    dataSource,
    stop: async () => {
      await dataSource.destroy();
      await db.drop();
    },
  };
}

export { startKafka, type KafkaCluster };

/** A broker, a migrated database and a connected pinned producer, for one test file. */
export interface MessagingTestBed {
  cluster: KafkaCluster;
  database: MigratedDatabase;
  kafka: Kafka;
  producer: Producer;
  stop(): Promise<void>;
}

export async function startMessagingTestBed(
  label: string,
  extraMigrations: Parameters<typeof runMigrations>[1] = [],
): Promise<MessagingTestBed> {
  const cluster = await startKafka();
  const database = await migratedDatabase(label, extraMigrations).catch(async (error: unknown) => {
    await cluster.stop();
    throw error;
  });
  const kafka = createKafka({ clientId: `it-${label}`, brokers: cluster.brokers, logger: silentLogger });
  const producer = createProducer(kafka);
  const stop = async () => {
    await producer.disconnect();
    await database.stop();
    await cluster.stop();
  };
  await producer.connect().catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { cluster, database, kafka, producer, stop };
}

/** The services' fetch wait: a consumer disconnects only once its in-flight fetch returns (kafkajs default 5 s). */
export const FETCH_WAIT_MS = DEFAULT_FETCH_MAX_WAIT_MS;

/** Reads a topic from its start with a throwaway group until `count` messages arrived. */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  count: number,
  timeoutMs = 20_000,
): Promise<KafkaMessage[]> {
  const received: KafkaMessage[] = [];
  const consumer = kafka.consumer({ groupId: uniqueName('reader'), maxWaitTimeInMs: FETCH_WAIT_MS });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void received.push(message) });
    await waitFor(() => received.length >= count, {
      timeoutMs,
      description: `${count} messages on ${topic} (got ${received.length})`,
    });
    return received;
  } finally {
    await consumer.disconnect();
  }
}

/** Committed offsets of a group on a topic, by partition (`-1` = nothing committed). */
export async function committedOffsets(kafka: Kafka, groupId: string, topic: string): Promise<Record<number, string>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return Object.fromEntries((entry?.partitions ?? []).map((p) => [p.partition, p.offset]));
  } finally {
    await admin.disconnect();
  }
}
