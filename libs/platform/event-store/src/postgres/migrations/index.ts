import type { MigrationInterface } from 'typeorm';
import { CreateEventStore1764201600000 } from './1764201600000-create-event-store';

/** A TypeORM migration class, as `runMigrations` and a DataSource's `migrations` take it. */
export type MigrationClass = new () => MigrationInterface;

/** The event store's schema, oldest first. Pass to `runMigrations` (or a service's DataSource). */
export const eventStoreMigrations: readonly MigrationClass[] = [CreateEventStore1764201600000];
