import type { EachMessageHandler } from 'kafkajs';
import { fromEachMessagePayload } from './incoming-message';
import type { TopicHandler } from './topic-handler';

/**
 * For a bare kafkajs consumer (no Nest): `consumer.run({ eachMessage: dispatchToTopicHandlers(handlers) })`.
 * Unlike Nest's server, a message of a topic without a handler fails loudly instead of being committed.
 */
export function dispatchToTopicHandlers(handlers: readonly TopicHandler[]): EachMessageHandler {
  const byTopic = new Map<string, TopicHandler>();
  for (const handler of handlers) {
    if (byTopic.has(handler.topic)) throw new Error(`Two handlers for topic ${handler.topic}`);
    byTopic.set(handler.topic, handler);
  }
  return async (payload) => {
    const handler = byTopic.get(payload.topic);
    if (!handler) throw new Error(`No handler for topic ${payload.topic}: subscribe only to topics that have one`);
    await handler.handle(fromEachMessagePayload(payload));
  };
}
