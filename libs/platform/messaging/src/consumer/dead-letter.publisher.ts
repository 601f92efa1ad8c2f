import { deadLetterTopic } from '@carecircle/contracts';
import type { Producer } from 'kafkajs';
import { ACKS_ALL } from '../kafka-client/kafka-client.factory';
import { rawValue } from './decode-message';
import type { ErrorSummary } from './error-summary';
import type { IncomingKafkaMessage } from './incoming-message';

/** Headers added to a dead-lettered message; the original headers (trace context included) are kept. */
export const DeadLetterHeaders = {
  originalTopic: 'dlq-original-topic',
  originalPartition: 'dlq-original-partition',
  originalOffset: 'dlq-original-offset',
  consumerGroup: 'dlq-consumer-group',
  errorClass: 'dlq-error-class',
  errorMessage: 'dlq-error-message',
  attempts: 'dlq-attempts',
} as const;

export interface DeadLetter {
  consumerGroup: string;
  message: IncomingKafkaMessage;
  failure: ErrorSummary;
  attempts: number;
}

export interface DeadLetterPublisher {
  /** Resolves once the broker acknowledged the dead letter; rejects otherwise (the message is then redelivered). */
  publish(letter: DeadLetter): Promise<void>;
}

/** Parks the original message, byte for byte and with its key, on `deadLetterTopic(consumerGroup)`. */
export class KafkaDeadLetterPublisher implements DeadLetterPublisher {
  constructor(private readonly producer: Producer) {}

  async publish({ consumerGroup, message, failure, attempts }: DeadLetter): Promise<void> {
    await this.producer.send({
      topic: deadLetterTopic(consumerGroup),
      acks: ACKS_ALL,
      messages: [
        {
          key: message.key,
          value: rawValue(message.value),
          headers: {
            ...message.headers,
            [DeadLetterHeaders.originalTopic]: message.topic,
            [DeadLetterHeaders.originalPartition]: String(message.partition),
            [DeadLetterHeaders.originalOffset]: message.offset,
            [DeadLetterHeaders.consumerGroup]: consumerGroup,
            [DeadLetterHeaders.errorClass]: failure.errorClass,
            [DeadLetterHeaders.errorMessage]: failure.errorMessage,
            [DeadLetterHeaders.attempts]: String(attempts),
          },
        },
      ],
    });
  }
}
