import { Body, Controller, HttpCode, Inject, Param, Post, Put, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { FhirRequestError, HANDLED_RESOURCE_TYPES, ingestFhir, type FhirSubmission, type Principal, type RequestContext } from '@carecircle/gateway/application';
import { AccessGuard, auditBase, CurrentPrincipal } from '../fhir-http/access.guard';
import { FHIR_JSON, FhirRequestErrorFilter } from '../fhir-http/fhir-request-error.filter';
import { RateLimitGuard } from '../fhir-http/rate-limit.guard';
import { CommandContext } from '../fhir-http/request-context.decorator';
import { GATEWAY_DEPS, type GatewayDeps } from '../gateway.deps';
import { Access } from '@carecircle/platform/service-kit';

const TYPE_PATTERN = /^[A-Z][A-Za-z]{1,63}$/;

/** FHIR R4 ingest: batch and transaction Bundles, single creates and updates. */
@ApiTags('fhir')
@ApiBearerAuth()
@Controller('fhir/R4')
@Access('fhir.ingest', 'service')
@UseGuards(AccessGuard, RateLimitGuard)
@UseFilters(FhirRequestErrorFilter)
export class FhirIngestHttpController {
  private readonly ingest: ReturnType<typeof ingestFhir>;

  constructor(@Inject(GATEWAY_DEPS) private readonly deps: GatewayDeps) {
    this.ingest = deps.ingest;
  }

  @Post()
  @HttpCode(200)
  @ApiBody({ description: 'A FHIR R4 Bundle of type batch or transaction (application/fhir+json).' })
  @ApiOkResponse({ description: 'batch-response or transaction-response Bundle; ignored entries say why.' })
  bundle(@Body() body: unknown, @CurrentPrincipal() principal: Principal, @CommandContext() context: RequestContext, @Req() req: Request, @Res() res: Response) {
    return this.run({ kind: 'bundle', body }, 'E', principal, context, req, res);
  }

  @Post(':type')
  @ApiBody({ description: `A FHIR R4 resource; taken in: ${HANDLED_RESOURCE_TYPES.join(', ')}. Others are accepted and ignored.` })
  create(@Param('type') type: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal, @CommandContext() context: RequestContext, @Req() req: Request, @Res() res: Response) {
    return this.run({ kind: 'create', type: checkedType(type), body }, 'C', principal, context, req, res);
  }

  @Put(':type/:id')
  update(
    @Param('type') type: string,
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    @CommandContext() context: RequestContext,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    return this.run({ kind: 'update', type: checkedType(type), id, body }, 'U', principal, context, req, res);
  }

  private async run(submission: FhirSubmission, action: 'C' | 'U' | 'E', principal: Principal, context: RequestContext, req: Request, res: Response) {
    const audit = { ...auditBase(req), action, agent: principal.clientId };
    try {
      const result = await this.ingest(submission, principal, context);
      await this.deps.audit.append({ ...audit, recordedAt: this.deps.clock.now(), outcome: '0', resourceTypes: result.resourceTypes, memberIds: result.memberIds });
      res.status(result.status).type(FHIR_JSON).send(JSON.stringify(result.body));
    } catch (error) {
      const resourceTypes = submission.kind === 'bundle' ? ['Bundle'] : [submission.type];
      await this.deps.audit.append({ ...audit, recordedAt: this.deps.clock.now(), outcome: error instanceof FhirRequestError ? '4' : '8', resourceTypes, memberIds: [] });
      throw error;
    }
  }
}

function checkedType(type: string): string {
  if (!TYPE_PATTERN.test(type)) throw new FhirRequestError(404, [{ severity: 'error', code: 'not-supported', text: 'Unknown resource type' }]);
  return type;
}
