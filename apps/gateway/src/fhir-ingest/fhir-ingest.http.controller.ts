import { Body, Controller, HttpCode, Inject, Param, Post, Put, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiFhirErrors, FHIR_JSON_MEDIA, fhirResourceSchema, Access } from '@carecircle/platform/service-kit';
import { ApiFhirRouteErrors } from '../fhir-http/api-responses';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  FhirRequestError,
  HANDLED_RESOURCE_TYPES,
  ingestFhir,
  type FhirSubmission,
  type Principal,
  type RequestContext,
} from '@carecircle/gateway/application';
import { AccessGuard, auditBase, CurrentPrincipal } from '../fhir-http/access.guard';
import { FHIR_JSON, FhirRequestErrorFilter } from '../fhir-http/fhir-request-error.filter';
import { RateLimitGuard } from '../fhir-http/rate-limit.guard';
import { CommandContext } from '../fhir-http/request-context.decorator';
import { GATEWAY_DEPS, type GatewayDeps } from '../gateway.deps';

const TYPE_PATTERN = /^[A-Z][A-Za-z]{1,63}$/;

/** FHIR R4 ingest: batch and transaction Bundles, single creates and updates. */
@ApiTags('fhir')
@ApiBearerAuth()
@Controller('fhir/R4')
@Access('fhir.ingest', 'service')
@UseGuards(AccessGuard, RateLimitGuard)
@UseFilters(FhirRequestErrorFilter)
@ApiFhirRouteErrors()
export class FhirIngestHttpController {
  private readonly ingest: ReturnType<typeof ingestFhir>;

  constructor(@Inject(GATEWAY_DEPS) private readonly deps: GatewayDeps) {
    this.ingest = deps.ingest;
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Submit a FHIR batch or transaction Bundle' })
  @ApiConsumes(FHIR_JSON_MEDIA, 'application/json')
  @ApiBody({
    description: 'A FHIR R4 Bundle of type batch or transaction (application/fhir+json).',
    schema: fhirResourceSchema('Bundle'),
    examples: {
      example: {
        summary: 'A synthetic example',
        value: {
          resourceType: 'Bundle',
          type: 'batch',
          entry: [
            {
              resource: { resourceType: 'Patient', identifier: [{ system: 'urn:ehr:mrn', value: 'SYN-0001' }] },
              request: { method: 'POST', url: 'Patient' },
            },
          ],
        },
      },
    },
  })
  @ApiOkResponse({
    description: 'batch-response or transaction-response Bundle; ignored entries say why.',
    content: {
      [FHIR_JSON_MEDIA]: {
        schema: fhirResourceSchema('Bundle', 'A batch-response or transaction-response.'),
        example: {
          resourceType: 'Bundle',
          type: 'batch-response',
          entry: [
            {
              response: {
                status: '201 Created',
                outcome: {
                  resourceType: 'OperationOutcome',
                  issue: [{ severity: 'information', code: 'informational', diagnostics: 'Accepted: created' }],
                },
              },
            },
          ],
        },
      },
    },
  })
  @ApiFhirErrors({
    409: 'A transaction entry conflicts with a known identity (held for review); nothing was taken.',
    413: 'The Bundle has too many entries.',
    422: 'A transaction reference resolves to nothing in the Bundle.',
  })
  bundle(
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    @CommandContext() context: RequestContext,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    return this.run({ kind: 'bundle', body }, 'E', principal, context, req, res);
  }

  @Post(':type')
  @ApiOperation({ summary: 'Submit a FHIR resource' })
  @ApiConsumes(FHIR_JSON_MEDIA, 'application/json')
  @ApiBody({
    description: `A FHIR R4 resource; taken in: ${HANDLED_RESOURCE_TYPES.join(', ')}. Others are accepted and ignored.`,
    schema: {
      type: 'object',
      additionalProperties: true,
      required: ['resourceType'],
      properties: { resourceType: { type: 'string' } },
      description: 'A FHIR R4 resource: https://hl7.org/fhir/R4/resourcelist.html',
    },
    examples: {
      example: {
        summary: 'A synthetic example',
        value: {
          resourceType: 'Observation',
          status: 'final',
          code: { coding: [{ system: 'http://loinc.org', code: '44261-6' }] },
          subject: { reference: 'Patient/SYN-0001' },
          valueInteger: 12,
        },
      },
    },
  })
  @ApiResponse({
    status: 201,
    description: 'Created; the OperationOutcome says what was taken in.',
    content: {
      [FHIR_JSON_MEDIA]: {
        schema: fhirResourceSchema('OperationOutcome'),
        example: {
          resourceType: 'OperationOutcome',
          issue: [{ severity: 'information', code: 'informational', diagnostics: 'Accepted: created' }],
        },
      },
    },
  })
  @ApiResponse({
    status: 200,
    description: 'Accepted unchanged, or accepted and ignored (the OperationOutcome says why).',
    content: {
      [FHIR_JSON_MEDIA]: {
        schema: fhirResourceSchema('OperationOutcome'),
        example: {
          resourceType: 'OperationOutcome',
          issue: [{ severity: 'information', code: 'informational', diagnostics: 'Accepted: created' }],
        },
      },
    },
  })
  @ApiFhirErrors({
    404: 'Unknown resource type.',
    409: 'Conflicts with a known identity (held for review).',
    422: 'A reference resolves to nothing.',
  })
  create(
    @Param('type') type: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    @CommandContext() context: RequestContext,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    return this.run({ kind: 'create', type: checkedType(type), body }, 'C', principal, context, req, res);
  }

  @Put(':type/:id')
  @ApiOperation({ summary: 'Submit a FHIR resource update' })
  @ApiConsumes(FHIR_JSON_MEDIA, 'application/json')
  @ApiBody({
    description: 'The FHIR R4 resource, its id the one in the path.',
    schema: {
      type: 'object',
      additionalProperties: true,
      required: ['resourceType', 'id'],
      properties: { resourceType: { type: 'string' }, id: { type: 'string' } },
      description: 'A FHIR R4 resource: https://hl7.org/fhir/R4/resourcelist.html',
    },
    examples: {
      example: {
        summary: 'A synthetic example',
        value: {
          resourceType: 'Observation',
          id: 'obs-1',
          status: 'amended',
          subject: { reference: 'Patient/SYN-0001' },
          valueInteger: 10,
        },
      },
    },
  })
  @ApiResponse({
    status: 201,
    description: 'Created; the OperationOutcome says what was taken in.',
    content: {
      [FHIR_JSON_MEDIA]: {
        schema: fhirResourceSchema('OperationOutcome'),
        example: {
          resourceType: 'OperationOutcome',
          issue: [{ severity: 'information', code: 'informational', diagnostics: 'Accepted: created' }],
        },
      },
    },
  })
  @ApiResponse({
    status: 200,
    description: 'Updated, unchanged, or accepted and ignored (the OperationOutcome says which).',
    content: {
      [FHIR_JSON_MEDIA]: {
        schema: fhirResourceSchema('OperationOutcome'),
        example: {
          resourceType: 'OperationOutcome',
          issue: [{ severity: 'information', code: 'informational', diagnostics: 'Accepted: created' }],
        },
      },
    },
  })
  @ApiFhirErrors({
    404: 'Unknown resource type.',
    409: 'Conflicts with a known identity (held for review).',
    422: 'A reference resolves to nothing.',
  })
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

  private async run(
    submission: FhirSubmission,
    action: 'C' | 'U' | 'E',
    principal: Principal,
    context: RequestContext,
    req: Request,
    res: Response,
  ) {
    const audit = { ...auditBase(req), action, agent: principal.clientId };
    try {
      const result = await this.ingest(submission, principal, context);
      await this.deps.audit.append({
        ...audit,
        recordedAt: this.deps.clock.now(),
        outcome: '0',
        resourceTypes: result.resourceTypes,
        memberIds: result.memberIds,
      });
      res.status(result.status).type(FHIR_JSON).send(JSON.stringify(result.body));
    } catch (error) {
      const resourceTypes = submission.kind === 'bundle' ? ['Bundle'] : [submission.type];
      await this.deps.audit.append({
        ...audit,
        recordedAt: this.deps.clock.now(),
        outcome: error instanceof FhirRequestError ? '4' : '8',
        resourceTypes,
        memberIds: [],
      });
      throw error;
    }
  }
}

function checkedType(type: string): string {
  if (!TYPE_PATTERN.test(type))
    throw new FhirRequestError(404, [{ severity: 'error', code: 'not-supported', text: 'Unknown resource type' }]);
  return type;
}
