import { Controller, Get, Inject, Param, Req } from '@nestjs/common';
import { MemberAlertsResponseDto } from '../care-console.response.dto';
import { ApiConsoleErrors } from '../../fhir-http/api-responses';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { alertsForView, staffIdsActing, withHistories, type LiaisonAlert } from '@carecircle/gateway/application';
import { historiesOf } from '../alert-histories';
import { CARE_CONSOLE_DEPS, type CareConsoleDeps } from '../care-console.deps';
import { CareConsoleAccess } from '../care-console.access';
import { memberIdOf } from '../care-console.params';
import { PeopleNames } from '../people-names/people-names';
import { ServicesClient } from '../services.client';
import { Access, ApiHttpError } from '@carecircle/platform/service-kit';

/** A member's coordination alerts, the reader's copies: the facilitator's without drug or dose. */
@ApiTags('care console')
@ApiBearerAuth()
@ApiConsoleErrors()
@Controller('api/care-console/members/:memberId/alerts')
export class MemberAlertsHttpController {
  constructor(
    @Inject(CARE_CONSOLE_DEPS) private readonly deps: CareConsoleDeps,
    private readonly access: CareConsoleAccess,
    private readonly services: ServicesClient,
    private readonly names: PeopleNames,
  ) {}

  @Get()
  @Access('member.alerts.read', { member: 'memberId' })
  @ApiParam({ name: 'memberId', example: 'mbr_synthetic_0001' })
  @ApiOperation({ summary: "List a member's alerts" })
  @ApiOkResponse({
    description:
      'Alerts newest first, with status, escalation level, whether each is still open, and who acknowledged or resolved it when',
    type: MemberAlertsResponseDto,
  })
  @ApiHttpError(403, 'Not the member’s facilitator or on their care team, or a programme lead', 'Access denied')
  async alerts(@Param('memberId') member: string, @Req() request: Request) {
    const memberId = memberIdOf(member);
    const { view } = await this.access.member(request, memberId, 'member.alerts.read', 'R', ['Communication']);
    const alerts = await this.services.call<LiaisonAlert[]>(
      request,
      'clinicianLiaison',
      `/api/liaison/members/${memberId}/alerts`,
    );
    const copies = alertsForView(alerts, view);
    const shown = withHistories(copies, await historiesOf(this.deps.sql, copies));
    const names = await this.names.of(request, { members: [memberId], staff: staffIdsActing(shown) });
    return { memberId, view, alerts: shown.reverse(), names };
  }
}
