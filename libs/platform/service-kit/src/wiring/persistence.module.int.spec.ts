import { Test } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { createTestDatabase, waitFor, type TestDatabase } from '@carecircle/platform/testing';
import { PersistenceModule } from './persistence.module';

jest.setTimeout(60_000);

/** The service pool on real PostgreSQL carries the configured server-side timeouts into every session. */
describe('PersistenceModule timeouts', () => {
  let db: TestDatabase;
  const saved = { ...process.env };

  beforeAll(async () => {
    db = await createTestDatabase('persistence_timeouts');
  });

  afterAll(async () => {
    process.env = saved;
    await db?.drop();
  });

  async function withService<T>(env: Record<string, string>, use: (dataSource: DataSource) => Promise<T>): Promise<T> {
    Object.assign(process.env, { DATABASE_URL: db.url, KAFKA_BROKERS: '127.0.0.1:9', ...env });
    const moduleRef = await Test.createTestingModule({ imports: [PersistenceModule.forRoot()] }).compile();
    try {
      return await use(moduleRef.get<DataSource>(getDataSourceToken()));
    } finally {
      await moduleRef.close();
      process.env = { ...saved };
    }
  }

  it('sets statement and idle-in-transaction timeouts by default', async () => {
    const shown = await withService({}, async (ds) => [
      await ds.query('SHOW statement_timeout'),
      await ds.query('SHOW idle_in_transaction_session_timeout'),
    ]);
    expect(shown).toEqual([[{ statement_timeout: '30s' }], [{ idle_in_transaction_session_timeout: '1min' }]]);
  });

  it('cancels a statement that runs past DATABASE_STATEMENT_TIMEOUT_MS and ends a transaction left idle', async () => {
    await withService(
      { DATABASE_STATEMENT_TIMEOUT_MS: '200', DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: '300' },
      async (ds) => {
        await expect(ds.query('SELECT pg_sleep(2)')).rejects.toMatchObject({ driverError: { code: '57014' } }); // query_canceled
        const runner = ds.createQueryRunner();
        await runner.connect();
        try {
          await runner.startTransaction();
          const [{ pid }]: { pid: number }[] = await runner.query('SELECT pg_backend_pid() AS pid');
          await waitFor(
            async () => (await ds.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).length === 0,
            {
              timeoutMs: 10_000,
              description: 'the server to end the session left idle in its transaction',
            },
          );
          await expect(runner.query('SELECT 1')).rejects.toThrow();
        } finally {
          await runner.release();
        }
        expect(await ds.query('SELECT 1 AS ok')).toEqual([{ ok: 1 }]); // the pool recovers
      },
    );
  });
});
