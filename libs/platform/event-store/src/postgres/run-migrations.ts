import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { MigrationClass } from './migrations';

export interface RunMigrationsOptions {
  /** TypeORM's bookkeeping table; every library shares TypeORM's default unless told otherwise. */
  migrationsTableName?: string;
  /** Callers that pass the same name wait for each other. One name per database is the safe default. */
  lockName?: string;
}

const DEFAULT_LOCK_NAME = 'carecircle:migrations';

/**
 * Applies the pending migrations of `migrations` to the database and returns the names it ran.
 *
 * Schemas come from migrations only (never `synchronize`). Libraries call this one after another
 * with their own lists: they share one migrations table, keyed by migration name. Service replicas
 * starting together serialise on a session advisory lock held on a separate connection, so the
 * second caller finds everything applied and runs nothing. All pending migrations of one call run
 * in one transaction: a failure leaves the database as it was.
 */
export async function runMigrations(
  databaseUrl: string,
  migrations: readonly MigrationClass[],
  options: RunMigrationsOptions = {},
): Promise<string[]> {
  const lock = new Client({ connectionString: databaseUrl, application_name: 'migrations-lock' });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [options.lockName ?? DEFAULT_LOCK_NAME]);
    const dataSource = new DataSource({
      type: 'postgres',
      url: databaseUrl,
      migrations: [...migrations],
      migrationsTableName: options.migrationsTableName,
      migrationsTransactionMode: 'all',
      synchronize: false,
      logging: false,
      entities: [],
    });
    await dataSource.initialize();
    try {
      const applied = await dataSource.runMigrations({ transaction: 'all' });
      return applied.map((migration) => migration.name);
    } finally {
      await dataSource.destroy();
    }
  } finally {
    // Closing the session releases the advisory lock, also when a migration failed.
    await lock.end();
  }
}
