/**
 * FHIR ingest throughput and latency through the whole gateway (HTTP, SMART token, validation,
 * identity vault, event store; the outbox relay publishing to Kafka alongside), for transaction
 * Bundles of 1, 10 and 100 entries cut from the Synthea patients in ../shared/data/synthea:
 *
 *   npm run bench:gateway-ingest [-- --requests 100 --concurrency 1 --json]
 *
 * The gateway runs in-process on its own test database and a mock Kafka cluster. Every request is a
 * new patient (fresh ids and identifiers), so each one is real work, never an idempotent no-op.
 * Prints figures only; nothing here asserts a timing.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { FHIR_JSON_TYPE, startGatewayHarness, type GatewayHarness } from '../src/testing/gateway-harness';

interface Entry {
  fullUrl?: string;
  resource: { resourceType: string; id?: string; identifier?: { value?: string }[] };
  request: { method: string; url: string };
}

interface Figure {
  entriesPerBundle: number;
  requests: number;
  concurrency: number;
  resources: number;
  resourcesPerSec: number;
  /** Milliseconds per request (one Bundle). */
  p50: number;
  p99: number;
  failures: number;
}

const SIZES = [1, 10, 100];
const { values: flags } = parseArgs({
  options: {
    requests: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '1' },
    warmup: { type: 'string', default: '3' },
    data: { type: 'string', default: resolve(__dirname, '../../../../shared/data/synthea/r4-bundles') },
    json: { type: 'boolean', default: false },
  },
});
const REQUESTS = positiveInteger(flags.requests, 'requests');
const CONCURRENCY = positiveInteger(flags.concurrency, 'concurrency');
const WARMUP = Number.parseInt(flags.warmup ?? '3', 10) || 0;

function positiveInteger(value: string | undefined, name: string): number {
  const parsed = Number.parseInt(value ?? '', 10);
  if (!(parsed > 0)) throw new Error(`--${name} must be a positive integer`);
  return parsed;
}

/** The Patient first, then entries in Bundle order whose `urn:uuid:` references all point at entries already taken. */
function closedPrefix(entries: readonly Entry[], size: number): Entry[] | undefined {
  const patient = entries.find((entry) => entry.resource.resourceType === 'Patient');
  if (!patient?.fullUrl) return undefined;
  const taken = [patient];
  const urls = new Set([patient.fullUrl]);
  for (const entry of entries) {
    if (taken.length >= size) break;
    if (entry === patient || !entry.fullUrl) continue;
    const references = JSON.stringify(entry.resource).match(/urn:uuid:[0-9a-f-]{36}/g) ?? [];
    if (references.every((reference) => urls.has(reference))) {
      taken.push(entry);
      urls.add(entry.fullUrl);
    }
  }
  return taken.length === size ? taken : undefined;
}

/** A transaction Bundle of these entries for a patient nobody has posted yet. */
function freshBundle(template: readonly Entry[]): string {
  const patient = template[0]!.resource;
  const newId = randomUUID();
  const entries = JSON.parse(JSON.stringify(template).split(patient.id!).join(newId)) as Entry[];
  for (const identifier of entries[0]!.resource.identifier ?? [])
    if (identifier.value) identifier.value = `${identifier.value}-${newId.slice(0, 8)}`;
  return JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry: entries });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

async function measure(gateway: GatewayHarness, token: string, templates: Entry[][], size: number): Promise<Figure> {
  const post = async (body: string) => {
    const started = performance.now();
    const response = await fetch(`${gateway.base}/fhir/R4`, {
      method: 'POST',
      headers: { 'content-type': FHIR_JSON_TYPE, authorization: `Bearer ${token}` },
      body,
    });
    await response.arrayBuffer();
    return { ms: performance.now() - started, ok: response.status === 200 };
  };
  for (let i = 0; i < WARMUP; i++) await post(freshBundle(templates[i % templates.length]!));
  const bodies = Array.from({ length: REQUESTS }, (_, i) => freshBundle(templates[i % templates.length]!));
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < bodies.length) {
        const result = await post(bodies[next++]!);
        latencies.push(result.ms);
        if (!result.ok) failures++;
      }
    }),
  );
  const elapsedSec = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const round = (value: number) => Math.round(value * 10) / 10;
  return {
    entriesPerBundle: size,
    requests: REQUESTS,
    concurrency: CONCURRENCY,
    resources: REQUESTS * size,
    resourcesPerSec: round((REQUESTS * size) / elapsedSec),
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    failures,
  };
}

function print(figures: readonly Figure[]): void {
  if (flags.json) {
    for (const figure of figures) console.log(JSON.stringify(figure));
    return;
  }
  const header = ['entries/Bundle', 'requests', 'concurrency', 'resources/s', 'p50 ms', 'p99 ms', 'failures'];
  const rows = figures.map((f) =>
    [f.entriesPerBundle, f.requests, f.concurrency, f.resourcesPerSec, f.p50, f.p99, f.failures].map(String),
  );
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => cell.padStart(widths[i]!)).join('  ');
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  console.log('Transaction Bundles of Synthea resources, each for a new patient; p50/p99 per request.');
}

async function main(): Promise<void> {
  const bundles = readdirSync(flags.data!)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => (JSON.parse(readFileSync(join(flags.data!, name), 'utf8')) as { entry: Entry[] }).entry);
  let gateway: GatewayHarness | undefined;
  try {
    gateway = await startGatewayHarness({
      database: 'gateway_bench',
      clients: [{ clientId: 'bench', scope: 'system/*.cruds' }],
      env: {
        GATEWAY_RATE_LIMIT_BURST: '1000000000',
        GATEWAY_RATE_LIMIT_PER_SECOND: '1000000000',
        SMART_ACCESS_TOKEN_TTL_SECONDS: '3600',
      },
    });
    const token = await gateway.accessToken('bench', 'system/*.cruds');
    const figures: Figure[] = [];
    for (const size of SIZES) {
      const templates = bundles
        .map((entries) => closedPrefix(entries, size))
        .filter((t): t is Entry[] => t !== undefined);
      if (templates.length === 0) throw new Error(`no Synthea bundle has ${size} self-contained entries`);
      figures.push(await measure(gateway, token, templates, size));
    }
    print(figures);
  } finally {
    await gateway?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
