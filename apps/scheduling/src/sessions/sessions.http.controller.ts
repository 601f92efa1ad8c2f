import { Body, Controller, HttpCode, Inject, Param, Post, Put } from '@nestjs/common';
import { ApiAcceptedResponse, ApiTags } from '@nestjs/swagger';
import { cancelSession, correctAttendance, recordAttendance, rescheduleSession, type RequestContext, type SchedulingDeps } from '@carecircle/scheduling/application';
import { Access, CommandContext, ApiServiceErrors } from '@carecircle/platform/service-kit';
import { SCHEDULING_DEPS } from '../scheduling.deps';
import { OpaqueIdPipe, SchedulingGroupIdPipe, summary, unwrap } from '../scheduling-request';
import { AttendanceRequestDto, CancelSessionRequestDto, RescheduleSessionRequestDto } from './sessions.request.dto';

/** A group's sessions: moving, cancelling, and the attendance taken at each. */
@ApiTags('sessions')
@ApiServiceErrors()
@Controller('api/scheduling/groups/:groupId/sessions/:sessionId')
export class SessionsHttpController {
  constructor(@Inject(SCHEDULING_DEPS) private readonly deps: SchedulingDeps) {}

  @Post('reschedule')
  @Access('group.session.write', { group: 'groupId' })
  @HttpCode(202)
  async reschedule(@Param('groupId', SchedulingGroupIdPipe) groupId: string, @Param('sessionId', OpaqueIdPipe) sessionId: string, @Body() body: RescheduleSessionRequestDto, @CommandContext() context: RequestContext) {
    return summary(unwrap(await rescheduleSession(this.deps)(groupId, { sessionId, startsAt: body.startsAt }, context)));
  }

  @Post('cancellation')
  @Access('group.session.write', { group: 'groupId' })
  @HttpCode(202)
  async cancel(@Param('groupId', SchedulingGroupIdPipe) groupId: string, @Param('sessionId', OpaqueIdPipe) sessionId: string, @Body() body: CancelSessionRequestDto, @CommandContext() context: RequestContext) {
    return summary(unwrap(await cancelSession(this.deps)(groupId, { sessionId, reason: body.reason }, context)));
  }

  @Post('attendance')
  @Access('group.attendance.write', { group: 'groupId' })
  @HttpCode(202)
  @ApiAcceptedResponse({ description: 'Recorded (with DoseReached / OffTrackForDose when they follow), or already recorded with this status.' })
  async record(@Param('groupId', SchedulingGroupIdPipe) groupId: string, @Param('sessionId', OpaqueIdPipe) sessionId: string, @Body() body: AttendanceRequestDto, @CommandContext() context: RequestContext) {
    return summary(unwrap(await recordAttendance(this.deps)(groupId, { sessionId, memberId: body.memberId, status: body.status }, context)));
  }

  @Put('attendance')
  @Access('group.attendance.write', { group: 'groupId' })
  @HttpCode(202)
  @ApiAcceptedResponse({ description: 'A correction, kept as its own event next to the original record.' })
  async correct(@Param('groupId', SchedulingGroupIdPipe) groupId: string, @Param('sessionId', OpaqueIdPipe) sessionId: string, @Body() body: AttendanceRequestDto, @CommandContext() context: RequestContext) {
    return summary(unwrap(await correctAttendance(this.deps)(groupId, { sessionId, memberId: body.memberId, status: body.status }, context)));
  }
}
