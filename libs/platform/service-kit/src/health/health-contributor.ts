import type { HealthIndicatorResult } from '@nestjs/terminus';

/**
 * One dependency's health under its own key (`database`, `kafka`, `outbox-relay-lag`…). Build
 * the result with terminus' `HealthIndicatorService`: `indicator.check('kafka').up()` or `.down({ … })`.
 * Contributors are Nest providers, so they can inject what they check.
 */
export interface HealthContributor {
  check(): Promise<HealthIndicatorResult>;
}

/** The list of contributors `/health` runs, in the order given to `HealthModule.forRoot`. */
export const HEALTH_CONTRIBUTORS = Symbol('HEALTH_CONTRIBUTORS');
