export * from './event-store.port';
export { EventStoreClosedError } from './store-lifecycle';
export { PostgresEventStore, type PostgresEventStoreOptions } from './postgres/postgres-event-store';
export { eventStoreMigrations, type MigrationClass } from './postgres/migrations';
export { runMigrations, type RunMigrationsOptions } from './postgres/run-migrations';
export type { EventStoreFactory, EventStoreUnderTest } from './contract/event-store.contract';
