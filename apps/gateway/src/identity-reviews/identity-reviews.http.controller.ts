import { Controller, Get, Inject, Query, Req, UseFilters, UseGuards } from '@nestjs/common';
import { IdentityReviewsResponseDto } from './identity-reviews.response.dto';
import { ApiFhirRouteErrors } from '../fhir-http/api-responses';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { IdentityReviews } from '@carecircle/gateway/application';
import type { Caller } from '../auth/gateway-authenticator';
import { Access } from '@carecircle/platform/service-kit';
import { AccessGuard, auditBase, CurrentCaller } from '../fhir-http/access.guard';
import { FhirRequestErrorFilter } from '../fhir-http/fhir-request-error.filter';
import { GATEWAY_DEPS, type GatewayDeps } from '../gateway.deps';
import { PostgresIdentityReviews } from '../persistence/postgres-identity-reviews';

const DEFAULT_PAGE = 100;

/**
 * Identity conflicts the gateway refused to resolve (an identifier of two members, or of another EHR
 * patient), oldest first, for administrators: people with the `admin` role, and integration clients
 * with `system/AuditEvent.rs`. Pseudonymous member ids and reason codes only; reading is audited.
 */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/identity-reviews')
@UseGuards(AccessGuard)
@UseFilters(FhirRequestErrorFilter)
@ApiFhirRouteErrors()
export class IdentityReviewsHttpController {
  private readonly reviews: IdentityReviews;

  constructor(
    @Inject(GATEWAY_DEPS) private readonly deps: GatewayDeps,
    @Inject(DataSource) dataSource: DataSource,
  ) {
    this.reviews = new PostgresIdentityReviews((dataSource.driver as PostgresDriver).master as Pool);
  }

  @Get()
  // Review items hold member ids and reason codes only: the audit trail's readers see them.
  @Access('audit.read', 'service')
  @ApiOperation({ summary: 'List the open identity review items' })
  @ApiQuery({ name: '_count', required: false, type: Number, description: 'Page size, 1-1000.', example: 50 })
  @ApiOkResponse({
    description: 'The open review items: records that matched a known identity in part.',
    type: IdentityReviewsResponseDto,
  })
  async listOpen(@CurrentCaller() caller: Caller, @Req() req: Request, @Query('_count') count?: string) {
    const limit = Math.min(Math.max(Number.parseInt(count ?? '', 10) || DEFAULT_PAGE, 1), 1000);
    const items = await this.reviews.listOpen(limit);
    const memberIds = [...new Set(items.flatMap((item) => item.memberIds))];
    await this.deps.audit.append({
      ...auditBase(req),
      recordedAt: this.deps.clock.now(),
      action: 'R',
      outcome: '0',
      agent: caller.id,
      resourceTypes: ['Patient'],
      memberIds,
    });
    return { items: items.map((item) => ({ ...item, detectedAt: item.detectedAt.toISOString() })) };
  }
}
