import { Controller, Get, Header, Inject, Query, Req, UseFilters, UseGuards } from '@nestjs/common';
import { FHIR_JSON_MEDIA, fhirBundleSchema, Access } from '@carecircle/platform/service-kit';
import { ApiFhirRouteErrors } from '../fhir-http/api-responses';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { AuditEvent, Bundle } from '@medplum/fhirtypes';
import type { StoredAuditRecord } from '@carecircle/gateway/application';
import type { Caller } from '../auth/gateway-authenticator';
import { AccessGuard, auditBase, CurrentCaller } from '../fhir-http/access.guard';
import { FHIR_JSON, FhirRequestErrorFilter } from '../fhir-http/fhir-request-error.filter';
import { GATEWAY_DEPS, type GatewayDeps } from '../gateway.deps';

const MEMBER_ID = /^mbr_[A-Za-z0-9_-]{6,64}$/;
const DEFAULT_PAGE = 100;

/**
 * The audit trail as FHIR AuditEvents, for administrators: people with the `admin` role, and integration
 * clients with `system/AuditEvent.rs`. Reading it is audited too.
 */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/audit-events')
@UseGuards(AccessGuard)
@UseFilters(FhirRequestErrorFilter)
@ApiFhirRouteErrors()
export class AuditEventsHttpController {
  constructor(@Inject(GATEWAY_DEPS) private readonly deps: GatewayDeps) {}

  @Get()
  @Access('audit.read', 'service')
  @Header('Content-Type', FHIR_JSON)
  @ApiOperation({ summary: 'Search the audit trail (FHIR AuditEvent)' })
  @ApiQuery({
    name: 'patient',
    required: false,
    description: 'Only the events naming this member id.',
    example: 'mbr_synthetic_0001',
  })
  @ApiQuery({ name: '_count', required: false, type: Number, description: 'Page size, 1-1000.', example: 50 })
  @ApiOkResponse({
    description: 'A searchset Bundle of AuditEvent, newest first.',
    content: {
      [FHIR_JSON_MEDIA]: {
        schema: fhirBundleSchema('AuditEvent'),
        example: {
          resourceType: 'Bundle',
          type: 'searchset',
          total: 1,
          entry: [
            {
              resource: {
                resourceType: 'AuditEvent',
                id: '1',
                action: 'R',
                outcome: '0',
                recorded: '2026-03-02T09:30:00.000Z',
              },
            },
          ],
        },
      },
    },
  })
  async list(
    @CurrentCaller() caller: Caller,
    @Req() req: Request,
    @Query('patient') patient?: string,
    @Query('_count') count?: string,
  ) {
    const limit = Math.min(Math.max(Number.parseInt(count ?? '', 10) || DEFAULT_PAGE, 1), 1000);
    const memberId = patient && MEMBER_ID.test(patient) ? patient : undefined;
    const records = await this.deps.audit.list({ ...(memberId ? { memberId } : {}), limit });
    await this.deps.audit.append({
      ...auditBase(req),
      recordedAt: this.deps.clock.now(),
      action: 'R',
      outcome: '0',
      agent: caller.id,
      resourceTypes: ['AuditEvent'],
      memberIds: memberId ? [memberId] : [],
    });
    const bundle: Bundle<AuditEvent> = {
      resourceType: 'Bundle',
      type: 'searchset',
      total: records.length,
      entry: records.map((record) => ({ resource: toAuditEvent(record) })),
    };
    return JSON.stringify(bundle);
  }
}

/** How many refusals a counted AuditEvent stands for (one row per agent, operation and minute). */
export const AUDIT_EVENT_COUNT_EXTENSION = 'https://carecircle.example/fhir/StructureDefinition/audit-event-count';

function toAuditEvent(record: StoredAuditRecord): AuditEvent {
  return {
    resourceType: 'AuditEvent',
    id: record.id,
    ...(record.outcome === '4'
      ? { extension: [{ url: AUDIT_EVENT_COUNT_EXTENSION, valueInteger: record.count }] }
      : {}),
    ...(record.lastRecordedAt
      ? { period: { start: record.recordedAt.toISOString(), end: record.lastRecordedAt.toISOString() } }
      : {}),
    type: {
      system: 'http://terminology.hl7.org/CodeSystem/audit-event-type',
      code: 'rest',
      display: 'RESTful Operation',
    },
    action: record.action,
    recorded: record.recordedAt.toISOString(),
    outcome: record.outcome,
    outcomeDesc: record.operation,
    agent: [
      {
        who: { identifier: { system: 'urn:carecircle:smart-client', value: record.agent } },
        requestor: true,
        ...(record.sourceIp ? { network: { address: record.sourceIp, type: '2' as const } } : {}),
      },
      ...(record.onBehalfOf ? [{ who: { display: record.onBehalfOf }, requestor: false }] : []),
    ],
    source: { observer: { display: 'carecircle-gateway' } },
    entity: [
      ...record.memberIds.map((memberId) => ({
        what: { identifier: { system: 'urn:carecircle:member', value: memberId } },
        type: { code: '1', system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type' },
      })),
      ...record.resourceTypes.map((type) => ({ what: { display: type } })),
    ],
  };
}
