import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { countParkedDeliveries } from '@carecircle/clinician-liaison/read-models';
import type { HealthContributor } from '@carecircle/platform/service-kit';

/**
 * Parked pushes wait for an operator, but the service still serves and still delivers the rest: it
 * stays ready (taking it out of rotation would fix nothing) and says it is degraded, with the count.
 */
@Injectable()
export class DeliveriesHealthContributor implements HealthContributor {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly dataSource: DataSource,
  ) {}

  async check(): Promise<HealthIndicatorResult> {
    const parked = await countParkedDeliveries(this.dataSource.manager);
    return this.indicators.check('deliveries').up({ parked, degraded: parked > 0 });
  }
}
