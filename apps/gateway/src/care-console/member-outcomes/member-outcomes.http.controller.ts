import { Controller, Get, Param, Req } from '@nestjs/common';
import { MemberOutcomesResponseDto } from '../care-console.response.dto';
import { ApiConsoleErrors } from '../../fhir-http/api-responses';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { outcomeChartsFor, type MemberTrajectory } from '@carecircle/gateway/application';
import { CareConsoleAccess } from '../care-console.access';
import { memberIdOf } from '../care-console.params';
import { ServicesClient } from '../services.client';
import { Access, ApiHttpError } from '@carecircle/platform/service-kit';

/** A member's PHQ-9 and GAD-7 over time, for the charts with their severity bands. */
@ApiTags('care console')
@ApiBearerAuth()
@ApiConsoleErrors()
@Controller('api/care-console/members/:memberId/outcomes')
export class MemberOutcomesHttpController {
  constructor(
    private readonly access: CareConsoleAccess,
    private readonly services: ServicesClient,
  ) {}

  @Get()
  @Access('member.outcomes.read', { member: 'memberId' })
  @ApiParam({ name: 'memberId', example: 'mbr_synthetic_0001' })
  @ApiOperation({ summary: "Chart a member's outcome measures" })
  @ApiOkResponse({
    description:
      'Per instrument (PHQ-9, GAD-7): the measures oldest first (date, total, band), the severity bands, baseline and latest',
    type: MemberOutcomesResponseDto,
  })
  @ApiHttpError(403, 'Not the member’s facilitator or on their care team, or a programme lead', 'Access denied')
  async outcomes(@Param('memberId') member: string, @Req() request: Request) {
    const memberId = memberIdOf(member);
    const { view } = await this.access.member(request, memberId, 'member.outcomes.read', 'R', ['Observation']);
    const trajectory = await this.services.call<MemberTrajectory>(
      request,
      'outcomes',
      `/api/outcomes/members/${memberId}/trajectory`,
    );
    return { memberId, instruments: outcomeChartsFor(trajectory, view) };
  }
}
