import type { Envelope, IntegrationEvent } from '@carecircle/contracts';
import type { Inbox } from '../inbox/inbox';
import { SharedTransactionAborted, sharedInboxTransaction } from '../inbox/inbox-transaction';
import type { MessagingLogLevel, MessagingLogger } from '../logging/messaging-logger';
import type { DeadLetterPublisher } from './dead-letter.publisher';
import { decodeMessage } from './decode-message';
import type { DescribeError } from './error-summary';
import type { EventRoute } from './event-route';
import type { HandleOutcome, HandleStatus } from './handle-outcome';
import type { IncomingKafkaMessage } from './incoming-message';
import { PoisonMessageError } from './message-rejections';
import { backoffDelayMs } from '../shared/backoff';
import type { RetryPolicy } from './retry-policy';

/** Everything a topic handler shares with the others of its consumer group (see `IntegrationEventConsumer`). */
export interface TopicHandlerContext {
  consumerGroup: string;
  inbox: Pick<Inbox, 'handleOnce'>;
  deadLetters: DeadLetterPublisher;
  retry: RetryPolicy;
  sleep: (ms: number) => Promise<void>;
  describeError: DescribeError;
  isTransient: (error: unknown) => boolean;
  logger: MessagingLogger;
  onOutcome: (outcome: HandleOutcome) => void;
}

export interface TopicRoutes {
  routes: EventRoute[];
  /** Types on this topic the consumer knowingly does not handle; any other unrouted type is logged as a warning. */
  ignore?: string[];
  /**
   * Keep each routed event with its inbox row (`kept_message`): set on a topic that feeds a read model
   * rebuilt from zero (`keptMessageProjection`), since the broker's retention ends. Turning it on for a
   * topic already consumed needs a migration that adds a newer `kept_message_start` row: the rebuild's
   * refusal of events handled before keeping began goes by the latest start.
   */
  keep?: boolean;
}

type ParsedMessage =
  | { kind: 'poison'; error: PoisonMessageError; envelope?: Envelope }
  | { kind: 'unrouted'; envelope: Envelope }
  | { kind: 'routed'; route: EventRoute; event: IntegrationEvent };

const LOG_LEVEL: Record<HandleStatus, MessagingLogLevel> = {
  processed: 'debug',
  duplicate: 'info',
  ignored: 'debug',
  'dead-lettered': 'error',
};

/**
 * The one handler of one topic: parse (JSON, envelope, the type's contract) → inbox → effect, with
 * bounded retries, then the dead-letter topic. It returns normally for every message it has settled,
 * so the partition keeps flowing; it throws only when the message must be redelivered (the dead
 * letter could not be published, or the database was unreachable through every retry).
 */
export class TopicHandler {
  private readonly routes = new Map<string, EventRoute>();
  private readonly ignored: ReadonlySet<string>;
  private readonly keep: boolean;

  constructor(
    readonly topic: string,
    { routes, ignore = [], keep = false }: TopicRoutes,
    private readonly context: TopicHandlerContext,
  ) {
    for (const route of routes) {
      if (this.routes.has(route.type)) throw new Error(`${topic}: two routes for event type ${route.type}`);
      if (ignore.includes(route.type)) throw new Error(`${topic}: event type ${route.type} is both routed and ignored`);
      this.routes.set(route.type, route);
    }
    this.ignored = new Set(ignore);
    this.keep = keep;
  }

  async handle(message: IncomingKafkaMessage): Promise<HandleOutcome> {
    if (message.topic !== this.topic)
      throw new Error(`The handler of ${this.topic} received a message of ${message.topic}`);
    const parsed = this.parse(message.value);
    switch (parsed.kind) {
      case 'poison':
        // Dead-lettered once, from its own transaction: not from a batch that may yet roll back.
        if (sharedInboxTransaction()) throw new SharedTransactionAborted(parsed.error);
        return this.deadLetter(message, parsed.error, 0, parsed.envelope); // retrying cannot help
      case 'unrouted': {
        const { eventId, type } = parsed.envelope;
        const ignoredBecause = this.ignored.has(type) ? 'declared' : 'unknown';
        return this.settle(message, { status: 'ignored', eventId, type, attempts: 0, ignoredBecause });
      }
      case 'routed':
        return this.runEffect(message, parsed.route, parsed.event);
    }
  }

  private parse(value: unknown): ParsedMessage {
    let envelope: Envelope | undefined;
    try {
      const decoded = decodeMessage(value);
      envelope = decoded.envelope;
      const route = this.routes.get(envelope.type);
      if (!route) return { kind: 'unrouted', envelope };
      return { kind: 'routed', route, event: route.parse(decoded.value) };
    } catch (error) {
      if (error instanceof PoisonMessageError) return { kind: 'poison', error, envelope };
      throw error;
    }
  }

  private async runEffect(
    message: IncomingKafkaMessage,
    route: EventRoute,
    event: IntegrationEvent,
  ): Promise<HandleOutcome> {
    const { consumerGroup, inbox, retry } = this.context;
    for (let attempt = 1; ; attempt++) {
      try {
        const kept = this.keep ? { topic: this.topic, type: event.type, body: event } : undefined;
        const status = await inbox.handleOnce(consumerGroup, event.eventId, (tx) => route.effect(event, tx), kept);
        return this.settle(message, { status, eventId: event.eventId, type: event.type, attempts: attempt });
      } catch (error) {
        // Retries and dead letters happen once the batch is rolled back and this message runs alone.
        if (error instanceof SharedTransactionAborted) throw error;
        if (attempt < retry.attempts) {
          this.log('warn', 'effect failed, retrying', message, {
            eventId: event.eventId,
            type: event.type,
            attempts: attempt,
            errorClass: this.context.describeError(error).errorClass,
          });
          await this.context.sleep(backoffDelayMs(retry, attempt));
          await message.heartbeat?.();
        } else if (this.context.isTransient(error)) {
          this.log(
            'error',
            'infrastructure unavailable through every retry: leaving the message for redelivery',
            message,
            { eventId: event.eventId, type: event.type, attempts: attempt },
          );
          throw error;
        } else {
          return this.deadLetter(message, error, attempt, event);
        }
      }
    }
  }

  private async deadLetter(
    message: IncomingKafkaMessage,
    error: unknown,
    attempts: number,
    envelope?: Envelope,
  ): Promise<HandleOutcome> {
    const failure = this.context.describeError(error);
    await this.context.deadLetters.publish({ consumerGroup: this.context.consumerGroup, message, failure, attempts });
    return this.settle(message, {
      status: 'dead-lettered',
      eventId: envelope?.eventId,
      type: envelope?.type,
      attempts,
      errorClass: failure.errorClass,
    });
  }

  private settle(
    message: IncomingKafkaMessage,
    result: Omit<HandleOutcome, 'topic' | 'partition' | 'offset'>,
  ): HandleOutcome {
    const outcome: HandleOutcome = {
      topic: message.topic,
      partition: message.partition,
      offset: message.offset,
      ...result,
    };
    // In a batch, nothing is settled until its transaction commits.
    const shared = sharedInboxTransaction();
    if (shared) shared.onCommitted(() => this.report(message, outcome));
    else this.report(message, outcome);
    return outcome;
  }

  private report(message: IncomingKafkaMessage, outcome: HandleOutcome): void {
    const level = outcome.ignoredBecause === 'unknown' ? 'warn' : LOG_LEVEL[outcome.status];
    this.log(
      level,
      outcome.ignoredBecause === 'unknown' ? 'ignored an event type this consumer has no route for' : outcome.status,
      message,
      {
        eventId: outcome.eventId,
        type: outcome.type,
        attempts: outcome.attempts,
        errorClass: outcome.errorClass,
      },
    );
    this.context.onOutcome(outcome);
  }

  private log(
    level: MessagingLogLevel,
    text: string,
    message: IncomingKafkaMessage,
    fields: Record<string, string | number | undefined>,
  ): void {
    this.context.logger({
      level,
      source: 'topic-handler',
      message: text,
      fields: {
        consumerGroup: this.context.consumerGroup,
        topic: message.topic,
        partition: message.partition,
        offset: message.offset,
        ...fields,
      },
    });
  }
}
