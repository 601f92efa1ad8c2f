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
});
