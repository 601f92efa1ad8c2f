import { Body, Controller, HttpCode, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MeasureCorrectionResponseDto } from '../outcomes.response.dto';
import { correctMeasure, type OutcomesDeps, type RequestContext } from '@carecircle/outcomes/application';
import { OUTCOMES_DEPS } from '../outcomes.deps';
import { MemberIdPipe, unwrap } from '../outcome-response';
import { Access, CommandContext, ApiServiceErrors, ApiDomainError } from '@carecircle/platform/service-kit';
import { toMeasureDetails } from '../record-measure/measure-details';
import { CorrectMeasureRequestDto } from './correct-measure.request.dto';

@ApiTags('measures')
@ApiServiceErrors()
@Controller('api/outcomes/members/:memberId/measures/:measureId/corrections')
export class CorrectMeasureHttpController {
  private readonly correct: ReturnType<typeof correctMeasure>;

  constructor(@Inject(OUTCOMES_DEPS) deps: OutcomesDeps) {
    this.correct = correctMeasure(deps);
  }

  @Post()
  @Access('member.measure.correct', { member: 'memberId' })
  @HttpCode(202)
  @ApiOperation({ summary: 'Correct a recorded measure' })
  @ApiAcceptedResponse({
    description: 'The correction is a new measure that references the corrected one.',
    type: MeasureCorrectionResponseDto,
  })
  @ApiDomainError(404, 'No measure with this id was recorded for the member.')
  @ApiDomainError(409, 'The measure was already corrected, or the measure id is taken by another measure.')
  @ApiDomainError(422, 'The correction names another instrument than the corrected measure.')
  async correctMeasure(
    @Param('memberId', MemberIdPipe) memberId: string,
    @Param('measureId', new ParseUUIDPipe()) correctsMeasureId: string,
    @Body() body: CorrectMeasureRequestDto,
    @CommandContext() context: RequestContext,
  ) {
    const { reason, ...measure } = body;
    const { changed } = unwrap(
      await this.correct(
        { ...toMeasureDetails(memberId, measure as CorrectMeasureRequestDto), correctsMeasureId, reason },
        context,
      ),
    );
    return {
      memberId,
      measureId: body.measureId,
      correctsMeasureId,
      status: changed ? 'corrected' : 'already-corrected',
    };
  }
}
