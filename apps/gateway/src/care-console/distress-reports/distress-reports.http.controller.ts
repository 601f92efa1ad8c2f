import { randomUUID } from 'node:crypto';
import { Body, Controller, HttpCode, Inject, Param, Post, Req, UnprocessableEntityException } from '@nestjs/common';
import { DistressReportTakenResponseDto } from '../care-console.response.dto';
import { ApiConsoleErrors } from '../../fhir-http/api-responses';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { checkDistressReport } from '@carecircle/gateway/application';
import { Access, ApiHttpError } from '@carecircle/platform/service-kit';
import { CareConsoleAccess } from '../care-console.access';
import { CARE_CONSOLE_DEPS, type CareConsoleDeps } from '../care-console.deps';
import { memberIdOf } from '../care-console.params';
import { ServicesClient } from '../services.client';

/**
 * A facilitator reports acute distress they saw in a session (the care team may too): forwarded to
 * clinician-liaison, whose rule alerts the attending psychiatrist (critical). The note goes to liaison
 * only; the audit trail records who reported about which member, and whether liaison took it.
 */
@ApiTags('care console')
@ApiBearerAuth()
@ApiConsoleErrors()
@Controller('api/care-console/members/:memberId/distress-reports')
export class DistressReportsHttpController {
  constructor(
    @Inject(CARE_CONSOLE_DEPS) private readonly deps: CareConsoleDeps,
    private readonly access: CareConsoleAccess,
    private readonly services: ServicesClient,
  ) {}

  @Post()
  @Access('member.distress.report', { member: 'memberId' })
  @HttpCode(201)
  @ApiParam({ name: 'memberId', example: 'mbr_synthetic_0001' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['groupId'],
      properties: {
        groupId: { type: 'string', example: 'grp_cancer_tuesday' },
        sessionId: { type: 'string', description: 'The session where it was seen, if any' },
        observedAt: { type: 'string', format: 'date-time', description: 'Default: now' },
        reportId: {
          type: 'string',
          format: 'uuid',
          description: 'Chosen by the console so that a retry is the same report; made here if absent',
        },
        note: { type: 'string', maxLength: 280, description: 'For the care team; goes to clinician-liaison only' },
      },
    },
  })
  @ApiOperation({ summary: 'Report distress observed in a group' })
  @ApiCreatedResponse({
    description: 'Taken by clinician-liaison: the attending psychiatrist is alerted',
    type: DistressReportTakenResponseDto,
  })
  @ApiHttpError(403, 'Not the member’s facilitator or on their care team', 'Access denied')
  @ApiHttpError(
    422,
    'A field is missing or wrong (named); nothing was sent',
    'A field is missing or wrong (named); nothing was sent',
  )
  report(@Param('memberId') member: string, @Body() body: unknown, @Req() request: Request) {
    const memberId = memberIdOf(member);
    return this.access.memberAct(request, memberId, 'member.distress.report', 'C', ['Flag'], async () => {
      const checked = checkDistressReport(body, this.deps.clock.now(), randomUUID);
      if (!checked.ok) throw new UnprocessableEntityException(checked.message);
      const by = await this.access.person(request);
      const answer = await this.services.call<unknown>(
        request,
        'clinicianLiaison',
        `/api/liaison/members/${memberId}/distress-reports`,
        {
          method: 'POST',
          body: checked.value,
          headers: { 'x-clinician-id': by },
        },
      );
      return { memberId, reportId: checked.value.reportId, observedAt: checked.value.observedAt, answer };
    });
  }
}
