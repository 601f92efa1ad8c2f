import { BadRequestException, Body, Controller, Get, Inject, NotFoundException, Param, Put, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import {
  ATTENDANCE_STATUSES,
  groupSessionEntries,
  groupSessionView,
  SESSION_NOTE_MAX_LENGTH,
  type GroupCalendar,
  type GroupRoster,
  type GroupSessionView,
  type SessionNotes,
} from '@carecircle/gateway/application';
import { Access, ApiHttpError } from '@carecircle/platform/service-kit';
import { ApiConsoleErrors } from '../../fhir-http/api-responses';
import { CareConsoleAccess } from '../care-console.access';
import { CARE_CONSOLE_DEPS, type CareConsoleDeps } from '../care-console.deps';
import { groupIdOf, memberIdOf, sessionIdOf } from '../care-console.params';
import { PeopleNames } from '../people-names/people-names';
import { ServicesClient } from '../services.client';
import { GroupSessionResponseDto, MemberSessionNotesResponseDto } from './group-session.response.dto';

const AUDITED_AS = ['Attendance', 'SessionNote'];

/** The session as the facilitator reads it, with the names of its members they may see. */
type NamedGroupSession = GroupSessionView & { names: Record<string, string> };

/**
 * The facilitator's group session: roster, attendance, a short note per member and each member's dose,
 * saved in one go; and a member's notes for their care team. Notes are clinical data: every read and
 * write is decided and audited here (and again in scheduling), and their text never goes into an error.
 */
@ApiTags('care console')
@ApiBearerAuth()
@ApiConsoleErrors()
@Controller('api/care-console')
export class GroupSessionHttpController {
  constructor(
    @Inject(CARE_CONSOLE_DEPS) private readonly deps: CareConsoleDeps,
    private readonly access: CareConsoleAccess,
    private readonly services: ServicesClient,
    private readonly names: PeopleNames,
  ) {}

  @Get('groups/:groupId/sessions/:sessionId/group-session')
  @Access('group.session-notes.read', { group: 'groupId' })
  @ApiOperation({ summary: 'Open a group session: roster, attendance, notes and dose progress' })
  @ApiOkResponse({
    description: 'The session and every enrolled member with attendance (null: none yet), note and dose',
    type: GroupSessionResponseDto,
  })
  @ApiHttpError(403, 'Not a facilitator of this group', 'Access denied')
  @ApiHttpError(404, 'No such group or session', 'No such group or session')
  async open(
    @Param('groupId') group: string,
    @Param('sessionId') session: string,
    @Req() request: Request,
  ): Promise<NamedGroupSession> {
    const [groupId, sessionId] = [groupIdOf(group), sessionIdOf(session)];
    const view = await this.access.group(request, groupId, 'group.session-notes.read', 'R', AUDITED_AS, async () => {
      const loaded = await this.load(request, groupId, sessionId);
      return { memberIds: loaded.members.map((member) => member.memberId), value: loaded };
    });
    return this.names.onRoster(request, view);
  }

  @Put('groups/:groupId/sessions/:sessionId/group-session')
  @Access('group.attendance.write', { group: 'groupId' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['entries'],
      additionalProperties: false,
      properties: {
        entries: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['memberId', 'status'],
            additionalProperties: false,
            properties: {
              memberId: { type: 'string', example: 'mbr_synthetic_0001' },
              status: { type: 'string', enum: [...ATTENDANCE_STATUSES] },
              note: {
                type: 'string',
                maxLength: SESSION_NOTE_MAX_LENGTH,
                description: "'' clears the note; absent leaves it as it is",
              },
            },
          },
        },
      },
    },
  })
  @ApiOperation({ summary: "Save a group session's attendance and notes, all or nothing" })
  @ApiOkResponse({
    description: 'Saved in scheduling; answers the session as it now stands (dose progress included)',
    type: GroupSessionResponseDto,
  })
  @ApiHttpError(
    400,
    'Not a sheet of this roster, or a note too long or with control characters; nothing was saved',
    'Bad request',
  )
  @ApiHttpError(403, 'Not a facilitator of this group', 'Access denied')
  async save(
    @Param('groupId') group: string,
    @Param('sessionId') session: string,
    @Body() body: unknown,
    @Req() request: Request,
  ): Promise<NamedGroupSession> {
    const [groupId, sessionId] = [groupIdOf(group), sessionIdOf(session)];
    const saved = await this.access.group(
      request,
      groupId,
      'group.attendance.write',
      'U',
      AUDITED_AS,
      async (naming) => {
        const entries = groupSessionEntries(body, await this.load(request, groupId, sessionId));
        if (!entries.ok) throw new BadRequestException(entries.message);
        naming(entries.value.map((entry) => entry.memberId));
        // One command in scheduling: the sheet is saved whole or refused whole.
        await this.services.call(request, 'scheduling', `${this.sessionPath(groupId, sessionId)}/group-session`, {
          method: 'PUT',
          body: { entries: entries.value },
        });
        const after = await this.load(request, groupId, sessionId);
        return { memberIds: after.members.map((member) => member.memberId), value: after };
      },
    );
    return this.names.onRoster(request, saved);
  }

  @Get('members/:memberId/session-notes')
  @Access('member.session-notes.read', { member: 'memberId' })
  @ApiOperation({ summary: "Read a member's group-session notes (their care team)" })
  @ApiOkResponse({
    description: 'Every note written about the member, newest session first',
    type: MemberSessionNotesResponseDto,
  })
  @ApiHttpError(403, 'Not on the member’s care team', 'Access denied')
  async memberNotes(@Param('memberId') member: string, @Req() request: Request): Promise<unknown> {
    const memberId = memberIdOf(member);
    return this.access.memberAct(request, memberId, 'member.session-notes.read', 'R', ['SessionNote'], () =>
      this.services.call(request, 'scheduling', `/api/scheduling/members/${memberId}/session-notes`),
    );
  }

  private sessionPath(groupId: string, sessionId: string): string {
    return `/api/scheduling/groups/${groupId}/sessions/${encodeURIComponent(sessionId)}`;
  }

  private async load(request: Request, groupId: string, sessionId: string): Promise<GroupSessionView> {
    const path = `/api/scheduling/groups/${groupId}`;
    const [roster, calendar, notes] = await Promise.all([
      this.services.call<GroupRoster>(request, 'scheduling', `${path}/roster`),
      this.services.call<GroupCalendar>(request, 'scheduling', `${path}/calendar`),
      this.services.call<SessionNotes>(request, 'scheduling', `${this.sessionPath(groupId, sessionId)}/notes`),
    ]);
    const view = groupSessionView(roster, calendar, notes, sessionId, this.deps.doseSessions, this.deps.clock.now());
    if (!view) throw new NotFoundException('This group has no session with this id');
    return view;
  }
}
