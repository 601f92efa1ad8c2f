import { Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { InjectEntityManager } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import { acknowledgeAlert, resolveAlert, type LiaisonDeps, type RequestContext } from '@carecircle/clinician-liaison/application';
import { findAlert, findClinicianAlerts, findMemberAlerts } from '@carecircle/clinician-liaison/read-models';
import { LIAISON_DEPS } from '../liaison.deps';
import { MemberIdPipe, OpaqueIdPipe } from '../member-id.pipe';
import { CommandContext, unwrapOutcome as unwrap } from '@carecircle/platform/service-kit';
import { ClinicianId } from '../clinician-id.decorator';
import { AcknowledgeAlertRequestDto, AlertInboxQueryDto, ResolveAlertRequestDto } from './alerts.request.dto';

@ApiTags('alerts')
@Controller('api/liaison')
export class AlertsHttpController {
  private readonly acknowledge: ReturnType<typeof acknowledgeAlert>;
  private readonly resolve: ReturnType<typeof resolveAlert>;

  constructor(@Inject(LIAISON_DEPS) deps: LiaisonDeps, @InjectEntityManager() private readonly em: EntityManager) {
    this.acknowledge = acknowledgeAlert(deps);
    this.resolve = resolveAlert(deps);
  }

  @Get('clinicians/:clinicianId/alerts')
  inbox(@Param('clinicianId', OpaqueIdPipe) clinicianId: string, @Query() query: AlertInboxQueryDto) {
    return findClinicianAlerts(this.em, clinicianId, query);
  }

  /** Every alert about a member, each recipient's copy, oldest first (the gateway's care console picks the reader's copies). */
  @Get('members/:memberId/alerts')
  memberAlerts(@Param('memberId', MemberIdPipe) memberId: string) {
    return findMemberAlerts(this.em, memberId);
  }

  @Get('alerts/:alertId')
  async one(@Param('alertId', new ParseUUIDPipe()) alertId: string) {
    const alert = await findAlert(this.em, alertId);
    if (!alert) throw new NotFoundException('No alert with this id exists.');
    return alert;
  }

  @Post('alerts/:alertId/acknowledgement')
  @HttpCode(200)
  async ack(@Param('alertId', new ParseUUIDPipe()) alertId: string, @Body() body: AcknowledgeAlertRequestDto, @ClinicianId() by: string, @CommandContext() context: RequestContext) {
    return unwrap(await this.acknowledge({ alertId, by, outcome: body.outcome, reason: body.reason ?? null }, context));
  }

  @Post('alerts/:alertId/resolution')
  @HttpCode(200)
  async resolution(@Param('alertId', new ParseUUIDPipe()) alertId: string, @Body() body: ResolveAlertRequestDto, @ClinicianId() by: string, @CommandContext() context: RequestContext) {
    return unwrap(await this.resolve({ alertId, by, reason: body.reason ?? null }, context));
  }
}
