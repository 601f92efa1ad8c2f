import type { Inbox } from '../inbox/inbox';
import { warningsToStderr, type MessagingLogger } from '../logging/messaging-logger';
import type { DeadLetterPublisher } from './dead-letter.publisher';
import { describeErrorSafely, type DescribeError } from './error-summary';
import type { HandleOutcome } from './handle-outcome';
import { sleep } from '../shared/backoff';
import { isTransientError, resolveRetryPolicy, type RetryPolicy } from './retry-policy';
import { TopicHandler, type TopicHandlerContext, type TopicRoutes } from './topic-handler';

export interface IntegrationEventConsumerOptions {
  /** The Kafka consumer group. Also the inbox's consumer name and the DLQ: `deadLetterTopic(consumerGroup)`. */
  consumerGroup: string;
  inbox: Pick<Inbox, 'handleOnce'>;
  deadLetters: DeadLetterPublisher;
  retry?: Partial<RetryPolicy>;
  /** Injectable so tests need not wait out real backoff. */
  sleep?: (ms: number) => Promise<void>;
  /** What a dead letter's headers say about the error (default: class and a message built from codes only). */
  describeError?: DescribeError;
  /** Errors that mean "the database is away", redelivered instead of dead-lettered (default: connection classes). */
  isTransient?: (error: unknown) => boolean;
  logger?: MessagingLogger;
  /** For metrics: called once per settled message. */
  onOutcome?: (outcome: HandleOutcome) => void;
}

/** Builds the topic handlers of one consumer group; they share its inbox, dead-letter topic and retry policy. */
export class IntegrationEventConsumer {
  private readonly context: TopicHandlerContext;
  private readonly topics = new Set<string>();

  constructor(options: IntegrationEventConsumerOptions) {
    this.context = {
      consumerGroup: options.consumerGroup,
      inbox: options.inbox,
      deadLetters: options.deadLetters,
      retry: resolveRetryPolicy(options.retry),
      sleep: options.sleep ?? sleep,
      describeError: options.describeError ?? describeErrorSafely,
      isTransient: options.isTransient ?? isTransientError,
      logger: options.logger ?? warningsToStderr,
      onOutcome: options.onOutcome ?? (() => undefined),
    };
  }

  get consumerGroup(): string {
    return this.context.consumerGroup;
  }

  /** One handler per topic: asking twice for the same topic is a wiring mistake and throws. */
  forTopic(topic: string, routes: TopicRoutes): TopicHandler {
    if (this.topics.has(topic)) throw new Error(`${this.context.consumerGroup} already has a handler for ${topic}`);
    this.topics.add(topic);
    return new TopicHandler(topic, routes, this.context);
  }
}
