import { Body, Controller, Delete, HttpCode, Inject, Param, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { coordinate, type LiaisonDeps, type RequestContext } from '@carecircle/clinician-liaison/application';
import type { CareTeamRole } from '@carecircle/clinician-liaison/domain';
import { LIAISON_DEPS } from '../liaison.deps';
import { MemberIdPipe, OpaqueIdPipe } from '../member-id.pipe';
import { CommandContext, unwrapOutcome as unwrap } from '@carecircle/platform/service-kit';
import { AssignCareTeamMemberRequestDto, RecordMemberProfileRequestDto } from './care-team.request.dto';

@ApiTags('care team')
@Controller('api/liaison/members/:memberId')
export class CareTeamHttpController {
  private readonly run: ReturnType<typeof coordinate>;

  constructor(@Inject(LIAISON_DEPS) deps: LiaisonDeps) {
    this.run = coordinate(deps);
  }

  @Put('profile')
  @HttpCode(200)
  async profile(@Param('memberId', MemberIdPipe) memberId: string, @Body() body: RecordMemberProfileRequestDto, @CommandContext() context: RequestContext) {
    return unwrap(await this.run('RecordMemberProfile', { memberId, ...body }, context));
  }

  @Put('care-team')
  @HttpCode(200)
  async assign(@Param('memberId', MemberIdPipe) memberId: string, @Body() body: AssignCareTeamMemberRequestDto, @CommandContext() context: RequestContext) {
    return unwrap(await this.run('AssignCareTeamMember', { memberId, clinicianId: body.clinicianId, role: body.role, endpoint: body.endpoint ?? null }, context));
  }

  @Delete('care-team/:role/:clinicianId')
  @HttpCode(200)
  async end(
    @Param('memberId', MemberIdPipe) memberId: string,
    @Param('role', OpaqueIdPipe) role: string,
    @Param('clinicianId', OpaqueIdPipe) clinicianId: string,
    @CommandContext() context: RequestContext,
  ) {
    return unwrap(await this.run('EndCareTeamMember', { memberId, clinicianId, role: role as CareTeamRole }, context));
  }
}
