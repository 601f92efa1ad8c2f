/**
 * PostgreSQL event store throughput, each figure beside raw INSERTs/SELECTs of the same rows into a
 * plain table of the same columns, in the same database and run; repeated `--repeat` times, each time
 * beside the peer benchmark's Emmett figure (/work/shared/bench/peer-event-store.mjs, `--peer`) from the
 * same repetition:
 *
 *   npm run bench:event-store [-- --events 4000 --writers 8 --read-batch 500 --repeat 5 --json]
 *
 * The peer needs @event-driven-io/emmett-postgresql: it is installed with npm, once, into a directory
 * under the OS temp dir (not the project's dependencies). Without the peer script the Emmett figures
 * are printed as `null` with the reason. Prints figures only; nothing here asserts a timing.
 */
import {
  createTestDatabase,
  databaseUrl,
  dropDatabase,
  figurePrinter,
  positiveInteger,
  requirePostgresServer,
  round2,
  runBench,
  type BenchFigure,
} from '@carecircle/platform/testing';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Pool } from 'pg';
import { ExpectedVersion, PostgresEventStore, eventStoreMigrations, runMigrations, type NewEvent } from '../src';

interface Figure {
  label: string;
  events: number;
  writers: number;
  perSec: number;
  /** Milliseconds per append/insert (per batch for reads). */
  p50: number;
  p99: number;
  /** This figure's perSec over the raw baseline's. */
  ratio?: number;
}

const RAW_TABLE = `
  CREATE TABLE bench_raw_events (
    global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    transaction_id  xid8 NOT NULL DEFAULT pg_current_xact_id(),
    stream_id       text NOT NULL,
    stream_version  integer NOT NULL,
    event_id        uuid NOT NULL UNIQUE,
    type            text NOT NULL,
    data            jsonb NOT NULL,
    metadata        jsonb NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (stream_id, stream_version)
  )`;
// Named (prepared) statements, as the event store's own, so the ratio shows the store's work only.
const RAW_INSERT = {
  name: 'bench_raw_insert',
  text: `INSERT INTO bench_raw_events (stream_id, stream_version, event_id, type, data, metadata) VALUES ($1, $2, $3, $4, $5, $6)`,
};
const RAW_SELECT = {
  name: 'bench_raw_select',
  text: `SELECT * FROM bench_raw_events WHERE global_position > $1 ORDER BY global_position LIMIT $2`,
};

const { values: flags } = parseArgs({
  options: {
    events: { type: 'string', default: '4000' },
    writers: { type: 'string', default: '8' },
    'read-batch': { type: 'string', default: '500' },
    repeat: { type: 'string', default: '5' },
    peer: { type: 'string', default: resolve(__dirname, '../../../../../shared/bench/peer-event-store.mjs') },
    json: { type: 'boolean', default: false },
  },
});
const EVENTS = positiveInteger(flags.events, 'events');
const WRITERS = positiveInteger(flags.writers, 'writers');
const READ_BATCH = positiveInteger(flags['read-batch'], 'read-batch');
const REPEAT = positiveInteger(flags.repeat, 'repeat');
const BENCH = 'event-store';
const EMMETT_VERSION = '0.42.0';

type Operation = (writer: number, index: number) => Promise<unknown>;

/** Runs `events` operations spread over `writers` concurrent loops; returns throughput and latencies. */
async function measure(label: string, events: number, writers: number, operation: Operation): Promise<Figure> {
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      for (let index = writer; index < events; index += writers) {
        const before = performance.now();
        await operation(writer, Math.floor(index / writers));
        latencies.push(performance.now() - before);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { label, events, writers, perSec: Math.round(events / seconds), ...percentiles(latencies) };
}

/** One batch of the log after a position: how many rows came back and the last one's position. */
type ReadBatch = (after: bigint) => Promise<{ count: number; last?: bigint }>;

/** Follows the whole log in batches, as a relay would; latency is per batch. */
async function measureReads(label: string, readBatch: ReadBatch): Promise<Figure> {
  const latencies: number[] = [];
  let events = 0;
  const started = performance.now();
  for (let after: bigint | undefined = 0n; after !== undefined;) {
    const before = performance.now();
    const { count, last } = await readBatch(after);
    latencies.push(performance.now() - before);
    events += count;
    after = count === READ_BATCH ? last : undefined;
  }
  const seconds = (performance.now() - started) / 1000;
  return { label, events, writers: 1, perSec: Math.round(events / seconds), ...percentiles(latencies) };
}

async function once(): Promise<Figure[]> {
  const database = await createTestDatabase('bench_event_store');
  const pool = new Pool({ connectionString: database.url, max: WRITERS + 2 });
  pool.on('error', () => undefined); // connections cut by the final DROP DATABASE ... WITH (FORCE)
  try {
    await runMigrations(database.url, eventStoreMigrations);
    await pool.query(RAW_TABLE);
    const store = new PostgresEventStore(pool);
    const run = randomUUID().slice(0, 8);
    const events = (writers: number) =>
      Array.from({ length: writers }, () => Array.from({ length: Math.ceil(EVENTS / writers) }, newEvent));
    const insertRaw = (streamId: string, version: number, event: NewEvent) =>
      pool.query({
        ...RAW_INSERT,
        values: [
          streamId,
          version,
          event.eventId,
          event.type,
          JSON.stringify(event.data),
          JSON.stringify(event.metadata),
        ],
      });
    const appendToStore = (streamId: string, version: number, event: NewEvent) =>
      store.appendToStream(
        streamId,
        [event],
        version === 0 ? ExpectedVersion.noStream : ExpectedVersion.exact(version - 1),
      );

    // Warm both paths (connections, plans, caches) outside the measured runs.
    await measure('warm-up', 100, WRITERS, (writer, index) =>
      appendToStore(`warm-${run}-${writer}`, index, newEvent()),
    );
    await measure('warm-up', 100, WRITERS, (writer, index) => insertRaw(`warm-${run}-${writer}`, index, newEvent()));

    const figures: Figure[] = [];
    for (const writers of [1, WRITERS]) {
      const [forStore, forRaw] = [events(writers), events(writers)];
      const streams = writers === 1 ? '1 stream' : `${writers} streams`;
      const raw = await measure(
        `raw INSERT, ${plural(writers, 'writer')}, ${streams}`,
        EVENTS,
        writers,
        (writer, index) => insertRaw(`raw-${run}-${writers}-${writer}`, index, forRaw[writer][index]),
      );
      const appended = await measure(
        `event store append, ${plural(writers, 'writer')}, ${streams}`,
        EVENTS,
        writers,
        (writer, index) => appendToStore(`store-${run}-${writers}-${writer}`, index, forStore[writer][index]),
      );
      figures.push(raw, { ...appended, ratio: ratio(appended, raw) });
    }

    const rawRead = await measureReads(`raw SELECT, batches of ${READ_BATCH}`, async (after) => {
      const { rows } = await pool.query<{ global_position: string }>({
        ...RAW_SELECT,
        values: [after.toString(), READ_BATCH],
      });
      const last = rows.at(-1);
      return { count: rows.length, last: last && BigInt(last.global_position) };
    });
    const storeRead = await measureReads(`event store readAll, batches of ${READ_BATCH}`, async (after) => {
      const page = await store.readAll({ after, maxCount: READ_BATCH });
      return { count: page.length, last: page.at(-1)?.globalPosition };
    });
    figures.push(rawRead, { ...storeRead, ratio: ratio(storeRead, rawRead) });
    return figures;
  } finally {
    await pool.end();
    await database.drop();
  }
}

function newEvent(): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'AttendanceRecorded',
    data: { sessionId: randomUUID(), memberId: randomUUID(), present: true, minutes: 90 },
    metadata: { correlationId: randomUUID(), causationId: randomUUID(), occurredAt: new Date().toISOString() },
  };
}

function percentiles(latencies: number[]): Pick<Figure, 'p50' | 'p99'> {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (quantile: number) => sorted[Math.max(0, Math.ceil(quantile * sorted.length) - 1)] ?? 0;
  return { p50: round2(at(0.5)), p99: round2(at(0.99)) };
}

function ratio(figure: Figure, baseline: Figure): number {
  return round2(figure.perSec / baseline.perSec);
}

/** The peer script's figures for this repetition, or why there are none. */
function runPeer(): { emmettPerSec: number } | { reason: string } {
  if (flags.peer === 'off') return { reason: 'the peer benchmark was turned off (--peer off)' };
  if (!existsSync(flags.peer!)) return { reason: `peer script not found at ${flags.peer}` };
  const dir = join(tmpdir(), `carecircle-emmett-peer-${EMMETT_VERSION}`);
  if (!existsSync(join(dir, 'node_modules', '@event-driven-io', 'emmett-postgresql'))) {
    mkdirSync(dir, { recursive: true });
    process.stderr.write(`installing Emmett ${EMMETT_VERSION} for the peer benchmark into ${dir}…\n`);
    const packages = [
      `@event-driven-io/emmett@${EMMETT_VERSION}`,
      `@event-driven-io/emmett-postgresql@${EMMETT_VERSION}`,
      'pg',
    ];
    const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--silent', '--no-save', ...packages], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 300_000,
    });
    if (install.status !== 0)
      return {
        reason: `npm could not install Emmett into ${dir}: ${(install.stderr || String(install.error)).slice(0, 300)}`,
      };
  }
  copyFileSync(flags.peer!, join(dir, 'peer-event-store.mjs'));
  const peer = spawnSync(
    process.execPath,
    ['peer-event-store.mjs', '--events', String(EVENTS), '--writers', String(WRITERS)],
    { cwd: dir, encoding: 'utf8', timeout: 600_000 },
  );
  const lines = peer.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { label: string; perSec: number });
  const emmett = lines.find((line) => line.label === 'emmett-append');
  return emmett
    ? { emmettPerSec: emmett.perSec }
    : { reason: `the peer script printed no emmett-append figure (exit ${peer.status}): ${peer.stderr.slice(0, 300)}` };
}

async function main(): Promise<void> {
  const emit = figurePrinter(true);
  const ratios: number[] = [];
  let missing: string | undefined;
  for (let run = 1; run <= REPEAT; run++) {
    const figures = await once();
    if (!flags.json) print(figures);
    const [rawOne, storeOne, raw, store, rawRead, storeRead] = figures as [
      Figure,
      Figure,
      Figure,
      Figure,
      Figure,
      Figure,
    ];
    const peer = runPeer();
    const json: BenchFigure[] = [
      {
        bench: BENCH,
        metric: 'appendPerSec',
        value: store.perSec,
        unit: 'events/s',
        baseline: raw.perSec,
        ratio: store.ratio,
        writers: WRITERS,
        events: EVENTS,
        p99Ms: store.p99,
        run,
      },
      {
        bench: BENCH,
        metric: 'append1WriterPerSec',
        value: storeOne.perSec,
        unit: 'events/s',
        baseline: rawOne.perSec,
        ratio: storeOne.ratio,
        events: EVENTS,
        p99Ms: storeOne.p99,
        run,
      },
      {
        bench: BENCH,
        metric: 'readAllPerSec',
        value: storeRead.perSec,
        unit: 'events/s',
        baseline: rawRead.perSec,
        ratio: storeRead.ratio,
        batch: READ_BATCH,
        run,
      },
    ];
    if ('emmettPerSec' in peer) {
      const toEmmett = round2(store.perSec / peer.emmettPerSec);
      ratios.push(toEmmett);
      json.push({
        bench: BENCH,
        metric: 'ratioToEmmett',
        value: toEmmett,
        unit: 'x',
        baseline: peer.emmettPerSec,
        appendPerSec: store.perSec,
        run,
      });
    } else {
      missing = peer.reason;
    }
    if (flags.json) json.forEach(emit);
    else if ('emmettPerSec' in peer)
      console.log(
        `Emmett (peer, same run): ${peer.emmettPerSec} per sec; event store ${WRITERS} writers / Emmett = ${json.at(-1)!.value}x\n`,
      );
  }
  // The peer script leaves its two fixed-name databases behind.
  const server = databaseUrl(await requirePostgresServer(), 'postgres');
  if (ratios.length > 0) for (const name of ['bench_raw', 'bench_emmett']) await dropDatabase(server, name);
  const minimum: BenchFigure =
    missing === undefined
      ? {
          bench: BENCH,
          metric: 'minRatioToEmmett',
          value: Math.min(...ratios),
          unit: 'x',
          runs: ratios,
          writers: WRITERS,
          events: EVENTS,
        }
      : { bench: BENCH, metric: 'minRatioToEmmett', value: null, unit: 'x', reason: missing };
  figurePrinter(flags.json)(minimum);
}

function print(figures: Figure[]): void {
  if (flags.json) {
    for (const figure of figures) console.log(JSON.stringify(figure));
    return;
  }
  const header = ['label', 'events', 'writers', 'per sec', 'p50 ms', 'p99 ms', 'vs raw'];
  const rows = figures.map((f) => [
    f.label,
    `${f.events}`,
    `${f.writers}`,
    `${f.perSec}`,
    f.p50.toFixed(2),
    f.p99.toFixed(2),
    f.ratio === undefined ? '' : `${f.ratio.toFixed(2)}x`,
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
      .join('  ');
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  console.log(
    'p50/p99: milliseconds per append or insert, per batch for reads. "vs raw": event store per sec / raw per sec.',
  );
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

runBench(main);
