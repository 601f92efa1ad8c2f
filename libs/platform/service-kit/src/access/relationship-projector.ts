import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import type { IntegrationEvent } from '@carecircle/contracts';
import {
  isRelationshipSource,
  RELATIONSHIP_TOPICS,
  relationshipFactsOf,
  type RelationshipFact,
} from '@carecircle/platform/access';
import { decodeMessage, type MessagingLogger } from '@carecircle/platform/messaging';
import type { RelationshipStore } from './relationship-store';

export interface RelationshipProjectorOptions {
  /** The service's name: its consumer group is `<service>.access`, apart from the service's own handlers. */
  service: string;
  kafka: Kafka;
  dataSource: DataSource;
  store: RelationshipStore;
  logger: MessagingLogger;
  sessionTimeoutMs: number;
}

/**
 * Keeps the service's relationship tables in step with the bus: its own consumer group, from the first
 * offset, each batch's facts and then its offsets, so a crash between the two replays the batch, which
 * changes nothing (facts are sets and deletes). A message that is not an event, or a source event that
 * breaks its contract, grants and ends nothing: it is logged (ids only) and passed.
 */
const RETRY_START_MS = 3_000;

export class RelationshipProjector {
  private consumer?: Consumer;
  private stopped = false;

  constructor(private readonly options: RelationshipProjectorOptions) {}

  /** Starts consuming; a broker that cannot be reached yet is tried again every few seconds until `stop`. */
  async start(): Promise<void> {
    const { kafka, service, sessionTimeoutMs } = this.options;
    while (!this.stopped) {
      const consumer = kafka.consumer({
        groupId: `${service}.access`,
        sessionTimeout: sessionTimeoutMs,
        heartbeatInterval: Math.floor(sessionTimeoutMs / 10),
        maxWaitTimeInMs: 250,
      });
      this.consumer = consumer;
      try {
        await consumer.connect();
        await consumer.subscribe({ topics: [...RELATIONSHIP_TOPICS], fromBeginning: true });
        await consumer.run({ eachBatchAutoResolve: false, eachBatch: (payload) => this.project(payload) });
        return;
      } catch {
        this.options.logger({
          level: 'warn',
          source: 'relationship-projector',
          message: 'relationship projector could not start: retrying',
          fields: { service },
        });
        await consumer.disconnect().catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, RETRY_START_MS));
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.consumer?.disconnect();
  }

  private async project({
    batch,
    resolveOffset,
    heartbeat,
    commitOffsetsIfNecessary,
  }: EachBatchPayload): Promise<void> {
    const facts: RelationshipFact[] = [];
    for (const message of batch.messages)
      facts.push(...this.factsOf(batch.topic, batch.partition, message.offset, message.value));
    if (facts.length > 0) await this.options.dataSource.transaction((tx) => this.options.store.apply(tx, facts));
    const last = batch.messages.at(-1);
    if (last) resolveOffset(last.offset);
    await commitOffsetsIfNecessary();
    await heartbeat();
  }

  private factsOf(topic: string, partition: number, offset: string, value: Buffer | null): RelationshipFact[] {
    let event: IntegrationEvent;
    try {
      const decoded = decodeMessage(value);
      if (!isRelationshipSource(decoded.envelope.type)) return [];
      event = decoded.value as IntegrationEvent;
      return relationshipFactsOf(event);
    } catch {
      this.options.logger({
        level: 'error',
        source: 'relationship-projector',
        message: 'unreadable relationship event passed: it grants and ends nothing',
        fields: { topic, partition, offset },
      });
      return [];
    }
  }
}
