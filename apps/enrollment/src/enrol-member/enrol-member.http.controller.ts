import { Body, Controller, HttpCode, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiTags } from '@nestjs/swagger';
import { enrolMember, type RequestContext } from '@carecircle/enrollment/application';
import { CommandContext } from '../request-context.decorator';
import { unwrap } from '../outcome-response';
import { ENROLLMENT_DEPS, type EnrollmentDeps } from '../enrollment.deps';
import { EnrolMemberRequestDto } from './enrol-member.request.dto';

@ApiTags('referrals')
@Controller('api/referrals/:referralId/enrolment')
export class EnrolMemberHttpController {
  private readonly enrol: ReturnType<typeof enrolMember>;

  constructor(@Inject(ENROLLMENT_DEPS) deps: EnrollmentDeps) {
    this.enrol = enrolMember(deps);
  }

  @Post()
  @HttpCode(202)
  @ApiAcceptedResponse({ description: 'Enrolled (or already enrolled in this group); scheduling learns it through Kafka.' })
  async enrolMember(
    @Param('referralId', new ParseUUIDPipe()) referralId: string,
    @Body() body: EnrolMemberRequestDto,
    @CommandContext() context: RequestContext,
  ) {
    const { changed } = unwrap(await this.enrol({ referralId, groupId: body.groupId }, context));
    return { referralId, groupId: body.groupId, status: changed ? 'enrolled' : 'already-enrolled' };
  }
}
