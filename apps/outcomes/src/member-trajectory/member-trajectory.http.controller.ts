import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
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
  @ApiOkResponse({ description: 'Per instrument: standing measures, baseline vs latest and previous, band transition.' })
  get(@Param('memberId', MemberIdPipe) memberId: string) {
    return this.trajectory(memberId);
  }
}
