import { EventPattern, Transport } from '@nestjs/microservices';

/** Marks handlers declared through `@KafkaTopicHandler` (kept in Nest's handler `extras`). */
export const TOPIC_HANDLER_EXTRA = 'carecircleTopicHandler';

/**
 * The one Nest handler of a Kafka topic. Its method hands the message to the topic's `TopicHandler`,
 * which dispatches on the envelope `type`:
 *
 *   @KafkaTopicHandler(Topics.enrollment)
 *   onEnrollment(@Ctx() context: KafkaContext) {
 *     return this.enrollment.handle(fromKafkaContext(context));
 *   }
 *
 * An event pattern (not a message pattern): no reply is expected, and ServerKafka awaits the returned
 * promise before kafkajs resolves the message, so its offset is committed only after the effect.
 */
export function KafkaTopicHandler(topic: string): MethodDecorator {
  return EventPattern(topic, Transport.KAFKA, { [TOPIC_HANDLER_EXTRA]: true });
}
