import {
  Inject,
  Injectable,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type { Kafka, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import type { EventStore, LogAppendSignal } from '@carecircle/platform/event-store';
import {
  createKafka,
  createProducer,
  Inbox,
  IntegrationEventConsumer,
  KafkaDeadLetterPublisher,
  KafkaMessagePublisher,
  OutboxRelay,
  PostgresRelayCheckpointStore,
  provisionTopics,
  SingleProcessRelayCheckpointStore,
  type MessagingLogger,
  type OutgoingMessageMapper,
} from '@carecircle/platform/messaging';
import { RELATIONSHIP_TOPICS } from '@carecircle/platform/access';
import { createLogger } from '@carecircle/platform/observability';
import type { HealthContributor } from '../health/health-contributor';
import { readKafkaSecurity } from '../config/kafka-security-env';
import { EVENT_STORE, LOG_APPEND_SIGNAL } from './persistence.module';
import { readEventSourcedServiceEnv, type EventSourcedServiceEnv } from './wiring-env';

export const KAFKA = Symbol('KAFKA');
export const KAFKA_PRODUCER = Symbol('KAFKA_PRODUCER');
export const OUTBOX_RELAY = Symbol('OUTBOX_RELAY');
const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');
const SERVICE_ENV = Symbol('SERVICE_ENV');

export interface MessagingModuleOptions {
  /** Kafka client id, consumer group, inbox consumer name and relay name. */
  service: string;
  /** Topics this service publishes to: provisioned at start (on clusters that need it). */
  publishes?: readonly string[];
  /** Topics this service consumes: provisioned too, so a consumer can start before the producer. */
  consumes?: readonly string[];
  /** Domain events → integration events. Without it, the service publishes nothing. */
  relay?: { map: OutgoingMessageMapper };
}

/** Routes the messaging library's log entries (ids and codes only) into the service's pino logger. */
export function pinoMessagingLogger(service: string): MessagingLogger {
  const logger = createLogger(service);
  return ({ level, source, message, fields }) => logger[level]({ ...fields, source }, message);
}

/** Provisions topics, then starts the relay once the app is up; stops it before the pool and producer close. */
@Injectable()
class MessagingLifecycle implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
    @Inject(SERVICE_ENV) private readonly env: EventSourcedServiceEnv,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(KAFKA_PRODUCER) private readonly producer: Producer,
    @Inject(OUTBOX_RELAY) private readonly relay: OutboxRelay | null,
    @Inject(LOG_APPEND_SIGNAL) private readonly appendSignal: LogAppendSignal,
  ) {}

  private stopWaking?: () => void;

  async onModuleInit(): Promise<void> {
    // The access relationships (AccessModule) are read from their topics in every service.
    const topics = [
      ...new Set([...(this.options.publishes ?? []), ...(this.options.consumes ?? []), ...RELATIONSHIP_TOPICS]),
    ];
    await provisionTopics(
      this.kafka,
      topics.map((topic) => ({
        topic,
        numPartitions: this.env.KAFKA_TOPIC_PARTITIONS,
        replicationFactor: this.env.KAFKA_TOPIC_REPLICATION,
      })),
      { autoCreated: this.env.KAFKA_TOPICS_AUTO_CREATED === 'true', logger: pinoMessagingLogger(this.options.service) },
    );
    await this.producer.connect();
  }

  onApplicationBootstrap(): void {
    if (!this.relay) return;
    const relay = this.relay;
    relay.start();
    // Relayed when appended (here or by another replica), not at the next poll.
    this.stopWaking = this.appendSignal.subscribe(() => relay.wake());
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopWaking?.();
    await this.relay?.stop();
    await this.producer.disconnect();
  }
}

/**
 * `/health` reports the relay's backlog and its last failure; a stuck relay makes the service unready.
 * Give it to `HealthModule.forRoot({ contributors: [...] })`, which instantiates it.
 */
@Injectable()
export class OutboxRelayHealthContributor implements HealthContributor {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(OUTBOX_RELAY) private readonly relay: OutboxRelay | null,
    @Inject(LOG_APPEND_SIGNAL) private readonly appendSignal: LogAppendSignal,
  ) {}

  private stopWaking?: () => void;

  async check(): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check('outbox-relay');
    if (!this.relay) return indicator.up({ relay: 'not running in this process' });
    const status = this.relay.status();
    const lag = await this.relay.lag(10_000);
    const details = {
      running: status.running,
      pendingEvents: lag.pendingEvents,
      consecutiveFailures: status.consecutiveFailures,
      lastErrorClass: status.lastErrorClass,
    };
    return status.running && status.consecutiveFailures < 5 ? indicator.up(details) : indicator.down(details);
  }
}

/**
 * Kafka for a service: the pinned producer, the outbox relay over its event store, and the inbox
 * consumer its topic handlers share. The consumer side (Nest's Kafka server) is connected in main.ts
 * with `connectKafkaConsumer`.
 */
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingModuleOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        { provide: SERVICE_ENV, useFactory: () => readEventSourcedServiceEnv() },
        {
          provide: KAFKA,
          useFactory: (env: EventSourcedServiceEnv) =>
            createKafka({
              clientId: options.service,
              brokers: env.KAFKA_BROKERS,
              logger: pinoMessagingLogger(options.service),
              ...readKafkaSecurity(),
            }),
          inject: [SERVICE_ENV],
        },
        { provide: KAFKA_PRODUCER, useFactory: (kafka: Kafka) => createProducer(kafka), inject: [KAFKA] },
        {
          provide: Inbox,
          // Processed: the log is readable up to the effect's appends now; the relay and processors need not poll for them.
          useFactory: (dataSource: DataSource, appendSignal: LogAppendSignal) =>
            new Inbox(dataSource, () => appendSignal.appended()),
          inject: [DataSource, LOG_APPEND_SIGNAL],
        },
        {
          provide: IntegrationEventConsumer,
          useFactory: (inbox: Inbox, producer: Producer) =>
            new IntegrationEventConsumer({
              consumerGroup: options.service,
              inbox,
              deadLetters: new KafkaDeadLetterPublisher(producer),
              logger: pinoMessagingLogger(options.service),
            }),
          inject: [Inbox, KAFKA_PRODUCER],
        },
        {
          provide: OUTBOX_RELAY,
          useFactory: (env: EventSourcedServiceEnv, store: EventStore, dataSource: DataSource, producer: Producer) =>
            options.relay && env.OUTBOX_RELAY_ENABLED === 'true'
              ? new OutboxRelay({
                  name: options.service,
                  eventStore: store,
                  checkpoints:
                    env.DATABASE_SINGLE_SESSION === 'true'
                      ? new SingleProcessRelayCheckpointStore(dataSource)
                      : new PostgresRelayCheckpointStore(dataSource),
                  publisher: new KafkaMessagePublisher(producer),
                  map: options.relay.map,
                  batchSize: env.RELAY_BATCH_SIZE,
                  lingerMs: env.RELAY_LINGER_MS,
                  logger: pinoMessagingLogger(options.service),
                })
              : null,
          inject: [SERVICE_ENV, EVENT_STORE, DataSource, KAFKA_PRODUCER],
        },
        MessagingLifecycle,
      ],
      exports: [KAFKA, KAFKA_PRODUCER, OUTBOX_RELAY, Inbox, IntegrationEventConsumer],
    };
  }
}
