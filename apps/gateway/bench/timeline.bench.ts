/**
 * The care timeline read model on real PostgreSQL:
 *  - one member with 5,000 entries, projected event by event through the live path (inbox-sized
 *    transactions, the per-member lock included);
 *  - the table filled up to 100,000 kept source events (other members, groups of ten), then a full
 *    rebuild from them timed, through the same code `npm run timeline:rebuild` runs;
 *  - p50/p99 of the member's timeline queries on the rebuilt table: the first page, a page from a
 *    cursor in the middle, a filtered page (kinds and a time range), and a live-stream poll;
 *  - `timeline/p99Ms`: the member's first page over HTTP (`GET /api/members/:id/timeline`, a SMART
 *    system token, the gateway in-process on the same database) at `--rate` requests/s for
 *    `--seconds`, beside the same query without HTTP (`baseline`).
 *
 *   npm run bench:timeline [-- --entries 5000 --events 100000 --queries 200 --rate 50 --seconds 20 --json]
 *   npm run bench:rebuild  [-- --events 100000 --json]      (`--only rebuild`: the rebuild alone)
 *
 * Events are the contract fixtures (libs/contracts), one member's life of 19 events cloned with fresh
 * ids, the member's and the group's ids, and times shifted per copy. Its own database, dropped at the
 * end. Prints figures only; nothing here asserts a timing.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Pool } from 'pg';
import type { TimelineSourceEvent } from '@carecircle/gateway/domain';
import {
  encodeCursor,
  gatewayMigrations,
  latestTimelineChange,
  projectTimelineEvent,
  readTimeline,
  readTimelineChanges,
} from '@carecircle/gateway/read-models';
import { eventStoreMigrations, runMigrations, sqlOfPool, type Sql } from '@carecircle/platform/event-store';
import { createLogger } from '@carecircle/platform/observability';
import { messagingMigrations } from '@carecircle/platform/messaging';
import {
  createTestDatabase,
  figurePrinter,
  pacedHttp,
  percentile,
  positiveInteger,
  positiveNumber,
  round2,
  runBench,
  type BenchFigure,
  type HttpLoadFigures,
  type TestDatabase,
} from '@carecircle/platform/testing';
import { startGatewayHarness, type GatewayHarness } from '../src/testing/gateway-harness';
import { syntheticMemberLife } from '../src/testing/synthetic-member-life';
import { runTimelineRebuild } from '../src/timeline/rebuild-timeline';

const MEMBERS_PER_GROUP = 10;
const DAY_MS = 86_400_000;
const PAGE = 50;

const { values: flags } = parseArgs({
  options: {
    entries: { type: 'string', default: '5000' },
    events: { type: 'string', default: '100000' },
    queries: { type: 'string', default: '200' },
    rate: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '20' },
    only: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const ENTRIES = positiveInteger(flags.entries, 'entries');
const EVENTS = positiveInteger(flags.events, 'events');
const QUERIES = positiveInteger(flags.queries, 'queries');
const RATE = positiveNumber(flags.rate, 'rate');
const SECONDS = positiveNumber(flags.seconds, 'seconds');
if (flags.only !== undefined && flags.only !== 'rebuild') throw new Error('--only takes `rebuild`');

type Figure =
  | { figure: string; events: number; entries: number; seconds: number; eventsPerSec: number }
  | { figure: string; runs: number; rows: number; p50: number; p99: number };

const round = round2;

async function latency(figure: string, query: () => Promise<number>): Promise<Figure> {
  for (let i = 0; i < 5; i++) await query(); // warm the plan and the cache
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < QUERIES; i++) {
    const started = performance.now();
    rows = await query();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { figure, runs: QUERIES, rows, p50: round(percentile(times, 50)), p99: round(percentile(times, 99)) };
}

const count = async (sql: Sql, query: string, params: readonly unknown[] = []) =>
  Number((await sql<{ n: string }>(query, params))[0]?.n ?? 0);

/** One member's entries through the live path, a transaction per event as the inbox runs it. */
async function projectMember(pool: Pool, memberId: string): Promise<Figure> {
  const client = await pool.connect();
  let events = 0;
  const started = performance.now();
  try {
    for (
      let copy = 0;
      (await count(sqlOfPool(pool), 'SELECT count(*) AS n FROM gateway.timeline_entry WHERE member_id = $1', [
        memberId,
      ])) < ENTRIES;
      copy++
    ) {
      for (const event of syntheticMemberLife(memberId, 'grp_bench_solo', copy)) {
        await client.query('BEGIN');
        await projectTimelineEvent(sqlOfPool(client), event);
        await client.query('COMMIT');
        events++;
      }
    }
  } finally {
    client.release();
  }
  const seconds = (performance.now() - started) / 1000;
  const entries = await count(
    sqlOfPool(pool),
    'SELECT count(*) AS n FROM gateway.timeline_entry WHERE member_id = $1',
    [memberId],
  );
  return {
    figure: 'live projection (one member)',
    events,
    entries,
    seconds: round(seconds),
    eventsPerSec: Math.round(events / seconds),
  };
}

/** Kept source events for other members, inserted in bulk (the replay source; nothing derived yet). */
async function fillSourceEvents(pool: Pool, total: number): Promise<void> {
  let kept = await count(sqlOfPool(pool), 'SELECT count(*) AS n FROM gateway.timeline_source_event');
  let batch: TimelineSourceEvent[] = [];
  const flush = async () => {
    await pool.query(
      `INSERT INTO gateway.timeline_source_event (event_id, type, body) SELECT e->>'eventId', e->>'type', e FROM jsonb_array_elements($1::jsonb) AS e`,
      [JSON.stringify(batch)],
    );
    kept += batch.length;
    batch = [];
  };
  for (let member = 0; kept + batch.length < total; member++) {
    const memberId = `mbr_bench_${String(member).padStart(6, '0')}`;
    const groupId = `grp_bench_${String(Math.floor(member / MEMBERS_PER_GROUP)).padStart(5, '0')}`;
    batch.push(...syntheticMemberLife(memberId, groupId, member % 365).slice(0, total - kept - batch.length));
    if (batch.length >= 2_000) await flush();
  }
  if (batch.length) await flush();
}

async function rebuild(db: TestDatabase, pool: Pool): Promise<Figure> {
  const started = performance.now();
  // Progress on stderr: stdout carries only the figures.
  const result = await runTimelineRebuild(db.url, {
    out: process.stderr,
    logger: createLogger('gateway-timeline-rebuild', { destination: process.stderr }),
  });
  const seconds = (performance.now() - started) / 1000;
  const entries = await count(sqlOfPool(pool), 'SELECT count(*) AS n FROM gateway.timeline_entry');
  return {
    figure: 'full rebuild (all members)',
    events: result.total,
    entries,
    seconds: round(seconds),
    eventsPerSec: Math.round(result.total / seconds),
  };
}

async function queries(pool: Pool, memberId: string): Promise<Figure[]> {
  const sql = sqlOfPool(pool);
  const entries = await count(sql, 'SELECT count(*) AS n FROM gateway.timeline_entry WHERE member_id = $1', [memberId]);
  const [middle] = await sql<{ at: Date; source_event_id: string }>(
    `SELECT at, source_event_id FROM gateway.timeline_entry WHERE member_id = $1 ORDER BY at, source_event_id OFFSET $2 LIMIT 1`,
    [memberId, Math.floor(entries / 2)],
  );
  if (!middle) throw new Error('the member has no entries');
  const cursor = encodeCursor({ at: middle.at.toISOString(), sourceEventId: middle.source_event_id });
  const from = new Date(middle.at.getTime() - 180 * DAY_MS).toISOString();
  const to = middle.at.toISOString();
  const latest = await latestTimelineChange(sql, memberId);
  return [
    await latency(
      `first page (${PAGE})`,
      async () => (await readTimeline(sql, memberId, { limit: PAGE })).entries.length,
    ),
    await latency(
      `middle page from a cursor (${PAGE})`,
      async () => (await readTimeline(sql, memberId, { limit: PAGE, cursor })).entries.length,
    ),
    await latency(
      `alerts and treatment, 180 days (${PAGE})`,
      async () =>
        (await readTimeline(sql, memberId, { limit: PAGE, kinds: ['alert', 'treatment'], from, to })).entries.length,
    ),
    await latency(
      'live stream poll, nothing new',
      async () => (await readTimelineChanges(sql, memberId, latest)).entries.length,
    ),
  ];
}

/** The figures as JSON lines: `rebuild/seconds`, `timeline/p99Ms` (HTTP) and the read model's own. */
function figureLines(
  figures: readonly Figure[],
  http: HttpLoadFigures | undefined,
  context: { memberEntries: number; totalEntries: number },
): BenchFigure[] {
  const writes = figures.filter((f): f is Extract<Figure, { events: number }> => 'events' in f);
  const reads = figures.filter((f): f is Extract<Figure, { runs: number }> => 'runs' in f);
  const rebuilt = writes.find((f) => f.figure.startsWith('full rebuild'));
  const live = writes.find((f) => f.figure.startsWith('live projection'));
  const firstPage = reads[0];
  const lines: BenchFigure[] = [];
  if (rebuilt)
    lines.push({
      bench: 'rebuild',
      metric: 'seconds',
      value: rebuilt.seconds,
      unit: 's',
      events: rebuilt.events,
      entries: rebuilt.entries,
      eventsPerSec: rebuilt.eventsPerSec,
    });
  if (http) {
    const over = {
      memberEntries: context.memberEntries,
      rate: RATE,
      achievedRate: http.achievedRate,
      requests: http.requests,
      errors: http.errors,
      throttled: http.throttled,
      over: 'HTTP GET /api/members/:id/timeline (first page); baseline: the same query without HTTP',
    };
    lines.push({
      bench: 'timeline',
      metric: 'p99Ms',
      value: http.p99,
      unit: 'ms',
      baseline: firstPage?.p99 ?? null,
      ...over,
    });
    lines.push({
      bench: 'timeline',
      metric: 'p50Ms',
      value: http.p50,
      unit: 'ms',
      baseline: firstPage?.p50 ?? null,
      rate: RATE,
    });
  }
  if (live)
    lines.push({
      bench: 'timeline',
      metric: 'liveProjectionEventsPerSec',
      value: live.eventsPerSec,
      unit: 'events/s',
      events: live.events,
      entries: live.entries,
    });
  for (const read of reads) {
    lines.push({
      bench: 'timeline',
      metric: 'queryP99Ms',
      value: read.p99,
      unit: 'ms',
      p50: read.p50,
      query: read.figure,
      runs: read.runs,
      rows: read.rows,
      over: 'read-model function on a pool, no HTTP',
      tableEntries: context.totalEntries,
    });
  }
  return lines;
}

function print(
  figures: readonly Figure[],
  http: HttpLoadFigures | undefined,
  context: { memberEntries: number; totalEntries: number },
): void {
  if (flags.json) {
    figureLines(figures, http, context).forEach(figurePrinter(true));
    return;
  }
  const table = (header: string[], rows: string[][]) => {
    const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
    const line = (cells: readonly string[]) =>
      cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
    console.log(line(header));
    for (const row of rows) console.log(line(row));
  };
  const writes = figures.filter((f): f is Extract<Figure, { events: number }> => 'events' in f);
  const reads = figures.filter((f): f is Extract<Figure, { runs: number }> => 'runs' in f);
  table(
    ['write', 'events', 'entries', 'seconds', 'events/s'],
    writes.map((f) => [f.figure, f.events, f.entries, f.seconds, f.eventsPerSec].map(String)),
  );
  console.log('');
  table(
    ['query', 'runs', 'rows', 'p50 ms', 'p99 ms'],
    reads.map((f) => [f.figure, f.runs, f.rows, f.p50, f.p99].map(String)),
  );
  console.log(
    `One member with ${context.memberEntries} entries, in a table of ${context.totalEntries}; queries through the read model's functions on a pool (no HTTP).`,
  );
  if (http)
    console.log(
      `Over HTTP at ${RATE} req/s: p50 ${http.p50} ms, p99 ${http.p99} ms, ${http.errors} errors, ${http.throttled} throttled (${http.requests} requests).`,
    );
}

/** The member's first page over HTTP at a fixed rate, as a SMART backend client with `system/Patient.r`. */
async function overHttp(gateway: GatewayHarness, memberId: string): Promise<HttpLoadFigures> {
  const token = await gateway.accessToken('bench', 'system/Patient.r');
  const url = `${gateway.base}/api/members/${memberId}/timeline?limit=${PAGE}`;
  const get = () => fetch(url, { headers: { authorization: `Bearer ${token}` } });
  for (let i = 0; i < 5; i++) await (await get()).arrayBuffer();
  return pacedHttp(RATE, SECONDS, get);
}

async function main(): Promise<void> {
  const rebuildOnly = flags.only === 'rebuild';
  let gateway: GatewayHarness | undefined;
  let db: TestDatabase | undefined;
  let pool: Pool | undefined;
  try {
    // The gateway runs on the bench's database, so the HTTP figure reads the very table measured below.
    if (rebuildOnly) db = await createTestDatabase('gateway_timeline_bench');
    else {
      gateway = await startGatewayHarness({
        database: 'gateway_timeline_bench',
        clients: [{ clientId: 'bench', scope: 'system/Patient.r' }],
        env: { SMART_ACCESS_TOKEN_TTL_SECONDS: '3600' },
      });
      db = gateway.db;
    }
    await runMigrations(db.url, [...eventStoreMigrations, ...messagingMigrations, ...gatewayMigrations]);
    pool = new Pool({ connectionString: db.url, max: 4 });
    const member = 'mbr_bench_many_entries';
    const figures: Figure[] = [];
    if (!rebuildOnly) {
      process.stderr.write(`projecting ${ENTRIES} entries for one member…\n`);
      figures.push(await projectMember(pool, member));
    }
    process.stderr.write(`keeping ${EVENTS} source events in all…\n`);
    await fillSourceEvents(pool, EVENTS);
    figures.push(await rebuild(db, pool));
    if (!rebuildOnly) figures.push(...(await queries(pool, member)));
    const http = gateway ? await overHttp(gateway, member) : undefined;
    const sql = sqlOfPool(pool);
    print(figures, http, {
      memberEntries: await count(sql, 'SELECT count(*) AS n FROM gateway.timeline_entry WHERE member_id = $1', [
        member,
      ]),
      totalEntries: await count(sql, 'SELECT count(*) AS n FROM gateway.timeline_entry'),
    });
  } finally {
    await pool?.end();
    if (gateway) await gateway.stop();
    else await db?.drop();
  }
}

runBench(main);
