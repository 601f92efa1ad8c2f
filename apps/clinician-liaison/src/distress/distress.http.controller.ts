import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { DistressReportResponseDto } from '../liaison.response.dto';
import { ApiAcceptedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { coordinate, type LiaisonDeps, type RequestContext } from '@carecircle/clinician-liaison/application';
import {
  Access,
  CommandContext,
  unwrapOutcome as unwrap,
  ApiServiceErrors,
  ApiDomainError,
} from '@carecircle/platform/service-kit';
import { ClinicianId } from '../clinician-id.decorator';
import { LIAISON_DEPS } from '../liaison.deps';
import { MemberIdPipe } from '../member-id.pipe';
import { ReportDistressRequestDto } from './distress.request.dto';

/**
 * A facilitator of the member's group (or a care-team clinician) reports acute distress seen in a session:
 * the acute-distress rule alerts the attending psychiatrist (critical), once per report id.
 */
@ApiTags('distress reports')
@ApiServiceErrors()
@Controller('api/liaison/members/:memberId')
export class DistressHttpController {
  private readonly run: ReturnType<typeof coordinate>;

  constructor(@Inject(LIAISON_DEPS) deps: LiaisonDeps) {
    this.run = coordinate(deps);
  }

  /** 202: accepted (`recorded: false` when this report id was already recorded). */
  @Post('distress-reports')
  @HttpCode(202)
  @Access('member.distress.report', { member: 'memberId' })
  @ApiOperation({ summary: 'Report distress observed in a group' })
  @ApiAcceptedResponse({
    description: 'Accepted (`recorded: false` when this report id was already recorded).',
    type: DistressReportResponseDto,
  })
  @ApiDomainError(404, 'Unknown member.')
  @ApiDomainError(422, 'Observed in the future, or in a group that is not the member’s.')
  async report(
    @Param('memberId', MemberIdPipe) memberId: string,
    @Body() body: ReportDistressRequestDto,
    @ClinicianId() reportedBy: string,
    @CommandContext() context: RequestContext,
  ) {
    const { reportId, groupId, observedAt } = body;
    const { changed } = unwrap(
      await this.run(
        'ReportDistress',
        {
          memberId,
          reportId,
          groupId,
          sessionId: body.sessionId ?? null,
          observedAt,
          reportedBy,
          note: body.note ?? null,
        },
        context,
      ),
    );
    return { reportId, recorded: changed };
  }
}
