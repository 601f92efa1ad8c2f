import { Inject, Injectable } from '@nestjs/common';
import { TypeOrmHealthIndicator, type HealthIndicatorResult } from '@nestjs/terminus';
import type { HealthContributor } from './health-contributor';

export const DATABASE_PING_TIMEOUT_MS = Symbol('DATABASE_PING_TIMEOUT_MS');

/**
 * `SELECT 1` on the default TypeORM DataSource (the one `TypeOrmModule.forRoot` registers),
 * reported under `database`. Terminus finds the DataSource itself, so this library does not
 * load TypeORM for services without a database.
 */
@Injectable()
export class DatabaseHealthContributor implements HealthContributor {
  constructor(
    private readonly typeOrm: TypeOrmHealthIndicator,
    @Inject(DATABASE_PING_TIMEOUT_MS) private readonly timeoutMs: number,
  ) {}

  check(): Promise<HealthIndicatorResult> {
    return this.typeOrm.pingCheck('database', { timeout: this.timeoutMs });
  }
}
