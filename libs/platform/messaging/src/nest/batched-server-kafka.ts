import { ServerKafka } from '@nestjs/microservices';
import { performance } from 'node:perf_hooks';
import type { Consumer, EachBatchPayload, KafkaMessage } from '@nestjs/microservices/external/kafka.interface';
import { SharedInboxTransaction, withSharedInboxTransaction } from '../inbox/inbox-transaction';
import { kafkaMicroserviceOptions, type KafkaConsumerServerOptions } from '../kafka-client/nest-kafka-options';

/**
 * A run of one partition's messages shares one inbox transaction up to this many messages or this
 * long, whichever comes first. Bounded because an open transaction that wrote holds back what the
 * service's log readers (relay, processors) see until it commits.
 */
const MAX_MESSAGES_PER_TRANSACTION = 100;
const MAX_RUN_MS = 50;

/**
 * Nest's Kafka server consuming with kafkajs `eachBatch` instead of `eachMessage`. Each message of a
 * fetched batch still goes, in partition order, to the same Nest handler (`handleMessage`: parser,
 * deserializer, `@EventPattern` method, awaited), so controllers do not change. What the batch adds:
 *
 * - consecutive messages share one inbox transaction (`SharedInboxTransaction`), a run of at most
 *   `MAX_MESSAGES_PER_TRANSACTION` messages or `MAX_RUN_MS`; their offsets are resolved only once it
 *   committed, and kafkajs commits the resolved offsets when the batch returns;
 * - if anything in a run fails (an effect, a poison message, the commit), the run is rolled back and
 *   its messages are handled again one transaction each, with the usual retries and dead letters;
 * - a handler error there stops the batch at that message: kafkajs commits what was resolved before it
 *   and restarts the consumer, which fetches again from the failed message (nothing is skipped);
 * - `eachBatchAutoResolve` is off, so a batch cut short (the consumer stopping, a rebalance seeking
 *   the partition) never marks its unhandled messages as consumed.
 *
 * Partitions are handled `partitionsConsumedConcurrently` at a time (see `KafkaConsumerServerOptions`);
 * one partition's messages never run concurrently, and messages are keyed by subject, so each
 * member's events keep their order.
 */
export class BatchedServerKafka extends ServerKafka {
  private readonly routes = new Map<string, string>();

  /** Nest tries `JSON.parse` on the topic name for every message; the throw costs more than the handler lookup. */
  protected override getRouteFromPattern(pattern: string): string {
    let route = this.routes.get(pattern);
    if (route === undefined) {
      route = super.getRouteFromPattern(pattern);
      this.routes.set(pattern, route);
    }
    return route;
  }

  override async bindEvents(consumer: Consumer): Promise<void> {
    const topics = [...this.messageHandlers.keys()];
    if (topics.length > 0) await consumer.subscribe({ ...this.options.subscribe, topics });
    await consumer.run({
      ...this.options.run,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.handleBatch(payload),
    });
  }

  private async handleBatch({
    batch,
    resolveOffset,
    heartbeat,
    pause,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    const handle = (message: KafkaMessage) => this.handleMessage({ topic, partition, message, heartbeat, pause });
    const stopped = () => !isRunning() || isStale();
    let run: KafkaMessage[] = [];
    let shared = new SharedInboxTransaction();
    let runStarted = 0;
    /** Commits the run; if anything in it failed, handles its messages again one transaction each. */
    const settleRun = async (failed: boolean): Promise<void> => {
      if (!failed) {
        try {
          await shared.commit();
        } catch {
          failed = true;
        }
      }
      if (failed) {
        await shared.rollback();
        for (const message of run) {
          if (stopped()) return;
          await handle(message); // throws when the message must be redelivered: the partition stops here
          resolveOffset(message.offset);
        }
      } else {
        for (const message of run) resolveOffset(message.offset);
      }
      run = [];
      shared = new SharedInboxTransaction();
      await heartbeat();
    };
    try {
      for (const message of batch.messages) {
        if (stopped()) return;
        if (run.length === 0) runStarted = performance.now();
        run.push(message);
        let failed = false;
        try {
          await withSharedInboxTransaction(shared, () => handle(message));
        } catch {
          failed = true;
        }
        if (failed || run.length >= MAX_MESSAGES_PER_TRANSACTION || performance.now() - runStarted >= MAX_RUN_MS)
          await settleRun(failed);
      }
      if (run.length > 0 && !stopped()) await settleRun(false);
    } finally {
      // A run cut short (stopping, a rebalance) is never committed: its messages come again.
      await shared.rollback();
    }
  }
}

/** The service's Kafka server: `app.connectMicroservice({ strategy: kafkaConsumerServer(...) })`. */
export function kafkaConsumerServer(options: KafkaConsumerServerOptions): BatchedServerKafka {
  return new BatchedServerKafka(kafkaMicroserviceOptions(options).options);
}
