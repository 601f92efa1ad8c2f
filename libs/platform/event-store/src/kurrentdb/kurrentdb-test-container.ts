import { existsSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { GenericContainer, Wait } from 'testcontainers';

/** Override with e.g. `eventstore/eventstore:24.10` to run the contract against EventStoreDB. */
export const KURRENTDB_IMAGE = process.env['KURRENTDB_IMAGE'] ?? 'docker.kurrent.io/kurrent-latest/kurrentdb:latest';
const HTTP_PORT = 2113;

/**
 * Why the KurrentDB contract cannot run here, or `undefined` if a Docker engine looks reachable.
 * Jest decides what to skip while collecting tests, before anything async can run, so this mirrors
 * testcontainers' own discovery (DOCKER_HOST, ~/.testcontainers.properties, the usual sockets)
 * synchronously instead of asking `getContainerRuntimeClient()`.
 */
export function dockerEngineUnavailableReason(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env['DOCKER_HOST'] || env['TESTCONTAINERS_HOST_OVERRIDE']) return undefined;
  const properties = join(homedir(), '.testcontainers.properties');
  if (existsSync(properties) && /^\s*docker\.host\s*=/m.test(readFileSync(properties, 'utf8'))) return undefined;
  const sockets = [
    '/var/run/docker.sock',
    env['XDG_RUNTIME_DIR'] && join(env['XDG_RUNTIME_DIR'], 'docker.sock'),
    join(homedir(), '.docker', 'run', 'docker.sock'),
    join(homedir(), '.docker', 'desktop', 'docker.sock'),
    `/run/user/${userInfo().uid}/docker.sock`,
  ].filter((path): path is string => Boolean(path));
  if (sockets.some((path) => existsSync(path))) return undefined;
  return `no Docker engine: DOCKER_HOST is unset and none of ${sockets.join(', ')} exists`;
}

export interface RunningKurrentDb {
  connectionString: string;
  stop(): Promise<void>;
}

/** A throwaway single node: in memory, insecure, projections on (the same settings as docker-compose). */
export async function startKurrentDb(): Promise<RunningKurrentDb> {
  const settings = { INSECURE: 'true', RUN_PROJECTIONS: 'All', MEM_DB: 'true' };
  // The same settings under EventStoreDB's prefix, so KURRENTDB_IMAGE may name an eventstore image.
  const environment = Object.fromEntries(
    Object.entries(settings).flatMap(([key, value]) => [
      [`KURRENTDB_${key}`, value],
      [`EVENTSTORE_${key}`, value],
    ]),
  );
  const container = await new GenericContainer(KURRENTDB_IMAGE)
    .withEnvironment(environment)
    .withExposedPorts(HTTP_PORT)
    .withWaitStrategy(
      Wait.forHttp('/health/live', HTTP_PORT)
        .forStatusCodeMatching((status) => status >= 200 && status < 300)
        .withStartupTimeout(120_000),
    )
    .start();
  return {
    connectionString: `kurrentdb://${container.getHost()}:${container.getMappedPort(HTTP_PORT)}?tls=false`,
    stop: async () => {
      await container.stop();
    },
  };
}
