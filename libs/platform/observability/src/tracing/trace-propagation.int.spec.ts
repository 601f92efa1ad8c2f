import { createTestDatabase, startKafka, type KafkaCluster, type TestDatabase } from '@carecircle/platform/testing';
import { SpanKind } from '@opentelemetry/api';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PHI, SECRET_TOKEN, type RecordedSpan, type ScenarioResult } from '../../test/http-to-kafka.shared';

const SCENARIO = join(__dirname, '../../test/http-to-kafka.scenario.ts');
const SCENARIO_TIMEOUT_MS = 60_000;

interface ScenarioRun {
  result: ScenarioResult;
  stdout: string;
}

/** Runs the scenario in its own Node process (tracing preloaded there) and reads back its spans. */
async function runScenario(env: NodeJS.ProcessEnv): Promise<ScenarioRun> {
  const dir = mkdtempSync(join(tmpdir(), 'cc-trace-'));
  const output = join(dir, 'result.json');
  const child = spawn(process.execPath, ['--require', '@swc-node/register', SCENARIO], {
    cwd: join(__dirname, '../../../../..'),
    env: { ...process.env, ...env, SWC_NODE_PROJECT: 'tsconfig.base.json', SCENARIO_OUTPUT: output, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), SCENARIO_TIMEOUT_MS);
  try {
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0)
      throw new Error(
        `scenario exited with ${code}\nstderr:\n${stderr.slice(-4_000)}\nstdout:\n${stdout.slice(-4_000)}`,
      );
    return { result: JSON.parse(readFileSync(output, 'utf8')) as ScenarioResult, stdout };
  } finally {
    clearTimeout(timer);
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

function only(spans: RecordedSpan[], description: string, match: (span: RecordedSpan) => boolean): RecordedSpan {
  const [found, ...others] = spans.filter(match);
  if (!found || others.length > 0) {
    throw new Error(
      `expected one ${description}, found ${others.length + (found ? 1 : 0)} among: ${spans.map((s) => `${s.scope} ${s.name}`).join(', ')}`,
    );
  }
  return found;
}

describe('trace context from an HTTP request to a Kafka consumer', () => {
  let kafka: KafkaCluster;
  let database: TestDatabase;
  let run: ScenarioRun;

  beforeAll(async () => {
    kafka = await startKafka();
    database = await createTestDatabase('observability');
    run = await runScenario({
      KAFKA_BROKERS: kafka.brokers.join(','),
      DATABASE_URL: database.url,
      SCENARIO_TOPIC: `carecircle.trace-test.${Date.now()}`,
    });
  }, 90_000);

  afterAll(async () => {
    await database?.drop();
    await kafka?.stop();
  });

  it('puts the HTTP server span of A and the consumer span of B in one trace', () => {
    const { spans, handlerTraceId, storedTraceparent } = run.result;
    const server = only(
      spans,
      'HTTP server span',
      (s) => s.scope === '@opentelemetry/instrumentation-http' && s.kind === SpanKind.SERVER,
    );
    const producer = only(
      spans,
      'Kafka producer span',
      (s) => s.scope === '@opentelemetry/instrumentation-kafkajs' && s.kind === SpanKind.PRODUCER,
    );
    const consumer = only(
      spans,
      'Kafka consumer span',
      (s) => s.scope === '@opentelemetry/instrumentation-kafkajs' && s.kind === SpanKind.CONSUMER,
    );

    expect(storedTraceparent).toContain(server.traceId);
    expect(producer.traceId).toBe(server.traceId);
    expect(consumer.traceId).toBe(server.traceId);
    expect(consumer.parentSpanId).toBe(producer.spanId);
    expect(handlerTraceId).toBe(server.traceId);
  });

  it('instruments Nest, express and pg in the same trace', () => {
    const { spans } = run.result;
    const traceId = only(spans, 'HTTP server span', (s) => s.kind === SpanKind.SERVER).traceId;
    const scopes = new Set(spans.filter((s) => s.traceId === traceId).map((s) => s.scope));
    expect([...scopes].sort()).toEqual([
      '@opentelemetry/instrumentation-express',
      '@opentelemetry/instrumentation-http',
      '@opentelemetry/instrumentation-kafkajs',
      '@opentelemetry/instrumentation-nestjs-core',
      '@opentelemetry/instrumentation-pg',
    ]);
  });

  it('keeps query strings, bodies, SQL parameters and credentials out of every span', () => {
    const exported = JSON.stringify(run.result.spans);
    for (const value of [...Object.values(PHI), SECRET_TOKEN]) expect(exported).not.toContain(value);
    const server = only(run.result.spans, 'HTTP server span', (s) => s.kind === SpanKind.SERVER);
    expect(server.attributes['url.path']).toBe('/referrals');
    const pg = run.result.spans.find(
      (s) => s.scope === '@opentelemetry/instrumentation-pg' && s.attributes['db.query.text'],
    );
    expect(pg?.attributes['db.query.text']).toContain('SELECT $1::text');
  });

  it('logs the request with the trace id and without query string, body or credentials', () => {
    const server = only(run.result.spans, 'HTTP server span', (s) => s.kind === SpanKind.SERVER);
    const lines = run.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const access = lines.find((line) => line['msg'] === 'request completed');
    expect(access).toMatchObject({
      method: 'POST',
      path: '/referrals',
      route: '/referrals',
      statusCode: 202,
      trace_id: server.traceId,
    });
    expect(typeof access?.['durationMs']).toBe('number');
    for (const value of [...Object.values(PHI), SECRET_TOKEN]) expect(run.stdout).not.toContain(value);
  });
});
