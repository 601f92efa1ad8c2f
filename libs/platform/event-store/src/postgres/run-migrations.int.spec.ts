import { createTestDatabase, type TestDatabase } from '@carecircle/platform/testing';
import { Client } from 'pg';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { eventStoreMigrations } from './migrations';
import { runMigrations } from './run-migrations';

/** Stands for another library's migrations sharing the database and the migrations table. */
class CreateProbe1764288000000 implements MigrationInterface {
  name = 'CreateProbe1764288000000';
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE TABLE probe (id int PRIMARY KEY)');
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE probe');
  }
}

describe('runMigrations', () => {
  let database: TestDatabase;
  let sql: Client;

  beforeEach(async () => {
    database = await createTestDatabase('migrations');
    sql = new Client({ connectionString: database.url });
    await sql.connect();
  });
  afterEach(async () => {
    await sql?.end();
    await database?.drop();
  });

  const columnsOfEvents = async () =>
    (
      await sql.query<{ column_name: string; data_type: string }>(
        `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'event_store' AND table_name = 'events' ORDER BY ordinal_position`,
      )
    ).rows.map((row) => `${row.column_name} ${row.data_type}`);
  const appliedMigrations = async () =>
    (await sql.query<{ name: string }>('SELECT name FROM migrations ORDER BY id')).rows.map((row) => row.name);

  it('creates the event store schema from the migration', async () => {
    expect(await columnsOfEvents()).toEqual([]);

    expect(await runMigrations(database.url, eventStoreMigrations)).toEqual(['CreateEventStore1764201600000']);

    expect(await columnsOfEvents()).toEqual([
      'global_position bigint',
      'transaction_id xid8',
      'stream_id text',
      'stream_version integer',
      'event_id uuid',
      'type text',
      'data jsonb',
      'metadata jsonb',
      'recorded_at timestamp with time zone',
    ]);
    const constraints = await sql.query<{ conname: string }>(
      `SELECT conname FROM pg_constraint WHERE conrelid = 'event_store.events'::regclass AND contype IN ('p', 'u') ORDER BY conname`,
    );
    expect(constraints.rows.map((row) => row.conname)).toEqual([
      'events_event_id_key',
      'events_pkey',
      'events_stream_version_key',
    ]);
    expect(await appliedMigrations()).toEqual(['CreateEventStore1764201600000']);
  });

  it('runs nothing the second time', async () => {
    await runMigrations(database.url, eventStoreMigrations);

    expect(await runMigrations(database.url, eventStoreMigrations)).toEqual([]);
    expect(await appliedMigrations()).toEqual(['CreateEventStore1764201600000']);
  });

  it('applies each migration once when several processes start together', async () => {
    const runs = await Promise.all(Array.from({ length: 4 }, () => runMigrations(database.url, eventStoreMigrations)));

    expect(runs.flat()).toEqual(['CreateEventStore1764201600000']);
    expect(await appliedMigrations()).toEqual(['CreateEventStore1764201600000']);
  });

  it('lets libraries apply their own lists one after another into one migrations table', async () => {
    await runMigrations(database.url, eventStoreMigrations);

    expect(await runMigrations(database.url, [CreateProbe1764288000000])).toEqual(['CreateProbe1764288000000']);
    expect(await runMigrations(database.url, eventStoreMigrations)).toEqual([]);
    expect(await appliedMigrations()).toEqual(['CreateEventStore1764201600000', 'CreateProbe1764288000000']);
  });

  it('can be reverted by its down migration', async () => {
    await runMigrations(database.url, eventStoreMigrations);
    const queryRunner = { query: (text: string) => sql.query(text) } as unknown as QueryRunner;

    for (const Migration of [...eventStoreMigrations].reverse()) await new Migration().down(queryRunner);

    const schemas = await sql.query(`SELECT 1 FROM information_schema.schemata WHERE schema_name = 'event_store'`);
    expect(schemas.rowCount).toBe(0);
  });
});
