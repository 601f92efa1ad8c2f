import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';
import { IdentityVault } from '@carecircle/gateway/application';
import { createTestDatabase, waitFor, type TestDatabase } from '@carecircle/platform/testing';
import { PostgresIngestUnitOfWork } from './postgres-ingest-unit-of-work';

/**
 * The fault suite (`npm run test:faults`, postgres-unreachable) found the gateway exiting when PostgreSQL
 * dropped its connections mid-ingest: a checked-out client emitted 'error' with nobody listening. A
 * dropped connection must fail that submission only, and the next one must find a working connection.
 */
describe('PostgresIngestUnitOfWork when the database drops its connection mid-submission', () => {
  let db: TestDatabase;
  let pool: Pool;
  let admin: Client;

  beforeAll(async () => {
    db = await createTestDatabase('gateway_ingest_uow');
    pool = new Pool({ connectionString: db.url, max: 1 });
    admin = new Client({ connectionString: db.url });
    await admin.connect();
  });

  afterAll(async () => {
    await admin.end();
    await pool.end();
    await db.drop();
  });

  const otherBackends = async () =>
    Number(
      (
        await admin.query<{ n: string }>(
          'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
        )
      ).rows[0]!.n,
    );

  it('fails the submission with the connection error, keeps the process up, and the next submission commits', async () => {
    const unitOfWork = new PostgresIngestUnitOfWork(pool, new IdentityVault(randomBytes(32)));

    const dropped = unitOfWork.run(async () => {
      // The pool's only connection is this submission's: end it from outside, as a network cut would.
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
      );
      await waitFor(async () => (await otherBackends()) === 0, {
        timeoutMs: 10_000,
        intervalMs: 20,
        description: "the submission's connection to be gone",
      });
      // Let the termination notice reach the client while it runs no statement.
      await new Promise((resolve) => setImmediate(resolve));
    });
    await expect(dropped).rejects.toThrow();

    await expect(unitOfWork.run(async () => 'committed')).resolves.toBe('committed');
  });
});
