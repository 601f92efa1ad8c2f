import {
  Body,
  Controller,
  ForbiddenException,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
} from '@nestjs/common';
import { AlertViewDto, LiaisonCommandResponseDto } from '../liaison.response.dto';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectEntityManager } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import {
  acknowledgeAlert,
  resolveAlert,
  type LiaisonDeps,
  type RequestContext,
} from '@carecircle/clinician-liaison/application';
import {
  findAlert,
  findClinicianAlerts,
  findMemberAlerts,
  type AlertView,
} from '@carecircle/clinician-liaison/read-models';
import { LIAISON_DEPS } from '../liaison.deps';
import { MemberIdPipe, OpaqueIdPipe } from '../member-id.pipe';
import {
  Access,
  accessViewOf,
  CommandContext,
  unwrapOutcome as unwrap,
  type RequestWithAccess,
  ApiServiceErrors,
  ApiDomainError,
  ApiHttpError,
} from '@carecircle/platform/service-kit';
import { ClinicianId } from '../clinician-id.decorator';
import { AcknowledgeAlertRequestDto, AlertInboxQueryDto, ResolveAlertRequestDto } from './alerts.request.dto';

/**
 * A facilitator's view (the policy's allow-redacted) is the facilitator's copy of each alert and nothing
 * else: the clinicians' copies carry drug names, doses and reasons. Their copy was written without
 * medication detail unless the member consented to share it.
 */
const isFacilitatorCopy = (alert: Pick<AlertView, 'recipientRole'>) => alert.recipientRole === 'facilitator';
/** The copies share one lifecycle, so a facilitator's may carry a clinician's override reason: it stays out. */
const facilitatorView = (alert: AlertView): AlertView => ({ ...alert, overrideReason: null });

@ApiTags('alerts')
@ApiServiceErrors()
@Controller('api/liaison')
export class AlertsHttpController {
  private readonly acknowledge: ReturnType<typeof acknowledgeAlert>;
  private readonly resolve: ReturnType<typeof resolveAlert>;

  constructor(
    @Inject(LIAISON_DEPS) deps: LiaisonDeps,
    @InjectEntityManager() private readonly em: EntityManager,
  ) {
    this.acknowledge = acknowledgeAlert(deps);
    this.resolve = resolveAlert(deps);
  }

  @Get('clinicians/:clinicianId/alerts')
  @Access('clinician.inbox.read', { self: 'clinicianId' })
  @ApiOperation({ summary: "List a clinician's alerts" })
  @ApiOkResponse({
    description: 'The alerts addressed to the clinician, filtered by status, severity or member.',
    type: [AlertViewDto],
  })
  inbox(@Param('clinicianId', OpaqueIdPipe) clinicianId: string, @Query() query: AlertInboxQueryDto) {
    return findClinicianAlerts(this.em, clinicianId, query);
  }

  /** Every alert about a member, each recipient's copy, oldest first; a facilitator gets the facilitator copies only. */
  @Get('members/:memberId/alerts')
  @Access('member.alerts.read', { member: 'memberId' })
  @ApiOperation({ summary: 'List every alert about a member' })
  @ApiOkResponse({
    description: "Each recipient's copy, oldest first; a facilitator gets the facilitator copies only.",
    type: [AlertViewDto],
  })
  async memberAlerts(@Param('memberId', MemberIdPipe) memberId: string, @Req() request: RequestWithAccess) {
    const alerts = await findMemberAlerts(this.em, memberId);
    return accessViewOf(request) === 'redacted' ? alerts.filter(isFacilitatorCopy).map(facilitatorView) : alerts;
  }

  @Get('alerts/:alertId')
  @Access('member.alerts.read', { member: 'alertId', via: 'alert' })
  @ApiOperation({ summary: 'Read one alert' })
  @ApiOkResponse({ type: AlertViewDto })
  @ApiHttpError(
    404,
    'No alert with this id exists (or it is another recipient’s copy).',
    'No alert with this id exists.',
  )
  async one(@Param('alertId', new ParseUUIDPipe()) alertId: string, @Req() request: RequestWithAccess) {
    const alert = await findAlert(this.em, alertId);
    // Another recipient's copy does not exist for a facilitator: the same answer as an unknown id.
    if (!alert || (accessViewOf(request) === 'redacted' && !isFacilitatorCopy(alert)))
      throw new NotFoundException('No alert with this id exists.');
    return accessViewOf(request) === 'redacted' ? facilitatorView(alert) : alert;
  }

  @Post('alerts/:alertId/acknowledgement')
  @HttpCode(200)
  @Access('alert.act', { member: 'alertId', via: 'alert' })
  @ApiOperation({ summary: 'Acknowledge an alert' })
  @ApiOkResponse({ description: 'Acknowledged (accepted or overridden), or already.', type: LiaisonCommandResponseDto })
  @ApiDomainError(404, 'Unknown alert.')
  @ApiDomainError(422, 'An override needs a reason.')
  async ack(
    @Param('alertId', new ParseUUIDPipe()) alertId: string,
    @Body() body: AcknowledgeAlertRequestDto,
    @ClinicianId() by: string,
    @CommandContext() context: RequestContext,
    @Req() request: RequestWithAccess,
  ) {
    await this.mayAct(alertId, request);
    return unwrap(await this.acknowledge({ alertId, by, outcome: body.outcome, reason: body.reason ?? null }, context));
  }

  @Post('alerts/:alertId/resolution')
  @HttpCode(200)
  @Access('alert.act', { member: 'alertId', via: 'alert' })
  @ApiOperation({ summary: 'Resolve an alert' })
  @ApiOkResponse({ description: 'Resolved, or already.', type: LiaisonCommandResponseDto })
  @ApiDomainError(404, 'Unknown alert.')
  async resolution(
    @Param('alertId', new ParseUUIDPipe()) alertId: string,
    @Body() body: ResolveAlertRequestDto,
    @ClinicianId() by: string,
    @CommandContext() context: RequestContext,
    @Req() request: RequestWithAccess,
  ) {
    await this.mayAct(alertId, request);
    return unwrap(await this.resolve({ alertId, by, reason: body.reason ?? null }, context));
  }

  /** A facilitator acts on facilitator copies only; the alert itself then checks it is theirs. */
  private async mayAct(alertId: string, request: RequestWithAccess): Promise<void> {
    if (accessViewOf(request) !== 'redacted') return;
    const alert = await findAlert(this.em, alertId);
    if (!alert || !isFacilitatorCopy(alert))
      throw new ForbiddenException('A facilitator may act only on the facilitator’s copy of an alert');
  }
}
