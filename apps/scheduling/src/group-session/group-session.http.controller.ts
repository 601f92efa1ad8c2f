import { Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, Put } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  memberSessionNotes,
  saveGroupSession,
  sessionNotes,
  type RequestContext,
  type SchedulingDeps,
} from '@carecircle/scheduling/application';
import { agentOf } from '@carecircle/platform/access';
import {
  Access,
  ApiDomainError,
  ApiServiceErrors,
  CommandContext,
  CurrentAccess,
  type RequestAccess,
} from '@carecircle/platform/service-kit';
import { SCHEDULING_DEPS } from '../scheduling.deps';
import { SchedulingEventsResponseDto } from '../scheduling.response.dto';
import { MemberIdPipe, OpaqueIdPipe, SchedulingGroupIdPipe, summary, unwrap } from '../scheduling-request';
import { GroupSessionRequestDto } from './group-session.request.dto';
import { MemberSessionNotesResponseDto, SessionNotesResponseDto } from './group-session.response.dto';

/**
 * The facilitator's group session: the whole sheet (attendance and a short note per member) saved at once,
 * and the notes read back by the group's facilitators (a session's) or a member's care team (theirs).
 * Notes never leave scheduling on the bus: these routes, access-checked and audited, are the only way.
 */
@ApiTags('sessions')
@ApiServiceErrors()
@Controller('api/scheduling')
export class GroupSessionHttpController {
  constructor(@Inject(SCHEDULING_DEPS) private readonly deps: SchedulingDeps) {}

  @Put('groups/:groupId/sessions/:sessionId/group-session')
  @Access('group.attendance.write', { group: 'groupId' })
  @HttpCode(202)
  @ApiOperation({ summary: "Save a session's attendance and notes, all or nothing" })
  @ApiAcceptedResponse({
    description:
      'Recorded or corrected attendance (with DoseReached / OffTrackForDose when they follow) and the notes that changed.',
    type: SchedulingEventsResponseDto,
  })
  @ApiDomainError(404, 'Unknown group or session.')
  @ApiDomainError(409, 'The session was cancelled.')
  @ApiDomainError(422, 'A member is not on the roster, named twice, or the session has not started; nothing was saved.')
  async save(
    @Param('groupId', SchedulingGroupIdPipe) groupId: string,
    @Param('sessionId', OpaqueIdPipe) sessionId: string,
    @Body() body: GroupSessionRequestDto,
    @CommandContext() context: RequestContext,
    @CurrentAccess() access: RequestAccess | undefined,
  ) {
    const entries = body.entries.map(({ memberId, status, note }) => ({
      memberId,
      status,
      ...(note === undefined ? {} : { note }),
    }));
    return summary(
      unwrap(
        await saveGroupSession(this.deps)(
          groupId,
          { sessionId, entries, writtenBy: agentOf(access?.principal) },
          context,
        ),
      ),
    );
  }

  @Get('groups/:groupId/sessions/:sessionId/notes')
  @Access('group.session-notes.read', { group: 'groupId' })
  @ApiOperation({ summary: "Read a session's notes (the group's facilitators)" })
  @ApiOkResponse({
    description: 'The notes written in this session, one per member at most.',
    type: SessionNotesResponseDto,
  })
  @ApiDomainError(404, 'Unknown group or session.')
  async notes(
    @Param('groupId', SchedulingGroupIdPipe) groupId: string,
    @Param('sessionId', OpaqueIdPipe) sessionId: string,
  ) {
    const found = await sessionNotes(this.deps, groupId, sessionId);
    if (!found) throw new NotFoundException('No such group or session');
    return found;
  }

  @Get('members/:memberId/session-notes')
  @Access('member.session-notes.read', { member: 'memberId' })
  @ApiOperation({ summary: "Read a member's session notes (their care team)" })
  @ApiOkResponse({
    description: 'Every note written about the member, newest session first.',
    type: MemberSessionNotesResponseDto,
  })
  memberNotes(@Param('memberId', MemberIdPipe) memberId: string) {
    return memberSessionNotes(this.deps, memberId);
  }
}
