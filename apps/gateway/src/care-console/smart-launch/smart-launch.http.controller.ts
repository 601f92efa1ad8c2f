import { BadRequestException, Body, Controller, ForbiddenException, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Access, ApiHttpError } from '@carecircle/platform/service-kit';
import { GATEWAY_AUTH, type GatewayAuth } from '../../auth/gateway-auth';
import { auditBase } from '../../fhir-http/access.guard';
import { readGatewayConfig } from '../../gateway.config';
import { CareConsoleAccess } from '../care-console.access';

/** A FHIR resource id (R4 `id`). */
const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

/**
 * The launching patient's member (SMART App Launch): the EHR's `patient` is looked up among the
 * patients the gateway took in from the EHR, and the member is opened only as the access policy lets
 * this person read it (a clinician on the care team, the facilitator's redacted view). Unknown and
 * refused answer the same 403, so a launch cannot probe who is a member; every attempt is audited.
 */
@ApiTags('care console')
@ApiBearerAuth()
@Controller('api/care-console/launch')
export class SmartLaunchHttpController {
  private readonly ehrs = new Set(readGatewayConfig().consoleSignIn.ehrs.map((ehr) => ehr.iss));

  constructor(
    private readonly access: CareConsoleAccess,
    @Inject(GATEWAY_AUTH) private readonly auth: GatewayAuth,
  ) {}

  @Post()
  @HttpCode(200)
  @Access('console.home.read', { self: 'caller' })
  @ApiOperation({ summary: "Open the launching EHR patient's member (SMART App Launch)" })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['iss', 'patient'],
      properties: { iss: { type: 'string', format: 'uri' }, patient: { type: 'string' } },
      example: { iss: 'https://ehr.hospital.example/fhir', patient: 'ehr-patient-42' },
    },
  })
  @ApiOkResponse({
    description: 'The pseudonymous member the launching patient is',
    schema: {
      type: 'object',
      required: ['memberId'],
      properties: { memberId: { type: 'string' } },
      example: { memberId: 'mbr_HdQvTVhypzcbO2UsBfi1' },
    },
  })
  @ApiHttpError(
    400,
    'An `iss` not registered in GATEWAY_SMART_EHRS, or a malformed patient id',
    'A launch names a registered EHR (iss) and the FHIR id of its patient',
  )
  @ApiHttpError(401, 'No valid token', 'A valid bearer access token is required')
  @ApiHttpError(
    403,
    'Not a member this person may open (or not a member at all)',
    'This patient is not a CareCircle member you may open',
  )
  async launch(@Body() body: { iss?: unknown; patient?: unknown } | undefined, @Req() request: Request) {
    const iss = typeof body?.iss === 'string' ? body.iss.replace(/\/+$/, '') : undefined;
    const patient = body?.patient;
    if (!iss || !this.ehrs.has(iss) || typeof patient !== 'string' || !FHIR_ID.test(patient)) {
      await this.refused(request);
      throw new BadRequestException('A launch names a registered EHR (iss) and the FHIR id of its patient');
    }
    const memberId = await this.auth.memberOfPatient?.(`Patient/${patient}`);
    if (!memberId) {
      await this.refused(request);
      throw new ForbiddenException('This patient is not a CareCircle member you may open');
    }
    await this.access.member(request, memberId, 'member.timeline.read', 'R', ['Patient']);
    return { memberId };
  }

  private async refused(request: Request): Promise<void> {
    const agent = await this.access.agentOf(request);
    await this.auth.audit.append({
      ...auditBase(request),
      recordedAt: this.auth.clock.now(),
      action: 'R',
      outcome: '4',
      agent,
      resourceTypes: ['Patient'],
      memberIds: [],
    });
  }
}
