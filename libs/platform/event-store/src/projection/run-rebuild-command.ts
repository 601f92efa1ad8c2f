import { Client, Pool } from 'pg';
import { DataSource } from 'typeorm';
import { PostgresEventStore } from '../postgres/postgres-event-store';
import { UpcasterRegistry, type Upcaster } from '../upcasting/upcasters';
import { UpcastingEventStore } from '../upcasting/upcasting-event-store';
import type { ServiceRebuildOptions } from './log-fold';
import { reportRebuild, type RebuildReporting } from './rebuild-report';
import type { RebuildProgress } from './shadow-rebuild';
import { sqlOfPool, type Sql } from './sql';

export interface RebuildCommand {
  /** Names the read model in the progress lines: "liaison alerts". */
  what: string;
  /** The service's upcasters, so its log is read as the live path reads it. Default none. */
  upcasters?: readonly Upcaster[];
  /** The TypeORM entities the projection's writes use. */
  entities: DataSource['options']['entities'];
  rebuild(sql: Sql, options: ServiceRebuildOptions): Promise<RebuildProgress>;
}

/**
 * An operator's rebuild of one of a service's read models, from the service's database URL: one
 * connection for the rebuild's own statements, a pool for reading the service's log, one for reading a
 * kept source and the shadow writes;
 * a progress bar and progress log lines (`reportRebuild`). Every connection ends, whatever happens.
 */
export async function runRebuildCommand(
  databaseUrl: string,
  { what, upcasters = [], entities, rebuild }: RebuildCommand,
  reporting: RebuildReporting,
): Promise<RebuildProgress> {
  const application_name = `${what.replace(/\W+/g, '-')}-rebuild`;
  const client = new Client({ connectionString: databaseUrl, application_name });
  const pool = new Pool({ connectionString: databaseUrl, application_name, max: 2 });
  const writer = new DataSource({ type: 'postgres', url: databaseUrl, entities, extra: { application_name, max: 1 } });
  try {
    await client.connect();
    await writer.initialize();
    const store = new UpcastingEventStore(new PostgresEventStore(pool), new UpcasterRegistry(upcasters));
    return await reportRebuild(
      what,
      (onProgress) => rebuild(sqlOfPool(client), { store, writer: writer.manager, onProgress }),
      reporting,
    );
  } finally {
    await Promise.allSettled([client.end(), pool.end(), writer.isInitialized ? writer.destroy() : undefined]);
  }
}

/** A rebuild command's entry point: `DATABASE_URL` (the service's database) required; errors print their class only. */
export function runRebuildFromEnvironment(run: (databaseUrl: string) => Promise<unknown>, what: string): void {
  const url = process.env['DATABASE_URL'];
  if (!url) {
    console.error(`DATABASE_URL is required (the database of the service that owns the ${what})`);
    process.exit(2);
  }
  run(url).catch((error: unknown) => {
    // The class and the SQLSTATE or system code only: a message could carry data.
    const code = (error as { code?: unknown } | undefined)?.code;
    const kind = error instanceof Error ? error.name : 'error';
    console.error(`${what} rebuild failed: ${kind}${typeof code === 'string' ? ` (${code})` : ''}`);
    process.exit(1);
  });
}
