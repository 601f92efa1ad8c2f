import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MeasureCommandResponseDto } from '../outcomes.response.dto';
import { recordMeasure, type OutcomesDeps, type RequestContext } from '@carecircle/outcomes/application';
import { OUTCOMES_DEPS } from '../outcomes.deps';
import { MemberIdPipe, unwrap } from '../outcome-response';
import { Access, CommandContext, ApiServiceErrors, ApiDomainError } from '@carecircle/platform/service-kit';
import { toMeasureDetails } from './measure-details';
import { RecordMeasureRequestDto } from './record-measure.request.dto';

@ApiTags('measures')
@ApiServiceErrors()
@Controller('api/outcomes/members/:memberId/measures')
export class RecordMeasureHttpController {
  private readonly record: ReturnType<typeof recordMeasure>;

  constructor(@Inject(OUTCOMES_DEPS) deps: OutcomesDeps) {
    this.record = recordMeasure(deps);
  }

  @Post()
  @Access('member.measure.write', { member: 'memberId' })
  @HttpCode(202)
  @ApiOperation({ summary: "Record a member's outcome measure" })
  @ApiAcceptedResponse({
    description: 'Recorded (or already recorded); item 9, improvement and deterioration go out on Kafka.',
    type: MeasureCommandResponseDto,
  })
  @ApiDomainError(409, 'The measure id is taken by a different measure.')
  async recordMeasure(
    @Param('memberId', MemberIdPipe) memberId: string,
    @Body() body: RecordMeasureRequestDto,
    @CommandContext() context: RequestContext,
  ) {
    const outcome = await this.record(toMeasureDetails(memberId, body), context);
    const { changed } = unwrap(outcome);
    return {
      memberId,
      measureId: body.measureId,
      status: changed ? 'recorded' : 'already-recorded',
      events: outcome.ok ? outcome.events.map((e) => e.type) : [],
    };
  }
}
