import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startServiceProcess, type ServiceProcess } from '@carecircle/platform/service-kit';
import {
  createTestDatabase,
  startKafka,
  waitFor,
  type KafkaCluster,
  type TestDatabase,
} from '@carecircle/platform/testing';

// Run from the workspace root after `npm run build` (npm run test:e2e does both).
const SHELLS = ['clinician-liaison', 'outcomes', 'gateway'];
const EXIT_TIMEOUT_MS = 10_000;

// Services keep their event streams in PostgreSQL (one database each) and publish to Kafka.
const databases: TestDatabase[] = [];
let kafka: KafkaCluster | undefined;

async function envFor(app: string): Promise<Record<string, string>> {
  const db = await createTestDatabase(`${app.replace(/-/g, '_')}_shell`);
  databases.push(db);
  return {
    DATABASE_URL: db.url,
    KAFKA_BROKERS: kafka!.brokers.join(','),
    KAFKA_TOPICS_AUTO_CREATED: 'true',
    KAFKA_SESSION_TIMEOUT_MS: '6000',
  };
}

beforeAll(async () => {
  kafka = await startKafka();
}, 60_000);

afterAll(async () => {
  await Promise.all(databases.map((db) => db.drop()));
  await kafka?.stop();
}, 30_000);

async function healthIsOk(service: ServiceProcess): Promise<void> {
  await waitFor(
    async () => {
      const response = await fetch(`${service.url}/health`);
      return response.status === 200 && ((await response.json()) as { status?: string }).status === 'ok';
    },
    { timeoutMs: 15_000, description: `GET ${service.url}/health to answer 200 with status ok` },
  );
}

/** Every line the service printed is a JSON log line: no banner, no console output. */
function nonJsonLines(output: string): string[] {
  return output
    .split('\n')
    .filter(Boolean)
    .filter((line) => {
      try {
        JSON.parse(line);
        return false;
      } catch {
        return true;
      }
    });
}

describe.each(SHELLS)('the %s shell, started from dist/ with the OpenTelemetry preload', (app) => {
  it('answers /health, then exits 0 on SIGTERM', async () => {
    const service = await startServiceProcess({ app, env: await envFor(app) });
    try {
      await healthIsOk(service);
      const code = await service.stop('SIGTERM', EXIT_TIMEOUT_MS);
      expect({ code, output: code === 0 ? '' : service.output() }).toEqual({ code: 0, output: '' });
      expect(nonJsonLines(service.output())).toEqual([]);
    } finally {
      await service.kill9();
    }
  }, 60_000);
});

describe('startup with an invalid environment', () => {
  it('exits 1 with one JSON line naming the variables, not their values', async () => {
    const failure = startServiceProcess({
      app: 'outcomes',
      env: { LOG_LEVEL: 'chatty', KAFKA_BROKERS: 'kafka-without-port' },
    });
    await expect(failure).rejects.toThrow(/exited with code 1 before listening/);
    const message = await failure.catch((error: Error) => error.message);
    expect(message).toMatch(/"msg":"service failed to start"/);
    expect(message).toContain('LOG_LEVEL must be one of');
    expect(message).toContain('KAFKA_BROKERS must be a comma-separated list of host:port');
    expect(message).not.toMatch(/chatty|kafka-without-port/);
  });
});

describe('the gateway shell', () => {
  let service: ServiceProcess;

  beforeAll(async () => {
    service = await startServiceProcess({ app: 'gateway', env: await envFor('gateway') });
  }, 60_000);

  afterAll(() => service?.kill9());

  it('serves a minimal home page linking to health and the API docs', async () => {
    const response = await fetch(`${service.url}/`);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await response.text();
    expect(page).toContain('CareCircle');
    expect(page).toContain('href="/health"');
    expect(page).toContain('href="/api/docs"');
  });

  it('serves its OpenAPI document', async () => {
    const document = (await (await fetch(`${service.url}/api/docs-json`)).json()) as { info: { title: string } };
    expect(document.info.title).toBe('CareCircle gateway');
  });
});

describe('tracing flush on shutdown', () => {
  let collector: Server;
  const received: string[] = [];

  beforeAll(async () => {
    // A stand-in OTLP/HTTP collector that keeps the bodies it is sent.
    collector = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        received.push(`${req.url} ${body}`);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  });

  afterAll(() => new Promise<void>((resolve) => collector.close(() => resolve())));

  it('exports the spans of the last requests before the process exits 0', async () => {
    const { port } = collector.address() as AddressInfo;
    const service = await startServiceProcess({
      app: 'gateway',
      env: {
        ...(await envFor('gateway')),
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      },
    });
    try {
      expect((await fetch(`${service.url}/api/docs-json`)).status).toBe(200);
      // The batch processor would wait 5 s to export; only the shutdown flush can deliver it this soon.
      expect(await service.stop('SIGTERM', EXIT_TIMEOUT_MS)).toBe(0);
      const traces = received.filter((request) => request.startsWith('/v1/traces'));
      expect(traces.join('\n')).toContain('gateway');
      expect(traces.join('\n')).toContain('/api/docs-json');
    } finally {
      await service.kill9();
    }
  }, 60_000);
});
