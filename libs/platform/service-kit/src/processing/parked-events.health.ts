import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { DataSource, type EntityManager } from 'typeorm';
import type { HealthContributor } from '../health/health-contributor';
import { countParkedEvents } from './parked-events';

/**
 * Work that waits for an operator (parked events, parked pushes) while the service goes on with the
 * rest: it stays ready (taking it out of rotation would fix nothing) and says it is degraded, with the count.
 */
@Injectable()
export abstract class ParkedWorkHealthContributor implements HealthContributor {
  protected abstract readonly key: string;
  protected abstract countParked(em: EntityManager): Promise<number>;

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly dataSource: DataSource,
  ) {}

  async check(): Promise<HealthIndicatorResult> {
    const parked = await this.countParked(this.dataSource.manager);
    return this.indicators.check(this.key).up({ parked, degraded: parked > 0 });
  }
}

@Injectable()
export class ParkedEventsHealthContributor extends ParkedWorkHealthContributor {
  protected readonly key = 'parked-events';
  protected countParked = countParkedEvents;
}
