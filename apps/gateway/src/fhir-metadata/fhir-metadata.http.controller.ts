import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiHttpError, FHIR_JSON_MEDIA, fhirResourceSchema, Public } from '@carecircle/platform/service-kit';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FHIR_JSON } from '../fhir-http/fhir-request-error.filter';
import { GATEWAY_DEPS, type GatewayDeps } from '../gateway.deps';
import { capabilityStatement } from './capability-statement';

const STARTED_AT = new Date().toISOString();

/** Discovery: no token needed. */
@ApiTags('fhir')
@Public()
@Controller('fhir/R4/metadata')
export class FhirMetadataHttpController {
  constructor(@Inject(GATEWAY_DEPS) private readonly deps: GatewayDeps) {}

  @Get()
  @Header('Content-Type', FHIR_JSON)
  @ApiOperation({ summary: "Read the server's FHIR CapabilityStatement" })
  @ApiOkResponse({
    description: 'What the server reads and takes in, and how it authenticates (SMART).',
    content: {
      [FHIR_JSON_MEDIA]: {
        schema: fhirResourceSchema('CapabilityStatement'),
        example: {
          resourceType: 'CapabilityStatement',
          status: 'active',
          kind: 'instance',
          fhirVersion: '4.0.1',
          format: ['application/fhir+json'],
        },
      },
    },
  })
  @ApiHttpError(
    429,
    'Too many requests from this address (Retry-After says when to retry).',
    'Too many requests: retry after 30 s',
  )
  metadata() {
    // The configured public URL, never the Host header (a caller chooses that one).
    return JSON.stringify(capabilityStatement(this.deps.baseUrl, STARTED_AT));
  }
}
