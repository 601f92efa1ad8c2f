import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { Public } from '../auth/caller';
import { HEALTH_CONTRIBUTORS, type HealthContributor } from './health-contributor';

/** Probes answer without a token: orchestrators have none, and they reveal no data. */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    @Inject(HEALTH_CONTRIBUTORS) private readonly contributors: HealthContributor[],
  ) {}

  /**
   * Readiness: 200 `{status:'ok'}` when every contributor is up, 503 with the details otherwise.
   * Orchestrators route traffic on it (Kubernetes readinessProbe, compose healthcheck); `/health` is its
   * older name, kept for the tools that poll it.
   */
  @Get(['ready', ''])
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness probe: every dependency is up' })
  readiness(): Promise<HealthCheckResult> {
    return this.health.check(this.contributors.map((contributor) => () => contributor.check()));
  }

  /** Liveness: the process answers. Dependencies are left out so that an outage does not restart every pod. */
  @Get('live')
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness probe: the process answers' })
  liveness(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }
}
