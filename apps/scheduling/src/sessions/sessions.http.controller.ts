import { Body, Controller, HttpCode, Inject, Param, Post, Put } from '@nestjs/common';
import { SchedulingEventsResponseDto } from '../scheduling.response.dto';
import { ApiAcceptedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  cancelSession,
  correctAttendance,
  recordAttendance,
  rescheduleSession,
  type RequestContext,
  type SchedulingDeps,
} from '@carecircle/scheduling/application';
import { Access, CommandContext, ApiServiceErrors, ApiDomainError } from '@carecircle/platform/service-kit';
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
  @ApiOperation({ summary: 'Reschedule a session' })
  @ApiAcceptedResponse({
    description: 'Rescheduled (SessionRescheduled), or nothing when it already starts then.',
    type: SchedulingEventsResponseDto,
  })
  @ApiDomainError(404, 'Unknown group or session.')
  @ApiDomainError(409, 'The group is closed or the session cancelled.')
  @ApiDomainError(422, 'The new start is in the past.')
  async reschedule(
    @Param('groupId', SchedulingGroupIdPipe) groupId: string,
    @Param('sessionId', OpaqueIdPipe) sessionId: string,
    @Body() body: RescheduleSessionRequestDto,
    @CommandContext() context: RequestContext,
  ) {
    return summary(
      unwrap(await rescheduleSession(this.deps)(groupId, { sessionId, startsAt: body.startsAt }, context)),
    );
  }

  @Post('cancellation')
  @Access('group.session.write', { group: 'groupId' })
  @HttpCode(202)
  @ApiOperation({ summary: 'Cancel a session' })
  @ApiAcceptedResponse({
    description: 'Cancelled (SessionCancelled), or nothing when it already was.',
    type: SchedulingEventsResponseDto,
  })
  @ApiDomainError(404, 'Unknown group or session.')
  @ApiDomainError(409, 'The group is closed.')
  async cancel(
    @Param('groupId', SchedulingGroupIdPipe) groupId: string,
    @Param('sessionId', OpaqueIdPipe) sessionId: string,
    @Body() body: CancelSessionRequestDto,
    @CommandContext() context: RequestContext,
  ) {
    return summary(unwrap(await cancelSession(this.deps)(groupId, { sessionId, reason: body.reason }, context)));
  }

  @Post('attendance')
  @Access('group.attendance.write', { group: 'groupId' })
  @HttpCode(202)
  @ApiOperation({ summary: "Record a member's attendance at a session" })
  @ApiAcceptedResponse({
    description:
      'Recorded (with DoseReached / OffTrackForDose when they follow), or already recorded with this status.',
    type: SchedulingEventsResponseDto,
  })
  @ApiDomainError(404, 'Unknown group or session.')
  @ApiDomainError(
    409,
    'Attendance is already recorded with another status (correct it with PUT), or the session was cancelled.',
  )
  @ApiDomainError(422, 'The member is not on the roster, or the session has not started.')
  async record(
    @Param('groupId', SchedulingGroupIdPipe) groupId: string,
    @Param('sessionId', OpaqueIdPipe) sessionId: string,
    @Body() body: AttendanceRequestDto,
    @CommandContext() context: RequestContext,
  ) {
    return summary(
      unwrap(
        await recordAttendance(this.deps)(
          groupId,
          { sessionId, memberId: body.memberId, status: body.status },
          context,
        ),
      ),
    );
  }

  @Put('attendance')
  @Access('group.attendance.write', { group: 'groupId' })
  @HttpCode(202)
  @ApiOperation({ summary: "Correct a member's recorded attendance" })
  @ApiAcceptedResponse({
    description: 'A correction, kept as its own event next to the original record.',
    type: SchedulingEventsResponseDto,
  })
  @ApiDomainError(404, 'Unknown group or session, or no attendance recorded to correct.')
  @ApiDomainError(422, 'The member is not on the roster.')
  async correct(
    @Param('groupId', SchedulingGroupIdPipe) groupId: string,
    @Param('sessionId', OpaqueIdPipe) sessionId: string,
    @Body() body: AttendanceRequestDto,
    @CommandContext() context: RequestContext,
  ) {
    return summary(
      unwrap(
        await correctAttendance(this.deps)(
          groupId,
          { sessionId, memberId: body.memberId, status: body.status },
          context,
        ),
      ),
    );
  }
}
