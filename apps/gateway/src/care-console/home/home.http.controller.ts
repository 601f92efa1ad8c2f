import { Controller, Get, Inject, Req } from '@nestjs/common';
import { ConsoleHomeResponseDto } from '../care-console.response.dto';
import { ApiConsoleErrors } from '../../fhir-http/api-responses';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import {
  alertsForView,
  inboxOf,
  rosterDoseProgress,
  sessionsToAttend,
  staffIdsActing,
  type ConsoleAlert,
  type GroupCalendar,
  type GroupRoster,
  type LiaisonAlert,
} from '@carecircle/gateway/application';
import { groupsFacilitatedBy } from '@carecircle/gateway/read-models';
import { historiesOf } from '../alert-histories';
import { AccessContext, ApiHttpError, Access } from '@carecircle/platform/service-kit';
import { CareConsoleAccess } from '../care-console.access';
import { CARE_CONSOLE_DEPS, type CareConsoleDeps } from '../care-console.deps';
import { PeopleNames } from '../people-names/people-names';
import { ServicesClient } from '../services.client';

/** The signed-in person's start page: a facilitator's groups, a clinician's members, a lead's reports. */
@ApiTags('care console')
@ApiBearerAuth()
@ApiConsoleErrors()
@Controller('api/care-console/home')
export class HomeHttpController {
  constructor(
    @Inject(CARE_CONSOLE_DEPS) private readonly deps: CareConsoleDeps,
    private readonly access: CareConsoleAccess,
    private readonly services: ServicesClient,
    private readonly relationships: AccessContext,
    private readonly names: PeopleNames,
  ) {}

  @Get()
  @Access('console.home.read', { self: 'caller' })
  @ApiOperation({ summary: "Read the signed-in person's care-console home" })
  @ApiOkResponse({
    type: ConsoleHomeResponseDto,
    description:
      'Facilitator: my groups with each member’s dose progress, my next sessions, the alerts about my members (facilitator copies). Clinician: my care-team members and the alerts addressed to me. Both: open alerts most severe first, then soonest to escalate; a Done list (acknowledged, resolved: who and when); counts per state. Programme lead: the role only (cohort reports are at /api/care-console/cohort-report).',
  })
  @ApiHttpError(401, 'No valid token', 'A valid bearer access token is required')
  @ApiHttpError(403, 'An integration client, or a role without a home', 'Access denied')
  async home(@Req() request: Request) {
    const me = await this.access.home(request);
    if (me.role === 'facilitator') return this.facilitatorHome(request, me.id);
    if (me.role === 'clinician') return this.clinicianHome(request, me.id);
    return { role: me.role, id: me.id };
  }

  private async facilitatorHome(request: Request, facilitatorId: string) {
    const now = this.deps.clock.now();
    const groupIds = await groupsFacilitatedBy(this.deps.sql, facilitatorId);
    const [groups, upcoming] = await Promise.all([
      Promise.all(
        groupIds.map(async (groupId) => {
          const path = `/api/scheduling/groups/${encodeURIComponent(groupId)}`;
          const [roster, calendar] = await Promise.all([
            this.services.call<GroupRoster>(request, 'scheduling', `${path}/roster`),
            this.services.call<GroupCalendar>(request, 'scheduling', `${path}/calendar`),
          ]);
          return {
            groupId,
            groupType: calendar.group.groupType,
            status: calendar.group.status,
            roster: rosterDoseProgress(roster, calendar, this.deps.doseSessions, now),
            sessions: sessionsToAttend(calendar, now),
          };
        }),
      ),
      this.services.call<{ sessions: unknown[] }>(
        request,
        'scheduling',
        `/api/scheduling/facilitators/${encodeURIComponent(facilitatorId)}/upcoming-sessions`,
      ),
    ]);
    const memberIds = [...new Set(groups.flatMap((group) => group.roster.map((member) => member.memberId)))];
    const alerts = await Promise.all(
      memberIds.map((memberId) =>
        this.services.call<LiaisonAlert[]>(request, 'clinicianLiaison', `/api/liaison/members/${memberId}/alerts`),
      ),
    );
    await this.access.audited(request, facilitatorId, ['Group', 'Attendance', 'Communication'], memberIds);
    const inbox = await this.inbox(alertsForView(alerts.flat(), 'facilitator'));
    return {
      role: 'facilitator' as const,
      id: facilitatorId,
      groups,
      upcomingSessions: upcoming.sessions.slice(0, 10),
      ...inbox,
      names: await this.namesOf(request, memberIds, inbox),
    };
  }

  private async clinicianHome(request: Request, clinicianId: string) {
    const memberIds = await this.relationships.relationships.membersOfClinician(clinicianId, this.deps.clock.now());
    const addressed = await this.services.call<LiaisonAlert[]>(
      request,
      'clinicianLiaison',
      `/api/liaison/clinicians/${encodeURIComponent(clinicianId)}/alerts`,
    );
    // Only members the gateway knows the clinician cares for: an inbox row for anyone else is not shown.
    const alerts = alertsForView(addressed, 'clinician').filter((alert) => memberIds.includes(alert.memberId));
    await this.access.audited(request, clinicianId, ['CareTeam', 'Communication'], memberIds);
    const inbox = await this.inbox(alerts);
    return {
      role: 'clinician' as const,
      id: clinicianId,
      members: memberIds,
      ...inbox,
      names: await this.namesOf(request, memberIds, inbox),
    };
  }

  /** Names for the members shown and the staff who acted on the alerts shown. */
  private namesOf(request: Request, memberIds: readonly string[], inbox: Awaited<ReturnType<typeof this.inbox>>) {
    const alerts = [...inbox.openAlerts, ...inbox.doneAlerts];
    return this.names.of(request, {
      members: [...memberIds, ...alerts.map((alert) => alert.memberId)],
      staff: staffIdsActing(alerts),
    });
  }

  /** Open alerts first, then Done, with who acted and when. */
  private async inbox(alerts: ConsoleAlert[]) {
    const { counts, open, done } = inboxOf(alerts, await historiesOf(this.deps.sql, alerts));
    return { alertCounts: counts, openAlerts: open, doneAlerts: done };
  }
}
