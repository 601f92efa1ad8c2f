import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { facilitatorUpcomingSessions, type SchedulingDeps } from '@carecircle/scheduling/application';
import { SCHEDULING_DEPS } from '../scheduling.deps';
import { OpaqueIdPipe } from '../scheduling-request';

@ApiTags('facilitators')
@Controller('api/scheduling/facilitators/:facilitatorId/upcoming-sessions')
export class FacilitatorsHttpController {
  constructor(@Inject(SCHEDULING_DEPS) private readonly deps: SchedulingDeps) {}

  @Get()
  @ApiOkResponse({ description: 'Scheduled sessions not yet over, of every group the facilitator leads, soonest first.' })
  async upcoming(@Param('facilitatorId', OpaqueIdPipe) facilitatorId: string) {
    return { facilitatorId, sessions: await facilitatorUpcomingSessions(this.deps, facilitatorId) };
  }
}
