import {
  Body,
  Controller,
  Get,
  Inject,
  NotFoundException,
  Param,
  Put,
  Req,
  UnprocessableEntityException,
} from '@nestjs/common';
import { AttendanceSavedResponseDto, AttendanceSheetResponseDto } from '../care-console.response.dto';
import { ApiConsoleErrors } from '../../fhir-http/api-responses';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import {
  ATTENDANCE_STATUSES,
  attendanceSheet,
  attendanceWrites,
  type AttendanceSheet,
  type GroupCalendar,
  type GroupRoster,
} from '@carecircle/gateway/application';
import { CareConsoleAccess } from '../care-console.access';
import { CARE_CONSOLE_DEPS, type CareConsoleDeps } from '../care-console.deps';
import { groupIdOf, sessionIdOf } from '../care-console.params';
import { PeopleNames } from '../people-names/people-names';
import { ServicesClient } from '../services.client';
import { Access, ApiHttpError } from '@carecircle/platform/service-kit';

/** One session of a facilitator's group: its attendance sheet, and taking attendance. */
@ApiTags('care console')
@ApiBearerAuth()
@ApiConsoleErrors()
@Controller('api/care-console/groups/:groupId/sessions/:sessionId')
export class SessionAttendanceHttpController {
  constructor(
    @Inject(CARE_CONSOLE_DEPS) private readonly deps: CareConsoleDeps,
    private readonly access: CareConsoleAccess,
    private readonly services: ServicesClient,
    private readonly names: PeopleNames,
  ) {}

  @Get()
  @Access('group.roster.read', { group: 'groupId' })
  @ApiOperation({ summary: "Read a session's attendance sheet" })
  @ApiOkResponse({
    description: 'The session and every enrolled member with the attendance recorded so far (null: none yet)',
    type: AttendanceSheetResponseDto,
  })
  @ApiHttpError(403, 'Not a facilitator of this group', 'Access denied')
  @ApiHttpError(404, 'No such group or session', 'No such group or session')
  async sheet(
    @Param('groupId') group: string,
    @Param('sessionId') session: string,
    @Req() request: Request,
  ): Promise<AttendanceSheet & { names: Record<string, string> }> {
    const [groupId, sessionId] = [groupIdOf(group), sessionIdOf(session)];
    const sheet = await this.access.group(request, groupId, 'group.roster.read', 'R', ['Attendance'], () =>
      this.loadAudited(request, groupId, sessionId),
    );
    return this.names.onRoster(request, sheet);
  }

  @Put('attendance')
  @Access('group.attendance.write', { group: 'groupId' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['entries'],
      properties: {
        entries: {
          type: 'array',
          items: {
            type: 'object',
            required: ['memberId', 'status'],
            properties: {
              memberId: { type: 'string', example: 'mbr_synthetic_0001' },
              status: { type: 'string', enum: [...ATTENDANCE_STATUSES] },
            },
          },
        },
      },
    },
  })
  @ApiOperation({ summary: "Take a session's attendance" })
  @ApiOkResponse({
    description: 'Recorded (new entries) or corrected (changed ones) in scheduling; answers the sheet as it now stands',
    type: AttendanceSavedResponseDto,
  })
  @ApiHttpError(403, 'Not a facilitator of this group', 'Access denied')
  @ApiHttpError(
    422,
    'An entry names no member of the roster, a member twice, or an unknown status; nothing was recorded',
    'An entry names no member of the roster, a member twice, or an unknown status; nothing was recorded',
  )
  async take(
    @Param('groupId') group: string,
    @Param('sessionId') session: string,
    @Body() body: unknown,
    @Req() request: Request,
  ) {
    const [groupId, sessionId] = [groupIdOf(group), sessionIdOf(session)];
    // Audited once the writes are done, with their outcome: a refused entry or a refusal by scheduling is a failure.
    const saved = await this.access.group(
      request,
      groupId,
      'group.attendance.write',
      'U',
      ['Attendance'],
      async (naming) => {
        const sheet = await this.load(request, groupId, sessionId);
        const writes = attendanceWrites(body, sheet);
        if (!writes.ok) throw new UnprocessableEntityException(writes.message);
        naming(writes.value.map((write) => write.memberId));
        const path = `/api/scheduling/groups/${groupId}/sessions/${encodeURIComponent(sessionId)}/attendance`;
        // One member at a time, as scheduling takes them: a refusal stops here and says which member.
        for (const write of writes.value) {
          await this.services.call(request, 'scheduling', path, {
            method: write.kind === 'record' ? 'POST' : 'PUT',
            body: { memberId: write.memberId, status: write.status },
          });
        }
        const after = await this.load(request, groupId, sessionId);
        return {
          memberIds: after.members.map((member) => member.memberId),
          value: { saved: writes.value.length, sheet: after },
        };
      },
    );
    return { ...saved, sheet: await this.names.onRoster(request, saved.sheet) };
  }

  private async loadAudited(request: Request, groupId: string, sessionId: string) {
    const sheet = await this.load(request, groupId, sessionId);
    return { memberIds: sheet.members.map((member) => member.memberId), value: sheet };
  }

  private async load(request: Request, groupId: string, sessionId: string): Promise<AttendanceSheet> {
    const path = `/api/scheduling/groups/${groupId}`;
    const [roster, calendar] = await Promise.all([
      this.services.call<GroupRoster>(request, 'scheduling', `${path}/roster`),
      this.services.call<GroupCalendar>(request, 'scheduling', `${path}/calendar`),
    ]);
    const sheet = attendanceSheet(roster, calendar, sessionId, this.deps.clock.now());
    if (!sheet) throw new NotFoundException('This group has no session with this id');
    return sheet;
  }
}
