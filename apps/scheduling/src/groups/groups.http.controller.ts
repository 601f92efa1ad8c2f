import { Body, Controller, Get, Header, HttpCode, Inject, NotFoundException, Param, Patch, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { changeGroup, closeGroup, formGroup, groupCalendar, groupIcalFeed, type RequestContext, type SchedulingDeps } from '@carecircle/scheduling/application';
import { Access, CommandContext, CurrentAccess, type RequestAccess, ApiServiceErrors } from '@carecircle/platform/service-kit';
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
  @ApiAcceptedResponse({ description: 'Formed with its course of sessions (or already formed with the same facts).' })
  async form(@Body() body: FormGroupRequestDto, @CommandContext() context: RequestContext) {
    const { locationId, videoLink, condition, stage, ...rest } = body;
    const details = { ...rest, ...(condition ? { condition } : {}), ...(stage ? { stage } : {}), locationId: locationId ?? null, videoLink: videoLink ?? null, ageBand: { ...body.ageBand } };
    const { changed, events } = unwrap(await formGroup(this.deps)(body.groupId, details, context));
    return { groupId: body.groupId, status: changed ? 'formed' : 'already-formed', sessions: events.filter((e) => e.type === 'SessionScheduled').length };
  }

  @Patch(':groupId')
  @Access('group.manage', { group: 'groupId' })
  @HttpCode(202)
  async change(@Param('groupId', SchedulingGroupIdPipe) groupId: string, @Body() body: ChangeGroupRequestDto, @CommandContext() context: RequestContext) {
    const changes = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
    const { changed } = unwrap(await changeGroup(this.deps)(groupId, { changes: { ...changes, ...(body.ageBand ? { ageBand: { ...body.ageBand } } : {}) } }, context));
    return { groupId, status: changed ? 'changed' : 'unchanged' };
  }

  @Post(':groupId/closure')
  @Access('group.manage', { group: 'groupId' })
  @HttpCode(202)
  async close(@Param('groupId', SchedulingGroupIdPipe) groupId: string, @Body() body: CloseGroupRequestDto, @CommandContext() context: RequestContext) {
    const { changed } = unwrap(await closeGroup(this.deps)(groupId, { reason: body.reason }, context));
    return { groupId, status: changed ? 'closed' : 'already-closed' };
  }

  @Get(':groupId/calendar')
  @Access('group.calendar.read', { group: 'groupId' })
  @ApiOkResponse({ description: "The group's sessions with each member's attendance (counts only for callers who do not run the group)." })
  async calendar(@Param('groupId', SchedulingGroupIdPipe) groupId: string, @CurrentAccess() access: RequestAccess | undefined) {
    const calendar = (await groupCalendar(this.deps, groupId)) ?? notFound();
    if (seesWhoAttends(access)) return calendar;
    return { ...calendar, sessions: calendar.sessions.map(({ attendance, ...session }) => ({ ...session, attendanceRecorded: attendance.length })) };
  }

  @Get(':groupId/calendar.ics')
  @Access('group.calendar.read', { group: 'groupId' })
  @Header('content-type', 'text/calendar; charset=utf-8')
  @ApiOkResponse({ description: 'iCalendar feed of the sessions; cancelled ones carry STATUS:CANCELLED.' })
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
