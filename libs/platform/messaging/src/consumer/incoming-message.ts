import type { KafkaContext } from '@nestjs/microservices';
import type { EachMessagePayload, IHeaders } from 'kafkajs';

export type IncomingHeaders = IHeaders;

/** One delivered record, independent of whether Nest or a bare kafkajs consumer delivered it. */
export interface IncomingKafkaMessage {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | string | null;
  /** The original bytes (kafkajs, or Nest with `keepBinary`), or what Nest's default parser made of them. */
  value: unknown;
  headers: IncomingHeaders;
  /** Keeps the group membership alive while a message is retried. */
  heartbeat?: () => Promise<void>;
}

export function fromEachMessagePayload({
  topic,
  partition,
  message,
  heartbeat,
}: EachMessagePayload): IncomingKafkaMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key,
    value: message.value,
    headers: message.headers ?? {},
    heartbeat,
  };
}

/** For `@EventPattern(topic)` handlers: `handle(@Ctx() context: KafkaContext)`. */
export function fromKafkaContext(context: KafkaContext): IncomingKafkaMessage {
  const message = context.getMessage();
  return {
    topic: context.getTopic(),
    partition: context.getPartition(),
    offset: message.offset,
    key: message.key,
    value: message.value,
    headers: message.headers ?? {},
    heartbeat: context.getHeartbeat(),
  };
}
