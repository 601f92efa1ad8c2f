import { Module, type DynamicModule, type ModuleMetadata, type Type } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DATABASE_PING_TIMEOUT_MS, DatabaseHealthContributor } from './database-health.contributor';
import { HEALTH_CONTRIBUTORS, type HealthContributor } from './health-contributor';
import { HealthController } from './health.controller';

export interface HealthModuleOptions {
  /** Ping the default TypeORM DataSource under `database`. */
  database?: boolean | { timeoutMs?: number };
  /** Further checks (Kafka, relay lag…): provider classes instantiated in this module. */
  contributors?: Type<HealthContributor>[];
  /** Modules that export what the contributors inject. */
  imports?: ModuleMetadata['imports'];
}

const DEFAULT_DATABASE_PING_TIMEOUT_MS = 1_000;

/**
 * `GET /health` (readiness: every contributor) and `GET /health/live` (liveness), e.g.
 * `HealthModule.forRoot({ database: true, imports: [MessagingModule], contributors: [KafkaHealthContributor] })`.
 */
@Module({})
export class HealthModule {
  static forRoot(options: HealthModuleOptions = {}): DynamicModule {
    const contributors: Type<HealthContributor>[] = [
      ...(options.database ? [DatabaseHealthContributor] : []),
      ...(options.contributors ?? []),
    ];
    const timeoutMs =
      (typeof options.database === 'object' && options.database.timeoutMs) || DEFAULT_DATABASE_PING_TIMEOUT_MS;
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot(), ...(options.imports ?? [])],
      controllers: [HealthController],
      providers: [
        ...contributors,
        { provide: DATABASE_PING_TIMEOUT_MS, useValue: timeoutMs },
        { provide: HEALTH_CONTRIBUTORS, useFactory: (...all: HealthContributor[]) => all, inject: contributors },
      ],
    };
  }
}
