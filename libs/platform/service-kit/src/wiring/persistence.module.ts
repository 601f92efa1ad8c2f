import { Inject, Injectable, Module, type BeforeApplicationShutdown, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import { DataSource, type EntitySchema } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import {
  eventStoreMigrations,
  LogAppendSignal,
  PostgresEventStore,
  runMigrations,
  UpcasterRegistry,
  UpcastingEventStore,
  type EventStore,
  type MigrationClass,
  type Upcaster,
} from '@carecircle/platform/event-store';
import { messagingMigrations } from '@carecircle/platform/messaging';
import { accessMigrations } from '../access/access-migrations';
import { processingMigrations } from '../processing/processing-migrations';
import { readEventSourcedServiceEnv, type EventSourcedServiceEnv } from './wiring-env';

/** The service's event store (`EventStore` port), backed by its own PostgreSQL database. */
export const EVENT_STORE = Symbol('EVENT_STORE');
/** Fires when the service's event log has grown, in this process or (over LISTEN/NOTIFY) another replica. */
export const LOG_APPEND_SIGNAL = Symbol('LOG_APPEND_SIGNAL');

export interface PersistenceModuleOptions {
  /** The service's read-model migrations; the event store's and messaging's come first. */
  migrations?: readonly MigrationClass[];
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities?: (Function | EntitySchema)[];
  /**
   * The service's upcasters, one per event type and schema version it has moved past (checked at boot):
   * every read of the store is at the current versions, and every append is stamped with them.
   */
  upcasters?: readonly Upcaster[];
}

/**
 * One PostgreSQL database per service: schema by migrations (never `synchronize`), run under an
 * advisory lock before the pool opens, so replicas starting together do not race. The event store
 * shares TypeORM's pool: one set of connections per process.
 */
@Module({})
export class PersistenceModule {
  static forRoot(options: PersistenceModuleOptions = {}): DynamicModule {
    return {
      module: PersistenceModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: async () => {
            const env = readEventSourcedServiceEnv();
            await runMigrations(env.DATABASE_URL, [
              ...eventStoreMigrations,
              ...messagingMigrations,
              ...accessMigrations,
              ...processingMigrations,
              ...(options.migrations ?? []),
            ]);
            return {
              type: 'postgres' as const,
              url: env.DATABASE_URL,
              entities: options.entities ?? [],
              synchronize: false,
              migrationsRun: false,
              extra: poolOptions(env),
            };
          },
        }),
      ],
      providers: [
        {
          provide: LOG_APPEND_SIGNAL,
          useFactory: (dataSource: DataSource) =>
            new LogAppendSignal(poolOf(dataSource), {
              // PGlite is one process's store: there is no other replica to tell.
              crossProcess: readEventSourcedServiceEnv().DATABASE_SINGLE_SESSION !== 'true',
            }),
          inject: [DataSource],
        },
        {
          provide: EVENT_STORE,
          useFactory: (dataSource: DataSource, appendSignal: LogAppendSignal): EventStore => {
            const store = new PostgresEventStore(poolOf(dataSource), {
              namedStatements: readEventSourcedServiceEnv().DATABASE_SINGLE_SESSION !== 'true',
              appendSignal,
            });
            const upcasters = options.upcasters ?? [];
            return upcasters.length > 0 ? new UpcastingEventStore(store, new UpcasterRegistry(upcasters)) : store;
          },
          inject: [DataSource, LOG_APPEND_SIGNAL],
        },
        PersistenceLifecycle,
      ],
      exports: [EVENT_STORE, LOG_APPEND_SIGNAL, TypeOrmModule],
    };
  }
}

/** Releases the signal's listening connection before TypeORM ends the pool. */
@Injectable()
class PersistenceLifecycle implements BeforeApplicationShutdown {
  constructor(@Inject(LOG_APPEND_SIGNAL) private readonly appendSignal: LogAppendSignal) {}

  async beforeApplicationShutdown(): Promise<void> {
    await this.appendSignal.close();
  }
}

function poolOf(dataSource: DataSource): Pool {
  return (dataSource.driver as PostgresDriver).master as Pool;
}

/**
 * node-postgres pool settings. The server-side timeouts go in the startup packet of real PostgreSQL
 * only: embedded PGlite (one shared session, `DATABASE_SINGLE_SESSION`) is a development store.
 */
export function poolOptions(env: EventSourcedServiceEnv): Record<string, number> {
  const clientSide = { max: env.DATABASE_POOL_MAX, connectionTimeoutMillis: env.DATABASE_CONNECT_TIMEOUT_MS };
  if (env.DATABASE_SINGLE_SESSION === 'true') return clientSide;
  return {
    ...clientSide,
    statement_timeout: env.DATABASE_STATEMENT_TIMEOUT_MS,
    idle_in_transaction_session_timeout: env.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
  };
}
