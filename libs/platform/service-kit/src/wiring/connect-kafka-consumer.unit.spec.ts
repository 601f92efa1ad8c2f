import type { INestApplication } from '@nestjs/common';
import { connectKafkaConsumer } from './connect-kafka-consumer';

describe('connectKafkaConsumer', () => {
  const saved = process.env;
  afterEach(() => {
    process.env = saved;
  });

  it('gives the service consumer the Kafka TLS and SASL settings of the environment', () => {
    process.env = {
      ...saved,
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/unit',
      KAFKA_BROKERS: 'kafka-0.example.test:9093',
      KAFKA_SSL: 'true',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'carecircle-scheduling',
      KAFKA_SASL_PASSWORD: 'from-a-secret',
    };
    const app = { connectMicroservice: jest.fn() } as unknown as INestApplication;
    const server = connectKafkaConsumer(app, 'scheduling') as unknown as { options: { client: object } };
    expect(server.options.client).toMatchObject({
      brokers: ['kafka-0.example.test:9093'],
      ssl: true,
      sasl: { mechanism: 'scram-sha-512', username: 'carecircle-scheduling', password: 'from-a-secret' },
    });
  });

  describe('partitions consumed concurrently', () => {
    const base = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/unit', KAFKA_BROKERS: '127.0.0.1:9092' };
    const runOptions = (env: Record<string, string>) => {
      process.env = { ...saved, ...base, ...env };
      const app = { connectMicroservice: jest.fn() } as unknown as INestApplication;
      return (connectKafkaConsumer(app, 'scheduling') as unknown as { options: { run: object } }).options.run;
    };

    it('handles the configured number of partitions at a time, committing only resolved offsets', () => {
      expect(runOptions({})).toEqual({ autoCommit: true, partitionsConsumedConcurrently: 4 });
      expect(runOptions({ KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY: '2' })).toMatchObject({
        partitionsConsumedConcurrently: 2,
      });
    });

    it('refuses more partitions than half the pool can serve, naming the variable', () => {
      expect(() => runOptions({ KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY: '6', DATABASE_POOL_MAX: '10' })).toThrow(
        /KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY must be at most half of DATABASE_POOL_MAX/,
      );
      expect(() => runOptions({ KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY: '0' })).toThrow(
        /KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY/,
      );
    });

    it('handles one partition at a time on a single-session database', () => {
      expect(
        runOptions({
          DATABASE_SINGLE_SESSION: 'true',
          DATABASE_POOL_MAX: '1',
          KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY: '8',
        }),
      ).toMatchObject({ partitionsConsumedConcurrently: 1 });
    });
  });
});
