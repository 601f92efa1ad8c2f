import { SpanKind, context, propagation, trace } from '@opentelemetry/api';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ExpectedVersion, PostgresEventStore, eventStoreMigrations } from '@carecircle/platform/event-store';
import { startTracing, type TracingHandle } from '@carecircle/platform/observability';
import { waitFor } from '@carecircle/platform/testing';
import type { IntegrationEvent } from '@carecircle/contracts';
import * as kafkajs from 'kafkajs';
import { Pool } from 'pg';
import { silentLogger } from '../logging/messaging-logger';
import { enrollmentMapperTo, newEnrollmentEvent } from '../test-support/sample-events';
import { readTopic, startMessagingTestBed, uniqueName, type MessagingTestBed } from '../test-support/infrastructure';
import { KafkaMessagePublisher } from './message-publisher';
import { OutboxRelay, type OutboxRelayOptions } from './outbox-relay';
import { PostgresRelayCheckpointStore } from './relay-checkpoint.store';

jest.setTimeout(60_000);

describe('OutboxRelay over the PostgreSQL event store and a real broker', () => {
  const spans = new InMemorySpanExporter();
  let tracing: TracingHandle;
  let bed: MessagingTestBed;
  let pool: Pool;
  let eventStore: PostgresEventStore;
  const relays: OutboxRelay[] = [];

  beforeAll(async () => {
    // The production SDK set-up; its kafkajs instrumentation patches on `require`, which Jest bypasses, so it is applied by hand.
    const kafkaInstrumentation = new KafkaJsInstrumentation();
    tracing = startTracing({
      serviceName: 'it-relay',
      spanProcessors: [new SimpleSpanProcessor(spans)],
      instrumentations: [kafkaInstrumentation],
    });
    for (const definition of kafkaInstrumentation.getModuleDefinitions()) definition.patch?.(kafkajs);

    bed = await startMessagingTestBed('outbox_relay', eventStoreMigrations);
    pool = new Pool({ connectionString: bed.database.db.url });
    eventStore = new PostgresEventStore(pool);
  });

  afterAll(async () => {
    for (const relay of relays) await relay.stop();
    await eventStore?.close();
    await pool?.end();
    await bed?.stop();
    await tracing?.shutdown();
  });

  /** Every relay reads the whole shared log; each test publishes only the events it appended. */
  function relay(topic: string, eventIds: string[], overrides: Partial<OutboxRelayOptions> = {}): OutboxRelay {
    const mapper = enrollmentMapperTo(topic);
    const created = new OutboxRelay({
      name: uniqueName('relay'),
      eventStore,
      checkpoints: new PostgresRelayCheckpointStore(bed.database.dataSource),
      publisher: new KafkaMessagePublisher(bed.producer),
      map: (event) => (eventIds.includes(event.eventId) ? mapper(event) : null),
      idleIntervalMs: 20,
      logger: silentLogger,
      ...overrides,
    });
    relays.push(created);
    return created;
  }

  /** Appends one enrollment event per member, in the given order, each in its own transaction; returns their ids. */
  async function append(members: string[], traceparent?: string): Promise<string[]> {
    const ids: string[] = [];
    for (const member of members) {
      const event = newEnrollmentEvent(member, traceparent);
      await eventStore.appendToStream(`member-${member}`, [event], ExpectedVersion.any);
      ids.push(event.eventId);
    }
    return ids;
  }

  const eventIdOf = (message: kafkajs.KafkaMessage) => (JSON.parse(String(message.value)) as IntegrationEvent).eventId;
  const eventIdsByKey = (messages: kafkajs.KafkaMessage[]) => {
    const byKey: Record<string, string[]> = {};
    for (const message of messages) (byKey[String(message.key)] ??= []).push(eventIdOf(message));
    return byKey;
  };

  it('publishes keyed by member in per-member order, continues the request trace, and checkpoints after the ack', async () => {
    const topic = uniqueName('it.relay');
    const request = trace.getTracer('it').startSpan('POST /fhir/Patient', { kind: SpanKind.SERVER });
    const carrier: Record<string, string> = {};
    propagation.inject(trace.setSpan(context.active(), request), carrier);
    request.end();
    const tracedIds = await append(['mbr_member_000a', 'mbr_member_000b', 'mbr_member_000a'], carrier['traceparent']);
    const unpublished = { ...newEnrollmentEvent('mbr_member_000a'), type: 'InternalNoteAdded' };
    await eventStore.appendToStream('member-mbr_member_000a', [unpublished], ExpectedVersion.any);
    const untracedIds = await append(['mbr_member_000b']);
    const [a1, b1, a2] = tracedIds;
    const [b2] = untracedIds;
    const outbox = relay(topic, [...tracedIds, unpublished.eventId, ...untracedIds], { batchSize: 2 });
    expect(await outbox.lag()).toMatchObject({ checkpoint: undefined, pendingEvents: expect.any(Number) });

    outbox.start();
    const messages = await readTopic(bed.kafka, topic, 4);
    expect(eventIdsByKey(messages)).toEqual({ mbr_member_000a: [a1, a2], mbr_member_000b: [b1, b2] });
    await waitFor(async () => (await outbox.lag()).pendingEvents === 0, {
      timeoutMs: 10_000,
      description: 'the relay to checkpoint its last batch',
    });
    await outbox.stop();

    const traceId = request.spanContext().traceId;
    const traced = messages.filter((m) => tracedIds.includes(eventIdOf(m)));
    expect(traced.map((m) => m.headers?.['traceparent']?.toString().split('-')[1])).toEqual([
      traceId,
      traceId,
      traceId,
    ]);
    const producerSpans = spans
      .getFinishedSpans()
      .filter((s) => s.kind === SpanKind.PRODUCER && s.name === `send ${topic}`);
    expect(
      producerSpans.filter((s) => s.spanContext().traceId === traceId).map((s) => s.parentSpanContext?.spanId),
    ).toEqual([request.spanContext().spanId, request.spanContext().spanId, request.spanContext().spanId]);
  });

  it('republishes a batch whose checkpoint was never stored (crash after the ack): duplicates, never a loss', async () => {
    const topic = uniqueName('it.relay-crash');
    const ids = await append(['mbr_member_000c', 'mbr_member_000c', 'mbr_member_000d']);
    // The global log shows a commit only once every older transaction in the cluster has finished
    // (other suites run in parallel): the crash must hit a batch holding all three events.
    await waitFor(
      async () =>
        (await eventStore.readAll({ maxCount: 1_000 })).filter((event) => ids.includes(event.eventId)).length ===
        ids.length,
      {
        timeoutMs: 20_000,
        description: 'the three appended events to become visible in the global log',
      },
    );
    const name = uniqueName('relay');
    const real = new KafkaMessagePublisher(bed.producer);
    const crashing = relay(topic, ids, {
      name,
      publisher: {
        publish: async (messages) => {
          await real.publish(messages);
          throw new Error('process died before the checkpoint commit');
        },
      },
    });
    await expect(crashing.relayOnce()).rejects.toThrow('process died');
    const restarted = relay(topic, ids, { name });
    let relayed = 0;
    while ((await restarted.relayOnce()).read > 0) relayed++;
    expect(relayed).toBeGreaterThan(0);

    const messages = await readTopic(bed.kafka, topic, 6);
    const received = messages.map(eventIdOf);
    for (const id of ids) expect(received.filter((r) => r === id)).toHaveLength(2);
  });

  it('lets replicas take turns on one checkpoint, so each event is published once', async () => {
    const topic = uniqueName('it.relay-replicas');
    const name = uniqueName('relay');
    const ids = await append([
      'mbr_member_000e',
      'mbr_member_000f',
      'mbr_member_000e',
      'mbr_member_000f',
      'mbr_member_000e',
    ]);
    const replicas = [relay(topic, ids, { name, batchSize: 1 }), relay(topic, ids, { name, batchSize: 1 })];
    replicas.forEach((replica) => replica.start());
    await waitFor(async () => (await replicas[0]?.lag())?.pendingEvents === 0, {
      timeoutMs: 20_000,
      description: 'the replicas to relay the whole log',
    });
    await Promise.all(replicas.map((replica) => replica.stop()));

    const admin = bed.kafka.admin();
    await admin.connect();
    const highWatermarks = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
    expect(highWatermarks.reduce((sum, p) => sum + Number(p.high), 0)).toBe(ids.length);
  });
});
