import { Controller, Get, Param, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { alertsForView, type LiaisonAlert } from '@carecircle/gateway/application';
import { CareConsoleAccess } from '../care-console.access';
import { memberIdOf } from '../care-console.params';
import { ServicesClient } from '../services.client';
import { Access } from '@carecircle/platform/service-kit';

/** A member's coordination alerts, the reader's copies: the facilitator's without drug or dose. */
@ApiTags('care console')
@ApiBearerAuth()
@Controller('api/care-console/members/:memberId/alerts')
export class MemberAlertsHttpController {
  constructor(
    private readonly access: CareConsoleAccess,
    private readonly services: ServicesClient,
  ) {}

  @Get()
  @Access('member.alerts.read', { member: 'memberId' })
  @ApiParam({ name: 'memberId', example: 'mbr_synthetic_0001' })
  @ApiOkResponse({ description: 'Alerts newest first, with status, escalation level and whether each is still open' })
  @ApiForbiddenResponse({ description: 'Not the member’s facilitator or on their care team, or a programme lead' })
  async alerts(@Param('memberId') member: string, @Req() request: Request) {
    const memberId = memberIdOf(member);
    const { view } = await this.access.member(request, memberId, 'member.alerts.read', 'R', ['Communication']);
    const alerts = await this.services.call<LiaisonAlert[]>(request, 'clinicianLiaison', `/api/liaison/members/${memberId}/alerts`);
    return { memberId, view, alerts: alertsForView(alerts, view).reverse() };
  }
}
