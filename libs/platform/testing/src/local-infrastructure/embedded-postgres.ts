import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

/**
 * The run command's last resort when no PostgreSQL server is reachable: PGlite (Postgres compiled to
 * WASM) persisted under `dataDir`, served over the wire protocol on loopback so the service code stays
 * the same. PGlite is a single session, so one instance serves one process, which must never wait
 * inside a transaction for another of its connections (DATABASE_SINGLE_SESSION=true tells it so).
 */
/** Pool size for a process on embedded PGlite; the server takes a few more (migrations, health). */
export const EMBEDDED_MAX_CONNECTIONS = 4;

export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  mkdirSync(dataDir, { recursive: true });
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const db = await PGlite.create(dataDir);
  const port = await freePort();
  // The server multiplexes connections onto PGlite's one session; while one connection is in a
  // transaction, the others' queries wait for it to end.
  const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections: EMBEDDED_MAX_CONNECTIONS + 2 });
  await server.start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
