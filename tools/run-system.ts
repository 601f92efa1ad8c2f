/**
 * `npm start`: runs the whole system on one machine with embedded defaults.
 *  - Kafka: KAFKA_BROKERS, else librdkafka's mock cluster through kcat.
 *  - PostgreSQL: DATABASE_URL, else 127.0.0.1:5432, else embedded PGlite under .data/ (one per service).
 *  - Each service runs as its own process with OpenTelemetry preloaded; Ctrl-C stops them all.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import {
  ensureDatabase,
  resolvePostgresServer,
  EMBEDDED_MAX_CONNECTIONS,
  startEmbeddedPostgres,
  startKafka,
  waitFor,
  type EmbeddedPostgres,
} from '@carecircle/platform/testing';

interface ServiceSpec {
  name: string;
  port: number;
  /** Gets a database of its own (`carecircle_<name>`). */
  database: boolean;
}

const services: ServiceSpec[] = [
  { name: 'enrollment', port: 3101, database: true },
  { name: 'scheduling', port: 3102, database: true },
  { name: 'clinician-liaison', port: 3103, database: true },
  { name: 'outcomes', port: 3104, database: true },
  { name: 'gateway', port: 3000, database: true },
];

const root = join(__dirname, '..', '..');
const dist = join(root, 'dist');

async function main(): Promise<void> {
  const cleanups: (() => Promise<void>)[] = [];
  const children: ChildProcess[] = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log('stopping services');
    await Promise.all(children.map(stopChild));
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  try {
    const kafka = await startKafka();
    cleanups.push(kafka.stop);
    log(`kafka: ${kafka.kind === 'mock' ? 'librdkafka mock cluster' : 'KAFKA_BROKERS'} at ${kafka.brokers.join(',')}`);

    const server = await resolvePostgresServer();
    log(server ? `postgres: ${redactUrl(server)}` : 'postgres: no server reachable, using embedded PGlite under .data/');

    for (const service of services) {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        PORT: String(process.env[`${envName(service.name)}_PORT`] ?? service.port),
        KAFKA_BROKERS: kafka.brokers.join(','),
        KAFKA_TOPICS_AUTO_CREATED: kafka.kind === 'mock' ? 'true' : (process.env['KAFKA_TOPICS_AUTO_CREATED'] ?? 'false'),
        OTEL_SERVICE_NAME: `carecircle-${service.name}`,
        // The local run signs people in through the gateway's development issuer (demo users only).
        ...(service.name === 'gateway' ? { GATEWAY_DEV_IDP: process.env['GATEWAY_DEV_IDP'] ?? 'true' } : {}),
      };
      if (service.database) {
        const database = `carecircle_${service.name.replace(/-/g, '_')}`;
        if (server) {
          env['DATABASE_URL'] = await ensureDatabase(server, database);
        } else {
          const embedded: EmbeddedPostgres = await startEmbeddedPostgres(join(root, '.data', database));
          cleanups.push(embedded.stop);
          env['DATABASE_URL'] = embedded.url;
          env['DATABASE_SINGLE_SESSION'] = 'true';
          env['DATABASE_POOL_MAX'] = String(EMBEDDED_MAX_CONNECTIONS);
        }
      }
      children.push(startService(service, env));
    }

    for (const service of services) {
      const url = `http://127.0.0.1:${service.port}/health`;
      await waitFor(async () => (await fetch(url)).ok, { timeoutMs: 60_000, description: `${service.name} to answer ${url}` });
    }
    log('all services are up:');
    for (const service of services) log(`  ${service.name.padEnd(18)} http://127.0.0.1:${service.port}  (health: /health, API docs: /api/docs)`);
    log('web UI, FHIR R4 facade and CDS Hooks: http://127.0.0.1:3000');
    log('  sign in with the development issuer as the demo facilitator, clinician or programme lead');
    log('press Ctrl-C to stop');
  } catch (error) {
    console.error(`[carecircle] ${error instanceof Error ? error.message : String(error)}`);
    await stopAll(1);
  }
}

function startService(service: ServiceSpec, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(
    process.execPath,
    ['--enable-source-maps', '--require', join(dist, 'libs/platform/observability/src/register.js'), join(dist, 'apps', service.name, 'src/main.js')],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const prefix = `${service.name.padEnd(18)}|`;
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) if (line) process.stdout.write(`${prefix} ${line}\n`);
    });
  }
  child.once('exit', (code, signal) => log(`${service.name} exited (${signal ?? code})`));
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

function envName(service: string): string {
  return service.toUpperCase().replace(/-/g, '_');
}

function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

function log(message: string): void {
  process.stdout.write(`[carecircle] ${message}\n`);
}

void main();
