import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MemberTrajectoryResponseDto } from '../outcomes.response.dto';
import { memberTrajectory, type OutcomesDeps } from '@carecircle/outcomes/application';
import { OUTCOMES_DEPS } from '../outcomes.deps';
import { Access, ApiServiceErrors } from '@carecircle/platform/service-kit';
import { MemberIdPipe } from '../outcome-response';

@ApiTags('measures')
@ApiServiceErrors()
@Controller('api/outcomes/members/:memberId/trajectory')
export class MemberTrajectoryHttpController {
  private readonly trajectory: ReturnType<typeof memberTrajectory>;

  constructor(@Inject(OUTCOMES_DEPS) deps: OutcomesDeps) {
    this.trajectory = memberTrajectory(deps);
  }

  @Get()
  @Access('member.outcomes.read', { member: 'memberId' })
  @ApiOperation({ summary: "Read a member's outcome trajectory" })
  @ApiOkResponse({
    description: 'Per instrument: standing measures, baseline vs latest and previous, band transition.',
    type: MemberTrajectoryResponseDto,
  })
  get(@Param('memberId', MemberIdPipe) memberId: string) {
    return this.trajectory(memberId);
  }
}
