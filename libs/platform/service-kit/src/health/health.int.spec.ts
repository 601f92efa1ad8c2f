import { Injectable, Module, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { createTestDatabase, type TestDatabase } from '@carecircle/platform/testing';
import type { DataSource } from 'typeorm';
import type { HealthContributor } from './health-contributor';
import { HealthModule } from './health.module';

/** Stands in for the messaging library's Kafka check: a contributor with a dependency of its own. */
@Injectable()
class BrokerConnection {
  connected = true;
}

@Module({ providers: [BrokerConnection], exports: [BrokerConnection] })
class FakeMessagingModule {}

@Injectable()
class BrokerHealthContributor implements HealthContributor {
  constructor(
    private readonly indicator: HealthIndicatorService,
    private readonly broker: BrokerConnection,
  ) {}

  async check(): Promise<HealthIndicatorResult> {
    const check = this.indicator.check('kafka');
    return this.broker.connected ? check.up() : check.down({ reason: 'disconnected' });
  }
}

describe('HealthModule with a database and an extra contributor', () => {
  let database: TestDatabase;
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    database = await createTestDatabase('health');
    const moduleRef = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({ type: 'postgres', url: database.url, retryAttempts: 0 }),
        HealthModule.forRoot({
          database: { timeoutMs: 2_000 },
          imports: [FakeMessagingModule],
          contributors: [BrokerHealthContributor],
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const health = async (path = '/health') => {
    const response = await fetch(`${url}${path}`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('is ok when the database answers and every contributor is up', async () => {
    expect(await health()).toEqual({
      status: 200,
      body: {
        status: 'ok',
        info: { database: { status: 'up' }, kafka: { status: 'up' } },
        error: {},
        details: expect.any(Object),
      },
    });
  });

  it('answers 503 naming the contributor that is down, while liveness stays up', async () => {
    app.get(BrokerConnection).connected = false;
    try {
      const { status, body } = await health();
      expect(status).toBe(503);
      expect(body).toMatchObject({
        status: 'error',
        info: { database: { status: 'up' } },
        error: { kafka: { status: 'down', reason: 'disconnected' } },
      });
      expect(await health('/health/ready')).toEqual({ status, body });
      expect(await health('/health/live')).toEqual({
        status: 200,
        body: { status: 'ok', info: {}, error: {}, details: {} },
      });
    } finally {
      app.get(BrokerConnection).connected = true;
    }
  });

  it('reports the database down once its pool is gone', async () => {
    await app.get<DataSource>(getDataSourceToken()).destroy();
    const { status, body } = await health();
    expect(status).toBe(503);
    expect(body['error']).toEqual({ database: { status: 'down' } });
  });
});
