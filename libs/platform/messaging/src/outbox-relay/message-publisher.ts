import { ROOT_CONTEXT, context, propagation } from '@opentelemetry/api';
import type { Producer, TopicMessages } from 'kafkajs';
import { ACKS_ALL } from '../kafka-client/kafka-client.factory';
import type { OutgoingMessage } from './outgoing-message';

export interface MessagePublisher {
  /** Resolves once the broker acknowledged every message, in order per key; rejects otherwise. */
  publish(messages: readonly OutgoingMessage[]): Promise<void>;
}

/**
 * Publishes with the pinned producer (acks from all in-sync replicas). Each run of consecutive messages
 * that share a trace context is sent inside that context, so an OpenTelemetry kafkajs instrumentation,
 * if loaded, parents its producer spans on the request that caused the events. Runs are sent one after
 * another: awaiting each keeps the per-key order even when a request is retried.
 */
export class KafkaMessagePublisher implements MessagePublisher {
  constructor(private readonly producer: Producer) {}

  async publish(messages: readonly OutgoingMessage[]): Promise<void> {
    for (const run of runsByTraceContext(messages)) {
      const parent = propagation.extract(ROOT_CONTEXT, run[0]?.headers ?? {});
      await context.with(parent, () =>
        this.producer.sendBatch({ acks: ACKS_ALL, topicMessages: toTopicMessages(run) }),
      );
    }
  }
}

/** Consecutive messages with the same trace headers; one run when no propagator is registered (nothing to carry). */
export function runsByTraceContext(messages: readonly OutgoingMessage[]): OutgoingMessage[][] {
  const fields = propagation.fields();
  const contextOf = (message: OutgoingMessage) => fields.map((field) => message.headers?.[field] ?? '').join('\n');
  const runs: OutgoingMessage[][] = [];
  let current: OutgoingMessage[] = [];
  let currentContext: string | undefined;
  for (const message of messages) {
    const messageContext = contextOf(message);
    if (current.length > 0 && messageContext !== currentContext) {
      runs.push(current);
      current = [];
    }
    current.push(message);
    currentContext = messageContext;
  }
  if (current.length > 0) runs.push(current);
  return runs;
}

/** Groups by topic, keeping each topic's messages in their original order. */
function toTopicMessages(messages: readonly OutgoingMessage[]): TopicMessages[] {
  const byTopic = new Map<string, TopicMessages>();
  for (const { topic, key, value, headers } of messages) {
    let entry = byTopic.get(topic);
    if (!entry) byTopic.set(topic, (entry = { topic, messages: [] }));
    entry.messages.push({ key, value: JSON.stringify(value), headers: { ...headers } });
  }
  return [...byTopic.values()];
}
