import type { EachMessagePayload } from 'kafkajs';
import type { IncomingKafkaMessage } from './incoming-message';
import { dispatchToTopicHandlers } from './each-message-dispatcher';
import type { TopicHandler } from './topic-handler';

function handlerOf(topic: string, received: IncomingKafkaMessage[]): TopicHandler {
  return {
    topic,
    handle: async (message: IncomingKafkaMessage) => void received.push(message),
  } as unknown as TopicHandler;
}

function payload(topic: string): EachMessagePayload {
  return {
    topic,
    partition: 1,
    message: {
      key: Buffer.from('k'),
      value: Buffer.from('{}'),
      offset: '42',
      headers: {},
      timestamp: '0',
      attributes: 0,
    },
    heartbeat: async () => undefined,
    pause: () => () => undefined,
  };
}

describe('dispatchToTopicHandlers (bare kafkajs consumers)', () => {
  it("hands each message to its topic's handler", async () => {
    const received: IncomingKafkaMessage[] = [];
    await dispatchToTopicHandlers([handlerOf('a', received)])(payload('a'));
    expect(received).toEqual([expect.objectContaining({ topic: 'a', partition: 1, offset: '42' })]);
  });

  it('fails loudly for a topic without a handler instead of letting the offset be committed', async () => {
    await expect(dispatchToTopicHandlers([handlerOf('a', [])])(payload('b'))).rejects.toThrow('No handler for topic b');
  });

  it('refuses two handlers for one topic', () => {
    expect(() => dispatchToTopicHandlers([handlerOf('a', []), handlerOf('a', [])])).toThrow('Two handlers for topic a');
  });
});
