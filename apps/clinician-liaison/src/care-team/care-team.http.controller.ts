import { Body, Controller, Delete, HttpCode, Inject, Param, Post, Put } from '@nestjs/common';
import { EmergencyAccessResponseDto, LiaisonCommandResponseDto } from '../liaison.response.dto';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { coordinate, type LiaisonDeps, type RequestContext } from '@carecircle/clinician-liaison/application';
import type { CareTeamRole } from '@carecircle/clinician-liaison/domain';
import { ClinicianId } from '../clinician-id.decorator';
import { EMERGENCY_ACCESS_MINUTES, LIAISON_DEPS } from '../liaison.deps';
import { MemberIdPipe, OpaqueIdPipe } from '../member-id.pipe';
import {
  Access,
  CommandContext,
  unwrapOutcome as unwrap,
  ApiServiceErrors,
  ApiDomainError,
} from '@carecircle/platform/service-kit';
import {
  AssignCareTeamMemberRequestDto,
  OpenEmergencyAccessRequestDto,
  RecordMemberProfileRequestDto,
} from './care-team.request.dto';

@ApiTags('care team')
@ApiServiceErrors()
@Controller('api/liaison/members/:memberId')
export class CareTeamHttpController {
  private readonly run: ReturnType<typeof coordinate>;

  constructor(
    @Inject(LIAISON_DEPS) private readonly deps: LiaisonDeps,
    @Inject(EMERGENCY_ACCESS_MINUTES) private readonly emergencyAccessMinutes: number,
  ) {
    this.run = coordinate(deps);
  }

  @Put('profile')
  @HttpCode(200)
  @Access('member.profile.write', { member: 'memberId' })
  @ApiOperation({ summary: "Record a member's coordination profile" })
  @ApiOkResponse({ description: 'Recorded, or unchanged.', type: LiaisonCommandResponseDto })
  async profile(
    @Param('memberId', MemberIdPipe) memberId: string,
    @Body() body: RecordMemberProfileRequestDto,
    @CommandContext() context: RequestContext,
  ) {
    return unwrap(await this.run('RecordMemberProfile', { memberId, ...body }, context));
  }

  /** Admins and CareTeam-scoped integration clients only: nobody puts themselves on a care team. */
  @Put('care-team')
  @HttpCode(200)
  @Access('care-team.write', { member: 'memberId' })
  @ApiOperation({ summary: "Put a clinician on a member's care team" })
  @ApiOkResponse({ description: 'Assigned, or already.', type: LiaisonCommandResponseDto })
  @ApiDomainError(404, 'Unknown member.')
  @ApiDomainError(409, 'The clinician already holds this role on the care team.')
  async assign(
    @Param('memberId', MemberIdPipe) memberId: string,
    @Body() body: AssignCareTeamMemberRequestDto,
    @CommandContext() context: RequestContext,
  ) {
    return unwrap(
      await this.run(
        'AssignCareTeamMember',
        { memberId, clinicianId: body.clinicianId, role: body.role, endpoint: body.endpoint ?? null },
        context,
      ),
    );
  }

  @Delete('care-team/:role/:clinicianId')
  @HttpCode(200)
  @Access('care-team.write', { member: 'memberId' })
  @ApiOperation({ summary: "End a clinician's care-team role for a member" })
  @ApiOkResponse({ description: 'Ended.', type: LiaisonCommandResponseDto })
  @ApiDomainError(404, 'The clinician holds no such role on the care team.')
  async end(
    @Param('memberId', MemberIdPipe) memberId: string,
    @Param('role', OpaqueIdPipe) role: string,
    @Param('clinicianId', OpaqueIdPipe) clinicianId: string,
    @CommandContext() context: RequestContext,
  ) {
    return unwrap(await this.run('EndCareTeamMember', { memberId, clinicianId, role: role as CareTeamRole }, context));
  }

  /**
   * Break-the-glass by a clinician off the care team (the signed-in one): the member's record opens to
   * them for LIAISON_EMERGENCY_ACCESS_MINUTES, the care team is told, and the note stays in this service.
   * A second opening is a new window from now.
   */
  @Post('emergency-access')
  @HttpCode(201)
  @Access('member.emergency-access.open', { member: 'memberId' })
  @ApiOperation({ summary: "Open emergency access to a member's record" })
  @ApiCreatedResponse({
    description: 'Open until `expiresAt`; the care team is told.',
    type: EmergencyAccessResponseDto,
  })
  @ApiDomainError(404, 'Unknown member.')
  async openEmergencyAccess(
    @Param('memberId', MemberIdPipe) memberId: string,
    @Body() body: OpenEmergencyAccessRequestDto,
    @ClinicianId() clinicianId: string,
    @CommandContext() context: RequestContext,
  ) {
    const expiresAt = new Date(this.deps.clock.now().getTime() + this.emergencyAccessMinutes * 60_000).toISOString();
    const result = unwrap(
      await this.run(
        'OpenEmergencyAccess',
        { memberId, clinicianId, reasonCode: body.reasonCode, note: body.note, expiresAt },
        context,
      ),
    );
    return { ...result, expiresAt };
  }
}
