import { ServerKafka } from '@nestjs/microservices';
import type { Consumer, EachBatchPayload } from '@nestjs/microservices/external/kafka.interface';
import { kafkaMicroserviceOptions, type KafkaConsumerServerOptions } from '../kafka-client/nest-kafka-options';

/**
 * Nest's Kafka server consuming with kafkajs `eachBatch` instead of `eachMessage`. Each message of a
 * fetched batch still goes, in partition order, to the same Nest handler (`handleMessage`: parser,
 * deserializer, `@EventPattern` method, awaited), so controllers do not change. What the batch adds:
 *
 * - the offset is resolved only after the handler finished, message by message, and committed once
 *   per batch (kafkajs commits the resolved offsets when the batch returns);
 * - a handler error stops the batch at that message: kafkajs commits what was resolved before it and
 *   restarts the consumer, which fetches again from the failed message (nothing is skipped);
 * - `eachBatchAutoResolve` is off, so a batch cut short (the consumer stopping, a rebalance seeking
 *   the partition) never marks its unhandled messages as consumed.
 *
 * Partitions are handled `partitionsConsumedConcurrently` at a time (see `KafkaConsumerServerOptions`);
 * one partition's messages never run concurrently, and messages are keyed by subject, so each
 * member's events keep their order.
 */
export class BatchedServerKafka extends ServerKafka {
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
    commitOffsetsIfNecessary,
  }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) break;
      await this.handleMessage({ topic, partition, message, heartbeat, pause });
      resolveOffset(message.offset);
      await heartbeat();
    }
    // A no-op unless an auto-commit interval or threshold is set; kafkajs commits after the batch anyway.
    await commitOffsetsIfNecessary();
  }
}

/** The service's Kafka server: `app.connectMicroservice({ strategy: kafkaConsumerServer(...) })`. */
export function kafkaConsumerServer(options: KafkaConsumerServerOptions): BatchedServerKafka {
  return new BatchedServerKafka(kafkaMicroserviceOptions(options).options);
}
