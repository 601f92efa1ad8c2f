import { Controller, Get, Header, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { FHIR_JSON } from '../fhir-http/fhir-request-error.filter';
import { capabilityStatement } from './capability-statement';

const STARTED_AT = new Date().toISOString();

/** Discovery: no token needed. */
@ApiTags('fhir')
@Controller('fhir/R4/metadata')
export class FhirMetadataHttpController {
  @Get()
  @Header('Content-Type', FHIR_JSON)
  metadata(@Req() req: Request) {
    return JSON.stringify(capabilityStatement(`${req.protocol}://${req.get('host') ?? 'localhost'}`, STARTED_AT));
  }
}
