/**
 * The integration pipeline as a service runs it, timed hop by hop on real PostgreSQL and the Kafka
 * protocol (librdkafka's mock cluster through kcat, or KAFKA_BROKERS):
 *
 *   append (PostgresEventStore, one event per member stream, committed)
 *   → outbox (OutboxRelay reads the log, KafkaMessagePublisher gets the broker's ack)
 *   → kafka (a Nest Kafka consumer hands the message to its TopicHandler, the Inbox row is written)
 *   → read model (the effect upserts a per-member row in the inbox's transaction, committed)
 *
 *   npm run bench:pipeline [-- --events 10000 --writers 8 --rate 200 --seconds 20 --sustained-rate 1200
 *                            --sustained-seconds 60 --partitions-concurrently 4 --fetch-wait-ms 50
 *                            --linger-ms 10 --keep --json]
 *
 * Three runs: a burst of `--events` appended by `--writers` concurrent writers (`burstEventsPerSec`,
 * from the first append to the last read-model commit); an open-loop load of `--rate` events/s for
 * `--seconds` (per-hop p50/p99); and `--sustained-rate` events/s for `--sustained-seconds`
 * (`eventsPerSec`: what the pipeline held over that run, see `sustain`). Baseline, same broker, same
 * messages: plain kafkajs produce → consume (no database), its burst rate and its latency at `--rate`.
 * `--keep`: the consumer keeps each event with its inbox row, as a topic feeding a rebuildable read model does.
 * Its own database and topics. `--linger-ms` is the relay's (default: the services'); `--no-sustained`
 * skips the third run (the memory bench's load).
 * The consumer is the services' (`kafkaConsumerServer`: eachBatch, `--partitions-concurrently`
 * partitions at a time, the service default unless given); `--fetch-wait-ms` is both consumers'
 * maxWaitTimeInMs (default: the services'). `--topic` publishes to a named topic instead (the memory
 * bench aims it at the running services).
 * Prints figures only; nothing here asserts a timing.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { INestMicroservice } from '@nestjs/common';
import { MemberEnrolled } from '@carecircle/contracts';
import {
  ExpectedVersion,
  LogAppendSignal,
  PostgresEventStore,
  eventStoreMigrations,
} from '@carecircle/platform/event-store';
import {
  figurePrinter,
  latencySummary,
  pacedLoad,
  positiveInteger,
  positiveNumber,
  round2,
  runBench,
  waitFor,
  type BenchFigure,
} from '@carecircle/platform/testing';
import type { Kafka } from 'kafkajs';
import { Pool } from 'pg';
import { KafkaDeadLetterPublisher } from '../src/consumer/dead-letter.publisher';
import { on } from '../src/consumer/event-route';
import { IntegrationEventConsumer } from '../src/consumer/integration-event-consumer';
import { Inbox } from '../src/inbox/inbox';
import { DEFAULT_PARTITIONS_CONSUMED_CONCURRENTLY } from '../src/kafka-client/nest-kafka-options';
import { silentLogger } from '../src/logging/messaging-logger';
import { KafkaMessagePublisher, type MessagePublisher } from '../src/outbox-relay/message-publisher';
import { DEFAULT_LINGER_MS, OutboxRelay } from '../src/outbox-relay/outbox-relay';
import { PostgresRelayCheckpointStore } from '../src/outbox-relay/relay-checkpoint.store';
import {
  FETCH_WAIT_MS,
  startMessagingTestBed,
  uniqueName,
  type MessagingTestBed,
} from '../src/test-support/infrastructure';
import { startNestTopicConsumer } from '../src/test-support/nest-consumer-app';
import { enrollmentMapperTo, newEnrollmentEvent } from '../src/test-support/sample-events';

const { values: flags } = parseArgs({
  options: {
    events: { type: 'string', default: '10000' },
    writers: { type: 'string', default: '8' },
    rate: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '20' },
    topic: { type: 'string' },
    'partitions-concurrently': { type: 'string' },
    'fetch-wait-ms': { type: 'string' },
    'linger-ms': { type: 'string' },
    'sustained-rate': { type: 'string', default: '1200' },
    'sustained-seconds': { type: 'string', default: '60' },
    'no-sustained': { type: 'boolean', default: false },
    'no-baseline': { type: 'boolean', default: false },
    // The consumer keeps each event with its inbox row (`keep: true`), as a topic feeding a rebuildable read model does.
    keep: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const EVENTS = positiveInteger(flags.events, 'events');
const WRITERS = positiveInteger(flags.writers, 'writers');
const RATE = positiveNumber(flags.rate, 'rate');
const SECONDS = positiveNumber(flags.seconds, 'seconds');
const SUSTAINED_RATE = positiveNumber(flags['sustained-rate'], 'sustained-rate');
const SUSTAINED_SECONDS = positiveNumber(flags['sustained-seconds'], 'sustained-seconds');
/** The consumers' maxWaitTimeInMs, ours and the baseline's (the services' KAFKA_FETCH_MAX_WAIT_MS default). */
const FETCH_WAIT = positiveInteger(flags['fetch-wait-ms'] ?? String(FETCH_WAIT_MS), 'fetch-wait-ms');
const PARTITIONS_CONCURRENTLY = positiveInteger(
  flags['partitions-concurrently'] ?? String(DEFAULT_PARTITIONS_CONSUMED_CONCURRENTLY),
  'partitions-concurrently',
);
/** The relay's lingerMs (default: the services' RELAY_LINGER_MS default); 0 turns it off. */
const LINGER = flags['linger-ms'] === undefined ? DEFAULT_LINGER_MS : Number(flags['linger-ms']);
const BENCH = 'pipeline';
const HOPS = ['append', 'outbox', 'kafka', 'readModel'] as const;
const emit = figurePrinter(flags.json);

const READ_MODEL = `CREATE TABLE bench_member_enrolment (member_id text PRIMARY KEY, group_id text NOT NULL, enrolled_events integer NOT NULL, updated_at timestamptz NOT NULL)`;

/** When each event passed each point, by event id (performance.now() milliseconds). */
interface Stamps {
  appendStarted: number;
  appended?: number;
  published?: number;
  received?: number;
  committed?: number;
}

class Timings {
  readonly byEvent = new Map<string, Stamps>();
  committed = 0;
  stamp(eventId: string, point: Exclude<keyof Stamps, 'appendStarted'>): void {
    const stamps = this.byEvent.get(eventId);
    if (stamps && stamps[point] === undefined) stamps[point] = performance.now();
    if (point === 'committed' && stamps) this.committed++;
  }
  hops(ids: readonly string[]): Record<(typeof HOPS)[number] | 'endToEnd', number[]> {
    const all = ids.map((id) => this.byEvent.get(id)!).filter((s) => s.committed !== undefined);
    return {
      append: all.map((s) => s.appended! - s.appendStarted),
      outbox: all.map((s) => s.published! - s.appended!),
      kafka: all.map((s) => s.received! - s.published!),
      readModel: all.map((s) => s.committed! - s.received!),
      endToEnd: all.map((s) => s.committed! - s.appendStarted),
    };
  }
}

/** The real publisher, noting when the broker acknowledged each event. */
function stampingPublisher(inner: MessagePublisher, timings: Timings): MessagePublisher {
  return {
    publish: async (messages) => {
      await inner.publish(messages);
      for (const message of messages) timings.stamp((message.value as { eventId: string }).eventId, 'published');
    },
  };
}

interface Pipeline {
  append(eventIndex: number): Promise<string>;
  timings: Timings;
  stop(): Promise<void>;
}

async function startPipeline(bed: MessagingTestBed, topic: string): Promise<Pipeline> {
  const pool = new Pool({ connectionString: bed.database.db.url, max: WRITERS + 2 });
  pool.on('error', () => undefined); // an idle connection cut (the final DROP DATABASE ... WITH (FORCE)) is no figure
  await pool.query(READ_MODEL);
  // Wired as the service kit wires it (PersistenceModule, MessagingModule): appends wake the relay.
  const appendSignal = new LogAppendSignal(pool, { crossProcess: true });
  const store = new PostgresEventStore(pool, { appendSignal });
  const timings = new Timings();
  const relay = new OutboxRelay({
    name: uniqueName('bench-relay'),
    eventStore: store,
    checkpoints: new PostgresRelayCheckpointStore(bed.database.dataSource),
    publisher: stampingPublisher(new KafkaMessagePublisher(bed.producer), timings),
    map: enrollmentMapperTo(topic),
    lingerMs: LINGER,
    logger: silentLogger,
  });
  const group = uniqueName('bench-pipeline');
  const consumer = new IntegrationEventConsumer({
    consumerGroup: group,
    inbox: new Inbox(bed.database.dataSource),
    deadLetters: new KafkaDeadLetterPublisher(bed.producer),
    logger: silentLogger,
    // Settled = the inbox transaction (row and effect) committed.
    onOutcome: (outcome) => {
      if (outcome.eventId && outcome.status === 'processed') timings.stamp(outcome.eventId, 'committed');
    },
  });
  const handler = consumer.forTopic(topic, {
    keep: flags.keep,
    routes: [
      on(MemberEnrolled, async (event, tx) => {
        timings.stamp(event.eventId, 'received');
        await tx.query(
          `INSERT INTO bench_member_enrolment (member_id, group_id, enrolled_events, updated_at) VALUES ($1, $2, 1, now())
           ON CONFLICT (member_id) DO UPDATE SET enrolled_events = bench_member_enrolment.enrolled_events + 1, updated_at = now()`,
          [event.subject, event.payload.groupId],
        );
      }),
    ],
  });
  let app: INestMicroservice | undefined;
  try {
    app = await startNestTopicConsumer(handler, {
      brokers: bed.cluster.brokers,
      groupId: group,
      partitionsConsumedConcurrently: PARTITIONS_CONCURRENTLY,
      maxWaitTimeInMs: FETCH_WAIT,
    });
  } catch (error) {
    await pool.end();
    throw error;
  }
  relay.start();
  const stopWaking = appendSignal.subscribe(() => relay.wake());
  return {
    timings,
    append: async (eventIndex) => {
      const memberId = `mbr_bench_${String(eventIndex).padStart(7, '0')}`;
      const event = newEnrollmentEvent(memberId);
      timings.byEvent.set(event.eventId, { appendStarted: performance.now() });
      await store.appendToStream(`member-${memberId}`, [event], ExpectedVersion.any);
      timings.stamp(event.eventId, 'appended');
      return event.eventId;
    },
    stop: async () => {
      stopWaking();
      await relay.stop();
      await appendSignal.close();
      await app?.close();
      await pool.end();
    },
  };
}

/** Writers appending `count` events as fast as they can; resolves once every read-model row committed. */
async function burst(pipeline: Pipeline, count: number, offset: number): Promise<{ seconds: number; ids: string[] }> {
  const ids: string[] = [];
  const target = pipeline.timings.committed + count;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      while (next < count) ids.push(await pipeline.append(offset + next++));
    }),
  );
  await waitFor(() => pipeline.timings.committed >= target, {
    timeoutMs: 120_000 + count * 20,
    description: `${count} read-model commits (got ${pipeline.timings.committed - target + count})`,
    intervalMs: 5,
  });
  return { seconds: (performance.now() - started) / 1000, ids };
}

/**
 * Throughput held over a long run: `rate` events/s offered for `seconds` (above the goal, so a pipeline
 * that keeps up is not marked down by the last event's latency), divided by the time from the first
 * append to the last read-model commit. A pipeline that falls behind drains after the load stops,
 * so its figure is what it really sustained.
 */
async function sustain(pipeline: Pipeline, rate: number, seconds: number, offset: number) {
  const committedBefore = pipeline.timings.committed;
  const paced = await pacedLoad(rate, seconds, (index) => pipeline.append(offset + index));
  await waitFor(() => pipeline.timings.committed >= committedBefore + paced.outcomes.length, {
    timeoutMs: 600_000,
    description: `the ${paced.outcomes.length} sustained events to reach the read model`,
    intervalMs: 5,
  });
  const stamps = paced.outcomes.map((id) => pipeline.timings.byEvent.get(id)!);
  const firstAppend = stamps.reduce((min, s) => Math.min(min, s.appendStarted), Infinity);
  const lastCommit = stamps.reduce((max, s) => Math.max(max, s.committed!), 0);
  const elapsed = (lastCommit - firstAppend) / 1000;
  return {
    eventsPerSec: Math.round(stamps.length / elapsed),
    seconds: round2(elapsed),
    events: stamps.length,
    offeredRate: rate,
    achievedRate: paced.achievedRate,
    endToEnd: latencySummary(stamps.map((s) => s.committed! - s.appendStarted)),
  };
}

/** Plain kafkajs: one producer, one consumer group, the same messages and broker, nothing else. */
async function baseline(
  kafka: Kafka,
  bed: MessagingTestBed,
): Promise<{ eventsPerSec: number; p50: number; p99: number }> {
  const topic = uniqueName('bench.baseline');
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let received = 0;
  const consumer = kafka.consumer({ groupId: uniqueName('bench-baseline'), maxWaitTimeInMs: FETCH_WAIT });
  const mapper = enrollmentMapperTo(topic);
  const send = async (index: number) => {
    const event = newEnrollmentEvent(`mbr_base_${index}`);
    const message = mapper({ ...event, streamId: 'x', streamVersion: 0, globalPosition: 0n, recordedAt: new Date() })!;
    sentAt.set(event.eventId, performance.now());
    await bed.producer.send({
      topic,
      acks: -1,
      messages: [{ key: message.key, value: JSON.stringify(message.value) }],
    });
  };
  try {
    await send(-1); // creates the topic before the consumer subscribes
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const { eventId } = JSON.parse(String(message.value)) as { eventId: string };
        const at = sentAt.get(eventId);
        received++;
        if (at !== undefined && received > 1) latencies.push(performance.now() - at);
      },
    });
    await waitFor(() => received >= 1, { timeoutMs: 60_000, description: 'the baseline consumer to join' });
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: WRITERS }, async () => {
        while (next < EVENTS) await send(next++);
      }),
    );
    await waitFor(() => received >= EVENTS + 1, {
      timeoutMs: 120_000,
      description: `${EVENTS} baseline messages`,
      intervalMs: 5,
    });
    const eventsPerSec = Math.round(EVENTS / ((performance.now() - started) / 1000));
    latencies.length = 0;
    const before = received;
    const paced = await pacedLoad(RATE, SECONDS, (index) => send(EVENTS + index));
    await waitFor(() => received >= before + paced.outcomes.length, {
      timeoutMs: 60_000,
      description: 'the paced baseline messages',
      intervalMs: 5,
    });
    return { eventsPerSec, ...latencySummary(latencies) };
  } finally {
    await consumer.disconnect();
  }
}

async function main(): Promise<void> {
  const bed = await startMessagingTestBed('bench_pipeline', eventStoreMigrations);
  let pipeline: Pipeline | undefined;
  try {
    const topic = flags.topic ?? uniqueName('bench.pipeline');
    pipeline = await startPipeline(bed, topic);
    // Warm-up: the topic exists, the consumer has joined, plans are prepared.
    await burst(pipeline, Math.min(50, EVENTS), 0);
    const run = await burst(pipeline, EVENTS, 1_000_000);
    const eventsPerSec = Math.round(EVENTS / run.seconds);

    const committedBefore = pipeline.timings.committed;
    const paced = await pacedLoad(RATE, SECONDS, (index) => pipeline!.append(2_000_000 + index));
    await waitFor(() => pipeline!.timings.committed >= committedBefore + paced.outcomes.length, {
      timeoutMs: 120_000,
      description: 'the paced events to reach the read model',
      intervalMs: 5,
    });
    const hops = pipeline.timings.hops(paced.outcomes);
    const summaries = Object.fromEntries(
      Object.entries(hops).map(([hop, values]) => [hop, latencySummary(values)]),
    ) as Record<keyof typeof hops, ReturnType<typeof latencySummary>>;
    const worst = HOPS.reduce((a, b) => (summaries[b].p99 > summaries[a].p99 ? b : a));
    const worstP50 = HOPS.reduce((a, b) => (summaries[b].p50 > summaries[a].p50 ? b : a));
    const sustained = flags['no-sustained']
      ? undefined
      : await sustain(pipeline, SUSTAINED_RATE, SUSTAINED_SECONDS, 3_000_000);

    const base = flags['no-baseline'] ? undefined : await baseline(bed.kafka, bed);
    const withBaseline = (value: number | undefined) => (value === undefined ? {} : { baseline: value });
    const figures: BenchFigure[] = [
      ...(sustained === undefined
        ? []
        : [
            {
              bench: BENCH,
              metric: 'eventsPerSec',
              value: sustained.eventsPerSec,
              unit: 'events/s',
              ...withBaseline(base?.eventsPerSec),
              seconds: sustained.seconds,
              events: sustained.events,
              offeredRate: sustained.offeredRate,
              achievedRate: sustained.achievedRate,
              endToEndP50Ms: sustained.endToEnd.p50,
              endToEndP99Ms: sustained.endToEnd.p99,
              partitionsConcurrently: PARTITIONS_CONCURRENTLY,
              fetchWaitMs: FETCH_WAIT,
              lingerMs: LINGER,
            } satisfies BenchFigure,
          ]),
      {
        bench: BENCH,
        metric: 'burstEventsPerSec',
        value: eventsPerSec,
        unit: 'events/s',
        ...withBaseline(base?.eventsPerSec),
        events: EVENTS,
        writers: WRITERS,
        seconds: round2(run.seconds),
        partitionsConcurrently: PARTITIONS_CONCURRENTLY,
      },
      {
        bench: BENCH,
        metric: 'hopP99Ms',
        value: summaries[worst].p99,
        unit: 'ms',
        ...withBaseline(base?.p99),
        hop: worst,
        rate: RATE,
        achievedRate: paced.achievedRate,
        events: paced.outcomes.length,
      },
      {
        bench: BENCH,
        metric: 'hopP50Ms',
        value: summaries[worstP50].p50,
        unit: 'ms',
        ...withBaseline(base?.p50),
        hop: worstP50,
        rate: RATE,
      },
      ...(['endToEnd', ...HOPS] as const).flatMap((hop): BenchFigure[] => [
        { bench: BENCH, metric: `${hop}P50Ms`, value: summaries[hop].p50, unit: 'ms', rate: RATE },
        { bench: BENCH, metric: `${hop}P99Ms`, value: summaries[hop].p99, unit: 'ms', rate: RATE },
      ]),
    ];
    figures.forEach(emit);
  } finally {
    await pipeline?.stop();
    await bed.stop();
  }
}

runBench(main);
