import { Body, Controller, Get, Header, HttpCode, Inject, NotFoundException, Param, Patch, Post } from '@nestjs/common';
import { GroupCalendarResponseDto, GroupCommandResponseDto, ICS_EXAMPLE } from '../scheduling.response.dto';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  changeGroup,
  closeGroup,
  formGroup,
  groupCalendar,
  groupIcalFeed,
  type RequestContext,
  type SchedulingDeps,
} from '@carecircle/scheduling/application';
import {
  Access,
  CommandContext,
  CurrentAccess,
  type RequestAccess,
  ApiServiceErrors,
  ApiDomainError,
  ApiHttpError,
} from '@carecircle/platform/service-kit';
import { SCHEDULING_DEPS } from '../scheduling.deps';
import { SchedulingGroupIdPipe, unwrap } from '../scheduling-request';
import { ChangeGroupRequestDto, CloseGroupRequestDto, FormGroupRequestDto } from './form-group.request.dto';

@ApiTags('groups')
@ApiServiceErrors()
@Controller('api/scheduling/groups')
export class GroupsHttpController {
  constructor(@Inject(SCHEDULING_DEPS) private readonly deps: SchedulingDeps) {}

  @Post()
  @Access('group.create', 'service')
  @HttpCode(202)
  @ApiOperation({ summary: 'Form a group with its course of sessions' })
  @ApiAcceptedResponse({
    description: 'Formed with its course of sessions (or already formed with the same facts).',
    type: GroupCommandResponseDto,
  })
  @ApiDomainError(409, 'A different group was already formed under this id.')
  @ApiDomainError(
    422,
    'The facts break a rule (age band inverted, location or video link missing, unknown time zone, first session in the past).',
  )
  async form(@Body() body: FormGroupRequestDto, @CommandContext() context: RequestContext) {
    const { locationId, videoLink, condition, stage, ...rest } = body;
    const details = {
      ...rest,
      ...(condition ? { condition } : {}),
      ...(stage ? { stage } : {}),
      locationId: locationId ?? null,
      videoLink: videoLink ?? null,
      ageBand: { ...body.ageBand },
    };
    const { changed, events } = unwrap(await formGroup(this.deps)(body.groupId, details, context));
    return {
      groupId: body.groupId,
      status: changed ? 'formed' : 'already-formed',
      sessions: events.filter((e) => e.type === 'SessionScheduled').length,
    };
  }

  @Patch(':groupId')
  @Access('group.manage', { group: 'groupId' })
  @HttpCode(202)
  @ApiOperation({ summary: "Change a group's details" })
  @ApiAcceptedResponse({
    description: 'Changed (or unchanged when the facts are the same).',
    type: GroupCommandResponseDto,
  })
  @ApiDomainError(404, 'Unknown group.')
  @ApiDomainError(409, 'The group is closed.')
  @ApiDomainError(422, 'The change breaks a rule of the group.')
  async change(
    @Param('groupId', SchedulingGroupIdPipe) groupId: string,
    @Body() body: ChangeGroupRequestDto,
    @CommandContext() context: RequestContext,
  ) {
    const changes = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
    const { changed } = unwrap(
      await changeGroup(this.deps)(
        groupId,
        { changes: { ...changes, ...(body.ageBand ? { ageBand: { ...body.ageBand } } : {}) } },
        context,
      ),
    );
    return { groupId, status: changed ? 'changed' : 'unchanged' };
  }

  @Post(':groupId/closure')
  @Access('group.manage', { group: 'groupId' })
  @HttpCode(202)
  @ApiOperation({ summary: 'Close a group' })
  @ApiAcceptedResponse({
    description: 'Closed: its remaining sessions are cancelled (or it already was).',
    type: GroupCommandResponseDto,
  })
  @ApiDomainError(404, 'Unknown group.')
  async close(
    @Param('groupId', SchedulingGroupIdPipe) groupId: string,
    @Body() body: CloseGroupRequestDto,
    @CommandContext() context: RequestContext,
  ) {
    const { changed } = unwrap(await closeGroup(this.deps)(groupId, { reason: body.reason }, context));
    return { groupId, status: changed ? 'closed' : 'already-closed' };
  }

  @Get(':groupId/calendar')
  @Access('group.calendar.read', { group: 'groupId' })
  @ApiOperation({ summary: "Read a group's calendar and attendance" })
  @ApiOkResponse({
    description:
      "The group's sessions with each member's attendance (counts only for callers who do not run the group).",
    type: GroupCalendarResponseDto,
  })
  @ApiHttpError(404, 'No group with this id has been formed.', 'No group with this id has been formed.')
  async calendar(
    @Param('groupId', SchedulingGroupIdPipe) groupId: string,
    @CurrentAccess() access: RequestAccess | undefined,
  ) {
    const calendar = (await groupCalendar(this.deps, groupId)) ?? notFound();
    if (seesWhoAttends(access)) return calendar;
    return {
      ...calendar,
      sessions: calendar.sessions.map(({ attendance, ...session }) => ({
        ...session,
        attendanceRecorded: attendance.length,
      })),
    };
  }

  @Get(':groupId/calendar.ics')
  @Access('group.calendar.read', { group: 'groupId' })
  @Header('content-type', 'text/calendar; charset=utf-8')
  @ApiOperation({ summary: "Subscribe to a group's sessions (iCalendar)" })
  @ApiOkResponse({
    description: 'iCalendar feed of the sessions; cancelled ones carry STATUS:CANCELLED.',
    content: { 'text/calendar': { schema: { type: 'string' }, example: ICS_EXAMPLE } },
  })
  @ApiHttpError(404, 'No group with this id has been formed.', 'No group with this id has been formed.')
  async ics(@Param('groupId', SchedulingGroupIdPipe) groupId: string) {
    return (await groupIcalFeed(this.deps, groupId)) ?? notFound();
  }
}

/**
 * Who attended a therapy group is health information: the group's facilitators and integration clients
 * granted Appointment reads see it per member; any clinician, a programme lead or the gateway see counts.
 * Unchecked (token verification off, development) answers in full.
 */
function seesWhoAttends(access: RequestAccess | undefined): boolean {
  if (!access) return true;
  const { principal } = access;
  return principal.kind === 'system' || (principal.kind === 'person' && principal.role === 'facilitator');
}

function notFound(): never {
  throw new NotFoundException('No group with this id has been formed.');
}
