import type { Kafka } from 'kafkajs';
import { createKafka, createProducer } from '../kafka-client/kafka-client.factory';
import type { MessagingLogEntry } from '../logging/messaging-logger';
import { silentLogger } from '../logging/messaging-logger';
import { startKafka, uniqueName, type KafkaCluster } from '../test-support/infrastructure';
import { ProvisioningTimeoutError, provisionTopics } from './provision-topics';

jest.setTimeout(60_000);

/** The admin API can create topics only on a real cluster (KAFKA_BROKERS); the mock auto-creates them. */
const onRealCluster = process.env['KAFKA_BROKERS'] ? it : it.skip;
const onMockCluster = process.env['KAFKA_BROKERS'] ? it.skip : it;

describe('provisionTopics', () => {
  let cluster: KafkaCluster;
  let kafka: Kafka;

  beforeAll(async () => {
    cluster = await startKafka();
    kafka = createKafka({ clientId: 'it-provision', brokers: cluster.brokers, logger: silentLogger });
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  onMockCluster(
    'relies on auto-creation on the mock cluster, told by the harness or finding out by itself, and says so once',
    async () => {
      const topic = uniqueName('it.provisioned');
      const topics = [{ topic, numPartitions: 4, replicationFactor: 3 }];
      const logs: MessagingLogEntry[] = [];
      const started = Date.now();
      expect(
        await provisionTopics(kafka, topics, {
          autoCreated: cluster.kind === 'mock',
          logger: (entry) => logs.push(entry),
        }),
      ).toMatchObject({ mode: 'auto-created' });
      expect(await provisionTopics(kafka, topics, { timeoutMs: 10_000, logger: (entry) => logs.push(entry) })).toEqual({
        mode: 'auto-created',
        reason: "the cluster's controller (0) is none of its brokers",
      });
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(logs).toHaveLength(2);
      expect(
        logs.every((entry) => entry.level === 'info' && /relying on broker auto-creation/.test(entry.message)),
      ).toBe(true);

      const producer = createProducer(kafka);
      await producer.connect();
      try {
        const [ack] = await producer.send({ topic, acks: -1, messages: [{ key: 'mbr_synthetic_0001', value: '{}' }] });
        expect(ack?.errorCode).toBe(0);
      } finally {
        await producer.disconnect();
      }
    },
  );

  it('fails within its bound instead of hanging when no broker answers', async () => {
    const unreachable = createKafka({
      clientId: 'it-provision',
      brokers: ['127.0.0.1:1'],
      logger: silentLogger,
      retry: { retries: 2, initialRetryTime: 100 },
    });
    const topics = [{ topic: uniqueName('it.unreachable'), numPartitions: 1, replicationFactor: 1 }];
    await expect(provisionTopics(unreachable, topics, { timeoutMs: 150, logger: silentLogger })).rejects.toThrow(
      ProvisioningTimeoutError,
    );
  });

  onRealCluster('creates missing topics with their partitions and leaves existing ones alone', async () => {
    const topic = uniqueName('it.provisioned');
    const topics = [{ topic, numPartitions: 3, replicationFactor: 1 }];
    expect(await provisionTopics(kafka, topics, { logger: silentLogger })).toEqual({
      mode: 'created',
      created: [topic],
      existing: [],
    });
    expect(await provisionTopics(kafka, topics, { logger: silentLogger })).toEqual({
      mode: 'created',
      created: [],
      existing: [topic],
    });
  });
});
