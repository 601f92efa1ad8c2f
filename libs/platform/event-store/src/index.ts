export * from './event-store.port';
export { EventStoreClosedError } from './store-lifecycle';
export { LOG_APPENDED_CHANNEL, LogAppendSignal, type LogAppendSignalOptions } from './postgres/log-append-signal';
export { PostgresEventStore, type PostgresEventStoreOptions } from './postgres/postgres-event-store';
export { eventStoreMigrations, type MigrationClass } from './postgres/migrations';
export { runMigrations, type RunMigrationsOptions } from './postgres/run-migrations';
export type { EventStoreFactory, EventStoreUnderTest } from './contract/event-store.contract';
export { SCHEMA_VERSION_KEY, UpcastError, UpcasterRegistry, type Upcaster } from './upcasting/upcasters';
export { UpcastingEventStore } from './upcasting/upcasting-event-store';
