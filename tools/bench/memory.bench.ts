/**
 * Resident memory (RSS) of each service process, idle and under the pipeline bench's load:
 *  - builds dist/ (`npm run build`), then starts the whole system as `npm start` does
 *    (dist/tools/run-system.js: each service its own process with OpenTelemetry preloaded), on free
 *    ports, its own databases (dropped at the end), no demo cohort, on a mock Kafka cluster this bench
 *    starts;
 *  - samples every service's RSS (/proc/<pid>/status) for `--idle-seconds` once all are healthy:
 *    the highest sample is the idle figure;
 *  - runs the pipeline bench (libs/platform/messaging/bench/pipeline.bench.ts) against that cluster,
 *    publishing MemberEnrolled to the enrollment topic the services consume, sampling all along and
 *    for `--idle-seconds` after: the highest sample is the loaded figure.
 *
 *   npm run bench:memory [-- --events 5000 --rate 200 --seconds 20 --idle-seconds 5 --json]
 *
 * Linux only (/proc). Prints figures only; nothing here asserts a size.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Topics } from '@carecircle/contracts';
import {
  databaseUrl,
  dropDatabase,
  figurePrinter,
  positiveInteger,
  positiveNumber,
  requirePostgresServer,
  round2,
  runBench,
  startKafka,
  waitFor,
  type BenchFigure,
  type KafkaCluster,
} from '@carecircle/platform/testing';

const SERVICES = ['enrollment', 'scheduling', 'clinician-liaison', 'outcomes', 'gateway'] as const;
type Service = (typeof SERVICES)[number];

const { values: flags } = parseArgs({
  options: {
    events: { type: 'string', default: '5000' },
    rate: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '20' },
    'idle-seconds': { type: 'string', default: '5' },
    json: { type: 'boolean', default: false },
  },
});
const EVENTS = positiveInteger(flags.events, 'events');
const RATE = positiveNumber(flags.rate, 'rate');
const SECONDS = positiveNumber(flags.seconds, 'seconds');
const IDLE_SECONDS = positiveNumber(flags['idle-seconds'], 'idle-seconds');
const BENCH = 'memory';
const ROOT = join(__dirname, '..', '..');
const SAMPLE_MS = 250;

/** The service processes run-system started: its children, told apart by the entry point they run. */
function servicePids(parent: number): Map<Service, number> {
  const found = new Map<Service, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== parent) continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const service = SERVICES.find((name) => cmdline.includes(`/apps/${name}/src/main.js`));
      if (service) found.set(service, Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return found;
}

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) / 1024;
}

/** Samples every service's RSS every SAMPLE_MS until `until` settles; returns the highest per service. */
async function peakRss(pids: Map<Service, number>, until: Promise<unknown>): Promise<Map<Service, number>> {
  const peaks = new Map<Service, number>();
  let done = false;
  const finished = until.finally(() => (done = true));
  while (!done) {
    for (const [service, pid] of pids) peaks.set(service, Math.max(peaks.get(service) ?? 0, rssMb(pid)));
    await Promise.race([finished.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, SAMPLE_MS))]);
  }
  await finished;
  return peaks;
}

const forSeconds = (seconds: number) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

async function freePorts(count: number): Promise<number[]> {
  const { createServer } = await import('node:net');
  const servers = await Promise.all(
    Array.from({ length: count }, async () => {
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return server;
    }),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  return ports;
}

/** Child output kept for an error message; only its tail matters. */
function tail(child: ChildProcess): () => string {
  let text = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => (text = (text + chunk).slice(-20_000)));
  }
  return () => text;
}

async function stopProcess(child: ChildProcess | undefined, graceMs: number): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

function figures(
  idle: Map<Service, number>,
  loaded: Map<Service, number>,
  load: { eventsPerSec: unknown },
): BenchFigure[] {
  const max = (peaks: Map<Service, number>) => [...peaks].reduce((a, b) => (b[1] > a[1] ? b : a));
  const [idleService, idleMax] = max(idle);
  const [loadedService, loadedMax] = max(loaded);
  return [
    { bench: BENCH, metric: 'idleMbMax', value: round2(idleMax), unit: 'MB', service: idleService },
    {
      bench: BENCH,
      metric: 'loadedMbMax',
      value: round2(loadedMax),
      unit: 'MB',
      service: loadedService,
      load: `pipeline bench: ${EVENTS} events in a burst, then ${RATE} events/s for ${SECONDS} s`,
      loadEventsPerSec: load.eventsPerSec,
    },
    ...SERVICES.flatMap((service): BenchFigure[] => [
      { bench: BENCH, metric: 'idleMb', value: round2(idle.get(service) ?? 0), unit: 'MB', service },
      { bench: BENCH, metric: 'loadedMb', value: round2(loaded.get(service) ?? 0), unit: 'MB', service },
    ]),
  ];
}

async function main(): Promise<void> {
  const build = spawnSync(process.execPath, ['tools/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');
  const server = databaseUrl(await requirePostgresServer(), 'postgres');
  const prefix = `cc_bench_mem_${randomBytes(4).toString('hex')}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'carecircle-bench-memory-'));
  let kafka: KafkaCluster | undefined;
  let system: ChildProcess | undefined;
  try {
    kafka = await startKafka();
    const ports = await freePorts(SERVICES.length);
    const portEnv = Object.fromEntries(
      SERVICES.map((service, i) => [`${service.toUpperCase().replace(/-/g, '_')}_PORT`, String(ports[i])]),
    );
    // Not the caller's DATABASE_URL or public URL: run-system picks the local server and its own gateway.
    const { DATABASE_URL: _database, GATEWAY_PUBLIC_URL: _publicUrl, ...inherited } = process.env;
    const env = {
      ...inherited,
      ...portEnv,
      KAFKA_BROKERS: kafka.brokers.join(','),
      KAFKA_TOPICS_AUTO_CREATED: 'true',
      DEMO_COHORT: 'off',
      CARECIRCLE_DATABASE_PREFIX: prefix,
      CARECIRCLE_DATA_DIR: dataDir,
    };
    system = spawn(process.execPath, ['--enable-source-maps', join(ROOT, 'dist/tools/run-system.js')], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = tail(system);
    const running = system;
    await waitFor(() => output().includes('all services are up') || running.exitCode !== null, {
      timeoutMs: 240_000,
      description: 'run-system to report all services up',
    });
    if (running.exitCode !== null)
      throw new Error(`run-system exited (${running.exitCode}):\n${output().slice(-3000)}`);
    const pids = servicePids(running.pid!);
    if (pids.size !== SERVICES.length) throw new Error(`found ${pids.size} of ${SERVICES.length} service processes`);

    const idle = await peakRss(pids, forSeconds(IDLE_SECONDS));
    const args = [
      'tools/run-ts.mjs',
      'libs/platform/messaging/bench/pipeline.bench.ts',
      '--json',
      '--no-baseline',
      '--no-sustained',
      '--topic',
      Topics.enrollment,
      '--events',
      String(EVENTS),
      '--rate',
      String(RATE),
      '--seconds',
      String(SECONDS),
    ];
    const pipeline = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, KAFKA_BROKERS: kafka.brokers.join(',') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pipelineOutput = tail(pipeline);
    const pipelineDone = new Promise<number | null>((resolve) => pipeline.once('exit', resolve));
    const loaded = await peakRss(
      pids,
      pipelineDone.then(() => forSeconds(IDLE_SECONDS)),
    );
    if ((await pipelineDone) !== 0) {
      const log = join(tmpdir(), `carecircle-bench-memory-pipeline-${process.pid}.log`);
      writeFileSync(log, pipelineOutput());
      throw new Error(`the pipeline load failed (its output: ${log}):\n${pipelineOutput().slice(0, 1500)}`);
    }
    const eventsPerSec = /"metric":"burstEventsPerSec","value":(\d+)/.exec(pipelineOutput())?.[1];
    figures(idle, loaded, { eventsPerSec: eventsPerSec ? Number(eventsPerSec) : null }).forEach(
      figurePrinter(flags.json),
    );
  } finally {
    await stopProcess(system, 30_000);
    await kafka?.stop();
    for (const service of SERVICES)
      await dropDatabase(server, `${prefix}_${service.replace(/-/g, '_')}`).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

runBench(main);
