import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { waitFor } from '../wait-for';

export const DEFAULT_LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';

/** `DATABASE_URL` if set, else the local server on 127.0.0.1:5432 if it answers, else `undefined`. */
export async function resolvePostgresServer(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const configured = env['DATABASE_URL']?.trim();
  if (configured) return configured;
  return (await canConnect(DEFAULT_LOCAL_POSTGRES)) ? DEFAULT_LOCAL_POSTGRES : undefined;
}

export async function canConnect(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Tests need a real server; say how to get one instead of failing on a connection error. */
export async function requirePostgresServer(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const url = await resolvePostgresServer(env);
  if (!url) {
    throw new Error(
      'No PostgreSQL server: set DATABASE_URL or start one on 127.0.0.1:5432 (tests do not use the embedded PGlite fallback)',
    );
  }
  return url;
}

export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Creates the database if it does not exist yet (idempotent, safe to race with another process). */
export async function ensureDatabase(serverUrl: string, database: string): Promise<string> {
  assertIdentifier(database);
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) {
      await client.query(`CREATE DATABASE "${database}"`).catch((error: { code?: string }) => {
        if (error.code !== '42P04' && error.code !== '23505') throw error; // created meanwhile by another process
      });
    }
  } finally {
    await client.end();
  }
  return databaseUrl(serverUrl, database);
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh database of its own for one test run; `drop()` removes it even if connections remain. */
export async function createTestDatabase(label: string, env: NodeJS.ProcessEnv = process.env): Promise<TestDatabase> {
  // Create and drop through the server's maintenance database: DATABASE_URL may name another test's
  // database (a harness sets it), which can be gone by the time this one is dropped.
  const server = databaseUrl(await requirePostgresServer(env), 'postgres');
  const name = `cc_test_${label.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`.slice(
    0,
    63,
  );
  const url = await ensureDatabase(server, name);
  return {
    name,
    url,
    drop: () => dropDatabase(server, name),
  };
}

/** Longest wait for a closed pool's connections to leave before the drop cuts what remains. */
const CONNECTIONS_GONE_WITHIN_MS = 1_000;

/**
 * Drops `database` through the server's maintenance database at `serverUrl`, even if connections remain.
 * It first waits (bounded) for connections to leave: a pool's `end()` resolves before its backends have
 * exited, and a FORCE drop would cut them with an error the closing pool no longer handles.
 */
export async function dropDatabase(serverUrl: string, database: string): Promise<void> {
  assertIdentifier(database);
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const deadline = Date.now() + CONNECTIONS_GONE_WITHIN_MS;
    const connected = async () =>
      Number(
        (await client.query('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1', [database])).rows[0].n,
      );
    while ((await connected()) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

function assertIdentifier(name: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Not a safe database name: ${name}`);
}

/** The backend id of a connection, to watch it from another (`waitForLockWait`). */
export async function backendPid(client: { query(text: string): Promise<{ rows: unknown[] }> }): Promise<number> {
  const { rows } = await client.query('SELECT pg_backend_pid() AS pid');
  return (rows[0] as { pid: number }).pid;
}

/** Waits until the backend `pid` is blocked on a lock (for a test that holds one open on purpose). */
export async function waitForLockWait(
  observer: { query(text: string, params: unknown[]): Promise<{ rows: unknown[] }> },
  pid: number,
  description: string,
): Promise<void> {
  await waitFor(
    async () =>
      (
        (await observer.query('SELECT wait_event_type AS wait FROM pg_stat_activity WHERE pid = $1', [pid])).rows[0] as
          { wait: string | null } | undefined
      )?.wait === 'Lock',
    { timeoutMs: 20_000, description },
  );
}
