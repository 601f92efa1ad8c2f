import { Injectable } from '@nestjs/common';
import { countParkedDeliveries } from '@carecircle/clinician-liaison/read-models';
import { ParkedWorkHealthContributor } from '@carecircle/platform/service-kit';

/** Parked pushes at /health/ready, under `deliveries`: up, degraded while any waits for an operator. */
@Injectable()
export class DeliveriesHealthContributor extends ParkedWorkHealthContributor {
  protected readonly key = 'deliveries';
  protected countParked = countParkedDeliveries;
}
