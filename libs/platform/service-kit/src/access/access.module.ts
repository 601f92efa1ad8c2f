import {
  Inject,
  Injectable,
  Module,
  Optional,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import type { EventStore } from '@carecircle/platform/event-store';
import type { Clock } from '@carecircle/shared-kernel';
import { KAFKA, pinoMessagingLogger } from '../wiring/messaging.module';
import { EVENT_STORE } from '../wiring/persistence.module';
import { readEventSourcedServiceEnv } from '../wiring/wiring-env';
import { RelationshipProjector } from './relationship-projector';
import { RelationshipStore } from './relationship-store';
import { ServiceAuditLog } from './service-audit-log';

/** Service lookups from another id to the member it is about (`alert` → the alert's member); undefined when unknown. */
export type MemberLookups = Readonly<Record<string, (id: string) => Promise<string | undefined>>>;

export interface AccessModuleOptions {
  /** The service's name: the consumer group of its relationship projector is `<service>.access`. */
  service: string;
  /** The service's lookups (see `@Access`'s `via`), read from its own database or event store. */
  lookups?: (sources: { dataSource: DataSource; store: EventStore }) => MemberLookups;
  clock?: Clock;
}

const ACCESS_MODULE_OPTIONS = Symbol('ACCESS_MODULE_OPTIONS');

/** What the bearer-token guard needs to decide access (relationships, lookups, clock) and to audit it. */
@Injectable()
export class AccessContext {
  readonly relationships: RelationshipStore;
  readonly audit: ServiceAuditLog;

  constructor(
    dataSource: DataSource,
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(ACCESS_MODULE_OPTIONS) private readonly options: AccessModuleOptions,
  ) {
    this.relationships = new RelationshipStore(dataSource);
    this.audit = new ServiceAuditLog(dataSource);
    this.lookups = options.lookups?.({ dataSource, store }) ?? {};
  }

  readonly lookups: MemberLookups;

  now(): Date {
    return this.options.clock?.now() ?? new Date();
  }
}

/** Runs the relationship projector while the service runs, on the service's Kafka client. */
@Injectable()
class RelationshipProjection implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly projector?: RelationshipProjector;

  constructor(
    @Inject(ACCESS_MODULE_OPTIONS) options: AccessModuleOptions,
    dataSource: DataSource,
    context: AccessContext,
    // Absent only in tests of the guard alone, which seed the relationship tables themselves.
    @Optional() @Inject(KAFKA) kafka: Kafka | null,
  ) {
    if (!kafka) return;
    this.projector = new RelationshipProjector({
      service: options.service,
      kafka,
      dataSource,
      store: context.relationships,
      logger: pinoMessagingLogger(options.service),
      sessionTimeoutMs: readEventSourcedServiceEnv().KAFKA_SESSION_TIMEOUT_MS,
    });
  }

  /**
   * Not awaited: joining a consumer group takes seconds, and the service may answer meanwhile. Until the
   * projector has caught up, relationships it has not seen yet are missing, so access fails closed.
   */
  onApplicationBootstrap(): void {
    void this.projector?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.projector?.stop();
  }
}

/**
 * Access decided inside the service: the relationships the policy reads, projected from the bus into the
 * service's own database, and its audit trail. The bearer-token guard finds `AccessContext` and refuses to
 * start without it when tokens are verified.
 */
@Module({})
export class AccessModule {
  static forRoot(options: AccessModuleOptions): DynamicModule {
    return {
      module: AccessModule,
      global: true,
      providers: [{ provide: ACCESS_MODULE_OPTIONS, useValue: options }, AccessContext, RelationshipProjection],
      exports: [AccessContext],
    };
  }
}
