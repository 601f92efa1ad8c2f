import { Controller, Get, Inject, Param } from '@nestjs/common';
import { FacilitatorSessionsResponseDto } from '../scheduling.response.dto';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectEntityManager } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import type { SchedulingDeps } from '@carecircle/scheduling/application';
import { findUpcomingSessions } from '@carecircle/scheduling/read-models';
import { Access, ApiServiceErrors } from '@carecircle/platform/service-kit';
import { SCHEDULING_DEPS } from '../scheduling.deps';
import { OpaqueIdPipe } from '../scheduling-request';

@ApiTags('facilitators')
@ApiServiceErrors()
@Controller('api/scheduling/facilitators/:facilitatorId/upcoming-sessions')
export class FacilitatorsHttpController {
  constructor(
    @Inject(SCHEDULING_DEPS) private readonly deps: SchedulingDeps,
    @InjectEntityManager() private readonly em: EntityManager,
  ) {}

  @Get()
  @Access('facilitator.sessions.read', { self: 'facilitatorId' })
  @ApiOperation({ summary: "List a facilitator's upcoming sessions" })
  @ApiOkResponse({
    description:
      "Scheduled sessions not yet over, of every group the facilitator leads, soonest first (a read model that follows scheduling's events within moments).",
    type: FacilitatorSessionsResponseDto,
  })
  async upcoming(@Param('facilitatorId', OpaqueIdPipe) facilitatorId: string) {
    return { facilitatorId, sessions: await findUpcomingSessions(this.em, facilitatorId, this.deps.clock.now()) };
  }
}
