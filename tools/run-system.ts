/**
 * `npm start`: runs the whole system on one machine with embedded defaults.
 *  - Kafka: KAFKA_BROKERS, else librdkafka's mock cluster through kcat.
 *  - PostgreSQL: DATABASE_URL, else 127.0.0.1:5432, else embedded PGlite under .data/ (one per service).
 *  - Each service runs as its own process with OpenTelemetry preloaded; Ctrl-C stops them all.
 *  - A local SMART backend client (made once, kept in .data/local-smart-client.json) is registered with
 *    the gateway; the services trust only tokens the gateway minted for each of them.
 *  - Once all are healthy, the demo cohort is loaded (DEMO_COHORT=off skips it), then the web UI's URL,
 *    the demo sign-ins and how to get a token for scripts are printed.
 * Overrides (used by the run command's own test): <SERVICE>_PORT (e.g. GATEWAY_PORT, CLINICIAN_LIAISON_PORT),
 * CARECIRCLE_DATABASE_PREFIX (databases `<prefix>_<service>`), CARECIRCLE_DATA_DIR, CARECIRCLE_SHARED_DATA.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  ensureDatabase,
  resolvePostgresServer,
  EMBEDDED_MAX_CONNECTIONS,
  startEmbeddedPostgres,
  startKafka,
  waitFor,
  type EmbeddedPostgres,
} from '@carecircle/platform/testing';
import { loadDemoCohort } from './demo/demo-cohort.loader';
import { generatedPatients, syntheaPatients } from './demo/demo-patients';
import { ensureLocalSmartClient, localTokenSource } from './demo/local-smart-client';

interface ServiceSpec {
  name: 'enrollment' | 'scheduling' | 'clinician-liaison' | 'outcomes' | 'gateway';
  port: number;
}

const root = join(__dirname, '..', '..');
const dist = join(root, 'dist');
const env = process.env;

/** Each service's port: `<SERVICE>_PORT` or its default. */
const services: ServiceSpec[] = (
  [
    ['enrollment', 3101],
    ['scheduling', 3102],
    ['clinician-liaison', 3103],
    ['outcomes', 3104],
    ['gateway', 3000],
  ] as const
).map(([name, port]) => ({ name, port: Number(env[`${envName(name)}_PORT`] ?? port) }));

const portOf = (name: ServiceSpec['name']) => services.find((service) => service.name === name)!.port;
const local = (name: ServiceSpec['name']) => `http://127.0.0.1:${portOf(name)}`;
const dataDir = env['CARECIRCLE_DATA_DIR'] ?? join(root, '.data');
const databasePrefix = env['CARECIRCLE_DATABASE_PREFIX'] ?? 'carecircle';
const sharedData = env['CARECIRCLE_SHARED_DATA'] ?? join(root, '..', 'shared', 'data');
/** Where browsers and token clients reach the gateway: the issuer of its tokens and of its development sign-in. */
const gatewayPublicUrl = (env['GATEWAY_PUBLIC_URL'] ?? local('gateway')).replace(/\/+$/, '');
const devIdpOn = (env['GATEWAY_DEV_IDP'] ?? 'true') === 'true';
const clientFile = join(dataDir, 'local-smart-client.json');

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
    log(
      server
        ? `postgres: ${redactUrl(server)}`
        : `postgres: no server reachable, using embedded PGlite under ${dataDir}`,
    );

    const smartClient = await ensureLocalSmartClient(clientFile, `${gatewayPublicUrl}/auth/token`);
    log(
      `SMART backend client for scripts: ${smartClient.file.clientId} (${smartClient.created ? 'new key pair' : 'key pair'} in ${clientFile})`,
    );

    const started = performance.now();
    for (const service of services) {
      const serviceEnv: NodeJS.ProcessEnv = {
        ...env,
        PORT: String(service.port),
        // Service logs stay quiet unless asked for, so the start-up progress below stays readable.
        LOG_LEVEL: env['LOG_LEVEL'] ?? 'warn',
        KAFKA_BROKERS: kafka.brokers.join(','),
        KAFKA_TOPICS_AUTO_CREATED: kafka.kind === 'mock' ? 'true' : (env['KAFKA_TOPICS_AUTO_CREATED'] ?? 'false'),
        OTEL_SERVICE_NAME: `carecircle-${service.name}`,
        ...(service.name === 'gateway' ? gatewayEnv(smartClient.registration) : serviceAuthEnv()),
      };
      const database = `${databasePrefix}_${service.name.replace(/-/g, '_')}`;
      if (server) {
        serviceEnv['DATABASE_URL'] = await ensureDatabase(server, database);
      } else {
        const embedded: EmbeddedPostgres = await startEmbeddedPostgres(join(dataDir, database));
        cleanups.push(embedded.stop);
        serviceEnv['DATABASE_URL'] = embedded.url;
        serviceEnv['DATABASE_SINGLE_SESSION'] = 'true';
        serviceEnv['DATABASE_POOL_MAX'] = String(EMBEDDED_MAX_CONNECTIONS);
      }
      children.push(startService(service, serviceEnv));
    }
    log(`starting ${services.length} services…`);
    const fallbacks = [
      !env['GATEWAY_IDENTITY_KEY'] && 'public development identity key',
      !env['GATEWAY_SIGNING_KEY'] && 'per-process signing key',
      devIdpOn && 'development sign-in (demo users)',
    ].filter(Boolean);
    if (fallbacks.length)
      log(
        `development mode: the gateway uses a ${fallbacks.join(', a ')}; never with real data (production refuses them)`,
      );

    let up = 0;
    await Promise.all(
      services.map(async (service) => {
        const url = `http://127.0.0.1:${service.port}/health`;
        await waitFor(async () => (await fetch(url)).ok, {
          timeoutMs: 180_000,
          description: `${service.name} to answer ${url}`,
        });
        log(`  ${service.name.padEnd(18)} up (${++up}/${services.length}, ${seconds(started)} s)`);
      }),
    );
    log('all services are up:');
    for (const service of services)
      log(`  ${service.name.padEnd(18)} http://127.0.0.1:${service.port}  (health: /health, API docs: /api/docs)`);

    const demoOff = (env['DEMO_COHORT'] ?? 'on') === 'off';
    if (demoOff) log('demo cohort: off (DEMO_COHORT=off)');
    const demo = demoOff ? undefined : await loadCohort(smartClient.file);
    await printHowToUse(demo?.alertMemberId);
  } catch (error) {
    console.error(`[carecircle] ${error instanceof Error ? error.message : String(error)}`);
    await stopAll(1);
  }
}

/** The gateway's own settings: its public URL, the local client next to any configured ones, the services' URLs. */
function gatewayEnv(registration: { clientId: string }): NodeJS.ProcessEnv {
  const configured = parseClients(env['SMART_CLIENTS']).filter((client) => client.clientId !== registration.clientId);
  return {
    GATEWAY_PUBLIC_URL: gatewayPublicUrl,
    // The local run signs people in through the gateway's development issuer (demo users only).
    GATEWAY_DEV_IDP: devIdpOn ? 'true' : 'false',
    // Its development fallbacks are expected here: one info line (below), not a warning each.
    GATEWAY_LOCAL_RUN: 'true',
    SMART_CLIENTS: JSON.stringify([...configured, registration]),
    ENROLLMENT_URL: env['ENROLLMENT_URL'] ?? local('enrollment'),
    SCHEDULING_URL: env['SCHEDULING_URL'] ?? local('scheduling'),
    CLINICIAN_LIAISON_URL: env['CLINICIAN_LIAISON_URL'] ?? local('clinician-liaison'),
    OUTCOMES_URL: env['OUTCOMES_URL'] ?? local('outcomes'),
  };
}

function parseClients(value: string | undefined): { clientId: string }[] {
  if (!value) return [];
  try {
    const parsed: unknown = JSON.parse(value);
    if (Array.isArray(parsed)) return parsed as { clientId: string }[];
  } catch {
    // the gateway names an invalid SMART_CLIENTS itself; here it is only merged
  }
  throw new Error('SMART_CLIENTS must be a JSON array of {clientId, scope, jwks}');
}

/**
 * The four services trust the gateway's issuer only, and each takes only tokens minted for it
 * (`aud` = `carecircle-<service>`): the gateway's own calls, token exchange, or a SMART `resource`.
 */
function serviceAuthEnv(): NodeJS.ProcessEnv {
  if (env['AUTH_TRUSTED_ISSUERS']) return {};
  return {
    AUTH_TRUSTED_ISSUERS: JSON.stringify([
      { issuer: gatewayPublicUrl, jwksUri: `${local('gateway')}/.well-known/jwks.json` },
    ]),
  };
}

async function loadCohort(file: Awaited<ReturnType<typeof ensureLocalSmartClient>>['file']) {
  const synthea = join(sharedData, 'synthea', 'r4-bundles');
  let patients = syntheaPatients(synthea);
  let patientsLabel = 'Synthea';
  if (!patients) {
    log(`demo cohort: no Synthea bundles at ${synthea}; generating 8 synthetic patients instead`);
    patients = generatedPatients(8, new Date());
    patientsLabel = 'generated';
  }
  const started = performance.now();
  log(`demo cohort: loading (DEMO_COHORT=off skips it)…`);
  try {
    const result = await loadDemoCohort({
      urls: {
        gateway: local('gateway'),
        enrollment: local('enrollment'),
        scheduling: local('scheduling'),
        clinicianLiaison: local('clinician-liaison'),
        outcomes: local('outcomes'),
      },
      // The token endpoint answers locally; the assertion's audience stays the configured public URL.
      token: localTokenSource(file, `${local('gateway')}/auth/token`),
      clientId: file.clientId,
      patients,
      patientsLabel,
      now: () => new Date(),
      log,
    });
    if (result.status === 'loaded') log(`demo cohort: done in ${seconds(started)} s`);
    return result;
  } catch (error) {
    log(`demo cohort: failed: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

async function printHowToUse(alertMemberId: string | undefined): Promise<void> {
  log(`web UI, FHIR R4 facade and CDS Hooks: ${gatewayPublicUrl}/`);
  if (devIdpOn) {
    const users = await fetch(`${local('gateway')}/dev-idp/users`)
      .then(async (response) =>
        response.ok ? ((await response.json()) as { username: string; name: string; role: string }[]) : [],
      )
      .catch(() => []);
    log('  sign in through the development issuer (local runs only) as:');
    for (const user of users) log(`    ${user.username.padEnd(12)} ${user.role.padEnd(15)} ${user.name}`);
    if (alertMemberId)
      log(
        `  a demo member with a medication alert: ${alertMemberId} (facilitator and clinician see different details)`,
      );
  }
  log(`  a SMART token for scripts (client in ${clientFile}):`);
  const example = alertMemberId ? `/api/members/${alertMemberId}/timeline` : '/admin/audit-events?_count=5';
  log(`    curl -H "Authorization: Bearer $(npm run -s token)" ${gatewayPublicUrl}${example}`);
  log('press Ctrl-C to stop');
}

function startService(service: ServiceSpec, serviceEnv: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(
    process.execPath,
    [
      // As in the image (Dockerfile): a bounded young generation, and no source maps (they cost about
      // 30 MB a process and slow every stack trace; the SWC output is close enough to read).
      '--max-semi-space-size=4',
      '--require',
      join(dist, 'libs/platform/observability/src/register.js'),
      join(dist, 'apps', service.name, 'src/main.js'),
    ],
    { env: serviceEnv, stdio: ['ignore', 'pipe', 'pipe'] },
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

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
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
