import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { FHIR_JSON } from '../fhir-http/fhir-request-error.filter';
import { GATEWAY_DEPS, type GatewayDeps } from '../gateway.deps';
import { capabilityStatement } from './capability-statement';
import { Public } from '@carecircle/platform/service-kit';

const STARTED_AT = new Date().toISOString();

/** Discovery: no token needed. */
@ApiTags('fhir')
@Public()
@Controller('fhir/R4/metadata')
export class FhirMetadataHttpController {
  constructor(@Inject(GATEWAY_DEPS) private readonly deps: GatewayDeps) {}

  @Get()
  @Header('Content-Type', FHIR_JSON)
  metadata() {
    // The configured public URL, never the Host header (a caller chooses that one).
    return JSON.stringify(capabilityStatement(this.deps.baseUrl, STARTED_AT));
  }
}
